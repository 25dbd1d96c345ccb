// c28_ptc_ga: ptc.ga at PSR.vm = 1 (cause 28): intercepted in slot 0; cpl 3 Privileged Operation; a NaT address faults first
	.include "vtilib.inc"
	.include "fam_purge.inc"
	PROGRAM c28_ptc_ga
	PURGE_TEST ptc.ga, 28, ends_group=1
