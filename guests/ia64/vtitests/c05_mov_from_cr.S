// c05_mov_from_cr: mov r1 = cr at PSR.vm = 1 (cause 5): intercepted, target untouched, the VMM answers from vcr[]; a_from_int_cr serves the interruption CRs only, a_int serves tpr but not ivr or irr0; vdc d_extint / d_itm read the real tpr / itm; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c05_mov_from_cr
test_main:
	VPD_SET VCR+19*8, 0x1234560
	VPD_SET VCR+66*8, 0x50
	GUEST g1
	CHECK_VFAULT "mov r8=cr.iip (slot 1)", 5, g1b, 1
	CHECK "r8 not written", r8, 0x3333
	LDQ r27, rec_gr25              // the VMM: GR[r1] = vcr[cr3]
	extr.u r26=r27,20,7 ;;
	CHECK "GR25's cr3 field = 19 (iip)", r26, 19
	br.call.sptk.many b0=vcr_to_gr ;;
	RESUME_NEXT
	CHECK_BREAK "after the emulation"
	CHECK "r8 = viip, through the VMM", r8, 0x1234560
	VTI_CONTROLS A_FROM_INT_CR, 0
	GUEST g2
	CHECK_BREAK "mov r8=cr.iip with a_from_int_cr"
	CHECK "r8 = viip from the VPD", r8, 0x1234560
	GUEST g3
	CHECK_VFAULT "a_from_int_cr does not serve cr.dcr", 5, g3b, 0
	GUEST g4
	CHECK_VFAULT "a_from_int_cr does not serve cr.tpr", 5, g4b, 1
	VTI_CONTROLS A_INT, 0
	GUEST g4
	CHECK_BREAK "mov r8=cr.tpr with a_int"
	CHECK "r8 = vtpr", r8, 0x50
	GUEST g5
	CHECK_VFAULT "a_int does not serve cr.ivr", 5, g5b, 1
	GUEST g7
	CHECK_VFAULT "a_int does not serve cr.irr0", 5, g7b, 0
	VTI_CONTROLS 0, D_EXTINT
	mov r25=cr.tpr ;;
	GUEST g4
	CHECK_BREAK "mov r8=cr.tpr with d_extint"
	CHECKR "r8 = the real tpr", r8, r25
	movl r25=0x123456789 ;;
	mov cr.itm=r25 ;;
	srlz.d ;;
	GUEST g6
	CHECK_VFAULT "mov r8=cr.itm without d_itm", 5, g6b, 0
	VTI_CONTROLS 0, D_ITM
	GUEST g6
	CHECK_BREAK "mov r8=cr.itm with d_itm"
	CHECK "r8 = the real itm", r8, 0x123456789
	VTI_CONTROLS 0, 0
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	CHECK_FRAME gf
	TEST_END

	M_GUEST g1, g1b, 1, "mov r8=cr.iip", "movl r8=0x3333 ;;"
	M_GUEST g2, , 0, "mov r8=cr.iip", "mov r8=0 ;;"
	M_GUEST g3, g3b, 0, "mov r8=cr.dcr", "mov r8=0 ;;"
	M_GUEST g4, g4b, 1, "mov r8=cr.tpr", "mov r8=0 ;;"
	M_GUEST g5, g5b, 1, "mov r8=cr.ivr", "mov r8=0 ;;"
	M_GUEST g6, g6b, 0, "mov r8=cr.itm", "mov r8=0 ;;"
	M_GUEST gf, , 0, "mov r40=cr.iip", "alloc r14=ar.pfs,0,0,0,0 ;;"
g7:	mov r8=0 ;;
	srlz.d ;;
	M_BUNDLE g7b, 0, "mov r8=cr.irr0"
	GUEST_END
