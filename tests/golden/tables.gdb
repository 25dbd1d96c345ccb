# guest: prot32
# catch exception / interrupt; descriptor tables, TSS, TLB and 32-bit page walks.
catch exception #PF
catch interrupt 0x80 if $eax != 1
info breakpoints
continue
p $vector
info registers eax
continue
p $vector
p/x $error
info registers cr2 cr3 eip
info translate $cr2
info exits
info registers cs ss
info gdt
info idt
info tss
info tlb
info translate $esp
info translate 0xfffff000
delete
catch exception gp
continue
