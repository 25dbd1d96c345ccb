# debug_controls: the VM-entry control "load debug controls" and the VM-exit control "save debug controls" (SDM Vol. 3C 27.3.2.1, 28.3.1, 28.5.1): with them the guest runs with GUEST_DR7 (bits 12, 14, 15 forced 0, bit 10 forced 1) and GUEST_IA32_DEBUGCTL and the exit saves the guest's DR7/DEBUGCTL; without them the guest inherits the host's DR7/DEBUGCTL and the fields keep their values; every exit leaves the host with DR7 = 0x400 and DEBUGCTL = 0. WRMSR to DEBUGCTL with a reserved bit is #GP(0).
.include "lib.inc"
SCENARIO debug_controls

test_main:
    lea rdi, [rip + guest]
    call vmx_setup
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    VMCS_SET MSR_BITMAP, "offset msr_bitmap"
    call host_debug_state

    # 1: load and save.
    VMCS_SETBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    VMCS_SETBITS VM_EXIT_CONTROLS, EXITCTL_SAVE_DEBUG_CONTROLS
    VMCS_SET GUEST_DR7, 0x404
    VMCS_SET GUEST_IA32_DEBUGCTL, 0x2
    mov qword ptr [rip + g_new_dr7], 0x402
    mov qword ptr [rip + g_new_dbgctl], 0x1
    call enter_guest
    CHECK "load debug controls: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "load debug controls: the guest's DR7 is GUEST_DR7", [rip+g_dr7], 0x404
    CHECK "load debug controls: the guest's DEBUGCTL is GUEST_IA32_DEBUGCTL", [rip+g_dbgctl], 0x2
    CHECK_FIELD "save debug controls: GUEST_DR7 holds the guest's DR7", GUEST_DR7, 0x402
    CHECK_FIELD "save debug controls: GUEST_IA32_DEBUGCTL holds the guest's", GUEST_IA32_DEBUGCTL, 0x1
    call check_host_after_exit

    # 2: the forced bits of DR7 on entry.
    call host_debug_state
    VMCS_SET GUEST_DR7, 0xD004
    call skip_guest_insn
    call enter_guest
    CHECK "DR7 0xD004 loaded: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "DR7 0xD004 loaded: the guest sees 0x404 (12, 14, 15 clear, 10 set)", [rip+g_dr7], 0x404
    call check_host_after_exit

    # 3: neither load nor save.
    call host_debug_state
    VMCS_CLRBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_DEBUG_CONTROLS
    VMCS_CLRBITS VM_EXIT_CONTROLS, EXITCTL_SAVE_DEBUG_CONTROLS
    VMCS_SET GUEST_DR7, 0x455
    VMCS_SET GUEST_IA32_DEBUGCTL, 0x3
    call skip_guest_insn
    call enter_guest
    CHECK "no load: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "no load: the guest inherits the host's DR7", [rip+g_dr7], 0x408
    CHECK "no load: the guest inherits the host's DEBUGCTL", [rip+g_dbgctl], 0x1
    CHECK_FIELD "no save: GUEST_DR7 unchanged", GUEST_DR7, 0x455
    CHECK_FIELD "no save: GUEST_IA32_DEBUGCTL unchanged", GUEST_IA32_DEBUGCTL, 0x3
    call check_host_after_exit

    # WRMSR to IA32_DEBUGCTL: reserved bits (5:2, 63:16 in this model) are #GP(0).
    mov ecx, MSR_DEBUGCTL
    xor edx, edx
    mov eax, 1 << 16
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR DEBUGCTL bit 16", VEC_GP, 0
    mov eax, 1 << 3
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR DEBUGCTL bit 3", VEC_GP, 0
    xor eax, eax
    mov edx, 1
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR DEBUGCTL bit 32", VEC_GP, 0
    call rdmsr64
    CHECK "DEBUGCTL unchanged by the faulting WRMSRs", rax, 0
    ret

# The host's own debug state before an entry: DR7 = 0x408, DEBUGCTL = LBR.
host_debug_state:
    push rax
    push rcx
    push rdx
    mov eax, 0x408
    mov dr7, rax
    mov ecx, MSR_DEBUGCTL
    mov eax, 1
    xor edx, edx
    wrmsr
    pop rdx
    pop rcx
    pop rax
    ret

check_host_after_exit:
    push rax
    push rcx
    push rdx
    mov rax, dr7
    CHECK "host DR7 after the exit", rax, 0x400
    mov ecx, MSR_DEBUGCTL
    call rdmsr64
    CHECK "host DEBUGCTL after the exit", rax, 0
    pop rdx
    pop rcx
    pop rax
    ret

# Read DR7 and DEBUGCTL, write g_new_dr7 / g_new_dbgctl, exit; again after each resume.
guest:
    mov rax, dr7
    mov [rip + g_dr7], rax
    mov ecx, MSR_DEBUGCTL
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov [rip + g_dbgctl], rax
    mov rax, [rip + g_new_dr7]
    mov dr7, rax
    mov rax, [rip + g_new_dbgctl]
    xor edx, edx
    wrmsr
    vmcall
    jmp guest

.section .bss
.balign 4096
msr_bitmap: .space 4096
.balign 8
g_dr7: .quad 0
g_dbgctl: .quad 0
g_new_dr7: .quad 0
g_new_dbgctl: .quad 0
