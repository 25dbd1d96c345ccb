# vmxon: VMXON's checks in order (SDM Vol. 3C 24.7/24.8, Vol. 2 VMXON): #UD with CR4.VMXE = 0,
# #GP(0) for a CR0 fixed-bit violation (CR0.NE = 0), #PF for an unreadable operand,
# VMfailInvalid for a region that is unaligned, beyond MAXPHYADDR or has a wrong revision id
# (bit 31 included), then success; in VMX root operation VMXON fails with error 15 and CR4.VMXE
# and CR0.NE cannot be cleared; after VMXOFF the VMX instructions are #UD again.
.include "lib.inc"
SCENARIO vmxon

# TRY_VMXON name, address: VMXON with [vmx_operand] = address, expecting VMfailInvalid.
.macro VMXON_FAILS_INVALID name, address
    mov rax, \address
    mov [rip + vmx_operand], rax
    TRY vmxon [rip + vmx_operand]
    CHECK_NO_FAULT "\name"
    CHECK_VMFAIL_INVALID "\name"
    TRY vmptrst [rip + vmx_operand]
    CHECK_FAULT "\name: still outside VMX operation (VMPTRST)", VEC_UD
.endm

test_main:
    call vmx_prepare                        # IA32_FEATURE_CONTROL, CR0, CR4, revision id
    mov rax, cr4
    CHECK_MASKED "vmx_prepare set CR4.VMXE", rax, CR4_VMXE, CR4_VMXE

    mov rax, cr4
    and rax, ~CR4_VMXE
    mov cr4, rax
    TRY vmxon [rip + vmxon_ptr]
    CHECK_FAULT "VMXON with CR4.VMXE = 0", VEC_UD
    or rax, CR4_VMXE
    mov cr4, rax

    mov rax, cr0
    and rax, ~CR0_NE                        # IA32_VMX_CR0_FIXED0 requires NE
    mov cr0, rax
    TRY vmxon [rip + vmxon_ptr]
    CHECK_FAULT_EC "VMXON with CR0.NE = 0", VEC_GP, 0
    or rax, CR0_NE
    mov cr0, rax

    mov rax, NOT_PRESENT_ADDR
    TRY vmxon [rax]
    CHECK_FAULT "VMXON with a not-present memory operand", VEC_PF
    CHECK "VMXON #PF: CR2", [rip+fault_cr2], NOT_PRESENT_ADDR

    lea rbx, [rip + vmxon_region]
    lea rax, [rbx + 1]
    VMXON_FAILS_INVALID "VMXON region not 4 KiB aligned (+1)", rax
    lea rax, [rbx + 0x800]
    VMXON_FAILS_INVALID "VMXON region not 4 KiB aligned (+0x800)", rax
    mov rcx, [rip + maxphyaddr]
    mov rax, 1
    shl rax, cl
    or rax, rbx
    VMXON_FAILS_INVALID "VMXON region with bit MAXPHYADDR set", rax
    mov rax, 1
    shl rax, 63
    or rax, rbx
    VMXON_FAILS_INVALID "VMXON region with bit 63 set", rax

    mov dword ptr [rip + vmxon_region], 0xBA9DA9
    VMXON_FAILS_INVALID "VMXON region with a wrong revision id", rbx
    mov rax, [rip + vmcs_revision]
    bts eax, 31
    mov [rip + vmxon_region], eax
    VMXON_FAILS_INVALID "VMXON region with revision id bit 31 set", rbx

    mov rax, [rip + vmcs_revision]
    mov [rip + vmxon_region], eax
    TRY vmxon [rip + vmxon_ptr]
    CHECK_NO_FAULT "VMXON with a valid region"
    CHECK_VMSUCCEED "VMXON with a valid region"
    mov qword ptr [rip + vmx_operand], 0
    vmptrst [rip + vmx_operand]
    CHECK "after VMXON the current-VMCS pointer is invalid", [rip+vmx_operand], -1

    # In VMX root operation: VMfail(15), VMfailInvalid while there is no current VMCS.
    TRY vmxon [rip + vmxon_ptr]
    CHECK_NO_FAULT "VMXON in VMX root operation without a current VMCS"
    CHECK_VMFAIL_INVALID "VMXON in VMX root operation without a current VMCS"
    lea rdi, [rip + vmcs0]
    call vmcs_load
    TRY vmxon [rip + vmxon_ptr]
    CHECK_NO_FAULT "VMXON in VMX root operation"
    CHECK_VMFAIL_VALID "VMXON in VMX root operation", VMERR_VMXON_IN_ROOT

    mov rax, cr4
    and rax, ~CR4_VMXE
    TRY mov cr4, rax
    CHECK_FAULT_EC "clearing CR4.VMXE in VMX operation", VEC_GP, 0
    mov rax, cr0
    and rax, ~CR0_NE
    TRY mov cr0, rax
    CHECK_FAULT_EC "clearing CR0.NE in VMX operation", VEC_GP, 0
    mov rax, cr4
    CHECK_MASKED "CR4.VMXE still set", rax, CR4_VMXE, CR4_VMXE

    vmxoff
    CHECK_VMSUCCEED "VMXOFF"
    TRY vmptrst [rip + vmx_operand]
    CHECK_FAULT "VMPTRST after VMXOFF", VEC_UD
    TRY vmxoff
    CHECK_FAULT "VMXOFF outside VMX operation", VEC_UD
    mov rax, cr4
    and rax, ~CR4_VMXE
    TRY mov cr4, rax
    CHECK_NO_FAULT "clearing CR4.VMXE after VMXOFF"
    ret
