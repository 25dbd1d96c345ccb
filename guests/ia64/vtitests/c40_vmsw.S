// c40_vmsw: vmsw.0/vmsw.1 (cause 40): intercepted in slots 0 and 1 when the code is not on an execute-only page (physical mode, or an ITR with ar = 3); on an execute-only ITLB page (ar = 7, PSR.it = 1) vmsw.0 leaves PSR.vm = 1 and vmsw.1 enters it without a fault, unless vdc.d_vmsw or the VM features are off (PAL_PROC_SET_FEATURES, when PAL_VP_* are unimplemented); cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c40_vmsw
	IMAGE = 0x100000
	PTE_XO = IMAGE | 0x61 | (7 << 9) // p, a, d, wb, pl 0, ar 7 (execute only)
	PTE_RWX = IMAGE | 0x61 | (3 << 9)
	.macro UNMAP_IMAGE             // purge the image page from the ITRs (PSR.ic off)
	movl r24=IMAGE
	mov r25=20 << 2 ;;
	ptr.i r24,r25 ;;
	srlz.i ;;
	.endm
	.macro MAP_IMAGE pte           // ITR 0 = the 1 MiB image page, identity
	IC_OFF
	UNMAP_IMAGE
	mov cr.ifa=r24
	mov cr.itir=r25
	movl r26=\pte ;;
	itr.i itr[r0]=r26 ;;
	srlz.i ;;
	IC_ON
	.endm
	.macro SET_FEATURES bits       // PAL_PROC_SET_FEATURES (static)
	mov r28=18
	movl r29=\bits
	LDQ r3, pal_entry
	movl r14=.Lf\@ ;;
	mov b6=r3
	mov b0=r14 ;;
	br.cond.sptk.many b6 ;;
.Lf\@:
	.endm
	.macro REGISTER                // PAL_VP_REGISTER(VPD, ivt, 0) -> r8
	mov r28=269
	movl r29=VPD
	movl r30=ivt
	mov r31=0 ;;
	br.call.sptk.many b0=pal_stacked ;;
	.endm
test_main:
	GUEST g1
	CHECK_VFAULT "vmsw.0 in physical mode (BBB slot 0)", 40, g1b, 0
	GUEST g2
	CHECK_VFAULT "vmsw.0 in physical mode (MBB slot 1)", 40, g2b, 1
	GUEST g3, GUEST_PSR & ~PSR_VM
	CHECK_VFAULT "vmsw.1 in physical mode at PSR.vm = 0", 40, g3b, 1, 0
	MAP_IMAGE PTE_RWX
	GUEST g1, GUEST_PSR | PSR_IT
	CHECK_VFAULT "vmsw.0 on an ar = 3 page", 40, g1b, 0
	MAP_IMAGE PTE_XO
	GUEST g1, GUEST_PSR | PSR_IT
	CHECK_BREAK "vmsw.0 on an execute-only page"
	LDQ r24, rec_ipsr
	CHECK_MASK "PSR.vm = 0 after vmsw.0", r24, PSR_VM, 0
	GUEST g3, (GUEST_PSR | PSR_IT) & ~PSR_VM
	CHECK_BREAK "vmsw.1 on an execute-only page"
	LDQ r24, rec_ipsr
	CHECK_MASK "PSR.vm = 1 after vmsw.1", r24, PSR_VM, PSR_VM
	VTI_CONTROLS 0, D_VMSW
	GUEST g1, GUEST_PSR | PSR_IT
	CHECK_VFAULT "vmsw.0 on an execute-only page with vdc.d_vmsw", 40, g1b, 0
	VTI_CONTROLS 0, 0
	SET_FEATURES 1 << 54
	CHECK "PAL_PROC_SET_FEATURES without VM (bit 40): status 0", r8, 0
	REGISTER
	CHECK "VM features off: PAL_VP_REGISTER is unimplemented (-1)", r8, -1
	GUEST g1, GUEST_PSR | PSR_IT
	CHECK_VFAULT "vmsw.0 on an execute-only page with the VM features off", 40, g1b, 0
	SET_FEATURES (1 << 40) | (1 << 54)
	REGISTER
	CHECK "VM features on again: PAL_VP_REGISTER status 0", r8, 0
	GUEST g1, GUEST_PSR | PSR_IT
	CHECK_BREAK "vmsw.0 on an execute-only page again"
	GUEST g1, GUEST_PSR | PSR_IT | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	IC_OFF
	UNMAP_IMAGE
	IC_ON
	TEST_END

g1:	nop.m 0 ;;
g1b:	{ .bbb
	  vmsw.0
	  nop.b 0
	  nop.b 0 ;; }
	GUEST_END
g2:	nop.m 0 ;;
g2b:	{ .mbb
	  nop.m 0
	  vmsw.0
	  nop.b 0 ;; }
	GUEST_END
g3:	nop.m 0 ;;
g3b:	{ .mbb
	  nop.m 0
	  vmsw.1
	  nop.b 0 ;; }
	GUEST_END
