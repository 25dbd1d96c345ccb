// c07_mov_from_psr: mov r1 = psr at PSR.vm = 1 (cause 7): intercepted in slots 0 and 1, target untouched; a_from_psr answers vpsr{31:0} and {36:35} with be/up/ac/mfl/mfh from the real PSR, never bn; a target outside the frame is Illegal Operation first; cpl 3 Privileged Operation
	.include "vtilib.inc"
	PROGRAM c07_mov_from_psr
	VSTATE = PSR_BN | PSR_IC | PSR_I | PSR_DT | (1 << 15) | PSR_BE | PSR_IT | (1 << 35) | (1 << 40)
test_main:
	GUEST g1
	CHECK_VFAULT "mov r8=psr (slot 0)", 7, g1b, 0
	CHECK "r8 not written", r8, 0x3333
	GUEST g2
	CHECK_VFAULT "mov r8=psr (slot 1)", 7, g2b, 1
	VPD_SET VPSR, VSTATE
	VTI_CONTROLS A_FROM_PSR, 0
	GUEST g1, GUEST_PSR | PSR_UP
	CHECK_BREAK "mov r8=psr with a_from_psr"
	CHECK "r8 = vpsr{31:0,36:35} with the real be=0 up=1, no bn or ss", r8, PSR_IC | PSR_I | PSR_DT | (1 << 15) | PSR_IT | (1 << 35) | PSR_UP
	CHECK_VPD "vpsr unchanged", VPSR, VSTATE
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_GENEX "at cpl 3 (even with a_from_psr): Privileged Operation", 1
	VTI_CONTROLS 0, 0
	CHECK_FRAME gf
	TEST_END

	M_GUEST g1, g1b, 0, "mov r8=psr", "movl r8=0x3333 ;;"
	M_GUEST g2, g2b, 1, "mov r8=psr", "movl r8=0x3333 ;;"
	M_GUEST gf, , 0, "mov r40=psr", "alloc r14=ar.pfs,0,0,0,0 ;;"
