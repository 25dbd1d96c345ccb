// c33_tpa: tpa at PSR.vm = 1 (cause 33): intercepted in slots 1 and 0, target untouched; cpl 3 Privileged Operation; a NaT source is NaT Consumption with ISR.na and the non-access code
	.include "vtilib.inc"
	PROGRAM c33_tpa
test_main:
	GUEST g0
	CHECK_VFAULT "tpa r8=r10 (slot 1)", 33, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g1
	CHECK_VFAULT "tpa r8=r10 (slot 0)", 33, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r10", 0x800000000
	LDQ r24, rec_iip
	CHECK "NaT in r10: IIP", r24, gnb
	TEST_END

g0:
	movl r10=0x123000
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  tpa r8=r10
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=0x123000
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  tpa r8=r10
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=0x123000
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  tpa r8=r10
	  nop.i 0 ;; }
	GUEST_END
