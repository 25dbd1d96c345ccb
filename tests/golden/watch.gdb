# guest: minivmm
# Watchpoints on memory, on a register and on VMCS fields.
watch total_exits
watch vmcs.GUEST_RIP
info breakpoints
continue
continue
continue
p/x vmcs.GUEST_RIP
delete 2
continue
continue
info breakpoints
delete
rwatch {u64}guest_regs
continue
p/x {u64}guest_regs
delete
# the condition sees the value the instruction left
watch -guest {u32}guestos_ticks if {u32}guestos_ticks == 2
continue
p {u32}guestos_ticks
delete
starti
awatch -phys {u8}guestos_vendor
continue
continue
x/1cb guestos_vendor
delete
watch $cr3
continue
continue
info registers cr3
delete
watch vmcs.EXIT_QUALIFICATION
continue
continue
delete
rwatch vmcs.VM_EXIT_REASON
continue
delete
# a software watchpoint: single-steps, comparing after each instruction
watch $rdx if $rdx == 0x3fd
continue
info breakpoints
