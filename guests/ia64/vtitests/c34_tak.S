// c34_tak: tak at PSR.vm = 1 (cause 34): intercepted in slots 1 and 0, target untouched; cpl 3 Privileged Operation; a NaT source is NaT Consumption with ISR.na and the non-access code
	.include "vtilib.inc"
	PROGRAM c34_tak
test_main:
	CHECK_SLOTS "tak r8=r10", 34, R8_KEPT
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb, 0x800000003
	TEST_END

	.macro GUEST_SETUP
	movl r10=0x123000
	movl r8=0x3333 ;;
	.endm
	INTERCEPT_GUESTS "tak r8=r10", r10
