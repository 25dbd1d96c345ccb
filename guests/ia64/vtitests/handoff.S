// handoff: the hand-off of a Virtualization fault and the PAL services around it: PSR at the handler (ic = i = 0, vm = 0), IFS.v = 0 and the guest's CFM kept, ISR code 0; with the guest's real PSR.ic = 0 the fault still hands GR24/GR25 over but leaves IIP/IPSR alone and sets ISR.ni; PAL_VP_REGISTER's opt_handler receives the fault instead of IVA + 0x6100 and 0 restores the vector; PAL_VPS_RESUME_HANDLER resumes like RESUME_NORMAL; a_int with d_extint is refused (-2); PAL_VPS_SYNC_READ/SYNC_WRITE return to GR24; PAL_VP_SAVE / PAL_VP_RESTORE keep the VP
	.include "vtilib.inc"
	PROGRAM handoff
	.macro REGISTER vac, vdc, handler
	VPD_SET VAC, \vac
	VPD_SET VDC, \vdc
	mov r28=269                    // PAL_VP_REGISTER(vpd, host_iva, opt_handler)
	movl r29=VPD
	movl r30=ivt
	movl r31=\handler ;;
	br.call.sptk.many b0=pal_stacked ;;
	.endm
test_main:
	GUEST g1
	CHECK_VFAULT "mov cr.dcr=r9", 4, g1b, 1
	LDQ r24, rec_ifs
	CHECK "IFS.v = 0 (the guest's frame is not covered)", r24, 0
	br.call.sptk.many b0=cfm_get ;;
	CHECK "the guest's CFM is kept (sof 3, sol 2)", r17, 3 | (2 << 7)
	LDQ r24, rec_isr
	CHECK_MASK "ISR: code 0, x = w = r = na = 0, ni = 0", r24, 0x8f0000ffff, 0
	GUEST g2, PSR_VM | PSR_BN
	LDQ r24, rec_vec
	CHECK "real PSR.ic = 0: vector 0x6100", r24, V_VIRT
	LDQ r24, rec_gr24
	CHECK "real PSR.ic = 0: GR24 = cause 4", r24, 4
	movl r16=g2b
	mov r17=1 ;;
	br.call.sptk.many b0=slot_bits ;;
	LDQ r24, rec_gr25
	CHECKR "real PSR.ic = 0: GR25 = slot 1", r24, r17
	LDQ r24, rec_iip
	CHECK "real PSR.ic = 0: IIP not written (still the entry)", r24, g2
	LDQ r24, rec_isr
	CHECK_MASK "real PSR.ic = 0: ISR.ni = 1, ISR.ei = 1", r24, (1 << 39) | (3 << 41), (1 << 39) | (1 << 41)
	LDQ r24, rec_psr
	CHECK_MASK "the handler's PSR: ic = i = 0, dt = it = 0", r24, PSR_IC | PSR_I | PSR_DT | PSR_IT, 0
	REGISTER 0, 0, opt_entry
	CHECK "PAL_VP_REGISTER with an opt_handler: status 0", r8, 0
	GUEST g1
	CHECK_VECTOR "the fault went to the opt_handler", OPT_MARK
	LDQ r24, rec_gr24
	CHECK "opt_handler: GR24 = cause 4", r24, 4
	LDQ r24, rec_iip
	CHECK "opt_handler: IIP", r24, g1b
	REGISTER 0, 0, 0
	GUEST g1
	CHECK_VECTOR "opt_handler 0: back at IVA + 0x6100", V_VIRT
	REGISTER A_INT, D_EXTINT, 0
	CHECK "PAL_VP_REGISTER with a_int and d_extint: -2", r8, -2
	REGISTER 0, 0, 0
	STI resume_off, 0x400
	GUEST g1
	CHECK_VFAULT "entered by PAL_VPS_RESUME_HANDLER", 4, g1b, 1
	STI resume_off, 0
	mov r16=0x800                  // PAL_VPS_SYNC_READ
	br.call.sptk.many b0=vps_call ;;
	mov r16=0xc00                  // PAL_VPS_SYNC_WRITE
	br.call.sptk.many b0=vps_call ;;
	CHECK "PAL_VPS_SYNC_READ / SYNC_WRITE returned", r0, 0
	mov r28=271                    // PAL_VP_SAVE(vpd, 0)
	movl r29=VPD
	mov r30=0 ;;
	br.call.sptk.many b0=pal_stacked ;;
	CHECK "PAL_VP_SAVE: status 0", r8, 0
	mov r28=270                    // PAL_VP_RESTORE(vpd, 0)
	movl r29=VPD
	mov r30=0 ;;
	br.call.sptk.many b0=pal_stacked ;;
	CHECK "PAL_VP_RESTORE: status 0", r8, 0
	mov r24=cr.iva ;;
	CHECK "PAL_VP_RESTORE: IVA = the VP's host IVA", r24, ivt
	GUEST g1
	CHECK_VFAULT "after PAL_VP_SAVE / PAL_VP_RESTORE", 4, g1b, 1
	TEST_END

g1:	alloc r14=ar.pfs,0,2,1,0
	mov r9=0x42 ;;
g1b:	{ .mmi
	  nop.m 0
	  mov cr.dcr=r9
	  nop.i 0 ;; }
	GUEST_END
g2:	mov r9=0x43 ;;
g2b:	{ .mmi
	  nop.m 0
	  mov cr.dcr=r9
	  nop.i 0 ;; }
	GUEST_END
