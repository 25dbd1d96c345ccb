// c04_mov_to_cr: mov cr = r2 at PSR.vm = 1 (cause 4); the VMM emulates it into vcr[] and the guest reads it back; a_to_int_cr, a_int (tpr, not eoi), vdc d_itm / d_extint (65-71 only, not lid or itv)
	.include "vtilib.inc"
	PROGRAM c04_mov_to_cr
test_main:
	GUEST g1
	CHECK_VFAULT "mov cr.dcr=r9", 4, g1b, 1
	CHECK "the fault happened before the instruction: r8 still 0", r8, 0
	// the VMM emulates from GR25: vcr[cr3] = GR[r2]
	LDQ r27, rec_gr25
	extr.u r16=r27,13,7 ;;
	br.call.sptk.many b0=gr_get ;;
	extr.u r26=r27,20,7 ;;
	CHECK "GR25 names cr.dcr (cr3 field)", r26, 0
	CHECK "GR25's r2 field names the guest's r9 value", r17, 0x1234
	movl r2=VPD+VCR ;;
	shladd r2=r26,3,r2 ;;
	st8 [r2]=r17
	mov r3=cr.dcr ;;
	CHECK "the real cr.dcr is untouched", r3, 0
	RESUME_NEXT                    // the guest reads it back: MOV_FROM_CR, emulated from vcr
	CHECK_VFAULT "mov r8=cr.dcr", 5, g1c, 0
	LDQ r27, rec_gr25              // the VMM: GR[r1] = vcr[cr3]
	br.call.sptk.many b0=vcr_to_gr ;;
	RESUME_NEXT
	CHECK_BREAK "round trip"
	CHECK "guest r8 = the value it wrote, through the VMM", r8, 0x1234
	CHECK_VPD "vcr[0] (vdcr) holds it", VCR+0*8, 0x1234
	GUEST g6
	CHECK_VFAULT "(p6) mov cr.dcr=r9 with p6 = 1, after a (p7) one with p7 = 0", 4, g6b, 1
	GUEST g7
	CHECK_VFAULT "in slot 0 of an MLX bundle", 4, g7b, 0
	CHECK "the movl has not run", r10, 0
	RESUME_NEXT
	CHECK_BREAK "after skipping to slot 1 of the MLX bundle"
	CHECK "the movl ran", r10, 0x123456789abc
	GUEST g8
	CHECK_GENEX "mov cr.ivr=r9 (read-only): Illegal Operation", 0
	// interruption CRs: intercepted without a_to_int_cr, served from the VPD with it
	GUEST g2
	CHECK_VFAULT "mov cr.iim=r9 without a_to_int_cr", 4, g2b, 0
	CHECK_VPD "vcr[24] untouched by the fault", VCR+24*8, 0
	VTI_CONTROLS A_TO_INT_CR, 0
	GUEST g2
	CHECK_BREAK "mov cr.iim=r9 with a_to_int_cr"
	CHECK_VPD "vcr[24] (viim) = r9", VCR+24*8, 0x5678
	IC_OFF
	mov r3=cr.iim ;;
	IC_ON
	CHECK "the real cr.iim is the end's break.m 0x77, not r9", r3, 0x77
	GUEST g3
	CHECK_VFAULT "a_to_int_cr does not serve cr.tpr", 4, g3b, 1
	// a_int: cr.tpr written to vtpr without a fault
	VTI_CONTROLS A_INT, 0
	GUEST g3
	CHECK_BREAK "mov cr.tpr=r9 with a_int"
	CHECK_VPD "vcr[66] (vtpr) = r9", VCR+66*8, 0x10
	GUEST g5
	CHECK_VFAULT "a_int does not serve cr.eoi", 4, g5b, 0
	mov r3=cr.tpr ;;
	CHECK "the real cr.tpr is untouched", r3, 0x10000
	// vdc.d_extint: cr.tpr is the real one
	VTI_CONTROLS 0, D_EXTINT
	GUEST g3
	CHECK_BREAK "mov cr.tpr=r9 with d_extint"
	mov r3=cr.tpr ;;
	CHECK "the real cr.tpr = r9", r3, 0x10
	GUEST g9
	CHECK_VFAULT "d_extint does not cover cr.itv (72)", 4, g9b, 1
	GUEST g10
	CHECK_VFAULT "d_extint does not cover cr.lid (64)", 4, g10b, 0
	mov r3=r0 ;;
	movl r3=0x10000 ;;
	mov cr.tpr=r3 ;;
	// vdc.d_itm: cr.itm is the real one
	GUEST g4
	CHECK_VFAULT "mov cr.itm=r9 without d_itm", 4, g4b, 1
	VTI_CONTROLS 0, D_ITM
	GUEST g4
	CHECK_BREAK "mov cr.itm=r9 with d_itm"
	mov r3=cr.itm ;;
	CHECK "the real cr.itm = r9", r3, 0x7fffffffffff
	TEST_END

g1:	mov r8=0
	mov r9=0x1234 ;;
	M_BUNDLE g1b, 1, "mov cr.dcr=r9"
	srlz.d ;;
	M_BUNDLE g1c, 0, "mov r8=cr.dcr"
	GUEST_END
	M_GUEST g2, g2b, 0, "mov cr.iim=r9", "movl r9=0x5678 ;;"
	M_GUEST g3, g3b, 1, "mov cr.tpr=r9", "mov r9=0x10 ;;"
	M_GUEST g4, g4b, 1, "mov cr.itm=r9", "movl r9=0x7fffffffffff ;;"
	M_GUEST g5, g5b, 0, "mov cr.eoi=r9", "mov r9=0 ;;"
g6:	cmp.eq p6,p7=r0,r0
	mov r9=0x77 ;;
	M_BUNDLE , 0, "(p7) mov cr.dcr=r9"
	M_BUNDLE g6b, 1, "(p6) mov cr.dcr=r9"
	GUEST_END
g7:	mov r10=0 ;;
g7b:	{ .mlx
	  mov cr.dcr=r9
	  movl r10=0x123456789abc ;; }
	GUEST_END
	M_GUEST g8, , 1, "mov cr.ivr=r9"
	M_GUEST g9, g9b, 1, "mov cr.itv=r9", "mov r9=0x10000 ;;"
	M_GUEST g10, g10b, 0, "mov cr.lid=r9", "mov r9=0 ;;"
