# guest: ia64/hello
# mode: lines
# Mistakes on an IA-64 guest are one-line errors and change nothing.
p $r40
set $r40 = 1
set $r0 = 1
set $ar.bsp = 0
p $ar.bsp.x
set $ar.bsp.x = 1
p $nosuch
catch exception data_tbl
catch exception data
catch exception 0x3800
catch exception 68
catch vmexit cpuid
catch vfault 99
catch vfault mov_to
catch pal PAL_NOPE
catch vmsw 2
catch vmx vmsw
info vpd nosuch
info gdt
info tss
info vmx
info vpd
p vmcs.GUEST_RIP
x/2xg 0x4000000000000000
info registers r999
break puts
run
p $r33
info registers r32 r33
break *0x100013
