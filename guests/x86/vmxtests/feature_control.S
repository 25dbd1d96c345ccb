# feature_control: IA32_FEATURE_CONTROL gates VMXON: #GP(0) while it is 0, unlocked, or
# enables VMX only inside SMX (before the operand is read); lock + enable-outside-SMX (5) lets
# VMXON succeed; once locked, WRMSR to it is #GP(0) and the value stays (SDM Vol. 3C 24.7).
.include "lib.inc"
SCENARIO feature_control

# FC_WRITE value: WRMSR IA32_FEATURE_CONTROL (ecx stays the MSR number)
.macro FC_WRITE value
    mov ecx, MSR_FEATURE_CONTROL
    mov eax, \value
    xor edx, edx
    wrmsr
.endm

test_main:
    mov eax, 1
    cpuid
    CHECK_MASKED "CPUID.1:ECX.VMX", rcx, 0x20, 0x20
    mov ecx, MSR_FEATURE_CONTROL
    call rdmsr64
    CHECK "IA32_FEATURE_CONTROL after reset", rax, 0

    # Everything else VMXON needs: CR0.NE, CR4.VMXE, a VMXON region with the revision id.
    mov rax, cr0
    or rax, CR0_NE
    mov cr0, rax
    mov rax, cr4
    or rax, CR4_VMXE
    mov cr4, rax
    mov rax, [rip + vmcs_revision]
    mov [rip + vmxon_region], eax

    TRY vmxon [rip + vmxon_ptr]
    CHECK_FAULT_EC "VMXON with IA32_FEATURE_CONTROL = 0", VEC_GP, 0
    mov rax, NOT_PRESENT_ADDR
    TRY vmxon [rax]
    CHECK_FAULT_EC "VMXON with IA32_FEATURE_CONTROL = 0: #GP before the operand is read", VEC_GP, 0
    TRY vmptrst [rip + vmx_operand]
    CHECK_FAULT "after the failed VMXON, not in VMX operation: VMPTRST", VEC_UD

    FC_WRITE FEATURE_CONTROL_VMX_OUTSIDE_SMX
    call rdmsr64
    CHECK "unlocked IA32_FEATURE_CONTROL reads back", rax, FEATURE_CONTROL_VMX_OUTSIDE_SMX
    TRY vmxon [rip + vmxon_ptr]
    CHECK_FAULT_EC "VMXON with VMX enabled but the lock clear", VEC_GP, 0

    FC_WRITE FEATURE_CONTROL_VMX_IN_SMX
    TRY vmxon [rip + vmxon_ptr]
    CHECK_FAULT_EC "VMXON outside SMX with VMX enabled only inside SMX", VEC_GP, 0

    FC_WRITE FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX
    call rdmsr64
    CHECK "IA32_FEATURE_CONTROL = lock | enable outside SMX", rax, 5
    TRY vmxon [rip + vmxon_ptr]
    CHECK_NO_FAULT "VMXON with IA32_FEATURE_CONTROL = 5"
    CHECK_VMSUCCEED "VMXON with IA32_FEATURE_CONTROL = 5"

    # Locked until reset: WRMSR faults and changes nothing, even in VMX operation.
    mov ecx, MSR_FEATURE_CONTROL
    xor eax, eax
    xor edx, edx
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR to the locked IA32_FEATURE_CONTROL", VEC_GP, 0
    mov ecx, MSR_FEATURE_CONTROL
    call rdmsr64
    CHECK "locked IA32_FEATURE_CONTROL unchanged", rax, 5

    vmxoff
    CHECK_VMSUCCEED "VMXOFF"
    mov ecx, MSR_FEATURE_CONTROL
    xor eax, eax
    xor edx, edx
    TRY wrmsr
    CHECK_FAULT_EC "WRMSR to the locked IA32_FEATURE_CONTROL after VMXOFF", VEC_GP, 0
    TRY vmxon [rip + vmxon_ptr]
    CHECK_NO_FAULT "VMXON again after VMXOFF"
    CHECK_VMSUCCEED "VMXON again after VMXOFF"
    ret
