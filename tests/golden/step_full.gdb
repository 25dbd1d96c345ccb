# guest: minivmm
# Stepping in full mode: a stepi whose instruction exits stops in the VMM at the host RIP,
# and a stepi over VMRESUME stops at the guest's next instruction.
show step-mode
break guestos__start
continue
x/6i $pc
until *0x400023
info registers rax rip
stepi
info exit
p/x $rip == vmcs.HOST_RIP
p/x vmcs.GUEST_RIP
nexti 3
break *vmexit_entry+0x74
continue
x/i $pc
stepi
info registers rip eax ebx
info exits 3 all
stepi 2
