// c27_ptc_g: ptc.g at PSR.vm = 1 (cause 27): intercepted in slot 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	.include "fam_purge.inc"
	PROGRAM c27_ptc_g
	PURGE_TEST ptc.g, 27, ends_group=1
