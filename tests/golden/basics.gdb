# guest: hello
# Breakpoints, stepping and examining memory on the 64-bit "hello" guest.
info program
break putc
tbreak serial_init
info breakpoints
run
continue
info registers rip rsp
print $rax
p/x $al
p/c $al
p/t 5
p (u8)0x1234 + 1
x/4xg $rsp
x/2i $pc
x/s greeting
x/8xb greeting
x/2dw greeting
stepi
si 2
nexti
finish
until
# a condition and an ignore count on breakpoint 1
condition 1 $al == 'o'
ignore 1 1
continue
p/c $al
info breakpoints
set $rbx = 0x1234
p/x $rbx
set {u32}0x200000 = 0xdeadbeef
x/1xw 0x200000
p {u16}0x200000
p *0x200000 & 0xffff
p $1
p $
p $$2
disable 1
advance puts_done
disassemble
delete
continue
info console
