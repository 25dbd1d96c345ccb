// c26_ptc_l: ptc.l at PSR.vm = 1 (cause 26): intercepted in slot 1 and 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	PROGRAM c26_ptc_l
test_main:
	GUEST g0
	CHECK_VFAULT "ptc.l r10,r9 (slot 1)", 26, g0b, 1
	GUEST g1
	CHECK_VFAULT "ptc.l r10,r9 (slot 0)", 26, g1b, 0
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
	  nop.m 0
	  ptc.l r10,r9
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
g1b:	{ .mmi
	  ptc.l r10,r9
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=0x2000000000120000
	mov r9=14 << 2 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  ptc.l r10,r9
	  nop.i 0 ;; }
	GUEST_END
