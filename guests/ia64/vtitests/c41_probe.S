// c41_probe: probe.r r1 = r3, r2 at PSR.vm = 1 (cause 41, the model's choice): intercepted at cpl 0 and cpl 3 in slots 1 and 0, target untouched; a NaT source is NaT Consumption with ISR.na code probe; probe.r.fault runs natively
	.include "vtilib.inc"
	PROGRAM c41_probe
test_main:
	CHECK_SLOTS "probe.r r8=r10,r9", 41, R8_KEPT
	CHECK_UNPRIV 41, g0, g0b, 1
	CHECK_NAT_FIRST "NaT in r10", gn, gnb, 0x800000002
	GUEST gq
	CHECK_BREAK "probe.r.fault (not intercepted)"
	TEST_END

	.macro GUEST_SETUP
	movl r10=0x123000
	mov r9=0
	movl r8=0x3333 ;;
	.endm
	INTERCEPT_GUESTS "probe.r r8=r10,r9", r10
	M_GUEST gq, , 1, "probe.r.fault r10,0", "movl r10=0x123000 ;;"
