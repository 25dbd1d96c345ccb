# vmclear: VMCLEAR's failures (SDM Vol. 2 VMCLEAR): an unaligned address or one beyond
# MAXPHYADDR is error 2, the VMXON pointer error 3 (VMfailInvalid without a current VMCS); #PF
# for an unreadable operand; clearing a VMCS that is not current leaves the current one, clearing
# the current one invalidates the current-VMCS pointer; the data survives in the region.
.include "lib.inc"
SCENARIO vmclear

.macro VMCLEAR_FAILS name, address, error
    mov rax, \address
    mov [rip + vmx_operand], rax
    TRY vmclear [rip + vmx_operand]
    CHECK_NO_FAULT "\name"
    CHECK_VMFAIL_VALID "\name", \error
    vmptrst [rip + vmx_operand]
    CHECK "\name: current VMCS unchanged", [rip+vmx_operand], "offset vmcs0"
.endm

test_main:
    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_load
    lea rbx, [rip + vmcs1]

    lea rax, [rbx + 1]
    VMCLEAR_FAILS "VMCLEAR of an unaligned address (+1)", rax, VMERR_VMCLEAR_BAD_ADDR
    lea rax, [rbx + 0x10]
    VMCLEAR_FAILS "VMCLEAR of an unaligned address (+0x10)", rax, VMERR_VMCLEAR_BAD_ADDR
    mov rcx, [rip + maxphyaddr]
    mov rax, 1
    shl rax, cl
    or rax, rbx
    VMCLEAR_FAILS "VMCLEAR with bit MAXPHYADDR set", rax, VMERR_VMCLEAR_BAD_ADDR
    VMCLEAR_FAILS "VMCLEAR of the VMXON region", "offset vmxon_region", VMERR_VMCLEAR_VMXON_PTR
    mov rax, NOT_PRESENT_ADDR
    TRY vmclear [rax]
    CHECK_FAULT "VMCLEAR with a not-present memory operand", VEC_PF

    # A VMCS that is not current: cleared, the current one stays.
    lea rdi, [rip + vmcs1]
    call vmcs_init_region
    vmclear [rip + vmcs1_ptr]
    CHECK_VMSUCCEED "VMCLEAR of a VMCS that is not current"
    vmptrst [rip + vmx_operand]
    CHECK "current VMCS unchanged by clearing another", [rip+vmx_operand], "offset vmcs0"

    # The current one: its data is written back, the current-VMCS pointer becomes invalid.
    VMCS_SET GUEST_RIP, 0x1234567
    VMCS_SET GUEST_ES_SELECTOR, 0x5678
    vmclear [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMCLEAR of the current VMCS"
    vmptrst [rip + vmx_operand]
    CHECK "no current VMCS after clearing it", [rip+vmx_operand], -1
    mov eax, GUEST_RIP
    vmread rdx, rax
    CHECK_VMFAIL_INVALID "VMREAD without a current VMCS"
    vmclear [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMCLEAR of an already clear VMCS"
    vmptrld [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMPTRLD of the cleared VMCS"
    CHECK_FIELD "GUEST_RIP survived VMCLEAR", GUEST_RIP, 0x1234567
    CHECK_FIELD "GUEST_ES_SELECTOR survived VMCLEAR", GUEST_ES_SELECTOR, 0x5678

    # Without a current VMCS the failures are VMfailInvalid.
    vmclear [rip + vmcs0_ptr]
    lea rax, [rbx + 1]
    mov [rip + vmx_operand], rax
    vmclear [rip + vmx_operand]
    CHECK_VMFAIL_INVALID "VMCLEAR of an unaligned address, no current VMCS"
    vmclear [rip + vmxon_ptr]
    CHECK_VMFAIL_INVALID "VMCLEAR of the VMXON region, no current VMCS"
    ret
