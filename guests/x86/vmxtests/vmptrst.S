# vmptrst: VMPTRST stores the current-VMCS pointer (all ones when there is none) and always
# succeeds; it follows VMPTRLD and VMCLEAR; #PF for an unwritable operand, which is left as it
# was (SDM Vol. 2 VMPTRST).
.include "lib.inc"
SCENARIO vmptrst

test_main:
    call vmx_enable
    mov qword ptr [rip + vmx_operand], 0
    stc
    vmptrst [rip + vmx_operand]
    CHECK_VMSUCCEED "VMPTRST without a current VMCS"
    CHECK "VMPTRST without a current VMCS: all ones", [rip+vmx_operand], -1

    lea rdi, [rip + vmcs0]
    call vmcs_load
    vmptrst [rip + vmx_operand]
    CHECK_VMSUCCEED "VMPTRST"
    CHECK "VMPTRST after VMPTRLD vmcs0", [rip+vmx_operand], "offset vmcs0"
    lea rdi, [rip + vmcs1]
    call vmcs_load
    vmptrst [rip + scratch0 + 8]
    CHECK "VMPTRST after VMPTRLD vmcs1", [rip+scratch0+8], "offset vmcs1"
    vmclear [rip + vmcs0_ptr]
    vmptrst [rip + vmx_operand]
    CHECK "VMPTRST after clearing another VMCS", [rip+vmx_operand], "offset vmcs1"
    vmptrld [rip + vmcs0_ptr]
    vmptrst [rip + vmx_operand]
    CHECK "VMPTRST after VMPTRLD vmcs0 again", [rip+vmx_operand], "offset vmcs0"

    mov rax, NOT_PRESENT_ADDR
    TRY vmptrst [rax]
    CHECK_FAULT_EC "VMPTRST to a not-present operand", VEC_PF, 2      # a write
    # A read-only page (CR0.WP = 1): #PF with a present/write error code, memory unchanged.
    mov qword ptr [rip + scratch1], 0x55
    lea rdi, [rip + scratch1]
    call pt0_entry
    and qword ptr [rax], ~2                 # clear R/W
    invlpg [rdi]
    mov rdx, cr0
    bts rdx, 16                             # CR0.WP
    mov cr0, rdx
    TRY vmptrst [rdi]
    CHECK_FAULT_EC "VMPTRST to a read-only page", VEC_PF, 3
    CHECK "the read-only operand is unchanged", [rip+scratch1], 0x55
    or qword ptr [rax], 2
    invlpg [rdi]
    vmptrst [rdi]
    CHECK "VMPTRST once the page is writable", [rip+scratch1], "offset vmcs0"
    vmclear [rip + vmcs0_ptr]
    vmptrst [rip + vmx_operand]
    CHECK "VMPTRST after clearing the current VMCS", [rip+vmx_operand], -1
    ret
