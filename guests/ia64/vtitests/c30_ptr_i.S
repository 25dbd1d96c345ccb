// c30_ptr_i: ptr.i at PSR.vm = 1 (cause 30): intercepted in slot 1 and 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	.include "fam_purge.inc"
	PROGRAM c30_ptr_i
	PURGE_TEST ptr.i, 30
