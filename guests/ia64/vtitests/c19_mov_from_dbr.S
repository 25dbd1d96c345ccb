// c19_mov_from_dbr: mov r1 = dbr[r3] at PSR.vm = 1 (cause 19): intercepted in slots 1 and 0, target untouched; vdc.d_ibr_dbr lets it read the real register; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	.include "fam_mov_from_ind.inc"
	PROGRAM c19_mov_from_dbr
	MOV_FROM_IND_TEST dbr, 19, 1, 0x4440, D_IBR_DBR, d_ibr_dbr
