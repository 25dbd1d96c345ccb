// c11_mov_to_dbr: mov dbr[r3] = r2 at PSR.vm = 1 (cause 11): intercepted in slots 1 and 0, the real register untouched; vdc.d_ibr_dbr lets it run natively; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	.include "fam_mov_to_ind.inc"
	PROGRAM c11_mov_to_dbr
	MOV_TO_IND_TEST dbr, 11, 0, 0x123450, D_IBR_DBR, d_ibr_dbr
