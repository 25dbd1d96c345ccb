// c18_mov_from_rr: mov r1 = rr[r3] at PSR.vm = 1 (cause 18): intercepted in slots 1 and 0, target untouched, the VMM answers from its vrr in the VPD; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	.include "fam_mov_from_ind.inc"
	PROGRAM c18_mov_from_rr
	.macro VMM_MOV_FROM_RR          // after the slot-0 fault: GR[r1] = vrr[GR[r3]{63:61}] (VPD + 3072)
	VPD_SET 3072+2*8, (0x77 << 8) | (16 << 2)
	LDQ r27, rec_gr25
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
	.endm
	MOV_FROM_IND_TEST rr, 18, 0x4000000000001234, emulate=VMM_MOV_FROM_RR
