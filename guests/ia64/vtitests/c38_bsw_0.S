// c38_bsw_0: bsw.0 at PSR.vm = 1 (cause 38): intercepted in slot 2 of MIB and BBB bundles, GR16-31 untouched; with a_bsw the guest switches from its bank 1 to its bank 0 without a fault: GR16-31 and their NaT bits go to the VPD (VGR/VNAT) and come from it (VBGR/VBNAT), vpsr.bn follows, a second bsw.0 changes nothing, bsw.1 switches back; cpl 3 Privileged Operation
	.include "vtilib.inc"
	.include "fam_bsw.inc"
	PROGRAM c38_bsw_0
	BSW_TEST bsw.0, bsw.1, 38, 1, 0, PSR_BN|PSR_IC, PSR_IC, VGR, VNAT, VBGR, VBNAT
