// c17_itr_i: itr.i at PSR.vm = 1 (cause 17): intercepted in slots 1 and 0; cpl 3 Privileged Operation; a NaT slot number faults first
	.include "vtilib.inc"
	PROGRAM c17_itr_i
test_main:
	CHECK_SLOTS "itr.i itr[r10]=r9", 17
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	mov r10=3
	movl r9=0x400661 ;;
	.endm
	INTERCEPT_GUESTS "itr.i itr[r10]=r9", r10
