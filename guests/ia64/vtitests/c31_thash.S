// c31_thash: thash at PSR.vm = 1 (cause 31): intercepted in slots 1 and 0, target untouched; at cpl 3 too (no privilege check); a NaT source still gives the Virtualization fault (it comes before the NaT check, vti.md 3.1); the VMM answers through PAL_VPS_THASH and the guest gets the long-format thash
	.include "vtilib.inc"
	.include "fam_thash_ttag.inc"
	PROGRAM c31_thash
	EXPECT = (PTA & ~(SIZE - 1) & ~0x7fff) | (((((VA & M51) >> 14) ^ RID) << 5) & (SIZE - 1))
	THASH_TTAG_TEST thash, 31, PAL_VPS_THASH, 0x1400
