# vmx_caps: the VMX capability MSRs describe one consistent feature set (SDM Vol. 3C App. A):
# IA32_VMX_BASIC (bit 31 = 0, 0 < size <= 4096, write-back, no 32-bit address limit); each
# control MSR has allowed-0 within allowed-1 and its default1 bits in allowed-0, and the TRUE
# MSRs differ only by default1 bits software may clear; MISC, CR0/CR4 fixed bits, VMCS_ENUM and
# EPT/VPID capabilities use only defined bits and agree with the controls; the MSRs are read-only
# and those of features the controls do not offer do not exist (#GP).
.include "lib.inc"
SCENARIO vmx_caps

# BETWEEN name, reg, lo, hi: check lo <= reg <= hi (unsigned)
.macro BETWEEN name, reg, lo, hi
    xor eax, eax
    cmp \reg, \lo
    jb 1f
    cmp \reg, \hi
    ja 1f
    mov eax, 1
1:  CHECK "\name", rax, 1
.endm

# IMPLIES name, cond_reg, cond_mask, reg, mask: (cond_reg & cond_mask) -> (reg & mask) == mask
.macro IMPLIES name, cond_reg, cond_mask, reg, mask
    push rax
    push rdx
    mov rax, \cond_reg
    mov rdx, \cond_mask
    test rax, rdx
    pop rdx
    pop rax
    jz 1f
    CHECK_MASKED "\name", \reg, \mask, \mask
1:
.endm

.macro RDMSR_FAULTS name, msr
    mov ecx, \msr
    TRY rdmsr
    CHECK_FAULT_EC "\name", VEC_GP, 0
.endm

# EPT_VPID_CAP bits the SDM defines (A.10): execute-only, 4/5-level walks, UC, WB, 2M/1G
# pages, INVEPT, A/D flags, advanced exit information, supervisor shadow stacks, INVEPT types,
# INVVPID, its four types.
.equ EPT_VPID_DEFINED, (1 << 0) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 14) | (1 << 16) | (1 << 17) | (1 << 20) | (1 << 21) | (1 << 22) | (1 << 23) | (1 << 25) | (1 << 26) | (1 << 32) | (1 << 40) | (1 << 41) | (1 << 42) | (1 << 43)

test_main:
    mov eax, 1
    cpuid
    CHECK_MASKED "CPUID.1:ECX.VMX", rcx, 0x20, 0x20

    mov ecx, MSR_VMX_BASIC
    call rdmsr64
    mov rbx, rax
    CHECK_MASKED "BASIC bit 31 (revision id < 2^31)", rbx, 1<<31, 0
    mov rcx, rbx
    shr rcx, 32
    and ecx, 0x1FFF
    BETWEEN "BASIC[44:32]: 0 < VMCS size <= 4096", rcx, 1, 4096
    mov rcx, rbx
    shr rcx, 50
    and ecx, 15
    CHECK "BASIC[53:50]: VMCS memory type write-back", rcx, 6
    mov rax, 0x0000E00000000000
    CHECK_MASKED "BASIC[47:45] reserved", rbx, rax, 0
    mov rax, 1 << 48
    CHECK_MASKED "BASIC[48] = 0: addresses not limited to 32 bits", rbx, rax, 0
    mov rax, rbx
    and eax, 0x7FFFFFFF
    CHECK "the library's revision id is BASIC[30:0]", [rip+vmcs_revision], rax

    # The control MSRs, table-driven.
    lea r12, [rip + ctl_table]
2:  mov ecx, [r12]
    test ecx, ecx
    jz 5f
    call rdmsr64
    mov r13, rax                            # the MSR
    mov r14, rax
    shr r14, 32                             # allowed-1
    mov r15d, r13d                          # allowed-0
    mov rsi, [r12 + 16]
    mov eax, r15d
    not r14d
    and eax, r14d
    not r14d
    xor edx, edx
    call check_eq                           # allowed-0 bits are allowed-1
    mov eax, [r12 + 8]                      # default1
    mov edx, eax
    and eax, r15d
    mov rsi, [r12 + 24]
    call check_eq                           # default1 bits are allowed-0
    bt qword ptr [rip + vmx_basic], 55
    jnc 4f
    mov ecx, [r12 + 4]
    call rdmsr64                            # the TRUE MSR
    mov rdx, rax
    shr rdx, 32
    mov rax, r13
    shr rax, 32
    mov rsi, [r12 + 32]
    call check_eq                           # same allowed-1
    mov ecx, [r12 + 4]
    call rdmsr64
    mov eax, eax
    or eax, [r12 + 8]
    mov edx, eax
    mov eax, r15d
    call check_eq                           # allowed-0 = TRUE allowed-0 | default1
4:  add r12, 40
    jmp 2b
5:
    # Secondary controls: no default1 bits; the MSR exists only if the primary bit 31 may be 1.
    mov rbx, [rip + vmx_proc_ctls]
    bt rbx, 63
    jnc 6f
    mov ecx, MSR_VMX_PROCBASED_CTLS2
    call rdmsr64
    mov r13, rax
    CHECK_MASKED "PROCBASED_CTLS2 allowed-0 is 0", r13, 0xFFFFFFFF, 0
    jmp 7f
6:  RDMSR_FAULTS "no secondary controls: IA32_VMX_PROCBASED_CTLS2 does not exist", MSR_VMX_PROCBASED_CTLS2
    xor r13d, r13d
7:  mov rax, 1 << 17
    bt rbx, 32 + 17
    jc 8f
    RDMSR_FAULTS "no tertiary controls: IA32_VMX_PROCBASED_CTLS3 does not exist", 0x492
8:  bt qword ptr [rip + vmx_exit_ctls], 63
    jc 9f
    RDMSR_FAULTS "no secondary exit controls: IA32_VMX_EXIT_CTLS2 does not exist", 0x493
9:  bt r13, 32 + 13
    jc 10f
    RDMSR_FAULTS "no VM functions: IA32_VMX_VMFUNC does not exist", MSR_VMX_VMFUNC
10:
    # MISC
    mov ecx, MSR_VMX_MISC
    call rdmsr64
    mov rbx, rax
    mov rax, (1 << 31) | 0x3E00
    CHECK_MASKED "MISC reserved bits 13:9 and 31", rbx, rax, 0
    mov rcx, rbx
    shr rcx, 16
    and ecx, 0x1FF
    BETWEEN "MISC[24:16]: CR3-target count <= 256", rcx, 0, 256
    IMPLIES "unrestricted guest supported -> MISC[5] (exits save EFER.LMA)", r13, 1<<(32+7), rbx, 1<<5
    IMPLIES "unrestricted guest supported -> enable EPT supported", r13, 1<<(32+7), r13, 1<<(32+1)

    # CR0/CR4 fixed bits
    mov ecx, MSR_VMX_CR0_FIXED0
    call rdmsr64
    mov rbx, rax
    mov ecx, MSR_VMX_CR0_FIXED1
    call rdmsr64
    not rax
    and rax, rbx
    CHECK "CR0_FIXED0 bits are within CR0_FIXED1", rax, 0
    CHECK_MASKED "CR0_FIXED0 has PE, NE and PG (also with unrestricted guest)", rbx, 0x80000021, 0x80000021
    mov ecx, MSR_VMX_CR4_FIXED0
    call rdmsr64
    mov rbx, rax
    mov ecx, MSR_VMX_CR4_FIXED1
    call rdmsr64
    mov rcx, rax
    not rax
    and rax, rbx
    CHECK "CR4_FIXED0 bits are within CR4_FIXED1", rax, 0
    CHECK_MASKED "CR4_FIXED0 has VMXE", rbx, CR4_VMXE, CR4_VMXE

    # VMCS_ENUM
    mov ecx, MSR_VMX_VMCS_ENUM
    call rdmsr64
    CHECK_MASKED "VMCS_ENUM uses only bits 9:1", rax, ~0x3FE, 0

    # EPT and VPID capabilities
    mov ecx, MSR_VMX_EPT_VPID_CAP
    call rdmsr64
    mov rbx, rax
    mov rax, EPT_VPID_DEFINED
    not rax
    CHECK_MASKED "EPT_VPID_CAP uses only defined bits", rbx, rax, 0
    mov rax, (1 << 6) | (1 << 14)
    IMPLIES "EPT supported -> 4-level walks and write-back EPT structures", r13, 1<<(32+1), rbx, rax
    IMPLIES "EPT supported -> INVEPT", r13, 1<<(32+1), rbx, 1<<20
    mov rax, (1 << 25) | (1 << 26)
    xor edx, edx
    test rbx, rax
    setnz dl
    IMPLIES "INVEPT -> at least one INVEPT type", rbx, 1<<20, rdx, 1
    mov rax, 1 << 32
    IMPLIES "VPID supported -> INVVPID", r13, 1<<(32+5), rbx, rax
    mov rax, 0xF << 40
    xor edx, edx
    test rbx, rax
    setnz dl
    mov rax, 1 << 32
    IMPLIES "INVVPID -> at least one INVVPID type", rbx, rax, rdx, 1

    # Read-only
    mov ecx, MSR_VMX_BASIC
    xor eax, eax
    xor edx, edx
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR to IA32_VMX_BASIC", VEC_GP, 0
    mov ecx, MSR_VMX_TRUE_PROCBASED_CTLS
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR to IA32_VMX_TRUE_PROCBASED_CTLS", VEC_GP, 0
    mov ecx, MSR_VMX_CR4_FIXED1
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR to IA32_VMX_CR4_FIXED1", VEC_GP, 0
    ret

.section .rodata
.balign 8
# MSR, TRUE MSR, default1, and the check names
.macro CTL msr, true_msr, default1, name
    .long \msr, \true_msr, \default1, 0
    .quad .Lc1\@, .Lc2\@, .Lc3\@
    .pushsection .rodata.strings
.Lc1\@: .asciz "\name: allowed-0 bits are allowed-1"
.Lc2\@: .asciz "\name: default1 bits are allowed-0"
.Lc3\@: .asciz "\name: TRUE MSR has the same allowed-1"
    .popsection
.endm
ctl_table:
    CTL MSR_VMX_PINBASED_CTLS, MSR_VMX_TRUE_PINBASED_CTLS, 0x16, "PINBASED_CTLS"
    CTL MSR_VMX_PROCBASED_CTLS, MSR_VMX_TRUE_PROCBASED_CTLS, 0x0401E172, "PROCBASED_CTLS"
    CTL MSR_VMX_EXIT_CTLS, MSR_VMX_TRUE_EXIT_CTLS, 0x00036DFF, "EXIT_CTLS"
    CTL MSR_VMX_ENTRY_CTLS, MSR_VMX_TRUE_ENTRY_CTLS, 0x000011FF, "ENTRY_CTLS"
    .long 0
