// c26_ptc_l: ptc.l at PSR.vm = 1 (cause 26): intercepted in slot 1 and 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	.include "fam_purge.inc"
	PROGRAM c26_ptc_l
	PURGE_TEST ptc.l, 26
