// c18_mov_from_rr: mov r1 = rr[r3] at PSR.vm = 1 (cause 18): intercepted in slots 1 and 0, target untouched, the VMM answers from its vrr in the VPD; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	PROGRAM c18_mov_from_rr
test_main:
	GUEST g0
	CHECK_VFAULT "mov r8=rr[r10] (slot 1)", 18, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	VPD_SET 3072+2*8, (0x77 << 8) | (16 << 2)
	LDQ r27, rec_gr25              // the VMM: GR[r1] = vrr[GR[r3]{63:61}] (VPD + 3072)
	extr.u r16=r27,20,7 ;;
	br.call.sptk.many b0=gr_get ;;
	extr.u r25=r17,61,3 ;;
	CHECK "GR25's r3 names the guest's r10 (region 2)", r25, 2
	movl r2=VPD+3072 ;;
	shladd r2=r25,3,r2 ;;
	ld8 r17=[r2]
	extr.u r16=r27,6,7 ;;
	br.call.sptk.many b0=gr_set ;;
	RESUME_NEXT
	CHECK_BREAK "after the emulation"
	CHECK "r8 = the VMM's vrr[2]", r8, (0x77 << 8) | (16 << 2)
	GUEST g1
	CHECK_VFAULT "mov r8=rr[r10] (slot 0)", 18, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r10"
	LDQ r24, rec_iip
	CHECK "NaT in r10: IIP", r24, gnb
	GUEST gf
	CHECK_GENEX "target r40 outside the empty frame: Illegal Operation", 0
	TEST_END

g0:
	movl r10=0x4000000000000000 | 0x1234
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  mov r8=rr[r10]
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=0x4000000000000000
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  mov r8=rr[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=0x4000000000000000
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  mov r8=rr[r10]
	  nop.i 0 ;; }
	GUEST_END
gf:	alloc r14=ar.pfs,0,0,0,0
	movl r10=0x4000000000000000 ;;
	{ .mmi
	  mov r40=rr[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
