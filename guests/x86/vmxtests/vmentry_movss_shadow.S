# vmentry_movss_shadow: VMLAUNCH/VMRESUME right after MOV SS (or POP SS) fail with error 26
# (VM entry with events blocked by MOV SS), which outranks the launch-state errors 4 and 5 but
# not VMfailInvalid (no current VMCS); blocking by STI does not stop the entry (SDM Vol. 2
# VMLAUNCH/VMRESUME, Vol. 3C 27.1).
.include "lib.inc"
SCENARIO vmentry_movss_shadow

# AFTER_MOVSS insn: MOV SS then insn at once; landing at `entered` would mean the entry happened.
.macro AFTER_MOVSS insn
    mov [rip + saved_rsp], rsp
    mov ax, ss
    mov ss, ax
    \insn
    pushfq
    pop qword ptr [rip + flags_after]
.endm

.macro EXPECT_FAIL_VALID name, error
    CHECK_MASKED "\name: VMfailValid", [rip+flags_after], FL_ARITH, FL_ZF
    CHECK_FIELD "\name: VM-instruction error", VM_INSTRUCTION_ERROR, \error
.endm

test_main:
    lea rdi, [rip + guest]
    call vmx_setup
    # If an entry that should fail happens, the guest exits to `entered` (not to enter_guest).
    VMCS_SET HOST_RIP, "offset entered"

    AFTER_MOVSS vmlaunch
    EXPECT_FAIL_VALID "VMLAUNCH after MOV SS (clear VMCS)", VMERR_ENTRY_MOV_SS
    AFTER_MOVSS vmresume
    EXPECT_FAIL_VALID "VMRESUME after MOV SS (clear VMCS): 26, not 5", VMERR_ENTRY_MOV_SS

    # Without the shadow: the launch-state errors.
    vmresume
    CHECK_VMFAIL_VALID "VMRESUME of a clear VMCS", VMERR_VMRESUME_NOT_LAUNCHED

    # Launch it (the guest returns with VMCALL), then the launched VMCS.
    call enter_guest
    CHECK "VMLAUNCH without the shadow enters the guest", rax, EXIT_REASON_VMCALL
    call skip_guest_insn
    VMCS_SET HOST_RIP, "offset entered"
    AFTER_MOVSS vmlaunch
    EXPECT_FAIL_VALID "VMLAUNCH after MOV SS (launched VMCS): 26, not 4", VMERR_ENTRY_MOV_SS
    AFTER_MOVSS vmresume
    EXPECT_FAIL_VALID "VMRESUME after MOV SS (launched VMCS)", VMERR_ENTRY_MOV_SS
    vmlaunch
    CHECK_VMFAIL_VALID "VMLAUNCH of a launched VMCS", VMERR_VMLAUNCH_NOT_CLEAR

    # Blocking by STI does not fail the entry.
    mov qword ptr [rip + sti_case], 1
    mov [rip + saved_rsp], rsp
    sti
    vmresume
    cli
    FAIL "VMRESUME right after STI did not enter the guest"
    jmp 1f
entered_ok:
    CHECK_FIELD "VMRESUME right after STI enters the guest", VM_EXIT_REASON, EXIT_REASON_VMCALL
1:
    # No current VMCS: VMfailInvalid comes first.
    vmclear [rip + vmcs0_ptr]
    AFTER_MOVSS vmlaunch
    CHECK_MASKED "VMLAUNCH after MOV SS without a current VMCS: VMfailInvalid", [rip+flags_after], FL_ARITH, FL_CF
    ret

# A VM exit lands here: right for the STI case, a failure for the MOV SS cases.
entered:
    mov rsp, [rip + saved_rsp]
    cmp qword ptr [rip + sti_case], 0
    jne 2f
    FAIL "VM entry right after MOV SS entered the guest"
    jmp test_done
2:  jmp entered_ok

guest:
    vmcall
    vmcall

.section .bss
saved_rsp: .quad 0
flags_after: .quad 0
sti_case: .quad 0
