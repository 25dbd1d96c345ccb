# vmx_guest_state_area_test: the VM-entry checks on the guest-state area (SDM Vol. 3C 27.3.1; digest 6.5) as table rows on top of a valid VMCS: each failing check is a VM-entry failure (exit reason 33 with bit 31; qualification 0, 2 for PDPTEs, 4 for the VMCS link pointer) with the host resuming at HOST_RIP, each neighbouring valid value enters the guest (64-bit, compatibility-mode, CPL-3, 32-bit PAE and unrestricted real-mode guests); then the error priority of VMLAUNCH/VMRESUME (no VMCS, MOV-SS shadow 26, launch state 4/5, controls 7, host state 8, before guest state 33, before MSR loading 34).
.include "lib.inc"
.include "entry_rows.inc"
SCENARIO vmx_guest_state_area_test

.equ CS64, 0xA09B                           # the valid ARs: 64-bit code, flat data, busy TSS
.equ DATA, 0xC093
.equ AR_UNUSABLE, 0x10000
.equ CR4_PCIDE, 1 << 17

test_main:
    lea rdi, [rip + rows_guest]
    call vmx_setup
    call rows_setup
    lea rdi, [rip + vmcs1]                  # a VMCS region for the link-pointer rows
    call vmcs_init_region
    mov rax, [rip + maxphyaddr]
    CHECK "premise: MAXPHYADDR 39 (the PDPTE rows)", rax, 39
    mov rax, [rip + vmx_misc]
    CHECK_MASKED "premise: HLT, shutdown, wait-for-SIPI activity states", rax, 7<<6, 7<<6
    mov rax, [rip + vmx_cr4_fixed1]
    CHECK_MASKED "premise: CR4 bit 15 reserved", rax, 1<<15, 0
    lea rdi, [rip + table]
    call run_rows
    call hlt_state
    call entry_failure_state
    call priority
    ret

# A guest entered in the HLT state stays there until its preemption timer expires; the exit
# saves activity state HLT.
hlt_state:
    mov rdi, [rip + rows_baseline]
    xor esi, esi
    call rows_apply
    VMCS_SET GUEST_ACTIVITY_STATE, 1
    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 200
    call rows_try_entry
    mov rdx, OUT_EXIT|EXIT_REASON_PREEMPTION_TIMER
    CHECK "HLT activity state: preemption-timer exit", rax, rdx
    CHECK "HLT activity state: no guest instruction ran", [rip+rows_mark], MARK_NONE
    CHECK_FIELD "HLT activity state: saved activity state HLT", GUEST_ACTIVITY_STATE, 1
    CHECK_FIELD "HLT activity state: guest RIP unchanged", GUEST_RIP, "offset rows_guest"
    VMCS_CLRBITS PIN_BASED_VM_EXEC_CONTROL, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
    ret

# A VM-entry failure does not save guest state and leaves the injection field valid
# (SDM 27.8).
entry_failure_state:
    mov rdi, [rip + rows_baseline]
    xor esi, esi
    call rows_apply
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    VMCS_SET GUEST_RFLAGS, 0x8002               # reserved bit 15
    call rows_try_entry
    mov rdx, EXP_GUEST
    CHECK "entry failure with an injected #UD: exit 33", rax, rdx
    CHECK_FIELD "entry failure: the injection field stays valid", VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    CHECK_FIELD "entry failure: guest RFLAGS field not overwritten", GUEST_RFLAGS, 0x8002
    CHECK_FIELD "entry failure: guest RIP field not overwritten", GUEST_RIP, "offset rows_guest"
    CHECK_FIELD "entry failure: IDT-vectoring information invalid", IDT_VECTORING_INFO_FIELD, 0
    mov rax, cr4
    CHECK_MASKED "entry failure: host CR4 loaded (VMXE)", rax, CR4_VMXE, CR4_VMXE
    mov ax, cs
    movzx eax, ax
    CHECK "entry failure: host CS loaded", rax, SEL_CODE64
    VMCS_SET GUEST_RFLAGS, 2
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0
    ret

# Error priority (SDM Vol. 2 VMLAUNCH/VMRESUME, Vol. 3C 27.1-27.4; digest 6.0, 7.3).
priority:
    mov rdi, [rip + rows_baseline]
    xor esi, esi
    call rows_apply
    VMCS_SET CR3_TARGET_COUNT, 5                # bad controls,
    VMCS_SET HOST_CR0, 0                        # bad host state,
    VMCS_SET GUEST_RFLAGS, 0                    # bad guest state
    call rows_try_entry                         # (the VMCS is launched by now)
    lea rdx, [rax - (OUT_ERR|7)]                # 7 and 8 may come in either order (SDM 27.2)
    CHECK_MASKED "VMRESUME with bad controls, host and guest state: error 7 or 8", rdx, ~1, 0
    mov byte ptr [rip + vmcs_launched], 0
    call rows_try_entry                         # VMLAUNCH of a launched VMCS
    CHECK "VMLAUNCH of a launched VMCS with bad controls: error 4", rax, OUT_ERR|4
    mov byte ptr [rip + vmcs_launched], 1
    mov ax, ss
    mov ss, ax
    vmresume
    pushfq
    pop rax
    CHECK_MASKED "VMRESUME after MOV SS with bad controls: VMfailValid", rax, FL_ARITH, FL_ZF
    CHECK_FIELD "VMRESUME after MOV SS with bad controls: error 26", VM_INSTRUCTION_ERROR, VMERR_ENTRY_MOV_SS
    vmclear [rip + vmcs0_ptr]
    vmresume
    CHECK_VMFAIL_INVALID "VMRESUME without a current VMCS"
    vmptrld [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMPTRLD of the cleared VMCS"
    call rows_try_entry                         # VMRESUME of a clear VMCS
    CHECK "VMRESUME of a clear VMCS with bad controls: error 5", rax, OUT_ERR|5
    mov byte ptr [rip + vmcs_launched], 0
    call rows_try_entry
    lea rdx, [rax - (OUT_ERR|7)]
    CHECK_MASKED "VMLAUNCH of the clear VMCS with bad controls and host state: error 7 or 8", rdx, ~1, 0
    VMCS_SET CR3_TARGET_COUNT, 0
    call rows_try_entry
    CHECK "... with good controls: error 8", rax, OUT_ERR|8
    VMCS_SET HOST_CR0, [rip+hs_cr0]
    VMCS_SET CR3_TARGET_COUNT, 5
    call rows_try_entry
    CHECK "... with bad controls: error 7", rax, OUT_ERR|7
    VMCS_SET CR3_TARGET_COUNT, 0
    VMCS_SET VM_ENTRY_MSR_LOAD_COUNT, 1             # an MSR-load entry that fails (FS_BASE)
    VMCS_SET VM_ENTRY_MSR_LOAD_ADDR, "offset fs_base_entry"
    call rows_try_entry
    mov rdx, EXP_GUEST
    CHECK "bad guest state and a bad MSR-load entry: exit 33", rax, rdx
    VMCS_SET GUEST_RFLAGS, 2
    call rows_try_entry
    mov rdx, OUT_EXIT|(1<<32)|0x80000022
    CHECK "... with good guest state: exit 34, entry 1", rax, rdx
    VMCS_SET VM_ENTRY_MSR_LOAD_COUNT, 0
    call rows_try_entry
    mov rdx, EXP_OK
    CHECK "... all good: the guest runs", rax, rdx
    ret

.macro LDTR_USABLE sel=0x38
    WSET GUEST_LDTR_SELECTOR, \sel
    WSET GUEST_LDTR_BASE, 0x10000
    WSET GUEST_LDTR_LIMIT, 0xFFFF
    WSET GUEST_LDTR_AR_BYTES, 0x82
.endm
.macro CPL3
    WSET GUEST_CS_SELECTOR, SEL_UCODE64
    WSET GUEST_CS_AR_BYTES, 0xA0FB
    WSET GUEST_SS_SELECTOR, SEL_UDATA
    WSET GUEST_SS_AR_BYTES, 0xC0F3
.endm
# A virtual-8086 guest in the 32-bit PAE guest: every segment FFFF (base FFFF0), rows_rm_guest
.macro V86_SEG s
    WSET GUEST_\s\()_SELECTOR, 0xFFFF
    WSET GUEST_\s\()_BASE, 0xFFFF0
    WSET GUEST_\s\()_LIMIT, 0xFFFF
    WSET GUEST_\s\()_AR_BYTES, 0xF3
.endm
.macro V86_GUEST
    PAE_GUEST
    WSET GUEST_RFLAGS, 0x20002
    V86_SEG ES
    V86_SEG CS
    V86_SEG SS
    V86_SEG DS
    V86_SEG FS
    V86_SEG GS
    WSET GUEST_RIP, rows_rm_guest-0xFFFF0
    WSET GUEST_RSP, 0xFFF0
.endm
.macro URG
    EPT_ON
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST
.endm

.section .data
.balign 16
fs_base_entry:
    .long MSR_FS_BASE, 0
    .quad 0

.section .rodata
.balign 8
table:
ROW "the valid VMCS enters the guest", EXP_OK
ENDROW

# -- control registers (27.3.1.1) -------------------------------------------------------------
ROW "CR0.PE clear", EXP_GUEST
    WCLR GUEST_CR0, CR0_PE
ENDROW
ROW "CR0.NE clear", EXP_GUEST
    WCLR GUEST_CR0, CR0_NE
ENDROW
ROW "CR0.PG clear", EXP_GUEST
    WCLR GUEST_CR0, CR0_PG
ENDROW
ROW "CR0 bit 32", EXP_GUEST
    WOR GUEST_CR0, 1<<32
ENDROW
ROW "unrestricted guest: CR0.PG without CR0.PE", EXP_GUEST
    RM_GUEST
    WOR GUEST_CR0, CR0_PG
ENDROW
ROW "unrestricted guest: CR0.PE and CR0.PG clear (real mode)", EXP_OK
    RM_GUEST
ENDROW
ROW "CR4.VMXE clear", EXP_GUEST
    WCLR GUEST_CR4, CR4_VMXE
ENDROW
ROW "CR4 bit 15 (reserved)", EXP_GUEST
    WOR GUEST_CR4, 1<<15
ENDROW
ROW "CR4 bit 40", EXP_GUEST
    WOR GUEST_CR4, 1<<40
ENDROW
ROW "IA-32e mode guest with CR4.PAE clear", EXP_GUEST
    WCLR GUEST_CR4, CR4_PAE
ENDROW
ROW "IA-32e mode guest with CR0.PG clear (unrestricted guest)", EXP_GUEST
    URG
    WCLR GUEST_CR0, CR0_PG
ENDROW
ROW "CR3 beyond MAXPHYADDR", EXP_GUEST
    WBEYOND GUEST_CR3, pml4
ENDROW
ROW "CR3 bit 63", EXP_GUEST
    WSET GUEST_CR3, pml4+(1<<63)
ENDROW

# -- debug controls, MSRs ---------------------------------------------------------------------
ROW "load debug controls: DR7 0x400, DEBUGCTL 0", EXP_OK
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    WSET GUEST_DR7, 0x400
    WSET GUEST_IA32_DEBUGCTL, 0
ENDROW
ROW "load debug controls: DEBUGCTL.LBR", EXP_OK
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    WSET GUEST_DR7, 0x400
    WSET GUEST_IA32_DEBUGCTL, 1
ENDROW
.irp bit, 32, 63
ROW "load debug controls: DR7 bit \bit", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    WSET GUEST_DR7, 0x400|(1<<\bit)
ENDROW
.endr
.irp bit, 2, 5, 16, 63
ROW "load debug controls: DEBUGCTL reserved bit \bit", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    WSET GUEST_DR7, 0x400
    WSET GUEST_IA32_DEBUGCTL, 1<<\bit
ENDROW
.endr
ROW "DR7 bit 32 and DEBUGCTL bit 16 without load debug controls", EXP_OK
    WSET GUEST_DR7, 0x400|(1<<32)
    WSET GUEST_IA32_DEBUGCTL, 1<<16
ENDROW
ROW "SYSENTER_ESP not canonical", EXP_GUEST
    WSET GUEST_SYSENTER_ESP, 0x0000800000000000
ENDROW
ROW "SYSENTER_EIP not canonical", EXP_GUEST
    WSET GUEST_SYSENTER_EIP, 0xFFFF7FFFFFFFFFFF
ENDROW
ROW "SYSENTER_ESP/EIP canonical (upper half)", EXP_OK
    WSET GUEST_SYSENTER_ESP, 0xFFFF800000000000
    WSET GUEST_SYSENTER_EIP, 0x00007FFFFFFFFFFF
ENDROW
ROW "load IA32_PAT: a valid PAT", EXP_OK
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_PAT
    WSET GUEST_IA32_PAT, 0x0007040600070406
ENDROW
.irp pat, 0x0007040600070402, 0x0307040600070406, 0x0007040800070406, 0x00070406000704FF
ROW "load IA32_PAT: \pat", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_PAT
    WSET GUEST_IA32_PAT, \pat
ENDROW
.endr
ROW "an invalid PAT without load IA32_PAT", EXP_OK
    WSET GUEST_IA32_PAT, 0x0202020202020202
ENDROW
ROW "load IA32_EFER: LMA, LME (64-bit guest)", EXP_OK
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x500
ENDROW
ROW "load IA32_EFER: LMA, LME, NXE, SCE", EXP_OK
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0xD01
ENDROW
.irp bit, 1, 9, 12, 63
ROW "load IA32_EFER: reserved bit \bit", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x500|(1<<\bit)
ENDROW
.endr
ROW "load IA32_EFER: LMA clear in an IA-32e mode guest", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x100
ENDROW
ROW "load IA32_EFER: LME clear with LMA and CR0.PG", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x400
ENDROW
ROW "load IA32_EFER: 32-bit PAE guest, EFER 0", EXP_OK
    PAE_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0
ENDROW
ROW "load IA32_EFER: 32-bit PAE guest with LMA", EXP_GUEST
    PAE_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x500
ENDROW
ROW "load IA32_EFER: 32-bit PAE guest with LME but not LMA (CR0.PG = 1)", EXP_GUEST
    PAE_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x100
ENDROW
ROW "load IA32_EFER: real-mode guest with LME but not LMA (CR0.PG = 0)", EXP_OK
    RM_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    WSET GUEST_IA32_EFER, 0x100
ENDROW

# -- selectors (27.3.1.2) ---------------------------------------------------------------------
ROW "TR selector with TI", EXP_GUEST
    WOR GUEST_TR_SELECTOR, 4
ENDROW
ROW "usable LDTR", EXP_OK
    LDTR_USABLE
ENDROW
ROW "usable LDTR with TI", EXP_GUEST
    LDTR_USABLE 0x3C
ENDROW
ROW "unusable LDTR with TI", EXP_OK
    WSET GUEST_LDTR_SELECTOR, 0x3C
ENDROW
ROW "CPL-3 guest (CS.RPL = SS.RPL = 3)", EXP_OK
    CPL3
ENDROW
ROW "SS.RPL 3 with CS.RPL 0 (both DPLs 3)", EXP_GUEST
    CPL3
    WSET GUEST_CS_SELECTOR, SEL_UCODE64&~3
ENDROW
ROW "SS.DPL 3 with SS.RPL 0 (conforming CS)", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, 0xA09F
    WSET GUEST_SS_AR_BYTES, 0xC0F3
ENDROW
ROW "conforming CS, DPL 0", EXP_OK
    WSET GUEST_CS_AR_BYTES, 0xA09F
ENDROW

# -- bases ------------------------------------------------------------------------------------
.irp s, FS, GS, TR
ROW "\s base not canonical", EXP_GUEST
    WSET GUEST_\s\()_BASE, 0x0000800000000000
ENDROW
.endr
ROW "FS and GS bases canonical (upper half)", EXP_OK
    WSET GUEST_FS_BASE, 0xFFFF800000000000
    WSET GUEST_GS_BASE, 0xFFFFFFFFFFFFF000
ENDROW
ROW "usable LDTR base not canonical", EXP_GUEST
    LDTR_USABLE
    WSET GUEST_LDTR_BASE, 0x0000800000000000
ENDROW
ROW "unusable LDTR base not canonical", EXP_OK
    WSET GUEST_LDTR_BASE, 0x0000800000000000
ENDROW
.irp s, CS, SS, DS, ES
ROW "\s base above 4 GiB", EXP_GUEST
    WSET GUEST_\s\()_BASE, 1<<32
ENDROW
.endr
.irp s, SS, DS, ES
ROW "unusable \s with a base above 4 GiB", EXP_OK
    WSET GUEST_\s\()_BASE, 1<<32
    WSET GUEST_\s\()_AR_BYTES, AR_UNUSABLE
ENDROW
.endr

# -- access rights: CS --------------------------------------------------------------------------
.irp t, 9, 13, 15
ROW "CS type \t", EXP_OK
    WSET GUEST_CS_AR_BYTES, 0xA090|\t
ENDROW
.endr
.irp t, 0, 3, 8, 10, 12, 14
ROW "CS type \t", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, 0xA090|\t
ENDROW
.endr
ROW "CS.S = 0", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, CS64&~0x10
ENDROW
ROW "CS.P = 0", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, CS64&~0x80
ENDROW
.irp bit, 8, 11, 17, 31
ROW "CS access rights, reserved bit \bit", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, CS64|(1<<\bit)
ENDROW
.endr
ROW "CS.G = 1 with limit 0xFFFFFFFE", EXP_GUEST
    WSET GUEST_CS_LIMIT, 0xFFFFFFFE
ENDROW
ROW "CS.G = 0 with limit 0x100000", EXP_GUEST
    WSET GUEST_CS_LIMIT, 0x100000
    WSET GUEST_CS_AR_BYTES, CS64&~0x8000
ENDROW
ROW "CS.G = 0 with limit 0xFFFFF", EXP_OK
    WSET GUEST_CS_LIMIT, 0xFFFFF
    WSET GUEST_CS_AR_BYTES, CS64&~0x8000
ENDROW
ROW "CS.G = 1 with limit 0xFFFFF", EXP_OK
    WSET GUEST_CS_LIMIT, 0xFFFFF
ENDROW
ROW "CS.L and CS.D in an IA-32e mode guest", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, CS64|0x4000
ENDROW
ROW "CS.D without CS.L (compatibility mode)", EXP_OK
    WSET GUEST_CS_AR_BYTES, 0xC09B
ENDROW
ROW "non-conforming CS.DPL 3 with SS.DPL 0", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, 0xA0FB
ENDROW
ROW "conforming CS.DPL 3 above SS.DPL 0", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, 0xA0FF
ENDROW
ROW "unrestricted guest: CS type 3 (real mode)", EXP_OK
    RM_GUEST
    WSET GUEST_CS_AR_BYTES, 0x93
ENDROW
ROW "unrestricted guest: CS type 3 with DPL 3", EXP_GUEST
    RM_GUEST
    WSET GUEST_CS_AR_BYTES, 0xF3
ENDROW
ROW "unrestricted guest in real mode: SS.DPL 3", EXP_GUEST
    RM_GUEST
    WSET GUEST_SS_AR_BYTES, 0xF3
ENDROW

# -- access rights: SS ----------------------------------------------------------------------------
.irp t, 3, 7
ROW "SS type \t", EXP_OK
    WSET GUEST_SS_AR_BYTES, 0xC090|\t
ENDROW
.endr
.irp t, 1, 2, 5, 11
ROW "SS type \t", EXP_GUEST
    WSET GUEST_SS_AR_BYTES, 0xC090|\t
ENDROW
.endr
ROW "SS.S = 0", EXP_GUEST
    WSET GUEST_SS_AR_BYTES, DATA&~0x10
ENDROW
ROW "SS.P = 0", EXP_GUEST
    WSET GUEST_SS_AR_BYTES, DATA&~0x80
ENDROW
ROW "SS access rights, reserved bit 9", EXP_GUEST
    WSET GUEST_SS_AR_BYTES, DATA|0x200
ENDROW
ROW "SS.G = 0 with limit 0xFFFFFFFF", EXP_GUEST
    WSET GUEST_SS_AR_BYTES, DATA&~0x8000
ENDROW
ROW "unusable SS", EXP_OK
    WSET GUEST_SS_AR_BYTES, AR_UNUSABLE
ENDROW

# -- access rights: DS, ES, FS, GS ------------------------------------------------------------
.irp s, DS, ES, FS, GS
ROW "\s type 1 (read-only data)", EXP_OK
    WSET GUEST_\s\()_AR_BYTES, 0xC091
ENDROW
ROW "\s type 11 (readable code)", EXP_OK
    WSET GUEST_\s\()_AR_BYTES, 0xC09B
ENDROW
ROW "\s type 2 (not accessed)", EXP_GUEST
    WSET GUEST_\s\()_AR_BYTES, 0xC092
ENDROW
ROW "\s type 9 (execute-only code)", EXP_GUEST
    WSET GUEST_\s\()_AR_BYTES, 0xC099
ENDROW
ROW "\s.S = 0", EXP_GUEST
    WSET GUEST_\s\()_AR_BYTES, DATA&~0x10
ENDROW
ROW "\s.P = 0", EXP_GUEST
    WSET GUEST_\s\()_AR_BYTES, DATA&~0x80
ENDROW
ROW "\s access rights, reserved bit 10", EXP_GUEST
    WSET GUEST_\s\()_AR_BYTES, DATA|0x400
ENDROW
ROW "\s access rights, reserved bit 20", EXP_GUEST
    WSET GUEST_\s\()_AR_BYTES, DATA|0x100000
ENDROW
ROW "\s.G = 1 with limit 0xFFFFF000", EXP_GUEST
    WSET GUEST_\s\()_LIMIT, 0xFFFFF000
ENDROW
ROW "\s.DPL 0 below RPL 3", EXP_GUEST
    WSET GUEST_\s\()_SELECTOR, SEL_DATA|3
ENDROW
ROW "\s.DPL 3 with RPL 3", EXP_OK
    WSET GUEST_\s\()_SELECTOR, SEL_DATA|3
    WSET GUEST_\s\()_AR_BYTES, DATA|0x60
ENDROW
ROW "\s.DPL 0 below RPL 3 with a conforming code type (not checked)", EXP_OK
    WSET GUEST_\s\()_SELECTOR, SEL_DATA|3
    WSET GUEST_\s\()_AR_BYTES, 0xC09F
ENDROW
ROW "unusable \s, other bits ignored", EXP_OK
    WSET GUEST_\s\()_SELECTOR, 3
    WSET GUEST_\s\()_AR_BYTES, AR_UNUSABLE|0x700
ENDROW
.endr

# -- TR and LDTR ----------------------------------------------------------------------------------
.irp t, 1, 3, 9, 2
ROW "TR type \t in an IA-32e mode guest", EXP_GUEST
    WSET GUEST_TR_AR_BYTES, 0x80|\t
ENDROW
.endr
ROW "TR.S = 1", EXP_GUEST
    WSET GUEST_TR_AR_BYTES, 0x9B
ENDROW
ROW "TR.P = 0", EXP_GUEST
    WSET GUEST_TR_AR_BYTES, 0x0B
ENDROW
ROW "TR unusable", EXP_GUEST
    WSET GUEST_TR_AR_BYTES, 0x8B|AR_UNUSABLE
ENDROW
ROW "TR access rights, reserved bit 8", EXP_GUEST
    WSET GUEST_TR_AR_BYTES, 0x18B
ENDROW
ROW "TR.G = 1 with limit 0x67", EXP_GUEST
    WSET GUEST_TR_AR_BYTES, 0x808B
ENDROW
ROW "TR.G = 0 with limit 0xFFFFF", EXP_OK
    WSET GUEST_TR_LIMIT, 0xFFFFF
ENDROW
ROW "TR type 3 (busy 16-bit TSS) in a 32-bit guest", EXP_OK
    PAE_GUEST
    WSET GUEST_TR_AR_BYTES, 0x83
ENDROW
ROW "TR type 1 (available 16-bit TSS) in a 32-bit guest", EXP_GUEST
    PAE_GUEST
    WSET GUEST_TR_AR_BYTES, 0x81
ENDROW
.irp ar, 0x83, 0x8A, 0x92, 0x02, 0x182, 0x100082
ROW "usable LDTR, access rights \ar", EXP_GUEST
    LDTR_USABLE
    WSET GUEST_LDTR_AR_BYTES, \ar
ENDROW
.endr
ROW "usable LDTR.G = 0 with limit 0xFFFFFFFF", EXP_GUEST
    LDTR_USABLE
    WSET GUEST_LDTR_LIMIT, 0xFFFFFFFF
ENDROW
ROW "usable LDTR.G = 1 with limit 0xFFFFFFFF", EXP_OK
    LDTR_USABLE
    WSET GUEST_LDTR_LIMIT, 0xFFFFFFFF
    WSET GUEST_LDTR_AR_BYTES, 0x8082
ENDROW

# -- GDTR, IDTR (27.3.1.3) ------------------------------------------------------------------------
.irp t, GDTR, IDTR
ROW "\t base not canonical", EXP_GUEST
    WSET GUEST_\t\()_BASE, 0x0000800000000000
ENDROW
ROW "\t limit 0x10000", EXP_GUEST
    WSET GUEST_\t\()_LIMIT, 0x10000
ENDROW
ROW "\t limit 0xFFFF", EXP_OK
    WSET GUEST_\t\()_LIMIT, 0xFFFF
ENDROW
.endr

# -- RIP and RFLAGS (27.3.1.4) ----------------------------------------------------------------------
ROW "RIP not canonical in 64-bit mode", EXP_GUEST
    WSET GUEST_RIP, 0x0000800000000000
ENDROW
ROW "RIP canonical but not mapped: the entry works, the fetch faults (#PF, I/D = 0 without NX)", EXP_OK, 0x110E
    WSET GUEST_RIP, 0xFFFF800000000000
ENDROW
ROW "compatibility mode: RIP above 4 GiB", EXP_GUEST
    WSET GUEST_CS_AR_BYTES, 0xC09B
    WSET GUEST_RIP, rows_guest+(1<<32)
ENDROW
ROW "32-bit guest: RIP above 4 GiB", EXP_GUEST
    PAE_GUEST
    WSET GUEST_RIP, rows_guest+(1<<32)
ENDROW
ROW "32-bit PAE guest", EXP_OK
    PAE_GUEST
ENDROW
.irp fl, 0, 0xA, 0x22, 0x8002, 0x400002, 0x8000000000000002
ROW "RFLAGS \fl", EXP_GUEST
    WSET GUEST_RFLAGS, \fl
ENDROW
.endr
ROW "RFLAGS with ID, AC, VIF, VIP (bits 21-18)", EXP_OK
    WSET GUEST_RFLAGS, 0x3C0002
ENDROW
ROW "virtual-8086 guest", EXP_OK
    V86_GUEST
ENDROW
ROW "virtual-8086 guest: CS base not selector << 4", EXP_GUEST
    V86_GUEST
    WSET GUEST_CS_BASE, 0xFFF00
ENDROW
ROW "virtual-8086 guest: DS base not selector << 4", EXP_GUEST
    V86_GUEST
    WSET GUEST_DS_BASE, 0
ENDROW
ROW "virtual-8086 guest: SS limit 0xFFFE", EXP_GUEST
    V86_GUEST
    WSET GUEST_SS_LIMIT, 0xFFFE
ENDROW
ROW "virtual-8086 guest: FS limit 0xFFFFF", EXP_GUEST
    V86_GUEST
    WSET GUEST_FS_LIMIT, 0xFFFFF
ENDROW
ROW "virtual-8086 guest: GS access rights 0xF2", EXP_GUEST
    V86_GUEST
    WSET GUEST_GS_AR_BYTES, 0xF2
ENDROW
ROW "virtual-8086 guest: CS access rights 0xFB", EXP_GUEST
    V86_GUEST
    WSET GUEST_CS_AR_BYTES, 0xFB
ENDROW
ROW "virtual-8086 guest: ES access rights 0x80F3", EXP_GUEST
    V86_GUEST
    WSET GUEST_ES_AR_BYTES, 0x80F3
ENDROW
ROW "RFLAGS.VM in an IA-32e mode guest", EXP_GUEST
    WSET GUEST_RFLAGS, 0x20002
ENDROW
ROW "RFLAGS.VM in a real-mode guest (CR0.PE = 0)", EXP_GUEST
    RM_GUEST
    WSET GUEST_RFLAGS, 0x20002
ENDROW
ROW "injecting an external interrupt with RFLAGS.IF = 0", EXP_GUEST
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000020
ENDROW
ROW "injecting an external interrupt with RFLAGS.IF = 1", EXP_OK, 0x1020
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000020
    WSET GUEST_RFLAGS, 0x202
ENDROW

# -- activity state (27.3.1.5) ----------------------------------------------------------------------
.irp a, 4, 5, 0xFFFFFFFF
ROW "activity state \a", EXP_GUEST
    WSET GUEST_ACTIVITY_STATE, \a
ENDROW
.endr
ROW "HLT with SS.DPL 3", EXP_GUEST
    CPL3
    WSET GUEST_ACTIVITY_STATE, 1
ENDROW
ROW "HLT with blocking by STI", EXP_GUEST
    WSET GUEST_ACTIVITY_STATE, 1
    WSET GUEST_RFLAGS, 0x202
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
ENDROW
ROW "HLT with blocking by MOV SS", EXP_GUEST
    WSET GUEST_ACTIVITY_STATE, 1
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
ENDROW
ROW "shutdown with blocking by MOV SS", EXP_GUEST
    WSET GUEST_ACTIVITY_STATE, 2
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
ENDROW
# What an entry may inject in each activity state (the injection makes the guest active).
.macro INJ_ROW act, info, expect, mark=MARK_AUTO
ROW "activity \act, injecting \info", \expect, \mark
    WSET GUEST_ACTIVITY_STATE, \act
    WSET VM_ENTRY_INTR_INFO_FIELD, \info
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0
    WSET VM_ENTRY_INSTRUCTION_LEN, 1
    WSET GUEST_RFLAGS, 0x202
ENDROW
.endm
INJ_ROW 1, 0x80000020, EXP_OK, 0x1020
INJ_ROW 1, 0x80000202, EXP_OK, 0x1002
INJ_ROW 1, 0x80000301, EXP_OK, 0x1001
INJ_ROW 1, 0x80000312, EXP_OK, 0x1012
INJ_ROW 1, 0x80000700, OUT_EXIT|EXIT_REASON_MONITOR_TRAP_FLAG
INJ_ROW 1, 0x80000306, EXP_GUEST
INJ_ROW 1, 0x80000B0D, EXP_GUEST
INJ_ROW 1, 0x80000603, EXP_GUEST
INJ_ROW 1, 0x80000430, EXP_GUEST
INJ_ROW 1, 0x80000501, EXP_GUEST
INJ_ROW 2, 0x80000202, EXP_OK, 0x1002
INJ_ROW 2, 0x80000312, EXP_OK, 0x1012
INJ_ROW 2, 0x80000020, EXP_GUEST
INJ_ROW 2, 0x80000301, EXP_GUEST
INJ_ROW 2, 0x80000700, EXP_GUEST
INJ_ROW 3, 0x80000202, EXP_GUEST
INJ_ROW 3, 0x80000312, EXP_GUEST
INJ_ROW 3, 0x80000020, EXP_GUEST

# -- interruptibility state --------------------------------------------------------------------------
.irp v, 0x20, 0x80000000, 4, 0x10
ROW "interruptibility \v (reserved, SMI outside SMM, enclave)", EXP_GUEST
    WSET GUEST_INTERRUPTIBILITY_INFO, \v
ENDROW
.endr
ROW "blocking by STI and by MOV SS", EXP_GUEST
    WSET GUEST_RFLAGS, 0x202
    WSET GUEST_INTERRUPTIBILITY_INFO, 3
ENDROW
ROW "blocking by STI with RFLAGS.IF = 0", EXP_GUEST
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
ENDROW
ROW "blocking by STI with RFLAGS.IF = 1", EXP_OK
    WSET GUEST_RFLAGS, 0x202
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
ENDROW
ROW "blocking by MOV SS", EXP_OK
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
ENDROW
ROW "blocking by NMI", EXP_OK
    WSET GUEST_INTERRUPTIBILITY_INFO, 8
ENDROW
ROW "injecting an external interrupt under blocking by STI", EXP_GUEST
    WSET GUEST_RFLAGS, 0x202
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000020
ENDROW
ROW "injecting an external interrupt under blocking by MOV SS", EXP_GUEST
    WSET GUEST_RFLAGS, 0x202
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000020
ENDROW
ROW "injecting an NMI under blocking by MOV SS", EXP_GUEST
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
ENDROW
ROW "injecting an NMI under blocking by NMI (no virtual NMIs)", EXP_OK, 0x1002
    WSET GUEST_INTERRUPTIBILITY_INFO, 8
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
ENDROW
ROW "injecting an NMI under virtual-NMI blocking", EXP_GUEST
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING|PIN_VIRTUAL_NMIS
    WSET GUEST_INTERRUPTIBILITY_INFO, 8
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
ENDROW
ROW "injecting a #GP under blocking by MOV SS", EXP_OK, 0x110D
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0D
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0
ENDROW

# -- pending debug exceptions -------------------------------------------------------------------------
.irp bit, 4, 11, 13, 15, 17, 63
ROW "pending debug exceptions, reserved bit \bit", EXP_GUEST
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 1<<\bit
ENDROW
.endr
ROW "pending debug exceptions bit 16 (RTM; CPUID reports no RTM)", EXP_GUEST
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0x11000
ENDROW
ROW "pending debug exceptions B0 alone: no #DB (neither BS nor bit 12)", EXP_OK
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 1
ENDROW
ROW "pending debug exceptions B0 and bit 12: #DB before the first instruction", EXP_OK, 0x1001
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0x1001
ENDROW
ROW "blocking by STI, TF = 1, BS = 0", EXP_GUEST
    WSET GUEST_RFLAGS, 0x302
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
ENDROW
ROW "blocking by STI, TF = 0, BS = 1", EXP_GUEST
    WSET GUEST_RFLAGS, 0x202
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0x4000
ENDROW
ROW "blocking by STI, TF = 1, BS = 1: the pending #DB is delivered", EXP_OK, 0x1001
    WSET GUEST_RFLAGS, 0x302
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0x4000
ENDROW
ROW "blocking by MOV SS, TF = 1, BS = 0", EXP_GUEST
    WSET GUEST_RFLAGS, 0x102
    WSET GUEST_INTERRUPTIBILITY_INFO, 2
ENDROW
ROW "HLT, TF = 1, BS = 0", EXP_GUEST
    WSET GUEST_RFLAGS, 0x102
    WSET GUEST_ACTIVITY_STATE, 1
ENDROW
ROW "HLT, TF = 0, BS = 1", EXP_GUEST
    WSET GUEST_ACTIVITY_STATE, 1
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0x4000
ENDROW
ROW "no blocking, TF = 1, BS = 0: single-step #DB after the first instruction", EXP_OK, 0x1001
    WSET GUEST_RFLAGS, 0x102
ENDROW
ROW "blocking by STI, TF = 1 with DEBUGCTL.BTF = 1, BS = 0", EXP_OK
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    WSET GUEST_DR7, 0x400
    WSET GUEST_IA32_DEBUGCTL, 2
    WSET GUEST_RFLAGS, 0x302
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
ENDROW
ROW "blocking by STI, TF = 1 with DEBUGCTL.BTF = 1, BS = 1", EXP_GUEST
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    WSET GUEST_DR7, 0x400
    WSET GUEST_IA32_DEBUGCTL, 2
    WSET GUEST_RFLAGS, 0x302
    WSET GUEST_INTERRUPTIBILITY_INFO, 1
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0x4000
ENDROW

# -- VMCS link pointer (qualification 4) ----------------------------------------------------------------
ROW "VMCS link pointer 0", EXP_GUEST_LINK
    WSET VMCS_LINK_POINTER, 0
ENDROW
ROW "VMCS link pointer: a VMCS region (no VMCS shadowing)", EXP_GUEST_LINK
    WSET VMCS_LINK_POINTER, vmcs1
ENDROW
ROW "VMCS link pointer: the current VMCS", EXP_GUEST_LINK
    WSET VMCS_LINK_POINTER, vmcs0
ENDROW
ROW "VMCS link pointer not aligned", EXP_GUEST_LINK
    WSET VMCS_LINK_POINTER, vmcs1+8
ENDROW
ROW "VMCS link pointer beyond MAXPHYADDR", EXP_GUEST_LINK
    WBEYOND VMCS_LINK_POINTER, vmcs1
ENDROW

# -- PAE PDPTEs (qualification 2): read from guest CR3 without EPT, from the VMCS with EPT -------
.irp bit, 1, 2, 5, 6, 7, 8, 39, 62, 63
ROW "PDPTE0 reserved bit \bit", EXP_GUEST_PDPTE
    PAE_GUEST
    WMEM rows_pae_pdpt, pd0+1+(1<<\bit)
ENDROW
.endr
ROW "PDPTE3 present with reserved bit 8", EXP_GUEST_PDPTE
    PAE_GUEST
    WMEM rows_pae_pdpt+24, 0x101
ENDROW
ROW "PDPTE1 not present with reserved bits", EXP_OK
    PAE_GUEST
    WMEM rows_pae_pdpt+8, 0x1E6
ENDROW
ROW "EPT: PDPTEs from the VMCS fields", EXP_OK
    PAE_GUEST
    EPT_ON
    WSET GUEST_PDPTE0, pd0+1
    WMEM rows_pae_pdpt, pd0+3
ENDROW
ROW "EPT: PDPTE0 field with reserved bit 1", EXP_GUEST_PDPTE
    PAE_GUEST
    EPT_ON
    WSET GUEST_PDPTE0, pd0+3
ENDROW
ROW "EPT: PDPTE2 field with reserved bit 7", EXP_GUEST_PDPTE
    PAE_GUEST
    EPT_ON
    WSET GUEST_PDPTE0, pd0+1
    WSET GUEST_PDPTE2, 0x81
ENDROW

# -- priority among the guest-state checks and the MSR-load area -----------------------------------
ROW "bad controls and bad guest state: error 7", EXP_ERR7
    WSET CR3_TARGET_COUNT, 5
    WCLR GUEST_CR0, CR0_PE
ENDROW
ROW "bad host state and bad guest state: error 8", EXP_ERR8
    WCLR HOST_CR0, CR0_PE
    WCLR GUEST_CR0, CR0_PE
ENDROW
ENDTABLE

.section .text
