// c10_mov_to_rr: mov rr[r3] = r2 at PSR.vm = 1 (cause 10): intercepted in slots 1 and 0, the real RR untouched, the VMM keeps the value in the VPD's VMM area (vrr at 3072); cpl 3 Privileged Operation; a NaT index faults first, after the privilege check
	.include "vtilib.inc"
	PROGRAM c10_mov_to_rr
test_main:
	GUEST g0
	CHECK_VFAULT "mov rr[r10]=r9 (slot 1)", 10, g0b, 1
	mov r24=rr[r10] ;;
	CHECK "the real rr[1] is untouched", r24, 0x38
	LDQ r27, rec_gr25              // the VMM: vrr[GR[r3]{63:61}] = GR[r2] (VPD + 3072, vti.md 4)
	extr.u r16=r27,20,7 ;;
	br.call.sptk.many b0=gr_get ;;
	extr.u r25=r17,61,3
	extr.u r16=r27,13,7 ;;
	br.call.sptk.many b0=gr_get ;;
	movl r2=VPD+3072 ;;
	shladd r2=r25,3,r2 ;;
	st8 [r2]=r17
	RESUME_NEXT
	CHECK_BREAK "after the emulation"
	CHECK_VPD "the VMM's vrr[1] (VPD + 3072 + 8) = r9", 3072+8, (0x42 << 8) | (14 << 2)
	GUEST g1
	CHECK_VFAULT "mov rr[r10]=r9 (slot 0)", 10, g1b, 0
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	GUEST gn, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "NaT index at cpl 3: Privileged Operation comes first", 1
	TEST_END

	.macro GUEST_SETUP
	movl r10=0x2000000000000000
	movl r9=(0x42 << 8) | (14 << 2) ;;
	.endm
	INTERCEPT_GUESTS "mov rr[r10]=r9", r10
