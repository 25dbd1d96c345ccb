// c41_probe: probe.r r1 = r3, r2 at PSR.vm = 1 (cause 41, the model's choice): intercepted at cpl 0 and cpl 3 in slots 1 and 0, target untouched; a NaT source is NaT Consumption with ISR.na code probe; probe.r.fault runs natively
	.include "vtilib.inc"
	PROGRAM c41_probe
test_main:
	GUEST g0
	CHECK_VFAULT "probe.r r8=r10,r9 (slot 1)", 41, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g1
	CHECK_VFAULT "probe.r r8=r10,r9 (slot 0)", 41, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_VFAULT "at cpl 3 (no privilege check)", 41, g0b, 1
	LDQ r24, rec_ipsr
	extr.u r24=r24,32,2 ;;
	CHECK "at cpl 3: IPSR.cpl", r24, 3
	GUEST gn
	CHECK_NATC "NaT in r10", 0x800000002
	LDQ r24, rec_iip
	CHECK "NaT in r10: IIP", r24, gnb
	GUEST gq
	CHECK_BREAK "probe.r.fault (not intercepted)"
	TEST_END

g0:
	movl r10=0x123000
	mov r9=0
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  probe.r r8=r10,r9
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=0x123000
	mov r9=0
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  probe.r r8=r10,r9
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=0x123000
	mov r9=0
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  probe.r r8=r10,r9
	  nop.i 0 ;; }
	GUEST_END
gq:	movl r10=0x123000 ;;
	{ .mmi
	  nop.m 0
	  probe.r.fault r10,0
	  nop.i 0 ;; }
	GUEST_END
