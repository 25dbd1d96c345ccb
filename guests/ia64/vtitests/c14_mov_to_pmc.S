// c14_mov_to_pmc: mov pmc[r3] = r2 at PSR.vm = 1 (cause 14): intercepted in slots 1 and 0, the real register untouched; vdc.d_pmc lets it run natively; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c14_mov_to_pmc
test_main:
	GUEST g0
	CHECK_VFAULT "mov pmc[r10]=r9 (slot 1)", 14, g0b, 1
	mov r24=pmc[r10] ;;
	CHECK "the real pmc[4] is untouched", r24, 0
	GUEST g1
	CHECK_VFAULT "mov pmc[r10]=r9 (slot 0)", 14, g1b, 0
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r9"
	LDQ r24, rec_iip
	CHECK "NaT in r9: IIP", r24, gnb
	VTI_CONTROLS 0, D_PMC
	GUEST g0
	CHECK_BREAK "mov pmc[r10]=r9 with vdc.d_pmc"
	mov r24=pmc[r10] ;;
	CHECK "mov pmc[r10]=r9 ran natively", r24, 0x55
	VTI_CONTROLS 0, 0
	TEST_END

g0:
	mov r10=4
	movl r9=0x55 ;;
g0b:	{ .mmi
	  nop.m 0
	  mov pmc[r10]=r9
	  nop.i 0 ;; }
	GUEST_END
g1:
	mov r10=4
	movl r9=0x55 ;;
g1b:	{ .mmi
	  mov pmc[r10]=r9
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	mov r10=4
	movl r9=0x55 ;;
	MAKE_NAT r9
gnb:	{ .mmi
	  nop.m 0
	  mov pmc[r10]=r9
	  nop.i 0 ;; }
	GUEST_END
