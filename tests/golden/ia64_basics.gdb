# guest: ia64/hello
# IA-64 registers, slot disassembly, stepping by slot, breakpoints on symbols and on
# bundle+slot addresses, x/FMT and set on the "hello" guest.
info program
info registers
info registers r1 sp gp ar.bsp ar.bspstore psr cfm
p $ar.bsp
p/x $psr.ic
p/x $cr.iva
x/6i $pc
break puts
tbreak *0x100172
info breakpoints
run
info registers r32 cfm b0 rp ar.pfs
x/s $r32
x/8xb $r32
x/2xg greeting
x/2dw greeting
x/3c greeting
p/a $b0
# one instruction slot at a time
stepi
stepi
si 3
p $p6
info registers pr
# the predicated branch is not taken: nexti steps over it like any slot
nexti 4
finish
# writes to registers and memory
set $r34 = 0x1234
p/x $r34
set $p6 = 1
p/x $pr
set $ar.lc = 5
p $lc
set $psr.be = 1
info registers psr
set $psr.be = 0
set {u8}greeting = 'J'
x/s greeting
p {u16}greeting
continue
delete
continue
info console
