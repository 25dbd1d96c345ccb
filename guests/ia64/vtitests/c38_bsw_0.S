// c38_bsw_0: bsw.0 at PSR.vm = 1 (cause 38): intercepted in slot 2 of MIB and BBB bundles, GR16-31 untouched; with a_bsw the guest switches from its bank 1 to its bank 0 without a fault: GR16-31 and their NaT bits go to the VPD (VGR/VNAT) and come from it (VBGR/VBNAT), vpsr.bn follows, a second bsw.0 changes nothing, bsw.1 switches back; cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c38_bsw_0
test_main:
	VPD_SET VPSR, PSR_BN | PSR_IC
	GUEST g1
	mov r27=r16
	mov r28=r8 ;;
	CHECK_VFAULT "bsw.0 (MIB slot 2)", 38, g1b, 2
	CHECK "r16 untouched", r27, 0x1616
	CHECK "the guest stopped at the bsw", r28, 0
	CHECK_VPD "vpsr untouched", VPSR, PSR_BN | PSR_IC
	GUEST g2
	CHECK_VFAULT "bsw.0 (BBB slot 2)", 38, g2b, 2
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3: Privileged Operation", 1
	VPD_SET VBGR, 0xb016
	VPD_SET VBGR+8, 0xb017
	VPD_SET VBGR+15*8, 0xb031
	VTI_CONTROLS A_BSW, 0
	GUEST g1
	CHECK_BREAK "bsw.0, bsw.0, bsw.1 with a_bsw"
	CHECK "r8 = r16 of the guest's bank 0 (from VBGR)", r8, 0xb016
	CHECK "r9 = r31 of the guest's bank 0", r9, 0xb031
	CHECK "r11 = r16 after a second bsw.0 (no change)", r11, 0xb016
	CHECK "r14 = r16 back in the bank 1", r14, 0x1616
	CHECK "r15 = NaT of r17 back in the bank 1", r15, 1
	CHECK "r10 = NaT of r17 in the bank 0 (none)", r10, 0
	CHECK_VPD "VGR[0] = the bank 1's r16", VGR, 0x1616
	CHECK_VPD "VGR[15] = the bank 1's r31", VGR+15*8, 0x3131
	CHECK_VPD "VNAT = the bank 1's NaT bits (r17)", VNAT, 2
	CHECK_VPD "VBGR[0] = the bank 0's r16 again", VBGR, 0xb016
	CHECK_VPD "VBNAT = the bank 0's NaT bits (none)", VBNAT, 0
	CHECK_VPD "vpsr.bn back", VPSR, PSR_BN | PSR_IC
	VPD_SET VPSR, PSR_BN | PSR_IC
	GUEST g2
	CHECK_BREAK "bsw.0 in a BBB bundle with a_bsw"
	CHECK_VPD "vpsr.bn switched", VPSR, PSR_IC
	VTI_CONTROLS 0, 0
	TEST_END

g1:	mov r16=0x1616
	mov r31=0x3131
	mov r8=0 ;;
	MAKE_NAT r17
g1b:	{ .mib
	  nop.m 0
	  nop.i 0
	  bsw.0 ;; }
	{ .mii
	  mov r8=r16
	  mov r9=r31
	  tnat.nz p6,p7=r17 ;; }
	{ .mib
	  (p6) mov r10=1
	  (p7) mov r10=0
	  bsw.0 ;; }
	{ .mib
	  mov r11=r16
	  nop.i 0
	  bsw.1 ;; }
	{ .mii
	  mov r14=r16
	  tnat.nz p6,p7=r17 ;;
	  (p6) mov r15=1 }
	{ .mii
	  (p7) mov r15=0
	  nop.i 0
	  nop.i 0 ;; }
	GUEST_END
g2:	nop.m 0 ;;
g2b:	{ .bbb
	  nop.b 0
	  nop.b 0
	  bsw.0 ;; }
	GUEST_END
