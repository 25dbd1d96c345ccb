// c21_mov_from_pkr: mov r1 = pkr[r3] at PSR.vm = 1 (cause 21): intercepted in slots 1 and 0, target untouched; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation; a NaT index faults first
	.include "vtilib.inc"
	.include "fam_mov_from_ind.inc"
	PROGRAM c21_mov_from_pkr
	MOV_FROM_IND_TEST pkr, 21, 2
