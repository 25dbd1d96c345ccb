# msr_switch: the VM-entry MSR-load list, the VM-exit MSR-store list and the VM-exit MSR-load list (SDM Vol. 3C 27.4, 28.3.4 ... 28.6) with IA32_KERNEL_GS_BASE and IA32_SYSENTER_CS: the guest sees the entry list's values (loaded after the guest-state fields, the last of two entries for one MSR winning), the store list receives the guest's values at the exit (as does the GUEST_SYSENTER_CS field), and the host gets the exit list's values (loaded after the host-state fields); again on VMRESUME.
.include "lib.inc"
SCENARIO msr_switch

.equ KGS, 0xC0000102

test_main:
    lea rdi, [rip + guest]
    call vmx_setup
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    VMCS_SET MSR_BITMAP, "offset msr_bitmap"          # all zero: no RDMSR/WRMSR exits
    VMCS_SET GUEST_SYSENTER_CS, 0x99                  # the entry list overrides it
    VMCS_SET HOST_IA32_SYSENTER_CS, 0x77              # the exit list overrides it
    VMCS_SET VM_ENTRY_MSR_LOAD_ADDR, "offset entry_list"
    VMCS_SET VM_ENTRY_MSR_LOAD_COUNT, 2
    VMCS_SET VM_EXIT_MSR_STORE_ADDR, "offset store_list"
    VMCS_SET VM_EXIT_MSR_STORE_COUNT, 2
    VMCS_SET VM_EXIT_MSR_LOAD_ADDR, "offset exit_list"
    VMCS_SET VM_EXIT_MSR_LOAD_COUNT, 2
    mov ecx, KGS                                      # the host's own value before the entry
    mov eax, 0x1110000
    xor edx, edx
    wrmsr
    mov ecx, MSR_SYSENTER_CS
    call rdmsr64
    mov [rip + host_scs], rax

    call enter_guest
    CHECK "first entry: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "guest: KERNEL_GS_BASE from the entry list", [rip+guest_kgs], 0x2220000
    CHECK "guest: SYSENTER_CS from the entry list (not GUEST_SYSENTER_CS)", [rip+guest_scs], 0x1234
    CHECK "store list entry 1: index kept", [rip+store_list], KGS
    CHECK "store list entry 1: the guest's KERNEL_GS_BASE", [rip+store_list+8], 0x4440000
    CHECK "store list entry 2: index kept", [rip+store_list+16], MSR_SYSENTER_CS
    CHECK "store list entry 2: the guest's SYSENTER_CS", [rip+store_list+24], 0x4321
    CHECK_FIELD "GUEST_SYSENTER_CS saved from the guest", GUEST_SYSENTER_CS, 0x4321
    mov ecx, KGS
    call rdmsr64
    CHECK "host: KERNEL_GS_BASE from the exit list", rax, 0x3330000
    mov ecx, MSR_SYSENTER_CS
    call rdmsr64
    CHECK "host: SYSENTER_CS from the exit list (not HOST_IA32_SYSENTER_CS)", rax, 0x5678

    # Second round: two entries for one MSR (the later wins); VMRESUME loads the lists again.
    mov qword ptr [rip + entry_list + 8], 0x2230000
    mov dword ptr [rip + entry_list + 16], KGS
    mov qword ptr [rip + entry_list + 24], 0x2240000
    VMCS_SET VM_EXIT_MSR_LOAD_COUNT, 1                # only KERNEL_GS_BASE now
    call skip_guest_insn
    call enter_guest
    CHECK "second entry (VMRESUME): exit reason", rax, EXIT_REASON_VMCALL
    CHECK "guest: KERNEL_GS_BASE from the later of two entries", [rip+guest_kgs2], 0x2240000
    CHECK "guest: SYSENTER_CS from GUEST_SYSENTER_CS this time", [rip+guest_scs2], 0x4321
    CHECK "store list entry 1 after the second exit", [rip+store_list+8], 0x4450000
    CHECK "store list entry 2 after the second exit", [rip+store_list+24], 0x4322
    mov ecx, KGS
    call rdmsr64
    CHECK "host: KERNEL_GS_BASE from the exit list again", rax, 0x3330000
    mov ecx, MSR_SYSENTER_CS
    call rdmsr64
    CHECK "host: SYSENTER_CS from HOST_IA32_SYSENTER_CS (no exit-list entry)", rax, 0x77

    mov ecx, MSR_SYSENTER_CS                          # put the host's value back
    mov rax, [rip + host_scs]
    xor edx, edx
    wrmsr
    ret

# The guest reads both MSRs, writes new values and exits; twice.
guest:
    mov ecx, KGS
    call guest_rdmsr
    mov [rip + guest_kgs], rax
    mov ecx, MSR_SYSENTER_CS
    call guest_rdmsr
    mov [rip + guest_scs], rax
    mov ecx, KGS
    mov eax, 0x4440000
    xor edx, edx
    wrmsr
    mov ecx, MSR_SYSENTER_CS
    mov eax, 0x4321
    wrmsr
    vmcall
    mov ecx, KGS
    call guest_rdmsr
    mov [rip + guest_kgs2], rax
    mov ecx, MSR_SYSENTER_CS
    call guest_rdmsr
    mov [rip + guest_scs2], rax
    mov ecx, KGS
    mov eax, 0x4450000
    xor edx, edx
    wrmsr
    mov ecx, MSR_SYSENTER_CS
    mov eax, 0x4322
    wrmsr
    vmcall
    FAIL "the guest ran past its second VMCALL"
    vmcall

guest_rdmsr:
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret

.section .data
.balign 16
entry_list:
    .long KGS, 0
    .quad 0x2220000
    .long MSR_SYSENTER_CS, 0
    .quad 0x1234
store_list:
    .long KGS, 0
    .quad -1
    .long MSR_SYSENTER_CS, 0
    .quad -1
exit_list:
    .long KGS, 0
    .quad 0x3330000
    .long MSR_SYSENTER_CS, 0
    .quad 0x5678

.section .bss
.balign 4096
msr_bitmap: .space 4096
.balign 8
guest_kgs: .quad 0
guest_scs: .quad 0
guest_kgs2: .quad 0
guest_scs2: .quad 0
host_scs: .quad 0
