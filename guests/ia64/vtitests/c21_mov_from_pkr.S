// c21_mov_from_pkr: mov r1 = pkr[r3] at PSR.vm = 1 (cause 21): intercepted in slots 1 and 0, target untouched; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	PROGRAM c21_mov_from_pkr
test_main:
	GUEST g0
	CHECK_VFAULT "mov r8=pkr[r10] (slot 1)", 21, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g1
	CHECK_VFAULT "mov r8=pkr[r10] (slot 0)", 21, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	LDQ r24, rec_iip
	CHECK "at cpl 3: IIP", r24, g0b
	GUEST gn
	CHECK_NATC "NaT in r10"
	LDQ r24, rec_iip
	CHECK "NaT in r10: IIP", r24, gnb
	GUEST gf
	CHECK_GENEX "target r40 outside the empty frame: Illegal Operation", 0
	TEST_END

g0:
	movl r10=2
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  mov r8=pkr[r10]
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=2
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  mov r8=pkr[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=2
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  mov r8=pkr[r10]
	  nop.i 0 ;; }
	GUEST_END
gf:	alloc r14=ar.pfs,0,0,0,0
	movl r10=2 ;;
	{ .mmi
	  mov r40=pkr[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
