// c37_rfi: rfi at PSR.vm = 1 (cause 37): intercepted in slot 2 of MIB and BBB bundles; the VMM emulates it from the guest's viip/vipsr (written through a_to_int_cr) and the guest resumes there; cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c37_rfi
test_main:
	CHECK_SLOT2 rfi, 37
	CHECK_PRIVOP g1, g1b
	VTI_CONTROLS A_TO_INT_CR, 0
	GUEST g3
	CHECK_VFAULT "rfi after writing cr.iip/cr.ipsr (accelerated)", 37, g3b, 2
	CHECK_VPD "viip = the guest's target", VCR+19*8, g4
	CHECK_VPD "vipsr = the guest's (ri 1)", VCR+16*8, PSR_BN | PSR_IC | (1 << 41)
	VPD_GET r16, VCR+19*8          // the VMM: resume at viip, slot vipsr.ri; vpsr = vipsr
	VPD_GET r25, VCR+16*8
	LDQ r17, rec_ipsr
	extr.u r26=r25,41,2 ;;
	dep r17=r26,r17,41,2
	STQ VPD+VPSR, r25
	movl r18=1f ;;
	br.cond.sptk.many vti_enter ;;
1:	CHECK_BREAK "the guest at viip"
	CHECK "slot 0 of the target was skipped (ri 1)", r8, 0
	CHECK "slot 1 of the target ran", r9, 1
	VTI_CONTROLS 0, 0
	TEST_END

	B_GUESTS rfi, "nop.m 0 ;;"
g3:	movl r9=g4
	movl r10=PSR_BN | PSR_IC | (1 << 41) ;;
	mov cr.iip=r9
	mov cr.ipsr=r10
	mov r8=0
	mov r9=0 ;;
	B_BUNDLE g3b, mib, rfi
	GUEST_END
g4:	{ .mii
	  mov r8=1
	  mov r9=1
	  nop.i 0 ;; }
	GUEST_END
