// c39_bsw_1: bsw.1 at PSR.vm = 1 (cause 39): intercepted in slot 2 of MIB and BBB bundles, GR16-31 untouched; with a_bsw the guest switches from its bank 0 to its bank 1 without a fault: GR16-31 and their NaT bits go to the VPD (VBGR/VBNAT) and come from it (VGR/VNAT), vpsr.bn follows, a second bsw.1 changes nothing, bsw.0 switches back; cpl 3 Privileged Operation
	.include "vtilib.inc"
	.include "fam_bsw.inc"
	PROGRAM c39_bsw_1
	BSW_TEST bsw.1, bsw.0, 39, 0, 1, PSR_IC, PSR_BN|PSR_IC, VBGR, VBNAT, VGR, VNAT
