// c35_ptc_e: ptc.e r3 at PSR.vm = 1 (cause 35): intercepted in slots 1 and 0; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c35_ptc_e
test_main:
	GUEST g0
	CHECK_VFAULT "ptc.e r10 (slot 1)", 35, g0b, 1
	GUEST g1
	CHECK_VFAULT "ptc.e r10 (slot 0)", 35, g1b, 0
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
	mov r10=0 ;;
g0b:	{ .mmi
	  nop.m 0
	  ptc.e r10
	  nop.i 0 ;; }
	GUEST_END
g1:
	mov r10=0 ;;
g1b:	{ .mmi
	  ptc.e r10
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	mov r10=0 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  ptc.e r10
	  nop.i 0 ;; }
	GUEST_END
