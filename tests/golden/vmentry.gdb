# guest: minivmm
# The VM-entry checklist: a good entry, then entries made to fail by changing the VMCS.
break *_start+0x22c
continue
x/i $pc
info vmcs GUEST_CR0
info vmentry
catch vmentry-fail
catch vmentry
# a guest-state failure: VM-entry failure exit (reason 33)
set vmcs.GUEST_CR0 = 0x60000011
p/x vmcs.GUEST_CR0
stepi
info vmentry
info exit
info exits 2 all
starti
continue
# a host-state failure: VMfailValid(8), VMLAUNCH falls through
set vmcs.HOST_CR4 = 0
stepi
info vmentry
p vmcs.VM_INSTRUCTION_ERROR
info vmcs VM_INSTRUCTION_ERROR
starti
continue
# the controls: VMfailValid(7)
set vmcs.PIN_BASED_VM_EXEC_CONTROL = 0
continue
info vmentry -v
starti
continue
delete 2
continue
info vmentry
