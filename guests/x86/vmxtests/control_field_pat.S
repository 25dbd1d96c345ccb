# control_field_pat: the VM-entry control "load IA32_PAT" and the VM-exit controls "save IA32_PAT" / "load IA32_PAT" (SDM Vol. 3C 27.3.2.1, 28.3.1, 28.5.1): the guest runs with GUEST_IA32_PAT only with "load", the exit saves the guest's PAT only with "save" and loads HOST_IA32_PAT only with "load" (otherwise the guest's PAT stays in the host); invalid memory types fail the entry (exit 33 for the guest field, error 8 for the host field) and a guest WRMSR of one is #GP in the guest.
.include "lib.inc"
SCENARIO control_field_pat

.equ PAT_DEFAULT, 0x0007040600070406
.equ PAT_G1, 0x0606060606060606
.equ PAT_G2, 0x0001040500060407
.equ PAT_G3, 0x0000000000000000
.equ PAT_H1, 0x0404040404040404

test_main:
    lea rdi, [rip + guest]
    call vmx_setup
    mov rax, [rip + hs_pat]
    CHECK "premise: the host's PAT is the power-up default", rax, PAT_DEFAULT
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    VMCS_SET MSR_BITMAP, "offset msr_bitmap"

    # 1: load on entry, save and load on exit.
    VMCS_SETBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_PAT
    VMCS_SETBITS VM_EXIT_CONTROLS, EXITCTL_SAVE_IA32_PAT|EXITCTL_LOAD_IA32_PAT
    VMCS_SET GUEST_IA32_PAT, PAT_G1
    VMCS_SET HOST_IA32_PAT, PAT_DEFAULT
    mov rax, PAT_G2
    mov [rip + g_new], rax
    call enter_guest
    CHECK "load PAT: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "load PAT: the guest's PAT is GUEST_IA32_PAT", [rip+g_seen], PAT_G1
    CHECK_FIELD "save PAT: GUEST_IA32_PAT holds the guest's PAT", GUEST_IA32_PAT, PAT_G2
    mov ecx, MSR_PAT
    call rdmsr64
    CHECK "load PAT on exit: the host's PAT is HOST_IA32_PAT", rax, PAT_DEFAULT

    # 2: no load on entry, no save, no load on exit.
    VMCS_CLRBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_PAT
    VMCS_CLRBITS VM_EXIT_CONTROLS, EXITCTL_SAVE_IA32_PAT|EXITCTL_LOAD_IA32_PAT
    mov rax, PAT_G3
    mov [rip + g_new], rax
    call skip_guest_insn
    call enter_guest
    CHECK "no load PAT: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "no load PAT: the guest sees the host's PAT", [rip+g_seen], PAT_DEFAULT
    CHECK_FIELD "no save PAT: GUEST_IA32_PAT unchanged", GUEST_IA32_PAT, PAT_G2
    mov ecx, MSR_PAT
    call rdmsr64
    CHECK "no load PAT on exit: the guest's PAT stays in the host", rax, PAT_G3

    # 3: load on exit only.
    VMCS_SETBITS VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_PAT
    VMCS_SET HOST_IA32_PAT, PAT_H1
    mov rax, PAT_G1
    mov [rip + g_new], rax
    call skip_guest_insn
    call enter_guest
    CHECK "load PAT on exit only: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "the guest sees the PAT the host had", [rip+g_seen], PAT_G3
    mov ecx, MSR_PAT
    call rdmsr64
    CHECK "load PAT on exit: HOST_IA32_PAT", rax, PAT_H1

    # 4: a guest WRMSR of an invalid memory type is #GP in the guest; PAT unchanged.
    mov rax, 0x0007040600070403
    mov [rip + g_new], rax
    call skip_guest_insn
    call enter_guest
    CHECK "guest WRMSR of type 3: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "guest WRMSR of type 3: #GP(0)", [rip+g_fault], VEC_GP
    CHECK "guest WRMSR of type 3: the guest's PAT unchanged", [rip+g_after], PAT_H1

    # 5: invalid memory types in the fields: VM-entry failure / VMfailValid 8.
    VMCS_SETBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_PAT
    VMCS_SET GUEST_IA32_PAT, 0x0007040600070402
    call skip_guest_insn
    call enter_guest
    CHECK "load PAT with memory type 2 in GUEST_IA32_PAT: exit 33", rax, 0x80000021
    VMCS_SET GUEST_IA32_PAT, PAT_DEFAULT
    VMCS_SET HOST_IA32_PAT, 0x0707030707070707
    call enter_guest
    CHECK "load PAT with memory type 3 in HOST_IA32_PAT: VMfail", rax, VMFAILED
    CHECK_FIELD "load PAT with memory type 3 in HOST_IA32_PAT: error 8", VM_INSTRUCTION_ERROR, VMERR_ENTRY_BAD_HOST_STATE

    mov ecx, MSR_PAT                            # back to the host's own PAT
    mov rax, PAT_DEFAULT
    mov rdx, rax
    shr rdx, 32
    wrmsr
    ret

# Read PAT into g_seen, try to write g_new (recording a fault), read it into g_after, exit.
guest:
    mov ecx, MSR_PAT
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov [rip + g_seen], rax
    mov rax, [rip + g_new]
    mov rdx, rax
    shr rdx, 32
    TRY wrmsr
    mov rax, [rip + fault_vector]
    mov [rip + g_fault], rax
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov [rip + g_after], rax
    vmcall
    jmp guest

.section .bss
.balign 4096
msr_bitmap: .space 4096
.balign 8
g_seen: .quad 0
g_new: .quad 0
g_fault: .quad 0
g_after: .quad 0
