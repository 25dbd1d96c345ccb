// c26_ptc_l: ptc.l at PSR.vm = 1 (cause 26): intercepted in slot 1 and 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	PROGRAM c26_ptc_l
test_main:
	CHECK_SLOTS "ptc.l r10,r9", 26
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r10", gn, gnb
	TEST_END

	.macro GUEST_SETUP
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
	.endm
	INTERCEPT_GUESTS "ptc.l r10,r9", r10
