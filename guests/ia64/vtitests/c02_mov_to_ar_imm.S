// c02_mov_to_ar_imm: mov.m ar.itc = imm8 at PSR.vm = 1 (cause 2): intercepted at cpl 0 in slots 1 and 0; mov.m ar.k5 = imm runs natively; at cpl 3 the ordinary rule (privileged register)
	.include "vtilib.inc"
	PROGRAM c02_mov_to_ar_imm
test_main:
	GUEST g0
	CHECK_VFAULT "mov.m ar.itc=100 (slot 1)", 2, g0b, 1
	RESUME_NEXT                    // the VMM skips it; the rest of the bundle runs
	CHECK_BREAK "after the skipped mov.m ar.itc=100"
	GUEST g1
	CHECK_VFAULT "mov.m ar.itc=100 (slot 0)", 2, g1b, 0
	GUEST gk
	CHECK_BREAK "mov.m ar.k5=77 (not intercepted)"
	mov r24=ar.k5 ;;
	CHECK "ar.k5 = 77", r24, 77
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Register", 2
	TEST_END

	.macro GUEST_SETUP
	mov r8=0 ;;
	.endm
	INTERCEPT_GUESTS "mov.m ar.itc=100"
	M_GUEST gk, , 0, "mov.m ar.k5=77", "mov r8=0 ;;"
