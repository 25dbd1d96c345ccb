// c09_itc_i: itc.i r9 at PSR.vm = 1 (cause 9) with the real PSR.ic = 1 (the guest's ic is virtual, the VMM checks it): intercepted; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c09_itc_i
test_main:
	GUEST g0
	CHECK_VFAULT "itc.i r9 (slot 0)", 9, g0b, 0
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r9"
	LDQ r24, rec_iip
	CHECK "NaT in r9: IIP", r24, gnb
	TEST_END

g0:
	movl r9=0x400661
	mov r8=0 ;;
g0b:	{ .mmi
	  itc.i r9 ;;
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r9=0x400661
	mov r8=0 ;;
	MAKE_NAT r9
gnb:	{ .mmi
	  itc.i r9 ;;
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
