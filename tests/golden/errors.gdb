# guest: hello
# mode: lines
info registers rip
frobnicate
s
p 1 +
p (1
p 1 / 0
p $nosuchreg
p nosuchsym
p vmcs.GUEST_RIP
info vmcs
p vmcs.NO_SUCH_FIELD
set $al = 0x100
set {u8}0x200000 = 256
set $cs = 8
set step-mode sideways
set exit-log-size 0
x/4q 0x1000
x/4xg 0xfffffffff000
break nosuchsym
break *0x100000 if (1
delete 99
condition 42 1
ignore 1 -1
catch vmexit NO_SUCH_REASON
catch nothing
catch exception 300
catch vmentry 5
catch vfault MOV_TO_CR
watch 1 + 2
rwatch $rax
source /no/such/file.gdb
dump exits /no/such/dir/x.json
stepi 0
info exit 5
info exit
end
else
loop_break
print
undisplay 7
info registers nosuch
printf "%d %d\n", 1
printf "%d\n", 1, 2
printf no quotes
echo checks that nothing changed:\n
info registers rip
info program
