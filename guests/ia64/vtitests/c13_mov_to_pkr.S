// c13_mov_to_pkr: mov pkr[r3] = r2 at PSR.vm = 1 (cause 13): intercepted in slots 1 and 0, the real register untouched; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c13_mov_to_pkr
test_main:
	GUEST g0
	CHECK_VFAULT "mov pkr[r10]=r9 (slot 1)", 13, g0b, 1
	mov r24=pkr[r10] ;;
	CHECK "the real pkr[1] is untouched", r24, 0
	GUEST g1
	CHECK_VFAULT "mov pkr[r10]=r9 (slot 0)", 13, g1b, 0
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
	mov r10=1
	movl r9=0x4201 ;;
g0b:	{ .mmi
	  nop.m 0
	  mov pkr[r10]=r9
	  nop.i 0 ;; }
	GUEST_END
g1:
	mov r10=1
	movl r9=0x4201 ;;
g1b:	{ .mmi
	  mov pkr[r10]=r9
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	mov r10=1
	movl r9=0x4201 ;;
	MAKE_NAT r9
gnb:	{ .mmi
	  nop.m 0
	  mov pkr[r10]=r9
	  nop.i 0 ;; }
	GUEST_END
