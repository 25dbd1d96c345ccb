// c32_ttag: ttag at PSR.vm = 1 (cause 32): intercepted in slots 1 and 0, target untouched; at cpl 3 too (no privilege check); a NaT source still gives the Virtualization fault (it comes before the NaT check, vti.md 3.1); the VMM answers through PAL_VPS_TTAG and the guest gets the long-format ttag
	.include "vtilib.inc"
	PROGRAM c32_ttag
	VA = 0x2000000000123000
	M51 = (1 << 51) - 1
	RID = 0x42
	RR = (RID << 8) | (14 << 2)   // the guest's rr[1] as the VMM keeps it
	SIZE = 1 << 20
	PTA = 0x7700000 | (20 << 2) | (1 << 8) | 1   // long format, 1 MiB
test_main:
	GUEST g0
	CHECK_VFAULT "ttag r8=r10 (slot 1)", 32, g0b, 1
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	// the VMM: PAL_VPS_TTAG(GR25 va = GR[r3], GR26 rr, GR27 vpta) -> GR31 -> GR[r1]
	VPD_SET VCR+8*8, PTA
	LDQ r27, rec_gr25
	extr.u r16=r27,20,7 ;;
	br.call.sptk.many b0=gr_get ;;
	mov r14=r17
	LDQ r3, vsa_base
	movl r2=0x1800 ;;
	add r3=r3,r2 ;;
	mov b7=r3
	bsw.0 ;;
	movl r24=1f
	mov r25=r14
	movl r26=RR
	LDQ r27, VPD+VCR+8*8
	br.cond.sptk.many b7 ;;
1:	mov r15=r31 ;;
	bsw.1 ;;
	extr.u r16=r27,6,7
	mov r17=r15
	br.call.sptk.many b0=gr_set ;;
	RESUME_NEXT
	CHECK_BREAK "after the emulation through PAL_VPS_TTAG"
	CHECK "r8 = the model's long-format ttag (vti.md 7.3, README)", r8, (((VA & M51) >> 14) ^ (RID << 39)) & ((1 << 63) - 1)
	GUEST g1
	CHECK_VFAULT "ttag r8=r10 (slot 0)", 32, g1b, 0
	CHECK "r8 not written (still 0x3333)", r8, 0x3333
	GUEST g0, GUEST_PSR | PSR_CPL3
	CHECK_VFAULT "at cpl 3 (no privilege check)", 32, g0b, 1
	LDQ r24, rec_ipsr
	extr.u r24=r24,32,2 ;;
	CHECK "at cpl 3: IPSR.cpl", r24, 3
	GUEST gn
	CHECK_VFAULT "NaT in r10: the fault comes first", 32, gnb, 1
	TEST_END

g0:
	movl r10=VA
	movl r8=0x3333 ;;
g0b:	{ .mmi
	  nop.m 0
	  ttag r8=r10
	  nop.i 0 ;; }
	GUEST_END
g1:
	movl r10=VA
	movl r8=0x3333 ;;
g1b:	{ .mmi
	  ttag r8=r10
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gn:
	movl r10=VA
	movl r8=0x3333 ;;
	MAKE_NAT r10
gnb:	{ .mmi
	  nop.m 0
	  ttag r8=r10
	  nop.i 0 ;; }
	GUEST_END
