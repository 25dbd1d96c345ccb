// c20_mov_from_ibr: mov r1 = ibr[r3] at PSR.vm = 1 (cause 20): intercepted in slots 1 and 0, target untouched; vdc.d_ibr_dbr lets it read the real register; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	.include "fam_mov_from_ind.inc"
	PROGRAM c20_mov_from_ibr
	MOV_FROM_IND_TEST ibr, 20, 3, 0x5550, D_IBR_DBR, d_ibr_dbr
