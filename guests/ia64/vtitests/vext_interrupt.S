// vext_interrupt: the Virtual External Interrupt (vector 0x3400) with vac.a_int: delivered at PAL_VPS_RESUME_NORMAL before the guest's first instruction when vhpi > (vtpr.mmi << 4 | vtpr.mic) and vpsr.i = 1, held by vtpr.mic / vtpr.mmi and by vpsr.i = 0, delivered after an accelerated ssm psr.i or mov cr.tpr (IIP/IPSR.ri = the next instruction), never without a_int; PAL_VPS_SET_PENDING_INTERRUPT returns
	.include "vtilib.inc"
	PROGRAM vext_interrupt
	.macro VEXT_AT tag, bundle, slot
	CHECK_VECTOR "\tag", V_VEXT
	LDQ r24, rec_iip
	CHECK "\tag: IIP", r24, \bundle
	LDQ r24, rec_ipsr
	extr.u r25=r24,41,2
	extr.u r26=r24,46,1 ;;
	CHECK "\tag: IPSR.ri", r25, \slot
	CHECK "\tag: IPSR.vm", r26, 1
	.endm
	.macro PENDING vhpi, tpr, vpsr
	VPD_SET VHPI, \vhpi
	VPD_SET VCR+66*8, \tpr
	VPD_SET VPSR, \vpsr
	mov r16=0x1000 ;;              // PAL_VPS_SET_PENDING_INTERRUPT
	br.call.sptk.many b0=vps_call ;;
	.endm
	ON = PSR_BN | PSR_IC | PSR_I
	OFF = PSR_BN | PSR_IC
test_main:
	VTI_CONTROLS A_INT, 0
	PENDING 5, 0, ON
	GUEST g1
	VEXT_AT "vhpi 5 > tpr 0 at the resume", g1, 0
	PENDING 5, 0x50, ON
	GUEST g1
	CHECK_BREAK "vhpi 5, tpr.mic 5: held"
	PENDING 6, 0x50, ON
	GUEST g1
	VEXT_AT "vhpi 6 > tpr.mic 5", g1, 0
	PENDING 15, 0x10000, ON
	GUEST g1
	CHECK_BREAK "vhpi 15, tpr.mmi: held"
	PENDING 32, 0x10000, ON
	GUEST g1
	VEXT_AT "vhpi 32 (NMI) > tpr.mmi", g1, 0
	PENDING 5, 0, OFF
	GUEST g1
	CHECK_BREAK "vpsr.i = 0: held"
	GUEST g2
	VEXT_AT "after ssm psr.i (accelerated)", g2b, 2
	CHECK_VPD "vpsr.i set by the ssm", VPSR, ON
	CHECK "the ssm's bundle ran up to it", r8, 1
	PENDING 5, 0xf0, ON
	GUEST g3
	VEXT_AT "after mov cr.tpr=r9 lowering tpr.mic", g3b, 1
	CHECK_VPD "vtpr = r9", VCR+66*8, 0
	PENDING 5, 0xf0, ON
	GUEST g4
	CHECK_BREAK "rsm psr.i then mov cr.tpr=r9: held"
	CHECK_VPD "vpsr.i cleared by the rsm", VPSR, OFF
	VTI_CONTROLS 0, 0
	PENDING 5, 0, ON
	GUEST g1
	CHECK_BREAK "without a_int: no virtual external interrupt"
	TEST_END

g1:	{ .mii
	  mov r8=0
	  nop.i 0
	  nop.i 0 ;; }
	GUEST_END
g2:	mov r8=0 ;;
g2b:	{ .mmi
	  mov r8=1
	  ssm 0x4000
	  nop.i 0 ;; }
	GUEST_END
g3:	mov r9=0 ;;
g3b:	{ .mmi
	  mov cr.tpr=r9
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
g4:	mov r9=0 ;;
	{ .mmi
	  rsm 0x4000 ;;
	  mov cr.tpr=r9
	  nop.i 0 ;; }
	GUEST_END
