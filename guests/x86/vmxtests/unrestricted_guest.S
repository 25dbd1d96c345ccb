# unrestricted_guest: with "unrestricted guest" (and EPT) VM entry accepts a guest with CR0.PG = 0 (unpaged protected mode: linear = guest-physical, through EPT) and with CR0.PE = 0 (real mode, CS type 3 or a code type, SS.RPL free, SS.DPL 0); the guest runs, switches itself from real to protected mode and exits with VMCALL; the same entries without unrestricted guest fail (exit 33), unrestricted guest without EPT fails (VMfailValid 7), and in real mode CS type 3 needs DPL 0, SS needs DPL 0, and CR0.PG needs PE
#
# SDM Vol. 3C 25.6.2 (secondary controls: "unrestricted guest" lets the guest run in unpaged
# protected mode or real mode, and needs "enable EPT"), 27.2.1.1 (unrestricted guest with
# enable EPT = 0 -> VMfailValid 7), 27.3.1.1 (guest CR0: PE and PG exempt from the fixed-bit
# MSRs with unrestricted guest; PG = 1 needs PE = 1), 27.3.1.2 (CS type 3 allowed only with
# unrestricted guest, then DPL 0; SS.DPL 0 when CS is type 3 or CR0.PE = 0; the SS/CS RPL rule
# only without unrestricted guest), A.7 (IA32_VMX_CR0_FIXED0 bits 0 and 31), kvm-unit-tests'
# vmentry_unrestricted_guest_test.
.include "lib.inc"
.include "ept_common.inc"
SCENARIO unrestricted_guest

.equ RM_CODE, 0x7000                        # the real-mode guest: CS = 0x0700
.equ RM_DATA, 0x8000                        # DS = 0x0800
.equ RM_STACK, 0x9010                       # SS = 0x0901 (RPL 1), SP = 0x0FF0

test_main:
    lea rdi, [rip + g_pm32]
    call vmx_setup
    mov rax, [rip + vmx_cr0_fixed0]
    CHECK_MASKED "IA32_VMX_CR0_FIXED0: PE and PG must be 1 outside unrestricted guest", rax, 0x80000001, 0x80000001
    mov rax, [rip + vmx_proc2_ctls]
    shr rax, 32
    CHECK_MASKED "secondary controls allow unrestricted guest and EPT", rax, PROC2_UNRESTRICTED_GUEST|PROC2_ENABLE_EPT, PROC2_UNRESTRICTED_GUEST|PROC2_ENABLE_EPT
    call ept_build
    xor edi, edi
    call ept_enable
    lea rsi, [rip + rm_start]                # the real-mode code, copied below 1 MiB
    mov edi, RM_CODE
    mov ecx, rm_end - rm_start
    cld
    rep movsb

    # -- unpaged protected mode ---------------------------------------------------------------
    mov rax, [rip + init_entry]
    and eax, ~ENTRYCTL_IA32E_MODE_GUEST
    mov [rip + entry32], rax
    VMCS_SET VM_ENTRY_CONTROLS, rax
    mov rax, [rip + hs_cr0]
    and eax, ~CR0_PG
    VMCS_SET GUEST_CR0, rax
    VMCS_SET GUEST_CS_SELECTOR, SEL_CODE32
    VMCS_SET GUEST_CS_AR_BYTES, 0xC09B
    VMCS_SET GUEST_FS_BASE, 0
    VMCS_SET GUEST_GS_BASE, 0
    VMCS_SET EXCEPTION_BITMAP, 0xFFFFFFFF   # no 32-bit IDT: any exception exits
    call enter_guest
    CHECK "CR0.PG = 0 without unrestricted guest: VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    CHECK_FIELD "... qualification 0", EXIT_QUALIFICATION, 0
    CHECK "... the guest did not run", [rip+pm_out], 0
    VMCS_SETBITS SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST
    VMCS_CLRBITS SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_EPT
    call enter_guest
    CHECK "unrestricted guest without EPT: VMfailValid", rax, VMFAILED
    CHECK_FIELD "... error 7", VM_INSTRUCTION_ERROR, VMERR_ENTRY_BAD_CONTROLS
    VMCS_SETBITS SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_EPT
    call enter_guest
    CHECK "unrestricted guest, CR0.PG = 0: the guest runs to VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP", GUEST_RIP, "offset g_pm32_vmcall"
    CHECK "... its write landed (linear = guest-physical = host-physical)", [rip+pm_out], 0x600DF00D
    CHECK "... linear 1 GiB + test_page read test_page through EPT", [rip+guest_regs+GREG_RBX], MAGIC1&0xFFFFFFFF
    CHECK_MASKED "... the guest read CR0 with PE = 1, PG = 0", [rip+guest_regs+GREG_RCX], CR0_PE|CR0_PG, CR0_PE
    mov rax, [rip + hs_cr0]
    and eax, ~CR0_PG
    CHECK_FIELD "... GUEST_CR0 saved", GUEST_CR0, rax
    CHECK_FIELD "... IA-32e mode guest still 0 (EFER.LMA = 0)", VM_ENTRY_CONTROLS, [rip+entry32]

    # -- real mode ------------------------------------------------------------------------------
    mov rax, [rip + hs_cr0]
    and eax, ~(CR0_PG | CR0_PE)
    mov [rip + rm_cr0], rax
    VMCS_SET GUEST_CR0, rax
    call real_mode_state
    VMCS_SET GUEST_CS_AR_BYTES, 0x93        # type 3: read/write accessed data
    mov qword ptr [rip + guest_regs + GREG_RAX], 0x11110000
    mov qword ptr [rip + guest_regs + GREG_RBX], 0x22220000
    mov qword ptr [rip + guest_regs + GREG_RCX], 0x33330000
    call enter_guest
    CHECK "real mode (PE = 0, CS type 3): the guest runs to VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP (an offset in CS)", GUEST_RIP, rm_vmcall1-rm_start
    CHECK_FIELD "... instruction length", VM_EXIT_INSTRUCTION_LEN, 3
    CHECK_FIELD "... CS selector", GUEST_CS_SELECTOR, RM_CODE>>4
    CHECK_FIELD "... CS base", GUEST_CS_BASE, RM_CODE
    CHECK_FIELD "... GUEST_CR0 (PE = 0)", GUEST_CR0, [rip+rm_cr0]
    CHECK_FIELD "... SP after push/pop", GUEST_RSP, 0xFF0
    # 16-bit operands leave bits 31:16 alone (bits 63:32 are undefined outside 64-bit mode)
    CHECK_MASKED "... EAX: AX = 0x1234", [rip+guest_regs+GREG_RAX], 0xFFFFFFFF, 0x11111234
    CHECK_MASKED "... EBX: BX popped from SS:SP (base 0x9010)", [rip+guest_regs+GREG_RBX], 0xFFFFFFFF, 0x22225678
    CHECK_MASKED "... ECX: CX = CS", [rip+guest_regs+GREG_RCX], 0xFFFFFFFF, 0x33330000|(RM_CODE>>4)
    CHECK_MASKED "... EDX = CR0 read in real mode: PE = 0, PG = 0", [rip+guest_regs+GREG_RDX], CR0_PE|CR0_PG, 0
    movzx eax, word ptr [RM_DATA + 0x10]
    CHECK "... its write to DS:0x10 landed at 0x8010", rax, 0x1234
    movzx eax, word ptr [RM_STACK + 0xFEE]
    CHECK "... its push landed at SS base + 0xFEE", rax, 0x5678

    # the real-mode guest turns protection on and far-jumps to 32-bit code
    call skip_guest_insn
    call enter_guest
    CHECK "real mode -> MOV CR0 (PE) -> far JMP: VMCALL in 32-bit code", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP", GUEST_RIP, "offset g_pm32_from_rm"
    CHECK_FIELD "... CS = SEL_CODE32", GUEST_CS_SELECTOR, SEL_CODE32
    VMCS_READ rax, GUEST_CR0
    CHECK_MASKED "... GUEST_CR0: PE = 1, PG = 0", rax, CR0_PE|CR0_PG, CR0_PE
    CHECK "... the 32-bit code read test_page through linear 1 GiB + test_page", [rip+guest_regs+GREG_RBX], MAGIC1&0xFFFFFFFF

    # a code segment type in real mode, then the failures
    VMCS_SET GUEST_CR0, [rip+rm_cr0]
    call real_mode_state
    VMCS_SET GUEST_CS_AR_BYTES, 0x9B        # type 11: execute/read accessed code
    call enter_guest
    CHECK "real mode, CS type 11: runs to VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP", GUEST_RIP, rm_vmcall1-rm_start

    call real_mode_state
    VMCS_SET GUEST_CS_AR_BYTES, 0xF3        # type 3, DPL 3
    call enter_guest
    CHECK "real mode, CS type 3 with DPL 3: VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    call real_mode_state
    VMCS_SET GUEST_CS_AR_BYTES, 0xFB        # code, DPL 3 = SS.DPL: only the real-mode rule fails
    VMCS_SET GUEST_SS_AR_BYTES, 0xF3        # SS.DPL 3 with CR0.PE = 0
    call enter_guest
    CHECK "real mode, SS.DPL 3 (CS code DPL 3): VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    call real_mode_state
    mov rax, [rip + rm_cr0]
    or eax, CR0_PG                          # PG without PE
    VMCS_SET GUEST_CR0, rax
    call enter_guest
    CHECK "CR0.PG = 1 with PE = 0: VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    VMCS_SET GUEST_CR0, [rip+rm_cr0]
    VMCS_CLRBITS SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST
    call enter_guest
    CHECK "real mode without unrestricted guest: VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    CHECK_FIELD "... qualification 0", EXIT_QUALIFICATION, 0
    VMCS_SETBITS SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST
    call enter_guest
    CHECK "the same state with unrestricted guest: runs", rax, EXIT_REASON_VMCALL
    ret

# real_mode_state: the real-mode guest at CS:IP = 0700:0000, DS = 0800, SS:SP = 0901:0FF0, the
# other segments 0; CS type 3, SS type 3 (DPL 0); IDTR = the real-mode IVT.
real_mode_state:
    VMCS_SET GUEST_RIP, 0
    VMCS_SET GUEST_RSP, 0xFF0
    VMCS_SET GUEST_RFLAGS, 2
    VMCS_SET GUEST_CS_SELECTOR, RM_CODE>>4
    VMCS_SET GUEST_CS_BASE, RM_CODE
    VMCS_SET GUEST_CS_LIMIT, 0xFFFF
    VMCS_SET GUEST_CS_AR_BYTES, 0x93
    VMCS_SET GUEST_SS_SELECTOR, (RM_STACK>>4)
    VMCS_SET GUEST_SS_BASE, RM_STACK
    VMCS_SET GUEST_SS_LIMIT, 0xFFFF
    VMCS_SET GUEST_SS_AR_BYTES, 0x93
    VMCS_SET GUEST_DS_SELECTOR, RM_DATA>>4
    VMCS_SET GUEST_DS_BASE, RM_DATA
    VMCS_SET GUEST_DS_LIMIT, 0xFFFF
    VMCS_SET GUEST_DS_AR_BYTES, 0x93
    VMCS_SET GUEST_ES_SELECTOR, 0
    VMCS_SET GUEST_ES_BASE, 0
    VMCS_SET GUEST_ES_LIMIT, 0xFFFF
    VMCS_SET GUEST_ES_AR_BYTES, 0x93
    VMCS_SET GUEST_FS_SELECTOR, 0
    VMCS_SET GUEST_FS_BASE, 0
    VMCS_SET GUEST_FS_LIMIT, 0xFFFF
    VMCS_SET GUEST_FS_AR_BYTES, 0x93
    VMCS_SET GUEST_GS_SELECTOR, 0
    VMCS_SET GUEST_GS_BASE, 0
    VMCS_SET GUEST_GS_LIMIT, 0xFFFF
    VMCS_SET GUEST_GS_AR_BYTES, 0x93
    VMCS_SET GUEST_IDTR_BASE, 0
    VMCS_SET GUEST_IDTR_LIMIT, 0x3FF
    ret

# -- the guests ------------------------------------------------------------------------------
.code32
g_pm32:
    mov dword ptr [pm_out], 0x600DF00D
    mov ebx, dword ptr [test_page + TEST_REGION]
    mov ecx, cr0
g_pm32_vmcall:
    vmcall
g_pm32_from_rm:
    vmcall

# copied to RM_CODE and run with CS base RM_CODE
.code16
rm_start:
    mov ax, 0x1234
    mov word ptr [0x10], ax                 # DS:0x10
    push 0x5678
    pop bx
    mov cx, cs
    mov edx, cr0
rm_vmcall1:
    vmcall
    mov eax, cr0
    or al, CR0_PE
    mov cr0, eax
    mov ax, SEL_DATA
    mov ds, ax
    .byte 0x66, 0xEA                        # jmp far SEL_CODE32:rm_pm32 (32-bit offset)
    .long rm_pm32
    .word SEL_CODE32
rm_end:
.code32
rm_pm32:
    mov ebx, dword ptr [test_page + TEST_REGION]
    jmp g_pm32_from_rm
.code64

.section .bss
.balign 8
pm_out: .quad 0
entry32: .quad 0
rm_cr0: .quad 0
