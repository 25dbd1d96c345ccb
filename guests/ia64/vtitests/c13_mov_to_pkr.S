// c13_mov_to_pkr: mov pkr[r3] = r2 at PSR.vm = 1 (cause 13): intercepted in slots 1 and 0, the real register untouched; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	.include "fam_mov_to_ind.inc"
	PROGRAM c13_mov_to_pkr
	MOV_TO_IND_TEST pkr, 13, 1, 0x4201
