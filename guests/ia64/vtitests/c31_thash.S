// c31_thash: thash at PSR.vm = 1 (cause 31): intercepted in slots 1 and 0, target untouched; at cpl 3 too (no privilege check); a NaT source still gives the Virtualization fault (it comes before the NaT check, vti.md 3.1)
	.include "vtilib.inc"
	PROGRAM c31_thash
test_main:
	GUEST g0
	CHECK_VFAULT "thash r8=r10 (slot 1)", 31, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g1
	CHECK_VFAULT "thash r8=r10 (slot 0)", 31, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_VFAULT "at cpl 3 (no privilege check)", 31, g0b, 1
	LDQ r24, rec_ipsr
	extr.u r24=r24,32,2 ;;
	CHECK "at cpl 3: IPSR.cpl", r24, 3
	GUEST gn
	CHECK_VFAULT "NaT in r10: the fault comes first", 31, gnb, 1
	TEST_END

g0:
	movl r10=0x2000000000123000
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  thash r8=r10
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=0x2000000000123000
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  thash r8=r10
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=0x2000000000123000
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  thash r8=r10
	  nop.i 0 ;; }
	GUEST_END
