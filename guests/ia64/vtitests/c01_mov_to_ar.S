// c01_mov_to_ar: mov.m ar.itc = r2 at PSR.vm = 1 (cause 1): intercepted at cpl 0 in slots 0 and 1, ITC untouched; other ARs (ar.k5) run natively; at cpl 3 the ordinary rule (privileged register); a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c01_mov_to_ar
test_main:
	GUEST g1
	CHECK_VFAULT "mov.m ar.itc=r9 (slot 1)", 1, g1b, 1
	mov r24=ar.itc ;;
	extr.u r24=r24,60,4 ;;
	CHECK "ar.itc was not written (top bits still 0)", r24, 0
	GUEST g2
	CHECK_VFAULT "mov.m ar.itc=r9 (slot 0)", 1, g2b, 0
	RESUME_NEXT                    // the VMM skips it; mov.m ar.k5 is not intercepted
	CHECK_BREAK "mov.m ar.k5=r9"
	mov r24=ar.k5 ;;
	CHECK "ar.k5 = r9 (native)", r24, 0x7000000000000005
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "cpl 3", 2
	CHECK_IIP "cpl 3", g1b
	GUEST g3
	CHECK_NATC "NaT in r9"
	TEST_END

	M_GUEST g1, g1b, 1, "mov.m ar.itc=r9", "movl r9=0x7000000000000000 ;;"
g2:	movl r9=0x7000000000000005 ;;
g2b:	{ .mmi
	  mov.m ar.itc=r9
	  mov.m ar.k5=r9
	  nop.i 0 ;; }
	GUEST_END
	M_GUEST g3, , 1, "mov.m ar.itc=r9", "MAKE_NAT r9"
