# guest: ia64/vtivmm
# The debugger's VT-i side: virtualization faults and resumes in the exit log, catch vfault /
# pal / vmsw / vmexit VEI, info vpd, vpd.FIELD, guest-only stepping through the VMM.
catch pal PAL_VP_CREATE
run
print/x $pal_index
info vpd
delete
catch vfault MOV_FROM_CPUID THASH
continue
info exit
print $cause
info vti
info vmentry
print/x $opcode
info registers r24 r25
set step-mode guest
stepi
info exits all 4
delete
tcatch vmsw
continue
info breakpoints
catch vmexit VIRTUAL_EXTERNAL_INTERRUPT
continue
info vpd vhpi
info vpd vac
stepi
delete
set step-mode full
continue
info exits stats
