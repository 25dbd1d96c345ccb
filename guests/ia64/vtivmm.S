// vtivmm: a small VT-i VMM.  At PSR.vm = 0 it checks PAL_PROC_GET_FEATURES for the VM bit,
// joins the virtual environment (PAL_VP_ENV_INFO, PAL_VP_INIT_ENV), creates a virtual
// processor (PAL_VP_CREATE with its VPD), restores it (PAL_VPS_RESTORE) and resumes a guest
// kernel at PSR.vm = 1 (PAL_VPS_RESUME_NORMAL).  Its Virtualization-vector handler reads the
// cause (GR24) and opcode (GR25), emulates the instruction on the virtual state in the VPD
// (virtual CRs and PSR, region registers, CPUID with a VMM signature, thash/ttag through
// PAL_VPS_THASH/TTAG, itc/ptc on a small virtual TLB, probe answered from that TLB, cover,
// rfi, bsw, a virtual IVR/EOI), steps the guest past it and resumes; the other causes are
// counted and stepped over.  The guest runs translated (ITRs and DTRs the VMM set) and shows
// the address-bit rule: a load with bits 60-50 set faults for it (General Exception) and a
// branch there faults on the Lower-Privilege Transfer vector (ISR.code ui), though the VMM
// could use that address.
//
// The guest runs in three phases of vac: a_bsw (bsw served from the VPD), then 0 (bsw.0/1
// fault and the VMM switches the guest's banks itself, with a_bsw's convention: the guest's
// active bank in real bank 1, the other in vgr/vnat (its bank 1) or vbgr/vbnat (its bank 0)),
// then all seven (a_int, a_from/to_int_cr, a_from_psr, a_from_cpuid, a_cover, a_bsw): those
// instructions stop faulting (the guest reads the per-cause counts before and after).
// Hypercalls are `break.m` with r8 as argument: 0x101 vac = r8 (then PAL_VPS_SYNC_WRITE),
// 0x102 make vector r8 pending (virtual IRR, vhpi, PAL_VPS_SET_PENDING_INTERRUPT), 0x103 r8 =
// the faults of the causes in mask r8, 0x100 the end: the per-cause summary.  A pending vector reaches the guest as the Virtual
// External Interrupt (0x3400 of the VMM's IVT) once the guest's virtual psr.i and tpr let it
// through (at the VMM's resume, or right after an ssm psr.i or mov cr.tpr); the VMM reflects
// it to the guest's own IVT (virtual IVA + 0x3000) with the guest's virtual IPSR/IIP/ISR/IIPA/
// IFS and vpsr set as an interruption would, and the guest's handler reads cr.ivr, writes
// cr.eoi (both emulated: one level, vhpi is 0 from the acknowledge to the EOI) and rfi's back.
//
// Limits: the emulated instructions' register operands must be r1-r15 (the handler reaches
// the guest's GRs through tables; r16-r31 of the guest are in bank 1, r32+ in its frame).
// probe of an address the virtual TLB does not hold answers 0 (no TLB fault is reflected).
	.include "lib.inc"
	VPD = 0x200000                 // 64 KiB, 32 KiB aligned (physical = virtual here)
	BUF = 0x300000                 // the PAL virtual-environment buffer
	VHPI = 256
	VGR = 1024
	VBGR = 1152
	VNAT = 1280
	VBNAT = 1288
	VCPUID = 1296
	VPSR = 1424
	VCR = 2048
	VRR = 3072                     // VMM-use area of the VPD: the guest's region registers
	A_INT = 0x1
	A_FROM_INT_CR = 0x2
	A_TO_INT_CR = 0x4
	A_FROM_PSR = 0x8
	A_FROM_CPUID = 0x10
	A_COVER = 0x20
	A_BSW = 0x40
	PSR_GUEST = (1 << 46) | (1 << 44) | (1 << 36) | (1 << 17) | (1 << 13)  // its real IPSR: vm bn it dt ic
	// what an interruption keeps of the (virtual) PSR: up mfl mfh pk dt rt mc it (vti.md 2.2)
	PSR_KEPT = (1 << 2) | (1 << 4) | (1 << 5) | (1 << 15) | (1 << 17) | (1 << 27) | (3 << 35)
	SIGNATURE = 0x4d4d56697476     // "vtiVMM"
	IRQ = 0x51                     // the guest's virtual interrupt vectors
	IRQ2 = 0x63
	ACCEL_CAUSES = (1 << 7) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 36) | (1 << 38) | (1 << 39)

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
	movl r2=VPD ;;                 // vac, virt_env_vaddr, vpsr (bn, ic), vcpuid[0]
	mov r3=A_BSW ;;
	st8 [r2]=r3,16
	movl r3=BUF ;;
	st8 [r2]=r3
	movl r2=VPD + VPSR
	movl r3=(1 << 44) | (1 << 13) ;;
	st8 [r2]=r3
	movl r2=VPD + VCPUID
	movl r3=SIGNATURE ;;
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
	itr.d dtr[r9]=r2
	mov cr.ifa=r0                  // and it fetches through ITRs: ITR 0 the same 64 MiB,
	mov r3=26 << 2 ;;              // ITR 1 the megabyte of PAL and the VPS services
	mov cr.itir=r3
	movl r2=0x661 ;;
	itr.i itr[r0]=r2 ;;
	movl r3=0xfff00000 ;;
	mov cr.ifa=r3
	mov r3=20 << 2 ;;
	mov cr.itir=r3
	movl r2=0xfff00000 | 0x661 ;;
	itr.i itr[r9]=r2 ;;
	srlz.i ;;
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

// ---- the VMM's handlers: bank 0, PSR.ic = 0; r16-r31 are theirs ----------------------------
// r26 cause, r27 opcode, r28 guest b6, r29 guest predicates, r30 guest b0, r31 the VPD.
// Helpers are entered through b0 and return through b6; they use r16-r25.
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
	.macro helper name             // a helper returning through b6
	movl r16=\name
	movl r17=.Lh\@ ;;
	mov b0=r16
	mov b6=r17 ;;
	br.cond.sptk.few b0 ;;
.Lh\@:
	.endm
	.macro vps off                 // a VPS service (GR24-31 scratch: r26-r30 kept in memory)
	movl r16=vps_keep ;;
	st8 [r16]=r26,8 ;;
	st8 [r16]=r27,8 ;;
	st8 [r16]=r28,8 ;;
	st8 [r16]=r29,8 ;;
	st8 [r16]=r30
	movl r24=.Lv\@
	mov r25=r31
	movl r16=vsa_base ;;
	ld8 r16=[r16]
	movl r17=\off ;;
	add r16=r16,r17 ;;
	mov b0=r16 ;;
	br.cond.sptk.few b0 ;;
.Lv\@:
	movl r16=vps_keep ;;
	ld8 r26=[r16],8 ;;
	ld8 r27=[r16],8 ;;
	ld8 r28=[r16],8 ;;
	ld8 r29=[r16],8 ;;
	ld8 r30=[r16]
	movl r31=VPD ;;
	.endm
	// The VMM's own calls (puts/puthex): cover the guest's frame (IFS = its marker, which the
	// resume's rfi restores), a frame of its own, the guest's r2/r3/ar.pfs kept in r20-r22
	.macro vmm_enter
	cover ;;
	alloc r20=ar.pfs,0,4,1,0
	mov r21=r2
	mov r22=r3 ;;
	.endm
	.macro vmm_leave
	mov ar.pfs=r20
	mov r2=r21
	mov r3=r22 ;;
	.endm
	.macro vsay msg
	movl r36=\msg ;;
	br.call.sptk.many b0=puts ;;
	.endm
	.macro vsayhex reg
	mov r36=\reg ;;
	br.call.sptk.many b0=puthex ;;
	.endm
	.macro save_guest              // the guest's predicates, b0, b6; r31 = VPD
	mov r29=pr
	mov r30=b0
	mov r28=b6
	movl r31=VPD ;;
	.endm

	.proc on_vfault
on_vfault:
	mov r26=r24
	mov r27=r25
	save_guest
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
	cmp.eq p7,p0=38,r26 ;;         // BSW_0
	(p7) br.cond.dptk.few do_bsw
	cmp.eq p6,p0=39,r26            // BSW_1
	(p6) br.cond.dptk.few do_bsw
	cmp.eq p7,p0=41,r26 ;;         // PROBE
	(p7) br.cond.dptk.few do_probe
	br.cond.sptk.few unsupported ;;

from_cr:                           // r1 = vcr[cr3]; cr.ivr acknowledges the virtual IRR
	extr.u r18=r27,20,7 ;;
	cmp.eq p6,p0=65,r18
	(p6) br.cond.dpnt.few do_ivr ;;
	shladd r16=r18,3,r31 ;;
	adds r16=VCR,r16 ;;
	ld8 r19=[r16] ;;
	gr_set_r1
	br.cond.sptk.few advance ;;
do_ivr:                            // the highest pending vector (15: none) goes in service
	helper irr_high
	cmp.eq p6,p7=0,r18 ;;
	(p6) mov r19=15
	(p7) mov r23=1 ;;
	(p7) shl r23=r23,r21 ;;
	(p7) andcm r20=r20,r23 ;;
	(p7) st8 [r19]=r20
	(p7) mov r19=r18
	adds r16=VHPI,r31 ;;
	st8 [r16]=r0                   // nothing more is delivered until the EOI
	gr_set_r1
	br.cond.sptk.few advance ;;
to_cr:                             // vcr[cr3] = r2; cr.eoi re-arms vhpi
	gr_get 13
	extr.u r18=r27,20,7 ;;
	shladd r16=r18,3,r31
	cmp.eq p6,p0=67,r18 ;;
	adds r16=VCR,r16 ;;
	st8 [r16]=r17
	(p6) br.cond.dpnt.few do_eoi ;;
	br.cond.sptk.few advance ;;
do_eoi:                            // vhpi = the class of the highest vector still pending
	helper irr_high
	shr.u r18=r18,4 ;;
	adds r16=VHPI,r31 ;;
	st8 [r16]=r18
	vps 0x1000                     // PAL_VPS_SET_PENDING_INTERRUPT
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
	mov r19=r28                    // GR24-31 are scratch across the service
	mov r20=r29
	mov r23=r30
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
3:	mov r28=r19
	mov r29=r20
	mov r30=r23
	mov r19=r31
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
do_probe:                          // probe.r/probe.w: 1 if the virtual TLB's entry allows it
	gr_get 20                      // va
	mov r22=r17
	extr.u r23=r27,13,2            // level: imm2, or r2{1:0} in the register form (x6 bit 5)
	tbit.z p6,p0=r27,32 ;;
	(p6) br.cond.dptk.few 1f ;;
	gr_get 13
	and r23=3,r17 ;;
1:	mov r16=cr.ipsr ;;             // at least the guest's cpl
	extr.u r16=r16,32,2 ;;
	cmp.ltu p6,p0=r23,r16 ;;
	(p6) mov r23=r16
	mov r19=0
	movl r16=vtlb_n ;;
	ld8 r18=[r16]
	movl r20=vtlb ;;
	cmp.ltu p6,p0=8,r18 ;;
	(p6) mov r18=8 ;;
2:	cmp.eq p6,p0=0,r18
	(p6) br.cond.dpnt.few 4f ;;
	ld8 r16=[r20],8 ;;             // vifa, pte, vitir
	ld8 r17=[r20],8 ;;
	ld8 r21=[r20],8
	adds r18=-1,r18 ;;
	extr.u r21=r21,2,6 ;;          // itir.ps
	shr.u r16=r16,r21
	shr.u r24=r22,r21 ;;
	cmp.ne p6,p0=r16,r24
	(p6) br.cond.dptk.few 2b ;;
	tbit.z p6,p0=r17,0             // not present
	extr.u r24=r17,9,3             // ar
	extr.u r25=r17,7,2 ;;          // pl
	(p6) br.cond.dpnt.few 4f
	tbit.nz p7,p0=r27,27 ;;        // x6 bit 0: probe.w
	(p7) br.cond.dpnt.few 3f ;;
	cmp.eq p6,p0=7,r24 ;;          // read: ar 7 only at level 0, others at level <= pl
	(p6) cmp.eq p8,p9=0,r23
	(p6) br.cond.dpnt.few 5f ;;
	cmp.geu p8,p9=r25,r23
	br.cond.sptk.few 5f ;;
3:	cmp.ltu p6,p0=r25,r23          // write: never above pl; ar 2, 3, 6 at level <= pl,
	(p6) br.cond.dpnt.few 4f ;;    // ar 4 below pl or at 0, ar 5 at 0, ar 0, 1, 7 never
	cmp.eq p8,p0=0,r23
	cmp.ltu p12,p0=r23,r25
	cmp.eq p10,p0=4,r24
	cmp.eq p9,p0=5,r24 ;;
	(p9) br.cond.dpnt.few 5f ;;
	(p12) cmp.eq.or p8,p0=r0,r0 ;;
	(p10) br.cond.dpnt.few 5f ;;
	cmp.eq p8,p0=2,r24 ;;
	cmp.eq.or p8,p0=3,r24
	cmp.eq.or p8,p0=6,r24 ;;
5:	(p8) mov r19=1
4:	gr_set_r1
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
do_bsw:                            // the guest's banks switch as vac.a_bsw would switch them
	cmp.eq p6,p7=39,r26 ;;
	(p6) mov r19=1
	(p7) mov r19=0
	helper vbank
	br.cond.sptk.few advance ;;
do_rfi:                            // banks to vipsr.bn, vpsr = vipsr; resume at viip with vifs
	adds r16=VCR+16*8,r31 ;;
	ld8 r19=[r16] ;;
	extr.u r19=r19,44,1
	helper vbank
	adds r16=VCR+16*8,r31 ;;
	ld8 r17=[r16]                  // vipsr
	adds r16=VCR+19*8,r31 ;;
	ld8 r18=[r16]                  // viip
	adds r16=VCR+23*8,r31 ;;
	ld8 r21=[r16]                  // vifs: a covered frame comes back
	adds r16=VPSR,r31 ;;
	st8 [r16]=r17
	extr.u r19=r17,41,2
	movl r20=PSR_GUEST ;;
	dep r20=r19,r20,41,2 ;;
	mov cr.ipsr=r20
	mov cr.iip=r18
	mov cr.ifs=r21
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
resume:                            // PAL_VPS_RESUME_NORMAL: GR24 = guest BR0, GR25 = VPD;
	adds r17=VPSR,r31              // with vpsr.ic = 0 PAL_VPS_RESUME_HANDLER, GR26 = vac
	movl r16=vsa_base ;;           // and bit 63 = ISR.ir (vti.md 5.3)
	ld8 r16=[r16]
	ld8 r17=[r17]
	ld8 r26=[r31]
	mov r18=cr.isr ;;
	tbit.z p6,p0=r17,13
	extr.u r18=r18,38,1 ;;
	(p6) adds r16=0x400,r16
	dep r26=r18,r26,63,1
	mov r24=r30
	mov r25=r31 ;;
	mov b0=r16
	mov b6=r28
	mov pr=r29,-1 ;;
	br.cond.sptk.many b0 ;;
	.endp on_vfault

// irr_high: r18 = the highest vector pending in the virtual IRR (0: none), r19 its IRR word's
// address, r20 the word, r21 its bit
	.proc irr_high
irr_high:
	mov r18=255 ;;
1:	extr.u r17=r18,6,2
	and r21=63,r18 ;;
	shladd r19=r17,3,r31 ;;
	adds r19=VCR+68*8,r19 ;;
	ld8 r20=[r19] ;;
	shr.u r22=r20,r21
	cmp.eq p7,p0=0,r20 ;;          // an empty word: its 64 vectors at once (r18 is its top)
	tbit.nz p6,p0=r22,0
	(p7) adds r18=-63,r18 ;;
	(p6) br.cond.dpnt.few b6
	adds r18=-1,r18 ;;
	cmp.le p7,p0=16,r18
	(p7) br.cond.sptk.few 1b ;;
	mov r18=0
	br.cond.sptk.few b6 ;;
	.endp irr_high

// vbank: the guest's banked registers follow vpsr.bn to r19 (0/1).  Its active bank stays in
// real bank 1, the other one in the VPD (vgr/vnat its bank 1, vbgr/vbnat its bank 0), as
// vac.a_bsw keeps them; the NaT bits go through ar.unat (st8.spill/ld8.fill: bit addr{8:3}).
// The guest's r2, r3 and ar.unat are kept in r24, r25, r18.
	.proc vbank
vbank:
	adds r16=VPSR,r31 ;;
	ld8 r17=[r16] ;;
	extr.u r18=r17,44,1 ;;
	cmp.eq p6,p0=r18,r19
	(p6) br.cond.dpnt.few b6 ;;
	dep r17=r19,r17,44,1 ;;
	st8 [r16]=r17
	mov r24=r2
	mov r25=r3
	mov r18=ar.unat
	cmp.eq p6,p7=0,r19 ;;
	(p6) adds r2=VGR,r31           // to bank 0: bank 1 out to vgr, bank 0 in from vbgr
	(p6) adds r3=VBGR,r31
	(p6) adds r20=VNAT,r31
	(p6) adds r21=VBNAT,r31
	(p7) adds r2=VBGR,r31          // to bank 1: bank 0 out to vbgr, bank 1 in from vgr
	(p7) adds r3=VGR,r31
	(p7) adds r20=VBNAT,r31
	(p7) adds r21=VNAT,r31 ;;
	ld8 r22=[r21]
	extr.u r23=r3,3,6 ;;
	shl r22=r22,r23 ;;
	mov ar.unat=r22 ;;
	bsw.1 ;;
	.irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	st8.spill [r2]=r\n,8 ;;
	.endr
	.irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld8.fill r\n=[r3],8 ;;
	.endr
	bsw.0 ;;
	adds r2=-128,r2 ;;
	extr.u r23=r2,3,6
	mov r22=ar.unat ;;
	shr.u r22=r22,r23 ;;
	zxt2 r22=r22 ;;
	st8 [r20]=r22
	mov ar.unat=r18
	mov r2=r24
	mov r3=r25 ;;
	br.cond.sptk.few b6 ;;
	.endp vbank

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

// ---- the Virtual External Interrupt: reflected to the guest's IVT --------------------------
	.proc on_vext
on_vext:
	save_guest
	adds r16=VPSR,r31 ;;
	ld8 r17=[r16]
	mov r18=cr.ipsr ;;
	extr.u r19=r18,41,2
	tbit.nz p8,p0=r17,13 ;;        // vpsr.ic: the guest's interruption registers are written
	dep r19=r19,r17,41,2
	adds r16=VCR+16*8,r31
	adds r20=VCR+17*8,r31
	adds r21=VCR+19*8,r31
	adds r22=VCR+22*8,r31
	adds r23=VCR+23*8,r31 ;;
	(p8) st8 [r16]=r19             // vipsr = vpsr with ri
	mov r18=cr.isr ;;
	st8 [r20]=r18                  // visr
	mov r18=cr.iip ;;
	(p8) st8 [r21]=r18             // viip
	mov r18=cr.iipa ;;
	(p8) st8 [r22]=r18             // viipa
	(p8) st8 [r23]=r0              // vifs.v = 0
	movl r18=PSR_KEPT | (1 << 44) ;;
	and r17=r17,r18                // the rest of vpsr is 0 (bank 0 below), ic i cpl ri too
	adds r16=VPSR,r31 ;;
	st8 [r16]=r17
	mov r19=0
	helper vbank
	adds r16=VCR+2*8,r31 ;;
	ld8 r17=[r16]                  // the guest's IVA
	movl r18=0x3000 ;;
	dep r17=0,r17,0,15 ;;
	add r17=r17,r18
	movl r18=PSR_GUEST ;;
	mov cr.iip=r17
	mov cr.ipsr=r18 ;;
	vmm_enter                      // IFS: the interrupted frame, kept for the guest's handler
	vsay m_vext
	vmm_leave
	br.cond.sptk.few resume ;;
	.endp on_vext

// ---- General Exception from the guest: an Unimplemented Data Address (ISR.code 0x30) is
// noted (IFA) and the guest steps over the access; anything else is unexpected
	.proc on_gexc
on_gexc:
	save_guest
	mov r16=cr.isr ;;
	extr.u r17=r16,4,4 ;;
	cmp.ne p6,p0=3,r17
	(p6) br.cond.dpnt.few unexpected ;;
	mov r17=cr.ifa
	movl r18=uda_ifa ;;
	st8 [r18]=r17
	br.cond.sptk.few advance ;;
	.endp on_gexc

// ---- Unimplemented Instruction Address (Lower-Privilege Transfer vector, ISR.code ui): a
// guest branch beyond its implemented addresses.  Noted (IIP), and the guest resumes at its b0
	.proc on_uia
on_uia:
	save_guest
	mov r16=cr.isr ;;
	tbit.z p6,p0=r16,4
	(p6) br.cond.dpnt.few unexpected ;;
	mov r17=cr.iip
	movl r18=uia_iip ;;
	st8 [r18]=r17
	mov r17=cr.ipsr ;;
	dep r17=0,r17,41,2 ;;          // slot 0 of the bundle b0 names
	mov cr.ipsr=r17
	mov cr.iip=r30
	br.cond.sptk.few resume ;;
	.endp on_uia

// ---- the guest's break: hypercalls (IIM 0x101-0x103) and the per-cause summary (0x100) ----
	.proc on_break
on_break:
	save_guest
	mov r16=cr.iim ;;
	adds r16=-0x100,r16 ;;
	cmp.eq p6,p0=1,r16
	(p6) br.cond.dptk.few hc_vac
	cmp.eq p7,p0=2,r16 ;;
	(p7) br.cond.dptk.few hc_pend
	cmp.eq p6,p0=3,r16
	(p6) br.cond.dptk.few hc_count
	cmp.ne p7,p0=0,r16
	(p7) br.cond.dpnt.few unexpected ;;
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
hc_vac:                            // vac = r8 (its defined bits); the VPD changed: SYNC_WRITE
	and r17=0x7f,r8 ;;
	st8 [r31]=r17
	vps 0x0c00                     // PAL_VPS_SYNC_WRITE
	vmm_enter
	vsay m_vac
	and r23=0x7f,r8 ;;
	vsayhex r23
	vsay m_nl
	vmm_leave
	br.cond.sptk.few advance ;;
hc_pend:                           // vector r8 pending: virtual IRR bit, vhpi = its class
	extr.u r17=r8,6,2
	and r18=63,r8
	mov r19=1 ;;
	shl r19=r19,r18
	shladd r16=r17,3,r31 ;;
	adds r16=VCR+68*8,r16 ;;
	ld8 r18=[r16] ;;
	or r18=r18,r19 ;;
	st8 [r16]=r18
	extr.u r17=r8,4,4
	adds r16=VHPI,r31 ;;
	ld8 r18=[r16] ;;
	cmp.ltu p6,p0=r18,r17 ;;
	(p6) st8 [r16]=r17
	vps 0x1000                     // PAL_VPS_SET_PENDING_INTERRUPT
	vmm_enter
	vsay m_pend
	vsayhex r8
	vsay m_pend2
	vmm_leave
	br.cond.sptk.few advance ;;
hc_count:                          // r8 = the faults of the causes whose bits r8 sets
	mov r17=r8
	mov r8=r0
	movl r16=counts ;;
6:	tbit.nz p6,p0=r17,0
	ld8 r18=[r16],8 ;;
	(p6) add r8=r8,r18
	shr.u r17=r17,1 ;;
	cmp.ne p7,p0=0,r17
	(p7) br.cond.sptk.few 6b ;;
	br.cond.sptk.few advance ;;
unexpected:
	alloc r20=ar.pfs,0,4,1,0 ;;
	movl r36=m_unexp ;;
	br.call.sptk.many b0=puts ;;
	mov r36=cr.iip ;;
	br.call.sptk.many b0=puthex ;;
	mov r36=2 ;;
	br.call.sptk.many b0=exit ;;
	.endp on_break

// ---- the guest kernel: cpl 0, PSR.vm = 1, translated by the VMM's ITRs and DTRs --------------
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
	.macro sayhex2 a, b            // two values on one line
	mov r36=\a ;;
	br.call.sptk.many b0=puthex ;;
	movl r36=m_sp ;;
	br.call.sptk.many b0=puts ;;
	sayhex \b
	.endm
	.proc guest_start
guest_start:
	alloc r32=ar.pfs,0,4,1,0       // r36 = out0
	say g_start
	movl r9=guest_ivt ;;           // the guest's own IVT, a virtual CR kept in the VPD
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
	bsw.0 ;;
	mov r11=r16 ;;
	bsw.1 ;;
	say g_bsw
	sayhex2 r10, r11
	movl r9=0x2000000000200000     // probe: a page with ar 4 (R at pl and above, W above pl
	movl r11=14 << 2 ;;            // or at 0) and pl 2 in the virtual TLB
	mov cr.ifa=r9
	mov cr.itir=r11
	movl r10=0x500000 | (4 << 9) | (2 << 7) | 0x61 ;;
	itc.d r10 ;;
	mov r2=2 ;;
	probe.r r10=r9,0 ;;            // 1
	probe.w r11=r9,0 ;;            // 1
	probe.w r12=r9,r2 ;;           // 0: at pl, read-only
	probe.r r13=r9,3 ;;            // 0: above pl
	movl r14=0x2000000000600000 ;;
	probe.r r14=r14,0 ;;           // 0: not in the virtual TLB
	shl r10=r10,16
	shl r11=r11,12
	shl r12=r12,8
	shl r13=r13,4 ;;
	or r10=r10,r11
	or r12=r12,r13 ;;
	or r10=r10,r12 ;;
	or r10=r10,r14
	say g_probe
	sayhex r10
	movl r9=0x1ffc000000008000 ;;  // bits 60-50 set, bit 49 clear: fine for the VMM, but
	ld8 r10=[r9] ;;                // a guest lacks bit 50: Unimplemented Data Address
	say g_uda
	movl r10=uda_ifa ;;
	ld8 r10=[r10] ;;
	sayhex r10
	movl r9=0x1ffc000000100000     // a branch there: the same rule for fetches
	movl r10=1f ;;
	mov b6=r9
	mov b0=r10 ;;                  // the VMM resumes the guest at its b0
	br.cond.sptk.many b6 ;;
1:	movl r10=uia_iip ;;
	ld8 r10=[r10] ;;
	say g_uia
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
	mov r8=0 ;;                    // hypercall: vac = 0
	break.m 0x101 ;;
	mov r16=0x1111                 // now each bsw faults and the VMM switches the banks
	movl r9=0x1ffc000000008000 ;;
	bsw.0 ;;
	mov r16=0x2222
	ld8.s r17=[r9] ;;              // deferred (the address above): r17 of bank 0 is a NaT
	bsw.1 ;;
	mov r10=r16 ;;
	bsw.0 ;;
	mov r11=r16
	tnat.nz p6,p7=r17 ;;
	bsw.1 ;;
	(p6) mov r12=1
	(p7) mov r12=0
	say g_bsw2
	sayhex2 r10, r11
	movl r8=A_INT | A_FROM_INT_CR | A_TO_INT_CR | A_FROM_PSR | A_FROM_CPUID | A_COVER | A_BSW ;;
	break.m 0x101 ;;               // hypercall: those accelerations on
	movl r8=ACCEL_CAUSES ;;
	break.m 0x103 ;;               // hypercall: their faults so far
	mov r14=r8
	mov r11=cpuid[r0] ;;           // none of these faults now
	ssm 0x4000 ;;
	mov r10=psr ;;
	rsm 0x4000 ;;
	cover ;;
	alloc r32=ar.pfs,0,4,1,0 ;;
	bsw.0 ;;
	tnat.nz p6,p7=r17 ;;
	bsw.1 ;;
	(p6) mov r13=1
	(p7) mov r13=0
	movl r8=ACCEL_CAUSES ;;
	break.m 0x103 ;;
	mov r15=r8
	say g_accel
	sayhex2 r10, r11
	say g_accel2
	sayhex2 r14, r15
	say g_nat
	sayhex2 r12, r13
	ssm 0x2000 ;;                  // virtual psr.ic on (intercepted: not psr.i alone)
	mov r8=IRQ ;;
	break.m 0x102 ;;               // hypercall: vector IRQ pending while psr.i = 0
	movl r9=irq_seen ;;
	ld8 r10=[r9] ;;
	say g_pending
	sayhex r10
	ssm 0x4000 ;;                  // a_int: the Virtual External Interrupt comes right here
	movl r9=irq_seen ;;
	ld8 r10=[r9] ;;
	say g_back
	sayhex2 r10, r16
	mov r9=0x50 ;;                 // tpr.mic = 5 (a_int: vtpr) masks the classes up to 5
	mov cr.tpr=r9 ;;
	mov r8=IRQ + 1 ;;
	break.m 0x102 ;;               // hypercall: vector IRQ + 1 pending while masked
	movl r9=irq_seen ;;
	ld8 r10=[r9] ;;
	say g_masked
	sayhex r10
	mov cr.tpr=r0 ;;               // a_int: the interrupt comes right here
	movl r9=irq_seen ;;
	ld8 r10=[r9] ;;
	say g_unmasked
	sayhex r10
	mov r8=IRQ2 ;;                 // unmasked: it comes at the hypercall's resume
	break.m 0x102 ;;
	movl r9=irq_seen ;;
	ld8 r10=[r9] ;;
	say g_atresume
	sayhex r10
	rsm 0x6000 ;;                  // psr.i and psr.ic off for the rfi
	mov cr.ifs=r0
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

// the guest's external-interrupt handler (its IVA + 0x3000): its bank 0, virtual ic = i = 0
	.proc guest_extint
guest_extint:
	mov r16=pr
	mov r17=b0
	mov r18=ar.pfs
	mov r19=r2
	mov r20=r3
	mov r21=r14
	mov r22=r15 ;;
	cover ;;                       // the interrupted frame into vifs (a_cover)
	alloc r23=ar.pfs,0,4,1,0 ;;
	mov r14=cr.ivr ;;              // acknowledge: the VMM's virtual IVR
	movl r2=irq_seen
	mov r15=cr.iip ;;              // where it came (vcr, a_from_int_cr)
	st8 [r2]=r14
	say gi_ivr
	sayhex2 r14, r15
	mov cr.eoi=r0 ;;
	mov pr=r16,-1
	mov b0=r17
	mov ar.pfs=r18
	mov r2=r19
	mov r3=r20
	mov r14=r21
	mov r15=r22 ;;
	rfi ;;
	.endp guest_extint

	.data
	.align 8
vsa_base: .quad 0
uda_ifa:  .quad 0
uia_iip:  .quad 0
irq_seen: .quad 0
vps_keep: .skip 5 * 8
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
m_sp:      .asciz " "
m_vac:     .asciz "vtivmm: hypercall: vac = "
m_pend:    .asciz "vtivmm: hypercall: vector "
m_pend2:   .asciz " pending (virtual IRR, vhpi, PAL_VPS_SET_PENDING_INTERRUPT)\n"
m_vext:    .asciz "vtivmm: Virtual External Interrupt: reflected to the guest's IVA + 0x3000\n"
g_start:   .asciz "guest: running at PSR.vm=1\n"
g_iva:     .asciz "guest: cr.iva written and read back (virtual CR in the VPD) = "
g_cpuid:   .asciz "guest: cpuid[0] (the VMM's signature 'vtiVMM') = "
g_psr:     .asciz "guest: psr after ssm psr.i (the virtual PSR: ic i) = "
g_rr:      .asciz "guest: rr[0x2000000000000000] (virtual region register) = "
g_thash:   .asciz "guest: thash (PAL_VPS_THASH) = "
g_ttag:    .asciz "guest: ttag (PAL_VPS_TTAG) = "
g_itc:     .asciz "guest: itc.d filled the virtual TLB, ptc.e purged it; the PTE the VMM kept = "
g_cover:   .asciz "guest: cover with virtual psr.ic=0, cr.ifs (virtual) = "
g_bsw:     .asciz "guest: bsw.0/bsw.1 accelerated (vac.a_bsw): r16 of bank 1, bank 0 = "
g_bsw2:    .asciz "guest: bsw.0/bsw.1 with vac.a_bsw off: emulated by the VMM: r16 of bank 1, bank 0 = "
g_probe:   .asciz "guest: probe emulated from the virtual TLB (page ar=4 pl=2): r@0 w@0 w@2 r@3, unmapped r@0 = "
g_accel:   .asciz "guest: served from the VPD without a fault: psr after ssm psr.i, cpuid[0] = "
g_nat:     .asciz "guest: bank-0 r17 NaT (ld8.s) kept by the emulated and the accelerated bsw = "
g_accel2:  .asciz "guest: faults of mov-from-psr/cpuid, ssm/rsm, cover, bsw before and after = "
g_pending: .asciz "guest: virtual interrupt pending with psr.i=0: not delivered, handled vector = "
g_masked:  .asciz "guest: the next vector pending under tpr.mic=5 (vtpr, a_int): masked, last handled = "
g_unmasked: .asciz "guest: mov cr.tpr=0 (a_int) unmasked it: the handler ran, last handled = "
g_atresume: .asciz "guest: a vector of a higher class with psr.i=1 came at PAL_VPS_RESUME, last handled = "
g_back:    .asciz "guest: ssm psr.i (a_int): the Virtual External Interrupt ran the guest's handler: vector, bank-1 r16 = "
gi_ivr:    .asciz "guest: external interrupt handler (guest IVA+0x3000): cr.ivr, cr.iip = "
g_rest:    .asciz "guest: ar.itc, psr.l, itc.i, itr, the debug/key/perf registers, ptc/ptr, tpa, tak, vmsw: each intercepted\n"
g_uda:     .asciz "guest: a load above the guest's implemented addresses faulted; the VMM saw IFA = "
g_uia:     .asciz "guest: a branch there faulted too (Unimplemented Instruction Address); the VMM saw IIP = "
g_rfi:     .asciz "guest: rfi emulated, resumed at the virtual IIP\n"
g_bad:     .asciz "guest: FAILED (rfi fell through)\n"

	.section .ivt, "ax"
	.align 32768
ivt:
	.org ivt + 0x2c00
	br.sptk.many on_break ;;
	.org ivt + 0x3400
	br.sptk.many on_vext ;;
	.org ivt + 0x5400
	br.sptk.many on_gexc ;;
	.org ivt + 0x5e00
	br.sptk.many on_uia ;;
	.org ivt + 0x6100
	br.sptk.many on_vfault ;;
	.org ivt + 0x8000
guest_ivt:                         // the guest's IVT: only its external-interrupt entry
	.org guest_ivt + 0x3000
	br.sptk.many guest_extint ;;
	.org guest_ivt + 0x3400
