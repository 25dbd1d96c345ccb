// c14_mov_to_pmc: mov pmc[r3] = r2 at PSR.vm = 1 (cause 14): intercepted in slots 1 and 0, the real register untouched; vdc.d_pmc lets it run natively; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	.include "fam_mov_to_ind.inc"
	PROGRAM c14_mov_to_pmc
	MOV_TO_IND_TEST pmc, 14, 4, 0x55, D_PMC, d_pmc
