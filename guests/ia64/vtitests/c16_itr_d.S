// c16_itr_d: itr.d at PSR.vm = 1 (cause 16): intercepted in slots 1 and 0; cpl 3 Privileged Operation; a NaT slot number faults first
	.include "vtilib.inc"
	PROGRAM c16_itr_d
test_main:
	GUEST g0
	CHECK_VFAULT "itr.d dtr[r10]=r9 (slot 1)", 16, g0b, 1
	GUEST g1
	CHECK_VFAULT "itr.d dtr[r10]=r9 (slot 0)", 16, g1b, 0
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
	mov r10=3
	movl r9=0x400661 ;;
g0b:	{ .mmi
	  nop.m 0
	  itr.d dtr[r10]=r9
	  nop.i 0 ;; }
	GUEST_END
g1:
	mov r10=3
	movl r9=0x400661 ;;
g1b:	{ .mmi
	  itr.d dtr[r10]=r9
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	mov r10=3
	movl r9=0x400661 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  itr.d dtr[r10]=r9
	  nop.i 0 ;; }
	GUEST_END
