// c15_mov_to_pmd: mov pmd[r3] = r2 at PSR.vm = 1 (cause 15): intercepted in slots 1 and 0, the real register untouched; vdc.d_to_pmd lets it run natively; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	.include "fam_mov_to_ind.inc"
	PROGRAM c15_mov_to_pmd
	MOV_TO_IND_TEST pmd, 15, 5, 0x777, D_TO_PMD, d_to_pmd
