// c24_ssm: ssm imm24 at PSR.vm = 1 (cause 24): intercepted in slots 1 and 0, vpsr and the real PSR untouched; the VMM decodes imm24 from GR25 and updates vpsr; a_int serves ssm psr.i alone on vpsr.i but not psr.i|psr.ic; a reserved bit is Reserved Register/Field first; cpl 3 Privileged Operation
	.include "vtilib.inc"
	.include "fam_ssm_rsm.inc"
	PROGRAM c24_ssm
	SSM_RSM_TEST ssm, 24, or, PSR_BN|PSR_IC, PSR_BN|PSR_IC|PSR_I
