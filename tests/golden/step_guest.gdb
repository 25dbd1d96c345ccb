# guest: minivmm
# Stepping in guest mode: a step whose instruction exits runs the VMM's exit handling through
# to the next VM entry, so the guest can be followed alone.
break guestos__start
continue
set step-mode guest
show step-mode
until *0x400023
stepi
stepi 3
info exits 2
# nexti over a call whose body exits many times (the serial output goes through the VMM)
x/2i $pc
tbreak *0x40003e
continue
nexti 3
info registers eip
# finish: run until the guest function returns
break guestos_puts
continue
delete
finish
# stepping from the VMM in guest mode goes to the guest
catch vmexit hlt
continue
delete
stepi
info exit
set step-mode full
stepi
