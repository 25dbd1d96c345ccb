// c25_rsm: rsm imm24 at PSR.vm = 1 (cause 25): intercepted in slots 1 and 0, vpsr and the real PSR untouched; the VMM decodes imm24 from GR25 and updates vpsr; a_int serves rsm psr.i alone on vpsr.i but not psr.i|psr.ic; a reserved bit is Reserved Register/Field first; cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c25_rsm
test_main:
	VPD_SET VPSR, PSR_BN | PSR_IC | PSR_I
	GUEST g1
	CHECK_VFAULT "rsm 0x4000 (slot 1)", 25, g1b, 1
	CHECK_VPD "vpsr untouched", VPSR, PSR_BN | PSR_IC | PSR_I
	LDQ r24, rec_ipsr
	CHECK_MASK "the real PSR.i untouched (0)", r24, PSR_I, 0
	LDQ r27, rec_gr25              // the VMM: imm24 = i{36} i2d{32:31} imm21a{26:6}
	extr.u r25=r27,6,21
	extr.u r26=r27,31,2
	extr.u r28=r27,36,1 ;;
	dep r25=r26,r25,21,2 ;;
	dep r25=r28,r25,23,1 ;;
	CHECK "imm24 decoded from GR25 = psr.i", r25, PSR_I
	VPD_GET r24, VPSR
	andcm r24=r24,r25 ;;
	STQ VPD+VPSR, r24
	RESUME_NEXT
	CHECK_BREAK "after the emulation"
	CHECK_VPD "vpsr after the emulated rsm", VPSR, PSR_BN | PSR_IC
	VPD_SET VPSR, PSR_BN | PSR_IC | PSR_I
	GUEST g2
	CHECK_VFAULT "rsm 0x6000 (slot 0)", 25, g2b, 0
	GUEST g3
	CHECK_GENEX "rsm 0x80 (reserved bit 7): Reserved Register/Field", 3
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	VPD_SET VPSR, PSR_BN | PSR_IC | PSR_I
	VTI_CONTROLS A_INT, 0
	GUEST g1
	CHECK_BREAK "rsm psr.i with a_int"
	CHECK_VPD "a_int: vpsr.i", VPSR, PSR_BN | PSR_IC
	LDQ r24, rec_ipsr
	CHECK_MASK "a_int: the real PSR.i untouched (0)", r24, PSR_I, 0
	VPD_SET VPSR, PSR_BN | PSR_IC | PSR_I
	GUEST g2
	CHECK_VFAULT "rsm psr.i|psr.ic with a_int", 25, g2b, 0
	CHECK_VPD "vpsr untouched", VPSR, PSR_BN | PSR_IC | PSR_I
	VTI_CONTROLS 0, 0
	TEST_END

g1:	{ .mmi
	  nop.m 0
	  nop.m 0
	  nop.i 0 ;; }
g1b:	{ .mmi
	  nop.m 0
	  rsm 0x4000
	  nop.i 0 ;; }
	GUEST_END
g2:	{ .mmi
	  nop.m 0
	  nop.m 0
	  nop.i 0 ;; }
g2b:	{ .mmi
	  rsm 0x6000
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
g3:	{ .mmi
	  rsm 0x80
	  nop.m 0
	  nop.i 0 ;; }
	GUEST_END
