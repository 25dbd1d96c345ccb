// Every instruction group the decoder knows, in objdump's spellings (assembled by tests).
	.text
{ .mii
 ld8.s r1=[r2]
 chk.s.i r1, L0
 nop.i 0
}
{ .mmi
 chk.s.m r1, L0
 chk.a.nc r1,L0
 nop.i 0 ;;
}
L0:
{ .mmi
 cmpxchg8.acq r1=[r2],r3,ar.ccv
 xchg4 r4=[r5],r6
 nop.i 0 }
{ .mmi
 fetchadd8.rel r7=[r8],-16
 ld8.c.clr r9=[r10]
 nop.i 0
}
{ .mmi
 ld8.fill r11=[r12],8
 st8.spill [r13]=r14,16
 nop.i 0 }
{.mmi
 ld4.acq r1=[r2]
 st8.rel [r3]=r4
 nop.i 0 }
{.mmi
 ld1 r1=[r2],r3
 ld2.sa r4=[r5],-256
 popcnt r6=r7 }
{.mmi
  ld8.c.nc r1=[r2]
 chk.a.clr r1,L0
 nop.i 0 }
{.mmi
  invala
 invala.e r5
 mux1 r1=r2,@rev }
{.mii
 nop.m 0
 mux2 r1=r2,0x1b
 shrp r3=r4,r5,7 }
{.mii
 lfetch [r1]
 pshl2 r1=r2,r3
 pshr4.u r4=r5,7}
{.mii
 ld8.bias r1=[r2]
 pshl4 r1=r2,3
 pshr2 r4=r5,r6}
{.mii
 mf
 zxt1 r1=r2
 sxt4 r3=r4}
{.mii
 mf.a
 czx1.l r1=r2
 tnat.z p1,p2=r3}

L1:
{.mib
 nop.m 0
 nop.i 0
 br.cond.sptk.few L1 }
{.mib
 nop.m 0
 nop.i 0
 br.cond.spnt.many L1 }
{.mib
 nop.m 0
 nop.i 0
 br.cond.dptk.few.clr L1 }
{.mib
 nop.m 0
 nop.i 0
 br.sptk.many L1 }
{.mib
 nop.m 0
 nop.i 0
 br L1 }
{.mib
 nop.m 0
 nop.i 0
 br.cloop.sptk.few L1 }
{.mib
 nop.m 0
 nop.i 0
 br.ctop.dptk.many L1 }
{.mib
 nop.m 0
 nop.i 0
 br.cexit.spnt.few L1 }
{.mib
 nop.m 0
 nop.i 0
 br.wtop.sptk.few L1 }
{.mib
 nop.m 0
 nop.i 0
 br.wexit.sptk.few L1 }
{.mib
 nop.m 0
 nop.i 0
 br.call.dpnt.few b1=L1 }
{.mib
 nop.m 0
 nop.i 0
 br.call.sptk.many b1=b2 }
{.mib
 nop.m 0
 nop.i 0
 br.ret.sptk.few b3 }
{.mib
 nop.m 0
 nop.i 0
 br.cond.sptk.few b3 }
{.mib
 nop.m 0
 nop.i 0
 br.ia.sptk.many b3 }
{.mlx
 nop.m 0
 brl.cond.sptk.few L1 }
{.mlx
 nop.m 0
 brl.cond.dptk.many L1 }
{.mlx
 nop.m 0
 brl.call.sptk.many b0=L1 }
{.mlx
 nop.m 0
 brl.call.spnt.few.clr b0=L1 }
{.mlx
 nop.m 0
 brl.sptk.few L1 }
{.mib
 nop.m 0
 mov b1=r2
 nop.b 0 }
{.mib
 nop.m 0
 mov.ret b1=r2,L1b
 nop.b 0 }
{.bbb
 nop.b 0
 nop.b 0
 clrrrb ;; }
{.bbb
 nop.b 0
 epc
 clrrrb.pr ;; }
{.mib
 nop.m 0
 nop.i 0
 nop.b 0 }
{.mib
 nop.m 0
 hint.i 0
 nop.b 0x1234 }
{ .mmi
 hint.m 0
 nop.m 5
 break.i 0x10 }
L1b:
{.mii
 alloc r32=ar.pfs,0,0,0,0
 mov pr.rot=0x10000
 mov pr=r1 }
{.mii
 mov r1=psr.um
 mov.i ar.ec=r3
 mov.i r3=ar.ec}
{.mmi
 mov ar.rsc=r3
 mov r2=ar.bsp
 mov.i ar.pfs=r3}
{.mmi
 flushrs
 loadrs
 nop.i 0 ;;}
{.mmi
 mov.m ar.unat=r1
 mov.m r3=ar.rnat
 nop.i 0 ;;}
{.mmi
 mov r1=cr.isr
 mov r2=cr.iip
 nop.i 0 ;;}
{.mmi
 mov r1=cr.lid
 mov r2=cr.ivr
 nop.i 0 ;;}
{.mmi
 mov r1=cr.ifs
 mov cr.lrr1=r2
 nop.i 0 ;;}
{.mmi
 mov r1=cr.dcr
 mov cr.itm=r2
 nop.i 0 ;;}

{.mmi
 st1 [r1]=r2
 st2.nta [r3]=r4,5
 nop.i 0 }
{.mmi
 st8.spill.nta [r1]=r2
 nop.m 0
 nop.i 0 }
{.mmi
 ld8.nt1 r1=[r2]
 ld4.nta r1=[r2],r3
 mov.i ar.lc=r3 ;;}
{.mmi
 cmpxchg4.rel.nta r1=[r2],r3,ar.ccv
 fetchadd4.acq r1=[r2],1
 nop.i 0}
{.mii
 addp4 r1=r2,r3
 shladd r1=r2,3,r3
 sub r1=r2,r3,1 }
{.mii
 and r1=r2,r3
 andcm r1=-1,r3
 or r1=r2,r3 }
{.mii
 xor r1=3,r3
 addp4 r1=-5,r3
 mov r1=-2000000 }
{.mii
 cmp4.eq.and p1,p2=r3,r4
 cmp.ne.or p3,p4=5,r6
 cmp.gt.or.andcm p5,p6=r0,r7 }
{.mii
 cmp.le.unc p1,p2=r3,r4
 cmp.ge p3,p4=5,r6
 cmp.ltu p5,p6=-5,r7 }
{.mii
 cmp.geu p1,p2=r3,r4
 cmp4.gtu p3,p4=5,r6
 tbit.nz.and p5,p6=r7,3 }
{.mii
 nop.m 0
 extr r1=r2,3,8
 dep r1=0,r3,4,5 }
{.mii
 nop.m 0
 dep.z r1=7,4,5
 dep r1=-1,r3,4,5 }
{.mii
 nop.m 0
 shr r1=r2,5
 shr.u r1=r2,r3 }
{.mii
 nop.m 0
 shr r1=r2,r3
 shr.u r1=r2,5 }
{.mii
 nop.m 0
 mov pr=r1,0x1ff3e
 mov r1=pr }
{.mii
 nop.m 0
 tnat.nz p1,p2=r3
 tbit.z.unc p1,p2=r3,63 }
{.mmi
 mov.m ar.k0=r1
 mov.m ar.itc=r2
 mov.i ar.ec=5 ;;}
{.mmi
 mov.m ar.fpsr=r1
 mov.m r2=ar.ccv
 mov.i ar.pfs=-5 ;;}
{.mmi
 mov r1=cr.irr0
 mov r1=cr.itv
 nop.i 0 ;;}
{.mmi
 mov r1=cr.iha
 mov cr.pta=r1
 nop.i 0 ;;}
{.mmi
 mov r1=msr[r2]
 probe.rw.fault r3,1
 nop.i 0 ;;}
{.mmi
 ld8.c.clr.acq r1=[r2]
 ld1.s r1=[r2],r3
 sxt1 r1=r2}
{.mmi
 fc.i r9
 mov r1=cr.cmcv
 czx2.r r1=r2}
{.mlx
 nop.m 0
 movl r1=-1 }
{.mlx
 nop.m 0
 break.x 0x3fffffffffffffff }
{.mlx
 nop.m 0
 nop.x 0x1234567 }

{.mii
 nop.m 0
 mov b1=r2
 mov.sptk b2=r3,L3
}
{.mii
 nop.m 0
 mov.dptk b1=r2,L3
 mov.imp b2=r3,L3
}
{.mii
 nop.m 0
 mov.ret.sptk b1=r2,L3
 mov.ret.dptk.imp b2=r3,L3
}
L3:
{.mii
 nop.m 0
 mov b1=r2,L3
 nop.i 0
}

Lbrp1:
{.mib
 nop.m 0
 nop.i 0
 brp.sptk Lbrp1,Lbrp2 }
{.mib
 nop.m 0
 mov b1=r2
 brp.ret.dptk b1,Lbrp2 }
{.mib
 nop.m 0
 nop.i 0
 brp.loop.imp Lbrp2,Lbrp2 }
{.mib
 nop.m 0
 nop.i 0
 brp.exit Lbrp1,Lbrp2 }
Lbrp2:
{.mib
 nop.m 0
 nop.i 0
 nop.b 0 }
