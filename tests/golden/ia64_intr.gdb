# guest: ia64/intr
# Catchpoints on IVT vectors: the break handler, a step onto a faulting slot, external
# (timer) interrupts; the interruption registers decoded; the IVT.
catch exception break
info breakpoints
continue
p/x $vector
p/x $fault_pc
p $error == $cr.isr
info registers cr.iim cr.iip cr.isr cr.ipsr cr.ifs psr
x/3i $pc
stepi 3
info program
info ivt
# the second break is in slot 0; stop before it and step onto it
delete
break *0x1001b0
continue
stepi
info registers cr.iip cr.isr
delete
catch interrupt 0xe1
continue
p/x $vector
info registers cr.itv cr.tpr cr.irr3 cr.itm
delete
tcatch exception external_interrupt
continue
info breakpoints
# the handler counts ticks in memory: a watchpoint stops right after the store
watch {u64}ticks
continue
x/3i $pc - 0x10
delete
continue
