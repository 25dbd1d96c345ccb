// c12_mov_to_ibr: mov ibr[r3] = r2 at PSR.vm = 1 (cause 12): intercepted in slots 1 and 0, the real register untouched; vdc.d_ibr_dbr lets it run natively; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	.include "fam_mov_to_ind.inc"
	PROGRAM c12_mov_to_ibr
	MOV_TO_IND_TEST ibr, 12, 2, 0x987650, D_IBR_DBR, d_ibr_dbr
