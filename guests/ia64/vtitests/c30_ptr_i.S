// c30_ptr_i: ptr.i at PSR.vm = 1 (cause 30): intercepted in slot 1 and 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	PROGRAM c30_ptr_i
test_main:
	CHECK_SLOTS "ptr.i r10,r9", 30
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
	.endm
	INTERCEPT_GUESTS "ptr.i r10,r9", r10
