// c09_itc_i: itc.i r9 at PSR.vm = 1 (cause 9) with the real PSR.ic = 1 (the guest's ic is virtual, the VMM checks it): intercepted; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c09_itc_i
test_main:
	GUEST g0
	CHECK_VFAULT "itc.i r9 (slot 0)", 9, g0b, 0
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r9", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	movl r9=0x400661
	mov r8=0 ;;
	.endm
	INTERCEPT_GUESTS "itc.i r9 ;;", r9, slot=0, g1=0
