# guest: long64
# catch msr and interrupt (timer IRQs on the IST stack), 4-level walks, stepping into SYSCALL.
catch msr
break user_main
continue
delete 1
continue
info registers ia32_star ia32_lstar
x/5i $pc
nexti 3
info registers cs
catch interrupt 0x20
continue
info registers cs rsp
info tss
info translate $rsp
delete
catch interrupt 0x80
continue
info registers cs
continue
p $_exitcode
