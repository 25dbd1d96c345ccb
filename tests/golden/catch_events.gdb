# guest: minivmm
# catch vmx, msr, io, cpuid, vmentry; tcatch; the event variables.
catch vmx vmxon vmptrld
catch msr 0x3a
info breakpoints
continue
p/x $msr
p $msr_write
continue
continue
p $vmx_insn
delete
tcatch vmx vmwrite if vmcs.GUEST_RIP != 0
continue
info breakpoints
catch vmentry
continue
info vmentry
p/x vmcs.GUEST_RIP
p/x $rip
continue
delete
catch cpuid
continue
p/x $leaf
delete
catch io 0x3f8 if $io_value == 'G'
continue
p/c $io_value
delete
catch exception
catch interrupt
continue
p $vector
