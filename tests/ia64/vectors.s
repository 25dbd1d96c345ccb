// The test vectors of vti.md section 6.4, one bundle each, at address 0 upwards.
	.text
	.explicit
{ .mii
	add r1=r2,r3
	add r4=r5,r6,1
	sub r7=r8,r9 }
{ .mii
	sub r10=5,r11
	adds r12=-8000,r13
	addl r14=2000000,r3 }
{ .mii
	nop.m 0
	nop.i 0
	nop.i 0 }
{ .mii
	cmp.eq p6,p7=r1,r2
	cmp.lt.unc p8,p9=100,r3
	cmp4.ltu p10,p11=r4,r5 }
{ .mii
	nop.m 0
	tbit.z p12,p13=r6,33
	extr.u r23=r24,7,9 }
{ .mii
	nop.m 0
	dep.z r25=r26,4,12
	dep r27=r28,r29,10,16 }
{ .mii
	nop.m 0
	shl r30=r31,r1
	shr.u r2=r3,r4 }
{ .mlx
	nop.m 0
	movl r5=0x123456789abcdef0 }
{ .mii
	ld8 r6=[r7],16
	mov r8=ip
	mov r9=pr }
{ .mmi
	st4 [r10]=r11,-24
	ld1 r12=[r13],r14
	mov pr=r15,0x1ff3e }
{ .mmi
	mov r16=cpuid[r17]
	mov rr[r18]=r19
	mov.i ar.pfs=r20 }
{ .mmi
	mov r21=rr[r22]
	mov cr.iva=r23
	mov.i r24=ar.lc }
{ .mmi
	mov r25=cr.ipsr
	mov.m ar.k5=r26
	nop.i 0 }
{ .mmi
	mov.m r27=ar.itc
	mov.m ar.ccv=77
	mov.i ar.lc=-5 }
{ .mmi
	mov psr.l=r28
	mov r29=psr
	nop.i 0 }
{ .mmi
	ssm 0x6000
	rsm 0x800008
	nop.i 0 }
{ .mmi
	sum 0x4
	rum 0x8
	nop.i 0 }
{ .mmi
	itc.d r30 ;;
	nop.m 0
	nop.i 0 }
{ .mmi
	itc.i r31 ;;
	nop.m 0
	nop.i 0 }
{ .mmi
	itr.d dtr[r1]=r2
	itr.i itr[r3]=r4
	nop.i 0 }
{ .mmi
	ptc.l r5,r6 ;;
	nop.m 0
	nop.i 0 }
{ .mmi
	ptc.g r7,r8 ;;
	nop.m 0
	nop.i 0 }
{ .mmi
	ptc.e r9
	ptr.d r10,r11
	nop.i 0 }
{ .mmi
	ptr.i r12,r13
	nop.m 0
	nop.i 0 }
{ .mmi
	thash r14=r15
	ttag r16=r17
	nop.i 0 }
{ .mmi
	tpa r18=r19
	tak r20=r21
	nop.i 0 }
{ .mmi
	probe.r r22=r23,r24
	probe.w.fault r25,3
	nop.i 0 }
{ .mmi
	mov pkr[r26]=r27
	mov r28=pkr[r29]
	nop.i 0 }
{ .mmi
	mov dbr[r1]=r2
	mov r3=ibr[r4]
	nop.i 0 }
{ .mmi
	mov pmc[r5]=r6
	mov r7=pmd[r8]
	nop.i 0 }
{ .mmi
	srlz.i ;;
	srlz.d
	nop.i 0 }
{ .mmi
	sync.i
	nop.m 0
	nop.i 0 }
{ .mmi
	fc r9
	break.m 0x12345
	break.i 0x1abcd ;; }
{ .mmi
	alloc r32=ar.pfs,2,3,4,8
	mov psr.um=r10
	nop.i 0 }
{ .mmi
	mov r11=psr.um
	nop.m 0
	nop.i 0 }
{ .mmb
	nop.m 0
	nop.m 0
	br.call.sptk.many b0=.+0 }
{ .mib
	nop.m 0
	mov b6=r12
	br.cond.sptk.many b6 }
{ .mib
	nop.m 0
	mov r13=b6
	br.ret.sptk.many b0 }
{ .mib
	nop.m 0
	nop.i 0
	(p6) br.cond.dptk.few .+0 }
{ .bbb
	nop.b 0
	nop.b 0
	cover ;; }
{ .bbb
	nop.b 0
	nop.b 0
	rfi ;; }
{ .bbb
	nop.b 0
	nop.b 0
	bsw.0 ;; }
{ .bbb
	nop.b 0
	break.b 0x1f
	bsw.1 ;; }
{ .bbb
	vmsw.0
	vmsw.1
	epc }
{ .mlx
	nop.m 0
	brl.cond.sptk.many .+0 }
{ .mlx
	nop.m 0
	break.x 0x123456789 }
{ .mfi
	nop.m 0
	nop.f 0
	nop.i 0 ;; }
