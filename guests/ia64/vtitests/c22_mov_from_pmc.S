// c22_mov_from_pmc: mov r1 = pmc[r3] at PSR.vm = 1 (cause 22): intercepted in slots 1 and 0, target untouched; vdc.d_pmc lets it read the real register; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	PROGRAM c22_mov_from_pmc
test_main:
	GUEST g0
	CHECK_VFAULT "mov r8=pmc[r10] (slot 1)", 22, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g1
	CHECK_VFAULT "mov r8=pmc[r10] (slot 0)", 22, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r10"
	LDQ r24, rec_iip
	CHECK "NaT in r10: IIP", r24, gnb
	movl r10=5
	movl r24=0x66 ;;
	mov pmc[r10]=r24 ;;
	srlz.d ;;
	VTI_CONTROLS 0, D_PMC
	GUEST g0
	CHECK_BREAK "mov r8=pmc[r10] with vdc.d_pmc"
	CHECK "r8 = the real pmc[5] (native)", r8, 0x66
	VTI_CONTROLS 0, 0
	mov r24=r0 ;;
	movl r10=5 ;;
	mov pmc[r10]=r24 ;;
	srlz.d ;;
	GUEST gf
	CHECK_GENEX "target r40 outside the empty frame: Illegal Operation", 0
	TEST_END

g0:
	movl r10=5
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  mov r8=pmc[r10]
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=5
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  mov r8=pmc[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=5
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  mov r8=pmc[r10]
	  nop.i 0 ;; }
	GUEST_END
gf:	alloc r14=ar.pfs,0,0,0,0
	movl r10=5 ;;
	{ .mmi
	  mov r40=pmc[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
