// c23_mov_from_cpuid: mov r1 = cpuid[r3] at PSR.vm = 1 (cause 23): intercepted at cpl 0 and cpl 3 (no privilege check) in slots 1 and 0, target untouched, the VMM answers; a_from_cpuid serves vcpuid[0..4] and index 5 is Reserved Register/Field; a NaT index faults first
	.include "vtilib.inc"
	PROGRAM c23_mov_from_cpuid
test_main:
	GUEST g1
	CHECK_VFAULT "mov r8=cpuid[r10] (slot 1)", 23, g1b, 1
	CHECK "r8 not written", r8, 0x3333
	LDQ r27, rec_gr25              // the VMM: GR[r1] = its signature
	extr.u r16=r27,6,7
	movl r17=0x4d4d56697476 ;;
	br.call.sptk.many b0=gr_set ;;
	RESUME_NEXT
	CHECK_BREAK "after the emulation"
	CHECK "r8 = the VMM's signature", r8, 0x4d4d56697476
	GUEST g2
	CHECK_VFAULT "mov r8=cpuid[r10] (slot 0)", 23, g2b, 0
	CHECK_UNPRIV 23, g1, g1b, 1
	GUEST gn
	CHECK_NATC "NaT in r10"
	VPD_SET VCPUID+0*8, 0x6e65476c65746e49
	VPD_SET VCPUID+3*8, 0x0000001f07000004
	VPD_SET VCPUID+4*8, 0x5
	VTI_CONTROLS A_FROM_CPUID, 0
	GUEST g3
	CHECK_BREAK "cpuid[0], [3], [4] with a_from_cpuid"
	CHECK "r8 = vcpuid[0]", r8, 0x6e65476c65746e49
	CHECK "r9 = vcpuid[3]", r9, 0x0000001f07000004
	CHECK "r11 = vcpuid[4]", r11, 0x5
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_BREAK "at cpl 3 with a_from_cpuid"
	CHECK "r8 = vcpuid[0] at cpl 3", r8, 0x6e65476c65746e49
	GUEST g4
	CHECK_GENEX "cpuid[5] with a_from_cpuid: Reserved Register/Field", 3
	CHECK_IIP "cpuid[5]", g4b
	TEST_END

g1:	movl r8=0x3333
	mov r10=0 ;;
	M_BUNDLE g1b, 1, "mov r8=cpuid[r10]"
	GUEST_END
	M_GUEST g2, g2b, 0, "mov r8=cpuid[r10]", "mov r10=1 ;;"
	M_GUEST gn, , 0, "mov r8=cpuid[r10]", "MAKE_NAT r10"
g3:	mov r10=0
	mov r14=3
	mov r15=4 ;;
	{ .mmi
	  mov r8=cpuid[r10]
	  mov r9=cpuid[r14]
	  nop.i 0 ;; }
	M_BUNDLE , 0, "mov r11=cpuid[r15]"
	GUEST_END
	M_GUEST g4, g4b, 1, "mov r8=cpuid[r10]", "mov r10=5 ;;"
