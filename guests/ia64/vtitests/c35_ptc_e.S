// c35_ptc_e: ptc.e r3 at PSR.vm = 1 (cause 35): intercepted in slots 1 and 0; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c35_ptc_e
test_main:
	CHECK_SLOTS "ptc.e r10", 35
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	mov r10=0 ;;
	.endm
	INTERCEPT_GUESTS "ptc.e r10", r10
