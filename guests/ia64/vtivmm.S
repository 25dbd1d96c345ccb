// vtivmm: a small VT-i VMM.  At PSR.vm = 0 it checks PAL_PROC_GET_FEATURES for the VM bit,
// joins the virtual environment (PAL_VP_ENV_INFO, PAL_VP_INIT_ENV), creates a virtual
// processor (PAL_VP_CREATE with its VPD), restores it (PAL_VPS_RESTORE) and resumes a guest
// kernel at PSR.vm = 1 (PAL_VPS_RESUME_NORMAL).  Its Virtualization-vector handler reads the
// cause (GR24) and opcode (GR25), emulates the instruction on the virtual state in the VPD
// (virtual CRs and PSR, region registers, CPUID with a VMM signature, thash/ttag through
// PAL_VPS_THASH/TTAG, itc/ptc on a small virtual TLB, cover, rfi), steps the guest past it and
// resumes; the other causes are counted and stepped over.  The guest runs with data
// translation (DTRs the VMM set) and shows the address-bit rule: a load with bits 60-50 set
// faults for it (General Exception) though the VMM could use that address.  The guest's
// `break 0x100` ends the run: the VMM prints a per-cause summary.
//
// Limits: the emulated instructions' register operands must be r1-r15 (the handler reaches
// the guest's GRs through tables; r16-r31 of the guest are in bank 1, r32+ in its frame).
// bsw is accelerated (vac.a_bsw); everything else intercepts (vac otherwise 0).
	.include "lib.inc"
	VPD = 0x200000                 // 64 KiB, 32 KiB aligned (physical = virtual here)
	BUF = 0x300000                 // the PAL virtual-environment buffer
	VPSR = 1424
	VCR = 2048
	VRR = 3072                     // VMM-use area of the VPD: the guest's region registers
	VAC_A_BSW = 0x40
	PSR_GUEST = (1 << 46) | (1 << 44) | (1 << 17) | (1 << 13)   // guest's real IPSR: vm bn dt ic
	SIGNATURE = 0x4d4d56697476     // "vtiVMM"

	.text
	.global _start
	.proc _start
_start:
	alloc r32=ar.pfs,0,8,4,0       // r33 PAL entry, r34 vsa_base, r40-r43 outputs
	mov r33=r8
	movl r2=ivt ;;
	mov cr.iva=r2 ;;
	srlz.i ;;
	movl r40=m_start ;;
	br.call.sptk.many b0=puts ;;
	mov r28=17                     // PAL_PROC_GET_FEATURES (static)
	movl r2=1f ;;
	mov b0=r2
	mov b6=r33 ;;
	br.cond.sptk.many b6 ;;
1:	tbit.z p6,p0=r9,40 ;;
	(p6) br.cond.dpnt.few fail ;;
	mov r28=266 ;;                 // PAL_VP_ENV_INFO
	mov r40=r28
	mov b6=r33 ;;
	br.call.sptk.many b0=b6 ;;
	cmp.ne p6,p0=0,r8
	(p6) br.cond.dpnt.few fail ;;
	movl r41=0x8000000000000303    // initialize, fr_pmc, opcode, cause, impl
	movl r42=BUF
	movl r43=BUF
	mov r28=268 ;;                 // PAL_VP_INIT_ENV
	mov r40=r28
	mov b6=r33 ;;
	br.call.sptk.many b0=b6 ;;
	cmp.ne p6,p0=0,r8
	(p6) br.cond.dpnt.few fail ;;
	mov r34=r9
	movl r2=vsa_base ;;
	st8 [r2]=r9
	movl r2=VPD ;;                 // vac, virt_env_vaddr, vpsr (bn, ic)
	mov r3=VAC_A_BSW ;;
	st8 [r2]=r3,16
	movl r3=BUF ;;
	st8 [r2]=r3
	movl r2=VPD + VPSR
	movl r3=(1 << 44) | (1 << 13) ;;
	st8 [r2]=r3
	movl r41=VPD
	movl r42=ivt
	mov r43=0
	mov r28=265 ;;                 // PAL_VP_CREATE
	mov r40=r28
	mov b6=r33 ;;
	br.call.sptk.many b0=b6 ;;
	cmp.ne p6,p0=0,r8
	(p6) br.cond.dpnt.few fail ;;
	movl r40=m_created ;;
	br.call.sptk.many b0=puts ;;
	rsm 0x2000 ;;                  // PSR.ic = 0: the VPS services and the int CRs
	srlz.d ;;
	mov cr.ifa=r0                  // the guest runs with data translation: DTR 0 maps the
	mov r3=26 << 2 ;;              // first 64 MiB, DTR 1 the devices (uncacheable)
	mov cr.itir=r3
	movl r2=0x661 ;;
	itr.d dtr[r0]=r2 ;;
	movl r3=UART ;;
	mov cr.ifa=r3
	mov r3=16 << 2 ;;
	mov cr.itir=r3
	movl r2=0xff000000 | 0x671
	mov r9=1 ;;
	itr.d dtr[r9]=r2 ;;
	srlz.d ;;
	bsw.0 ;;                       // the VPS services are called in bank 0
	movl r24=2f
	movl r25=VPD
	mov r26=0
	movl r2=0x1c00 ;;              // PAL_VPS_RESTORE
	add r2=r2,r34 ;;
	mov b7=r2 ;;
	br.cond.sptk.many b7 ;;
2:	movl r2=guest_start ;;
	mov cr.iip=r2
	movl r3=PSR_GUEST ;;
	mov cr.ipsr=r3
	mov cr.ifs=r0
	mov r24=r0                     // the guest's BR0
	movl r25=VPD
	mov b7=r34 ;;                  // PAL_VPS_RESUME_NORMAL (vsa_base + 0)
	br.cond.sptk.many b7 ;;
fail:
	movl r40=m_fail ;;
	br.call.sptk.many b0=puts ;;
	mov r40=1 ;;
	br.call.sptk.many b0=exit ;;
	.endp _start

// ---- the Virtualization vector: bank 0, PSR.ic = 0; r16-r31 are the handler's -------------
// r26 cause, r27 opcode, r28 guest b6, r29 guest predicates, r30 guest b0, r31 the VPD
	.macro gr_get shift            // r17 = guest GR[opcode field at shift] (r1-r15 only)
	extr.u r18=r27,\shift,7 ;;
	cmp.ltu p6,p0=15,r18
	movl r16=get_gr ;;
	(p6) br.cond.dpnt.few unsupported
	shladd r16=r18,4,r16 ;;
	mov b0=r16
	movl r17=.Lg\@ ;;
	mov b6=r17 ;;
	br.cond.sptk.few b0 ;;
.Lg\@:
	.endm
	.macro gr_set_r1               // guest GR[r1 field] = r19
	extr.u r18=r27,6,7 ;;
	cmp.ltu p6,p0=15,r18
	movl r16=set_gr ;;
	(p6) br.cond.dpnt.few unsupported
	shladd r16=r18,4,r16 ;;
	mov b0=r16
	movl r17=.Ls\@ ;;
	mov b6=r17 ;;
	br.cond.sptk.few b0 ;;
.Ls\@:
	.endm

	.proc on_vfault
on_vfault:
	mov r29=pr
	mov r30=b0
	mov r28=b6
	mov r26=r24
	mov r27=r25
	movl r31=VPD
	movl r16=counts ;;
	shladd r16=r26,3,r16 ;;
	ld8 r17=[r16] ;;
	adds r17=1,r17 ;;
	st8 [r16]=r17
	cmp.eq p6,p0=5,r26             // MOV_FROM_CR
	(p6) br.cond.dptk.few from_cr
	cmp.eq p7,p0=4,r26 ;;          // MOV_TO_CR
	(p7) br.cond.dptk.few to_cr
	cmp.eq p6,p0=7,r26             // MOV_FROM_PSR
	(p6) br.cond.dptk.few from_psr
	cmp.eq p7,p0=6,r26 ;;          // MOV_TO_PSR
	(p7) br.cond.dptk.few to_psr
	cmp.eq p6,p0=24,r26            // SSM
	(p6) br.cond.dptk.few ssm_rsm
	cmp.eq p7,p0=25,r26 ;;         // RSM
	(p7) br.cond.dptk.few ssm_rsm
	cmp.eq p6,p0=23,r26            // MOV_FROM_CPUID
	(p6) br.cond.dptk.few do_cpuid
	cmp.eq p7,p0=10,r26 ;;         // MOV_TO_RR
	(p7) br.cond.dptk.few to_rr
	cmp.eq p6,p0=18,r26            // MOV_FROM_RR
	(p6) br.cond.dptk.few from_rr
	cmp.eq p7,p0=31,r26 ;;         // THASH
	(p7) br.cond.dptk.few thash_ttag
	cmp.eq p6,p0=32,r26            // TTAG
	(p6) br.cond.dptk.few thash_ttag
	cmp.eq p7,p0=8,r26 ;;          // ITC_D
	(p7) br.cond.dptk.few itc
	cmp.eq p6,p0=9,r26             // ITC_I
	(p6) br.cond.dptk.few itc
	cmp.eq p7,p0=35,r26 ;;         // PTC_E
	(p7) br.cond.dptk.few ptc
	cmp.eq p6,p0=26,r26            // PTC_L
	(p6) br.cond.dptk.few ptc
	cmp.eq p7,p0=36,r26 ;;         // COVER
	(p7) br.cond.dptk.few do_cover
	cmp.eq p6,p0=37,r26            // RFI
	(p6) br.cond.dptk.few do_rfi
	br.cond.sptk.few unsupported ;;

from_cr:                           // r1 = vcr[cr3]
	extr.u r18=r27,20,7 ;;
	shladd r16=r18,3,r31 ;;
	adds r16=VCR,r16 ;;
	ld8 r19=[r16] ;;
	gr_set_r1
	br.cond.sptk.few advance ;;
to_cr:                             // vcr[cr3] = r2
	gr_get 13
	extr.u r18=r27,20,7 ;;
	shladd r16=r18,3,r31 ;;
	adds r16=VCR,r16 ;;
	st8 [r16]=r17
	br.cond.sptk.few advance ;;
from_psr:                          // r1 = vpsr{31:0}, {36:35}
	adds r16=VPSR,r31 ;;
	ld8 r19=[r16]
	movl r17=0x18ffffffff ;;
	and r19=r19,r17 ;;
	gr_set_r1
	br.cond.sptk.few advance ;;
to_psr:                            // vpsr{31:0} = r2{31:0}
	gr_get 13
	adds r16=VPSR,r31 ;;
	ld8 r18=[r16]
	zxt4 r17=r17 ;;
	shr.u r18=r18,32 ;;
	shl r18=r18,32 ;;
	or r18=r18,r17 ;;
	st8 [r16]=r18
	br.cond.sptk.few advance ;;
ssm_rsm:                           // imm24 = i{36} i2d{32:31} imm21a{26:6}
	extr.u r17=r27,6,21
	extr.u r18=r27,31,2
	extr.u r19=r27,36,1 ;;
	dep r17=r18,r17,21,2 ;;
	dep r17=r19,r17,23,1
	adds r16=VPSR,r31 ;;
	ld8 r18=[r16]
	cmp.eq p6,p7=24,r26 ;;
	(p6) or r18=r18,r17
	(p7) andcm r18=r18,r17 ;;
	st8 [r16]=r18
	br.cond.sptk.few advance ;;
do_cpuid:                           // cpuid[0] = the VMM's signature, others 0
	gr_get 20
	movl r19=SIGNATURE ;;
	cmp.ne p6,p0=0,r17 ;;
	(p6) mov r19=0
	gr_set_r1
	br.cond.sptk.few advance ;;
to_rr:                             // vrr[r3{63:61}] = r2
	gr_get 20
	extr.u r20=r17,61,3
	gr_get 13
	shladd r16=r20,3,r31 ;;
	adds r16=VRR,r16 ;;
	st8 [r16]=r17
	br.cond.sptk.few advance ;;
from_rr:                           // r1 = vrr[r3{63:61}]
	gr_get 20
	extr.u r18=r17,61,3 ;;
	shladd r16=r18,3,r31 ;;
	adds r16=VRR,r16 ;;
	ld8 r19=[r16]
	gr_set_r1
	br.cond.sptk.few advance ;;
thash_ttag:                        // PAL_VPS_THASH / PAL_VPS_TTAG (va, vrr, vpta) -> GR31
	gr_get 20
	mov r21=r27
	mov r22=r26
	mov r25=r17
	extr.u r18=r17,61,3 ;;
	shladd r16=r18,3,r31 ;;
	adds r16=VRR,r16 ;;
	ld8 r26=[r16]
	adds r16=VCR+8*8,r31 ;;
	ld8 r27=[r16]
	movl r16=vsa_base ;;
	ld8 r16=[r16]
	cmp.eq p6,p7=31,r22 ;;
	(p6) adds r16=0x1400,r16
	(p7) adds r16=0x1800,r16
	movl r24=3f ;;
	mov b0=r16 ;;
	br.cond.sptk.few b0 ;;
3:	mov r19=r31
	mov r27=r21
	mov r26=r22
	movl r31=VPD ;;
	gr_set_r1
	br.cond.sptk.few advance ;;
itc:                               // the virtual TLB: (vifa, pte, vitir) in the next of 8 slots
	gr_get 13
	movl r16=vtlb_n ;;
	ld8 r18=[r16] ;;
	adds r19=1,r18 ;;
	st8 [r16]=r19
	and r18=7,r18
	movl r20=vtlb ;;
	shladd r18=r18,3,r18 ;;        // 24 bytes an entry
	shladd r20=r18,3,r20
	adds r16=VCR+20*8,r31 ;;
	ld8 r18=[r16],8 ;;             // vifa, then vitir
	st8 [r20]=r18,8 ;;
	st8 [r20]=r17,8
	ld8 r18=[r16] ;;
	st8 [r20]=r18
	br.cond.sptk.few advance ;;
ptc:                               // purge the virtual TLB
	movl r16=vtlb_n ;;
	st8 [r16]=r0
	br.cond.sptk.few advance ;;
do_cover:                          // the guest's frame goes; vifs = it when vpsr.ic = 0
	cover ;;
	mov r17=cr.ifs
	adds r16=VPSR,r31 ;;
	ld8 r18=[r16]
	adds r16=VCR+23*8,r31 ;;
	tbit.z p6,p0=r18,13 ;;
	(p6) st8 [r16]=r17
	mov cr.ifs=r0
	br.cond.sptk.few advance ;;
do_rfi:                            // vpsr = vipsr; resume at viip
	adds r16=VCR+16*8,r31 ;;
	ld8 r17=[r16]                  // vipsr
	adds r16=VCR+19*8,r31 ;;
	ld8 r18=[r16]                  // viip
	adds r16=VPSR,r31 ;;
	st8 [r16]=r17
	extr.u r19=r17,41,2
	movl r20=PSR_GUEST ;;
	dep r20=r19,r20,41,2 ;;
	mov cr.ipsr=r20
	mov cr.iip=r18
	mov cr.ifs=r0
	br.cond.sptk.few resume ;;
unsupported:                       // counted; the guest steps over it
advance:                           // IPSR.ri + 1 (or the next bundle)
	mov r16=cr.iip
	mov r17=cr.ipsr ;;
	extr.u r18=r17,41,2 ;;
	cmp.eq p6,p7=2,r18 ;;
	(p6) adds r16=16,r16
	(p6) dep r17=0,r17,41,2
	(p7) adds r18=1,r18 ;;
	(p7) dep r17=r18,r17,41,2 ;;
	mov cr.iip=r16
	mov cr.ipsr=r17 ;;
resume:
	mov pr=r29,-1
	mov b6=r28
	mov r24=r30                    // PAL_VPS_RESUME_NORMAL: GR24 = guest BR0, GR25 = VPD
	mov r25=r31
	movl r16=vsa_base ;;
	ld8 r16=[r16] ;;
	mov b0=r16 ;;
	br.cond.sptk.many b0 ;;
	.endp on_vfault

// the guest's GRs r0-r15 by number: one bundle each, back through b6
	.align 16
get_gr:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	{ .mib
	  nop.m 0
	  mov r17=r\n
	  br.sptk.few b6 ;; }
	.endr
set_gr:
	{ .mib
	  nop.m 0
	  nop.i 0
	  br.sptk.few b6 ;; }
	.irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	{ .mib
	  nop.m 0
	  mov r\n=r19
	  br.sptk.few b6 ;; }
	.endr

// ---- General Exception from the guest: an Unimplemented Data Address (ISR.code 0x30) is
// noted (IFA) and the guest steps over the access; anything else is unexpected
	.proc on_gexc
on_gexc:
	mov r29=pr
	mov r30=b0
	mov r28=b6
	mov r16=cr.isr ;;
	extr.u r17=r16,4,4 ;;
	cmp.ne p6,p0=3,r17
	(p6) br.cond.dpnt.few unexpected ;;
	mov r17=cr.ifa
	movl r18=uda_ifa ;;
	st8 [r18]=r17
	movl r31=VPD
	br.cond.sptk.few advance ;;
	.endp on_gexc

// ---- the guest's break 0x100: the per-cause summary --------------------------------------
	.proc on_break
on_break:
	mov r16=cr.iim
	mov r17=0x100 ;;
	cmp.ne p6,p0=r17,r16
	(p6) br.cond.dpnt.few unexpected ;;
	alloc r20=ar.pfs,0,4,1,0 ;;    // r32 index, r33 count pointer, r34 name pointer, r36 out
	movl r36=m_summary ;;
	br.call.sptk.many b0=puts ;;
	mov r32=1
	movl r33=counts + 8
	movl r34=names + 8 ;;
4:	ld8 r35=[r33],8 ;;
	cmp.eq p6,p0=0,r35
	(p6) br.cond.dpnt.few 5f ;;
	movl r36=m_cause ;;
	br.call.sptk.many b0=puts ;;
	ld8 r36=[r34] ;;
	br.call.sptk.many b0=puts ;;
	movl r36=m_times ;;
	br.call.sptk.many b0=puts ;;
	adds r2=-8,r33 ;;
	ld8 r36=[r2] ;;
	br.call.sptk.many b0=puthex ;;
	movl r36=m_nl ;;
	br.call.sptk.many b0=puts ;;
5:	adds r32=1,r32
	adds r34=8,r34 ;;
	cmp.geu p6,p0=41,r32
	(p6) br.cond.sptk.few 4b ;;
	movl r36=m_done ;;
	br.call.sptk.many b0=puts ;;
	mov r36=0 ;;
	br.call.sptk.many b0=exit ;;
unexpected:
	alloc r20=ar.pfs,0,4,1,0 ;;
	movl r36=m_unexp ;;
	br.call.sptk.many b0=puts ;;
	mov r36=cr.iip ;;
	br.call.sptk.many b0=puthex ;;
	mov r36=2 ;;
	br.call.sptk.many b0=exit ;;
	.endp on_break

// ---- the guest kernel: cpl 0, PSR.vm = 1, physical mode ---------------------------------
	.macro say msg
	movl r36=\msg ;;
	br.call.sptk.many b0=puts ;;
	.endm
	.macro sayhex reg
	mov r36=\reg ;;
	br.call.sptk.many b0=puthex ;;
	movl r36=m_nl ;;
	br.call.sptk.many b0=puts ;;
	.endm
	.proc guest_start
guest_start:
	alloc r32=ar.pfs,0,4,1,0       // r36 = out0
	say g_start
	movl r9=0x12348000 ;;          // a virtual IVA, kept in the VPD
	mov cr.iva=r9 ;;
	srlz.i ;;
	mov r10=cr.iva ;;
	say g_iva
	sayhex r10
	mov r9=0 ;;
	mov r10=cpuid[r9] ;;
	say g_cpuid
	sayhex r10
	ssm 0x4000 ;;                  // the virtual psr.i
	mov r10=psr ;;
	rsm 0x4000 ;;
	say g_psr
	sayhex r10
	movl r9=0x2000000000000000
	movl r11=(0x42 << 8) | (14 << 2) ;;
	mov rr[r9]=r11 ;;
	mov r10=rr[r9] ;;
	say g_rr
	sayhex r10
	movl r11=0x7700000 | (20 << 2) | 1 ;;
	mov cr.pta=r11 ;;
	srlz.d ;;
	movl r9=0x2000000000123000 ;;
	thash r10=r9
	ttag r11=r9 ;;
	say g_thash
	sayhex r10
	say g_ttag
	sayhex r11
	rsm 0x2000 ;;                  // virtual psr.ic off for itc and cover
	srlz.d ;;
	mov cr.ifa=r9
	movl r11=14 << 2 ;;
	mov cr.itir=r11
	movl r10=0x400000 | 0x661 ;;
	itc.d r10 ;;
	ptc.e r0 ;;
	say g_itc
	movl r10=vtlb + 8 ;;
	ld8 r10=[r10] ;;
	sayhex r10
	cover ;;                       // drops this frame: vifs = its marker
	alloc r32=ar.pfs,0,4,1,0 ;;
	mov r10=cr.ifs ;;
	say g_cover
	sayhex r10
	mov r16=0x55 ;;                // bsw is accelerated: no intercept
	bsw.0 ;;
	mov r16=0x66 ;;
	bsw.1 ;;
	mov r10=r16 ;;
	say g_bsw
	sayhex r10
	movl r9=0x1ffc000000008000 ;;  // bits 60-50 set, bit 49 clear: fine for the VMM, but
	ld8 r10=[r9] ;;                // a guest lacks bit 50: Unimplemented Data Address
	say g_uda
	movl r10=uda_ifa ;;
	ld8 r10=[r10] ;;
	sayhex r10
	mov r2=0
	mov r3=0 ;;                    // the other causes: the VMM counts and skips them
	mov.m ar.itc=r2 ;;
	mov.m ar.itc=5 ;;
	mov.m r1=ar.itc ;;
	mov r9=psr ;;
	mov psr.l=r9 ;;
	itc.i r2 ;;
	mov dbr[r3]=r2 ;;
	mov ibr[r3]=r2 ;;
	mov pkr[r3]=r2 ;;
	mov pmc[r3]=r2 ;;
	mov pmd[r3]=r2 ;;
	itr.d dtr[r3]=r2 ;;
	itr.i itr[r3]=r2 ;;
	mov r1=dbr[r3] ;;
	mov r1=ibr[r3] ;;
	mov r1=pkr[r3] ;;
	mov r1=pmc[r3] ;;
	ptc.l r3,r2 ;;
	ptc.g r3,r2 ;;
	ptc.ga r3,r2 ;;
	ptr.d r3,r2 ;;
	ptr.i r3,r2 ;;
	tpa r1=r3 ;;
	tak r1=r3 ;;
	vmsw.0 ;;                      // not on an execute-only page: intercepted too
	say g_rest
	movl r9=after_rfi ;;
	mov cr.iip=r9
	movl r9=(1 << 44) | (1 << 13) ;;
	mov cr.ipsr=r9 ;;
	rfi ;;
	say g_bad
after_rfi:
	say g_rfi
	break.m 0x100 ;;
	.endp guest_start

	.data
	.align 8
vsa_base: .quad 0
uda_ifa:  .quad 0
vtlb_n:   .quad 0
vtlb:     .skip 8 * 24
counts:   .skip 42 * 8
names:
	.quad 0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17
	.quad c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32, c33
	.quad c34, c35, c36, c37, c38, c39, c40, c41
c1: .asciz "MOV_TO_AR"
c2: .asciz "MOV_TO_AR_IMM"
c3: .asciz "MOV_FROM_AR"
c4: .asciz "MOV_TO_CR"
c5: .asciz "MOV_FROM_CR"
c6: .asciz "MOV_TO_PSR"
c7: .asciz "MOV_FROM_PSR"
c8: .asciz "ITC_D"
c9: .asciz "ITC_I"
c10: .asciz "MOV_TO_RR"
c11: .asciz "MOV_TO_DBR"
c12: .asciz "MOV_TO_IBR"
c13: .asciz "MOV_TO_PKR"
c14: .asciz "MOV_TO_PMC"
c15: .asciz "MOV_TO_PMD"
c16: .asciz "ITR_D"
c17: .asciz "ITR_I"
c18: .asciz "MOV_FROM_RR"
c19: .asciz "MOV_FROM_DBR"
c20: .asciz "MOV_FROM_IBR"
c21: .asciz "MOV_FROM_PKR"
c22: .asciz "MOV_FROM_PMC"
c23: .asciz "MOV_FROM_CPUID"
c24: .asciz "SSM"
c25: .asciz "RSM"
c26: .asciz "PTC_L"
c27: .asciz "PTC_G"
c28: .asciz "PTC_GA"
c29: .asciz "PTR_D"
c30: .asciz "PTR_I"
c31: .asciz "THASH"
c32: .asciz "TTAG"
c33: .asciz "TPA"
c34: .asciz "TAK"
c35: .asciz "PTC_E"
c36: .asciz "COVER"
c37: .asciz "RFI"
c38: .asciz "BSW_0"
c39: .asciz "BSW_1"
c40: .asciz "VMSW"
c41: .asciz "PROBE"
m_start:   .asciz "vtivmm: PAL reports the VM features; joining the virtual environment\n"
m_created: .asciz "vtivmm: virtual processor created (PAL_VP_CREATE), resuming the guest at PSR.vm=1\n"
m_fail:    .asciz "vtivmm: FAILED\n"
m_summary: .asciz "vtivmm: guest done; virtualization faults by cause:\n"
m_cause:   .asciz "vtivmm:   "
m_times:   .asciz " "
m_done:    .asciz "vtivmm: done\n"
m_unexp:   .asciz "vtivmm: unexpected interruption at IIP="
m_nl:      .asciz "\n"
g_start:   .asciz "guest: running at PSR.vm=1\n"
g_iva:     .asciz "guest: cr.iva written and read back (virtual CR in the VPD) = "
g_cpuid:   .asciz "guest: cpuid[0] (the VMM's signature 'vtiVMM') = "
g_psr:     .asciz "guest: psr after ssm psr.i (the virtual PSR: ic i) = "
g_rr:      .asciz "guest: rr[0x2000000000000000] (virtual region register) = "
g_thash:   .asciz "guest: thash (PAL_VPS_THASH) = "
g_ttag:    .asciz "guest: ttag (PAL_VPS_TTAG) = "
g_itc:     .asciz "guest: itc.d filled the virtual TLB, ptc.e purged it; the PTE the VMM kept = "
g_cover:   .asciz "guest: cover with virtual psr.ic=0, cr.ifs (virtual) = "
g_bsw:     .asciz "guest: bsw.0/bsw.1 accelerated (vac.a_bsw), bank-1 r16 kept = "
g_rest:    .asciz "guest: ar.itc, psr.l, itc.i, itr, the debug/key/perf registers, ptc/ptr, tpa, tak, vmsw: each intercepted\n"
g_uda:     .asciz "guest: a load above the guest's implemented addresses faulted; the VMM saw IFA = "
g_rfi:     .asciz "guest: rfi emulated, resumed at the virtual IIP\n"
g_bad:     .asciz "guest: FAILED (rfi fell through)\n"

	.section .ivt, "ax"
	.align 32768
ivt:
	.org ivt + 0x2c00
	br.sptk.many on_break ;;
	.org ivt + 0x5400
	br.sptk.many on_gexc ;;
	.org ivt + 0x6100
	br.sptk.many on_vfault ;;
	.org ivt + 0x8000
