// c06_mov_to_psr: mov psr.l = r2 at PSR.vm = 1 (cause 6): intercepted in slots 1 and 0, the real PSR and vpsr untouched; the VMM writes vpsr{31:0} and the guest reads it back (a_from_psr); a reserved bit is Reserved Register/Field first, a NaT source NaT Consumption; cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c06_mov_to_psr
test_main:
	GUEST g1
	CHECK_VFAULT "mov psr.l=r9 (slot 1)", 6, g1b, 1
	CHECK_VPD "vpsr untouched (bn ic)", VPSR, PSR_BN | PSR_IC
	LDQ r24, rec_ipsr
	CHECK_MASK "the real PSR{31:0} untouched (ic)", r24, 0xffffffff, PSR_IC
	LDQ r27, rec_gr25              // the VMM: vpsr{31:0} = GR[r2]{31:0}
	extr.u r16=r27,13,7 ;;
	br.call.sptk.many b0=gr_get ;;
	VPD_GET r24, VPSR
	dep.z r25=r17,0,32 ;;
	shr.u r24=r24,32 ;;
	shl r24=r24,32 ;;
	or r24=r24,r25 ;;
	STQ VPD+VPSR, r24
	VTI_CONTROLS A_FROM_PSR, 0     // (PAL_VP_REGISTER returns in r8-r11: after the read)
	RESUME_NEXT                    // the guest reads its PSR back (accelerated)
	CHECK_BREAK "mov r8=psr after the emulated write"
	CHECK "r8 = the new vpsr{31:0} (i ic dt pk)", r8, PSR_I | PSR_IC | PSR_DT | (1 << 15)
	CHECK_VPD "vpsr = bn i ic dt pk", VPSR, PSR_BN | PSR_I | PSR_IC | PSR_DT | (1 << 15)
	VTI_CONTROLS 0, 0
	VPD_SET VPSR, PSR_BN | PSR_IC
	GUEST g2
	CHECK_VFAULT "mov psr.l=r9 (slot 0)", 6, g2b, 0
	GUEST g3
	CHECK_GENEX "reserved bit 7 in r9: Reserved Register/Field", 3
	CHECK_IIP "reserved bit", g3b
	GUEST gn
	CHECK_NATC "NaT in r9"
	CHECK_PRIVOP g1, g1b
	TEST_END

g1:	movl r9=PSR_I | PSR_IC | PSR_DT | (1 << 15) | (0x1234 << 48) ;;
	M_BUNDLE g1b, 1, "mov psr.l=r9"
	M_BUNDLE , 0, "mov r8=psr"
	GUEST_END
	M_GUEST g2, g2b, 0, "mov psr.l=r9", "movl r9=PSR_IC ;;"
	M_GUEST g3, g3b, 0, "mov psr.l=r9", "movl r9=PSR_IC | 0x80 ;;"
	M_GUEST gn, , 0, "mov psr.l=r9", "MAKE_NAT r9"
