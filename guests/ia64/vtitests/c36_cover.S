// c36_cover: cover at PSR.vm = 1 (cause 36): intercepted in slot 2 of MIB and BBB bundles with the frame kept; a_cover drops the frame and, with vpsr.ic = 0, writes vifs = the old CFM with v set (vpsr.ic = 1: vifs untouched); at cpl 3 cover is not intercepted
	.include "vtilib.inc"
	PROGRAM c36_cover
	CFM7 = 7 | (7 << 7)            // alloc 0,7,0,0: sof 7, sol 7
test_main:
	GUEST g1
	CHECK_VFAULT "cover (MIB slot 2)", 36, g1b, 2
	br.call.sptk.many b0=cfm_get ;;
	CHECK "the guest's frame is kept (sof 7, sol 7)", r17, CFM7
	GUEST g2
	CHECK_VFAULT "cover (BBB slot 2)", 36, g2b, 2
	CHECK_VPD "vifs untouched by the fault", VCR+23*8, 0
	VPD_SET VPSR, PSR_BN
	VTI_CONTROLS A_COVER, 0
	GUEST g1
	CHECK_BREAK "cover with a_cover, vpsr.ic = 0"
	br.call.sptk.many b0=cfm_get ;;
	CHECK "the frame is dropped (CFM = 0)", r17, 0
	CHECK_VPD "vifs = v | the old CFM", VCR+23*8, (1 << 63) | CFM7
	VPD_SET VCR+23*8, 0x55
	VPD_SET VPSR, PSR_BN | PSR_IC
	GUEST g2
	CHECK_BREAK "cover with a_cover, vpsr.ic = 1"
	br.call.sptk.many b0=cfm_get ;;
	CHECK "the frame is dropped (CFM = 0)", r17, 0
	CHECK_VPD "vifs untouched with vpsr.ic = 1", VCR+23*8, 0x55
	VTI_CONTROLS 0, 0
	GUEST g1, GUEST_PSR | PSR_CPL3
	CHECK_BREAK "cover at cpl 3 (not intercepted)"
	br.call.sptk.many b0=cfm_get ;;
	CHECK "at cpl 3 the frame is dropped natively", r17, 0
	TEST_END

	B_GUESTS cover, "alloc r14=ar.pfs,0,7,0,0 ;;"
