// c29_ptr_d: ptr.d at PSR.vm = 1 (cause 29): intercepted in slot 1 and 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	.include "fam_purge.inc"
	PROGRAM c29_ptr_d
	PURGE_TEST ptr.d, 29
