# vmptrld: VMPTRLD's failures (SDM Vol. 2 VMPTRLD): an address that is unaligned or beyond
# MAXPHYADDR is error 9, the VMXON pointer error 10, a wrong revision id (or bit 31 set without
# VMCS shadowing) error 11, each leaving the current VMCS as it was; VMfailInvalid instead when
# there is no current VMCS; #PF for an unreadable operand; success makes the VMCS current.
.include "lib.inc"
SCENARIO vmptrld

# VMPTRLD_FAILS name, address, error: VMfailValid(error), the current VMCS still vmcs1.
.macro VMPTRLD_FAILS name, address, error
    mov rax, \address
    mov [rip + vmx_operand], rax
    TRY vmptrld [rip + vmx_operand]
    CHECK_NO_FAULT "\name"
    CHECK_VMFAIL_VALID "\name", \error
    vmptrst [rip + vmx_operand]
    CHECK "\name: current VMCS unchanged", [rip+vmx_operand], "offset vmcs1"
.endm

test_main:
    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_init_region
    lea rdi, [rip + vmcs1]
    call vmcs_load                          # vmcs1 is current: failures are VMfailValid
    lea rbx, [rip + vmcs0]

    lea rax, [rbx + 1]
    VMPTRLD_FAILS "VMPTRLD of an unaligned address (+1)", rax, VMERR_VMPTRLD_BAD_ADDR
    lea rax, [rbx + 0x400]
    VMPTRLD_FAILS "VMPTRLD of an unaligned address (+0x400)", rax, VMERR_VMPTRLD_BAD_ADDR
    mov rcx, [rip + maxphyaddr]
    mov rax, 1
    shl rax, cl
    or rax, rbx
    VMPTRLD_FAILS "VMPTRLD with bit MAXPHYADDR set", rax, VMERR_VMPTRLD_BAD_ADDR
    mov rax, 1
    shl rax, 63
    or rax, rbx
    VMPTRLD_FAILS "VMPTRLD with bit 63 set", rax, VMERR_VMPTRLD_BAD_ADDR
    VMPTRLD_FAILS "VMPTRLD of the VMXON region", "offset vmxon_region", VMERR_VMPTRLD_VMXON_PTR

    lea rdi, [rip + scratch0]
    call vmcs_init_region
    mov dword ptr [rip + scratch0], 0x1234
    VMPTRLD_FAILS "VMPTRLD of a region with a wrong revision id", "offset scratch0", VMERR_VMPTRLD_BAD_REVISION
    bt qword ptr [rip + vmx_proc2_ctls], 32 + 14      # VMCS shadowing may be enabled?
    jc 1f
    mov rax, [rip + vmcs_revision]
    bts eax, 31
    mov [rip + scratch0], eax
    VMPTRLD_FAILS "VMPTRLD of a shadow-VMCS region without VMCS shadowing", "offset scratch0", VMERR_VMPTRLD_BAD_REVISION
1:
    mov rax, NOT_PRESENT_ADDR
    TRY vmptrld [rax]
    CHECK_FAULT "VMPTRLD with a not-present memory operand", VEC_PF

    vmptrld [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMPTRLD of a valid region"
    vmptrst [rip + vmx_operand]
    CHECK "VMPTRST after VMPTRLD", [rip+vmx_operand], "offset vmcs0"
    vmptrld [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMPTRLD of the current VMCS again"

    # Without a current VMCS the same failures are VMfailInvalid.
    vmclear [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMCLEAR of the current VMCS"
    lea rax, [rbx + 1]
    mov [rip + vmx_operand], rax
    vmptrld [rip + vmx_operand]
    CHECK_VMFAIL_INVALID "VMPTRLD of an unaligned address, no current VMCS"
    vmptrld [rip + vmxon_ptr]
    CHECK_VMFAIL_INVALID "VMPTRLD of the VMXON region, no current VMCS"
    mov dword ptr [rip + scratch0], 0x1234
    mov qword ptr [rip + vmx_operand], offset scratch0
    vmptrld [rip + vmx_operand]
    CHECK_VMFAIL_INVALID "VMPTRLD with a wrong revision id, no current VMCS"
    vmptrst [rip + vmx_operand]
    CHECK "still no current VMCS", [rip+vmx_operand], -1
    ret
