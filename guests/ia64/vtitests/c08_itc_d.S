// c08_itc_d: itc.d r9 at PSR.vm = 1 (cause 8) with the real PSR.ic = 1 (the guest's ic is virtual, the VMM checks it): intercepted; with a_to_int_cr the VMM finds vifa/vitir in the VPD and the PTE through GR25; cpl 3 Privileged Operation; a NaT source faults first
	.include "vtilib.inc"
	PROGRAM c08_itc_d
test_main:
	GUEST g0
	CHECK_VFAULT "itc.d r9 (slot 0)", 8, g0b, 0
	CHECK_PRIVOP g0, g0b
	CHECK_NAT_FIRST "NaT in r9", gn, gnb
	VTI_CONTROLS A_TO_INT_CR, 0
	GUEST gi
	CHECK_VFAULT "itc.d after cr.ifa / cr.itir writes (accelerated)", 8, gib, 0
	CHECK_VPD "vifa = the guest's r11", VCR+20*8, 0x2000000000124000
	CHECK_VPD "vitir = the guest's r14 (ps 14)", VCR+21*8, 14 << 2
	LDQ r27, rec_gr25              // the VMM reads the PTE from GR[r2]
	extr.u r16=r27,13,7 ;;
	br.call.sptk.many b0=gr_get ;;
	CHECK "GR25's r2 names the guest's PTE", r17, 0x400661
	VTI_CONTROLS 0, 0
	TEST_END

	.macro GUEST_SETUP
	movl r9=0x400661
	mov r8=0 ;;
	.endm
	INTERCEPT_GUESTS "itc.d r9 ;;", r9, slot=0, g1=0
gi:	movl r11=0x2000000000124000
	mov r14=14 << 2
	movl r9=0x400661 ;;
	mov cr.ifa=r11
	mov cr.itir=r14 ;;
	M_BUNDLE gib, 0, "itc.d r9 ;;"
	GUEST_END
