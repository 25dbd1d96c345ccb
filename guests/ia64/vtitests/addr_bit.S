// addr_bit: the uppermost implemented VA bit (50) is unavailable at PSR.vm = 1: loads and stores with bits 60-49 not all equal are Unimplemented Data Address (General Exception, Reserved Register/Field, IFA, ISR.r/w), a branch there the Unimplemented Instruction Address fault (vector 0x5e00, ISR.ui); the same accesses at PSR.vm = 0 miss the TLB (bit 50 is implemented there); bit 48 and bits 60-49 all set are implemented for the guest; ld8.s defers, lfetch ignores, fc / lfetch.fault / probe.fault fault with ISR.na and their non-access code; physical-mode addresses are not affected
	.include "vtilib.inc"
	PROGRAM addr_bit
	TOP = ((1 << 11) - 1) << 50    // bits 60-50 set, 49 clear: sign-extended from bit 50 only
	BIT49 = 1 << 49
	BIT48 = 1 << 48
	NEG49 = ((1 << 12) - 1) << 49  // bits 60-49 set: sign-extended from bit 49
	VMODE = GUEST_PSR | PSR_IT | PSR_DT
	.macro LOAD_AT tag, addr, vec, psr=VMODE
	movl r10=\addr
	GUEST gload, \psr
	CHECK_VECTOR "\tag", \vec
	LDQ r24, rec_ifa
	CHECK "\tag: IFA", r24, \addr
	LDQ r24, rec_iip
	CHECK "\tag: IIP = the load", r24, gloadb
	.endm
test_main:
	IC_OFF                         // ITR 0: the image (1 MiB), DTR 0: the first 64 MiB
	movl r24=0x100000
	mov r25=20 << 2 ;;
	mov cr.ifa=r24
	mov cr.itir=r25
	movl r26=0x100661 ;;
	itr.i itr[r0]=r26 ;;
	mov cr.ifa=r0
	mov r25=26 << 2 ;;
	mov cr.itir=r25
	movl r26=0x661 ;;
	itr.d dtr[r0]=r26 ;;
	srlz.i ;;
	IC_ON
	movl r10=0x8000
	GUEST gload, VMODE
	CHECK_BREAK "a load from a mapped address at PSR.vm = 1"
	LOAD_AT "bits 60-50 set at PSR.vm = 1: Unimplemented Data Address", TOP | 0x8000, V_GENEX
	LDQ r24, rec_isr
	CHECK_MASK "ISR.code = Reserved Register/Field, ISR.r", r24, 0x7000000f0, 0x400000030
	LOAD_AT "the same at PSR.vm = 0: Alternate Data TLB miss", TOP | 0x8000, 0x1000, VMODE & ~PSR_VM
	LOAD_AT "bit 49 at PSR.vm = 1", BIT49 | 0x8000, V_GENEX
	LOAD_AT "bit 49 at PSR.vm = 0: Alternate Data TLB miss", BIT49 | 0x8000, 0x1000, VMODE & ~PSR_VM
	LOAD_AT "bit 48 at PSR.vm = 1: implemented, a TLB miss", BIT48 | 0x8000, 0x1000
	LOAD_AT "bits 60-49 set at PSR.vm = 1: implemented, a TLB miss", NEG49 | 0x8000, 0x1000
	movl r10=TOP | 0x8000
	GUEST gstore, VMODE
	CHECK_VECTOR "a store to bits 60-50 at PSR.vm = 1", V_GENEX
	LDQ r24, rec_isr
	CHECK_MASK "store: ISR.code = Reserved Register/Field, ISR.w", r24, 0x7000000f0, 0x200000030
	movl r10=TOP | 0x8000
	GUEST gspec, VMODE
	CHECK_BREAK "ld8.s and lfetch at bits 60-50: no fault"
	CHECK "ld8.s deferred the fault: r8 is a NaT", r9, 1
	.irp n, 0,1,2
	movl r10=TOP | 0x8000
	GUEST gna\n, VMODE
	CHECK_VECTOR "non-access \n at bits 60-50: Unimplemented Data Address", V_GENEX
	LDQ r24, rec_isr
	movl r25=0x8000000ff ;;
	and r24=r24,r25
	LDQ r25, gna_isr + 8 * \n
	CHECKR "non-access \n (fc, lfetch.fault, probe.w.fault): ISR.na and its code", r24, r25
	.endr
	movl r10=TOP | 0x8000
	GUEST gna1, VMODE & ~PSR_VM
	CHECK_VECTOR "lfetch.fault at PSR.vm = 0: Alternate Data TLB miss", 0x1000
	LDQ r24, rec_isr
	CHECK_MASK "its ISR.na and code lfetch", r24, 0x80000000f, 0x800000004
	movl r10=TOP | 0x20000
	GUEST gjump, VMODE
	CHECK_VECTOR "a branch to bits 60-50 at PSR.vm = 1: Unimplemented Instruction Address", V_LPT
	LDQ r24, rec_isr
	CHECK_MASK "branch: ISR.code = ui", r24, 0xff, 0x10
	movl r10=TOP | 0x20000
	GUEST gjump, VMODE & ~PSR_VM
	CHECK_VECTOR "the same branch at PSR.vm = 0: Alternate Instruction TLB miss", 0x0c00
	LDQ r24, rec_iip
	CHECK "its IIP = the target", r24, TOP | 0x20000
	movl r10=BIT49 | 0x8000
	GUEST gload
	CHECK_BREAK "physical address bit 49 at PSR.vm = 1 (physical mode): no fault"
	CHECK "it reads unclaimed memory (all ones)", r8, 0xffffffffffffffff
	IC_OFF
	movl r24=0x100000
	mov r25=20 << 2 ;;
	ptr.i r24,r25
	mov r25=26 << 2 ;;
	ptr.d r0,r25 ;;
	srlz.i ;;
	IC_ON
	TEST_END

gload:	nop.m 0 ;;
gloadb:	{ .mmi
	  ld8 r8=[r10]
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gstore:	nop.m 0 ;;
	{ .mmi
	  st8 [r10]=r0
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
gjump:	mov b6=r10 ;;
	br.cond.sptk.many b6 ;;
	GUEST_END
gspec:	nop.m 0 ;;
	ld8.s r8=[r10] ;;
	lfetch [r10] ;;
	tnat.nz p6,p7=r8 ;;
	(p6) mov r9=1
	(p7) mov r9=0
	GUEST_END
gna0:	fc r10 ;;
	GUEST_END
gna1:	lfetch.fault [r10] ;;
	GUEST_END
gna2:	probe.w.fault r10,0 ;;
	GUEST_END
	.data
	.align 8
gna_isr:                           // ISR.na | the Reserved Register/Field code | the na code
	.quad 0x800000031, 0x800000034, 0x800000035
	.text
