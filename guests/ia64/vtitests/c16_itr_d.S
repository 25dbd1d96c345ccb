// c16_itr_d: itr.d at PSR.vm = 1 (cause 16): intercepted in slots 1 and 0; cpl 3 Privileged Operation; a NaT slot number faults first
	.include "vtilib.inc"
	PROGRAM c16_itr_d
test_main:
	CHECK_SLOTS "itr.d dtr[r10]=r9", 16
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	mov r10=3
	movl r9=0x400661 ;;
	.endm
	INTERCEPT_GUESTS "itr.d dtr[r10]=r9", r10
