# guest: ia64/rse
# The register stack: a deep recursion with spills, nexti and finish across frames (AR.BSP
# tells the depth), a call in the middle slot of an MBB bundle, a br.ctop loop over rotating
# registers, a register watchpoint.
break *0x1004a2 if $r32 == 36
run
x/2i $pc
info registers r32 r50 r51 cfm ar.pfs ar.bsp ar.bspstore
info rse
# nexti over the recursive call stops after it at this depth, not in a deeper frame
nexti
p $r32
p $r8
# finish: run until this frame's br.ret, to the caller (one frame up)
finish
p $r32
p $r8
info registers cfm ar.bsp
delete
# br.call in slot 1 of an MBB bundle returns to the next bundle
tbreak *0x1002e1
continue
x/3i $pc
nexti
# the software-pipelined loop: rotating registers and predicates
advance pipe
info registers cfm ar.lc ar.ec pr
display/x $r32
display/i $pc
stepi 3
undisplay
watch $ar.lc
continue
continue
delete
info registers ar.lc ar.ec pr
# until at the loop's backward br.ctop runs until the loop is done
advance *0x100382
until
info registers ar.lc ar.ec r48
delete
continue
