// c32_ttag: ttag at PSR.vm = 1 (cause 32): intercepted in slots 1 and 0, target untouched; at cpl 3 too (no privilege check); a NaT source still gives the Virtualization fault (it comes before the NaT check, vti.md 3.1); the VMM answers through PAL_VPS_TTAG and the guest gets the long-format ttag
	.include "vtilib.inc"
	.include "fam_thash_ttag.inc"
	PROGRAM c32_ttag
	EXPECT = (((VA & M51) >> 14) ^ (RID << 39)) & ((1 << 63) - 1)
	THASH_TTAG_TEST ttag, 32, PAL_VPS_TTAG, 0x1800
