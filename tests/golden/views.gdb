# guest: minivmm
# The VMCS, EPT and guest views while the guest runs, and from the VMM after an exit.
catch vmexit cr_access
continue
info vmx
info vmcs exit-info
info vmcs controls
info vmcs CR0_GUEST_HOST_MASK
info vmcs GUEST_TR_AR_BYTES
info translate -guest 0x400000
info translate -guest 0x500000
set vmcs.CR3_TARGET_COUNT = 1
set vmcs.CR3_TARGET_VALUE0 = 0x12345000
p/x vmcs.CR3_TARGET_VALUE0
info vmcs CR3_TARGET_COUNT
set vmcs.CR3_TARGET_COUNT = 0
delete
catch vmentry
continue
info registers eip cr0 cr3 cr4 efer
info vmcs guest
info translate $eip
x/3i $eip
dump exits exits.jsonl
info exits 2 all
info exits 3 CPUID
set vmcs.VIRTUAL_PROCESSOR_ID = 0x10000
