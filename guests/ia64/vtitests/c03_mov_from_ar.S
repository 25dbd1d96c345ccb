// c03_mov_from_ar: mov.m r1 = ar.itc at PSR.vm = 1 (cause 3): intercepted at cpl 0, target untouched; a target outside the frame is Illegal Operation first; mov.m r1 = ar.k5 natively; at cpl 3 with PSR.si = 0 it runs natively, with PSR.si = 1 it is a Privileged Register fault
	.include "vtilib.inc"
	PROGRAM c03_mov_from_ar
test_main:
	CHECK_SLOTS "mov.m r8=ar.itc", 3, R8_KEPT
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_BREAK "at cpl 3 (PSR.si = 0): not intercepted"
	movl r25=0x3333 ;;
	cmp.ne p6,p7=r8,r25 ;;
	(p6) mov r24=1
	(p7) mov r24=0 ;;
	CHECK "at cpl 3: r8 = the ITC", r24, 1
	GUEST g0, GUEST_PSR | PSR_CPL3 | (1 << 23)
	CHECK_GENEX "at cpl 3 with PSR.si = 1: Privileged Register", 2
	CHECK_FRAME gf
	mov r24=ar.k5
	movl r25=0x5a5a ;;
	mov ar.k5=r25 ;;
	GUEST gk
	CHECK_BREAK "mov.m r8=ar.k5 (not intercepted)"
	CHECK "r8 = ar.k5", r8, 0x5a5a
	TEST_END

	.macro GUEST_SETUP
	movl r8=0x3333 ;;
	.endm
	INTERCEPT_GUESTS "mov.m r8=ar.itc"
	M_GUEST gf, , 0, "mov.m r40=ar.itc", "alloc r14=ar.pfs,0,0,0,0 ;;"
	M_GUEST gk, , 0, "mov.m r8=ar.k5"
