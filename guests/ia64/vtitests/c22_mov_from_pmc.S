// c22_mov_from_pmc: mov r1 = pmc[r3] at PSR.vm = 1 (cause 22): intercepted in slots 1 and 0, target untouched; vdc.d_pmc lets it read the real register; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	.include "fam_mov_from_ind.inc"
	PROGRAM c22_mov_from_pmc
	MOV_FROM_IND_TEST pmc, 22, 5, 0x66, D_PMC, d_pmc
