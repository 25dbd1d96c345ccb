// tlb: virtual memory: TRs for the image and the devices, rfi into virtual mode, an
// Alternate Data TLB handler that fills translations with itc.d, a purge with ptc.l, the
// short-format VHPT walker, tpa, and a stacked PAL call (PAL_VM_TR_READ).
	.include "lib.inc"
	// in virtual mode the devices are reached through a DTR mapping region 4 (VA bit 63)
	PTE_RWX = 0x661                  // p, WB, a, d, pl 0, ar 3 (RWX)
	PTE_UC = 0x671                   // the same, uncacheable
	REGION1 = 0x2000000000000000
	REGION2 = 0x4000000000000000
	VHPT = 0x180000                  // 32 KiB VHPT (short format) for region 2

	.text
	.global _start
	.proc _start
_start:
	alloc r32=ar.pfs,0,8,4,0         // r33 = PAL entry; outputs r40-r43
	mov r33=r8
	movl r2=ivt ;;
	mov cr.iva=r2
	movl r3=(1 << 8) | (14 << 2) ;;  // region 1: rid 1, 16 KiB pages, no walker
	movl r4=REGION1 ;;
	mov rr[r4]=r3
	movl r3=(2 << 8) | (14 << 2) | 1 ;;   // region 2: rid 2, 16 KiB pages, walker on
	movl r4=REGION2 ;;
	mov rr[r4]=r3
	movl r3=VHPT | (15 << 2) | 1 ;;  // PTA: base, 2^15 bytes, short format, enabled
	mov cr.pta=r3 ;;
	srlz.i ;;
	// translation registers: 1 MiB of image at its physical address (code and data), and
	// the device page at 0x80000000FF000000, uncacheable
	rsm 0x2000 ;;                    // PSR.ic = 0 for itr
	srlz.d ;;
	movl r2=0x100000
	movl r3=(20 << 2) ;;
	mov cr.ifa=r2
	mov cr.itir=r3
	movl r5=0x100000 | PTE_RWX
	mov r6=0 ;;
	itr.i itr[r6]=r5 ;;
	itr.d dtr[r6]=r5 ;;
	movl r2=UART
	mov r3=(16 << 2) ;;
	mov cr.ifa=r2
	mov cr.itir=r3
	movl r5=0xFF000000 | PTE_UC
	mov r6=1 ;;
	itr.d dtr[r6]=r5 ;;
	mov cr.ifa=r33                   // PAL_PROC, executed in virtual mode as well
	mov r3=(16 << 2) ;;
	mov cr.itir=r3
	movl r5=PTE_RWX ;;
	or r5=r5,r33
	mov r6=1 ;;
	itr.i itr[r6]=r5 ;;
	movl r2=REGION2 + VHPT           // the walker reads the VHPT through region 2
	mov r3=(16 << 2) ;;
	mov cr.ifa=r2
	mov cr.itir=r3
	movl r5=VHPT | PTE_RWX
	mov r6=2 ;;
	itr.d dtr[r6]=r5 ;;
	// rfi into virtual mode: PSR.it/dt/rt/ic on, bank 1, continue at `virtual`
	movl r2=(1 << 36) | (1 << 27) | (1 << 17) | (1 << 13) | (1 << 44)
	movl r3=virtual ;;
	mov cr.ipsr=r2
	mov cr.iip=r3
	mov cr.ifs=r0 ;;
	rfi ;;
virtual:
	movl r40=m_virtual ;;
	br.call.sptk.many b0=puts ;;
	// four pages of region 1: each first touch misses, the handler inserts a translation
	movl r34=REGION1 + 0x300000
	mov r35=0 ;;
touch:
	shl r2=r35,14 ;;
	add r2=r2,r34 ;;
	adds r3=0x11,r35 ;;
	st8 [r2]=r3 ;;
	ld8 r36=[r2] ;;
	cmp.ne p6,p0=r36,r3
	(p6) br.cond.dpnt.few fail ;;
	adds r35=1,r35 ;;
	cmp.ltu p7,p0=r35,r0 ;;
	cmp.gtu p7,p0=4,r35
	(p7) br.cond.sptk.few touch ;;
	mov r40=r24 ;;                   // bank-0 r24 counts misses (the handler's register)
	bsw.0 ;;
	mov r40=r24 ;;
	bsw.1 ;;
	mov r37=r40
	movl r40=m_misses ;;
	br.call.sptk.many b0=puts ;;
	mov r40=r37 ;;
	br.call.sptk.many b0=puthex ;;
	movl r40=m_nl ;;
	br.call.sptk.many b0=puts ;;
	// the data went to physical 0x300000 + 16 KiB * i (the handler maps VA -> PA by region)
	movl r2=0x304000 ;;
	tpa r3=r34 ;;
	movl r4=0x300000 ;;
	cmp.ne p6,p0=r3,r4
	(p6) br.cond.dpnt.few fail ;;
	// purge one page: touching it again misses once more
	mov r3=(14 << 2) ;;
	ptc.l r34,r3 ;;
	srlz.d ;;
	ld8 r36=[r34] ;;
	cmp.ne p6,p0=0x11,r36
	(p6) br.cond.dpnt.few fail ;;
	bsw.0 ;;
	mov r40=r24 ;;
	bsw.1 ;;
	mov r37=r40
	movl r40=m_purge ;;
	br.call.sptk.many b0=puts ;;
	mov r40=r37 ;;
	br.call.sptk.many b0=puthex ;;
	movl r40=m_nl ;;
	br.call.sptk.many b0=puts ;;
	// region 2 through the VHPT walker: write the PTE where thash says, then load
	movl r34=REGION2 + 0x50000 ;;
	thash r2=r34 ;;
	dep r2=0,r2,61,3 ;;              // the VHPT lies in region 0 (identity)
	movl r3=0x350000 | PTE_RWX ;;
	st8 [r2]=r3 ;;
	movl r4=0x350008 ;;
	movl r5=0xCAFE ;;
	rsm 0x20000 ;;                   // physical data access for a moment to seed memory
	srlz.d ;;
	st8 [r4]=r5 ;;
	ssm 0x20000 ;;
	srlz.d ;;
	ld8 r36=[r34],8 ;;
	ld8 r36=[r34] ;;
	cmp.ne p6,p0=r36,r5
	(p6) br.cond.dpnt.few fail ;;
	movl r40=m_vhpt ;;
	br.call.sptk.many b0=puts ;;
	// PAL_VM_TR_READ (stacked convention): read DTR 0 back into a buffer
	mov r28=261
	movl r40=261
	mov r41=0
	mov r42=1
	movl r43=trbuf ;;
	mov b6=r33 ;;
	br.call.sptk.many b0=b6 ;;
	cmp.ne p6,p0=r8,r0
	(p6) br.cond.dpnt.few fail ;;
	movl r2=trbuf ;;
	ld8 r3=[r2] ;;
	movl r4=0x100000 | PTE_RWX ;;
	cmp.ne p6,p0=r3,r4
	(p6) br.cond.dpnt.few fail ;;
	movl r40=m_tr ;;
	br.call.sptk.many b0=puts ;;
	mov r40=0 ;;
	br.call.sptk.many b0=exit ;;
fail:
	movl r40=m_fail ;;
	br.call.sptk.many b0=puts ;;
	mov r40=1 ;;
	br.call.sptk.many b0=exit ;;
	.endp _start

// Alternate Data TLB: map the faulting 16 KiB page to the physical address with the same
// offset in the region (VA bits 60:0), count the miss in bank-0 r24
	.proc on_alt_dtlb
on_alt_dtlb:
	mov r16=cr.ifa ;;
	movl r17=0x1FFFFFFFFFFFC000 ;;
	and r17=r16,r17 ;;
	movl r18=PTE_RWX ;;
	or r17=r17,r18 ;;
	itc.d r17 ;;
	adds r24=1,r24 ;;
	rfi ;;
	.endp on_alt_dtlb

// any other interruption: report the vector from IIP/IFA and stop with code 2
	.proc on_other
on_other:
	cover ;;
	alloc r20=ar.pfs,0,2,1,0 ;;
	mov r17=cr.iip ;;
	movl r34=m_other ;;
	br.call.sptk.many b0=puts ;;
	mov r34=r17 ;;
	br.call.sptk.many b0=puthex ;;
	mov r34=2 ;;
	br.call.sptk.many b0=exit ;;
	.endp on_other

	.data
	.align 8
trbuf:     .skip 32
m_virtual: .asciz "tlb: running in virtual mode (TRs: the image, PAL, the devices, the VHPT)\n"
m_misses:  .asciz "tlb: four new pages in region 1, Alternate Data TLB misses filled by itc.d: "
m_purge:   .asciz "tlb: after ptc.l one page missed again: "
m_vhpt:    .asciz "tlb: region 2 translated by the VHPT walker from thash's entry, no miss\n"
m_tr:      .asciz "tlb: PAL_VM_TR_READ (stacked) read DTR 0 back\n"
m_other:   .asciz "tlb: unexpected interruption at IIP="
m_fail:    .asciz "tlb: FAILED\n"
m_nl:      .asciz "\n"

	.section .ivt, "ax"
	.align 32768
ivt:
	.org ivt + 0x1000                // Alternate Data TLB
	br.sptk.many on_alt_dtlb ;;
	.org ivt + 0x2c00                // Break (zero bundles in the other entries are break.m 0)
	br.sptk.many on_other ;;
	.org ivt + 0x8000
