# guest: minivmm
# catch vmexit by SDM name and number, with conditions on the decoded qualification.
catch vmexit cpuid
catch vmexit 28 if $exit_qual.cr == 3
catch vmexit io_instruction if $exit_qual.port == 0x21 && !$exit_qual.in
info breakpoints
continue
p $exit_reason
p/x $guest_rip
delete 1
continue
p $exit_qual
p $exit_qual.access
p $exit_qual.gpr
continue
p/x $exit_qual.port
p $exit_qual.size
info exit
delete
catch vmexit hlt preemption_timer external_interrupt
continue
info exit
continue
continue
p/x $exit_intr.vector
p $exit_intr.valid
delete
catch vmexit ept_violation
continue
info exit
p/x $guest_physical
p $exit_qual.write
delete
continue
info exits 5
info exits 4 EPT_VIOLATION
info exits 3400-3404
info exits stats
