// c28_ptc_ga: ptc.ga at PSR.vm = 1 (cause 28): intercepted in slot 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	PROGRAM c28_ptc_ga
test_main:
	GUEST g0
	CHECK_VFAULT "ptc.ga r10,r9 (slot 0)", 28, g0b, 0
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r10"
	LDQ r24, rec_iip
	CHECK "NaT in r10: IIP", r24, gnb
	TEST_END

g0:
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
g0b:	{ .mmi
	  ptc.ga r10,r9 ;;
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  ptc.ga r10,r9 ;;
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
