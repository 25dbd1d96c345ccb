// c28_ptc_ga: ptc.ga at PSR.vm = 1 (cause 28): intercepted in slot 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	PROGRAM c28_ptc_ga
test_main:
	GUEST g0
	CHECK_VFAULT "ptc.ga r10,r9 (slot 0)", 28, g0b, 0
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
	.endm
	INTERCEPT_GUESTS "ptc.ga r10,r9 ;;", r10, slot=0, g1=0
