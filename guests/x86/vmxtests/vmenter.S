# vmenter: VMLAUNCH, then VMRESUME after a VMCALL exit. The guest's general registers and RSP
# live across the exit (the host sees what the guest left, the guest sees what the host put in
# guest_regs, RAX included); the guest's RFLAGS survive in GUEST_RFLAGS; VMLAUNCH of the now
# launched VMCS fails with error 4; the host's own registers come back from the exit intact.
.include "lib.inc"
SCENARIO vmenter

test_main:
    lea rdi, [rip + guest]
    call vmx_setup
    # Host registers the library must preserve across entry and exit.
    mov rbx, 0x1111111111111111
    mov rbp, 0x5555555555555555
    mov r12, 0xCCCCCCCCCCCCCCCC
    mov r15, 0xFFFFFFFFFFFFFFF0
    mov r13, rsp
    # What the guest gets in its registers.
    mov rax, 0x0123456789ABCDEF
    mov [rip + guest_regs + GREG_RAX], rax
    mov qword ptr [rip + guest_regs + GREG_RDI], 0x7D7D
    mov qword ptr [rip + guest_regs + GREG_R14], 0x1414
    call enter_guest
    CHECK "first entry (VMLAUNCH): exit reason", rax, EXIT_REASON_VMCALL
    CHECK "host RBX preserved", rbx, 0x1111111111111111
    CHECK "host RBP preserved", rbp, 0x5555555555555555
    CHECK "host R12 preserved", r12, 0xCCCCCCCCCCCCCCCC
    CHECK "host R15 preserved", r15, 0xFFFFFFFFFFFFFFF0
    mov rcx, rsp
    CHECK "host RSP preserved", rcx, r13
    CHECK "the guest started with RSP = GUEST_RSP", [rip+guest_saw_rsp], "offset guest_stack_top"
    CHECK "guest RAX as the guest left it", [rip+guest_regs+GREG_RAX], 0xFEEDFACE
    CHECK "guest RDI as the guest left it", [rip+guest_regs+GREG_RDI], 0x7D7D + 1
    CHECK "guest R14 as the guest left it", [rip+guest_regs+GREG_R14], 0x1414 + 1
    mov rax, [rip + guest_regs + GREG_RBX]
    CHECK "guest RBX (the guest's RSP before VMCALL)", rax, "offset guest_stack_top-16"
    CHECK_FIELD "GUEST_RSP", GUEST_RSP, "offset guest_stack_top-16"
    CHECK_FIELD "GUEST_RIP on the first VMCALL", GUEST_RIP, "offset guest_vmcall1"
    CHECK_FIELD "GUEST_RFLAGS keeps the guest's CF and DF", GUEST_RFLAGS, FL_CF | FL_DF | 2

    call launch_guest
    CHECK "VMLAUNCH of the launched VMCS fails", rax, VMFAILED
    CHECK_MASKED "VMLAUNCH of the launched VMCS: VMfailValid", [rip+vmfail_flags], FL_ARITH, FL_ZF
    CHECK_FIELD "VMLAUNCH of the launched VMCS: error", VM_INSTRUCTION_ERROR, VMERR_VMLAUNCH_NOT_CLEAR

    mov qword ptr [rip + guest_regs + GREG_RAX], 0xBEEF     # the guest must see this
    call skip_guest_insn
    call enter_guest
    CHECK "second entry (VMRESUME): exit reason", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "GUEST_RIP on the second VMCALL", GUEST_RIP, "offset guest_vmcall2"
    CHECK "the guest saw the host's RAX", [rip+guest_saw_rax], 0xBEEF
    CHECK "the guest's RSP survived the exit", [rip+guest_saw_rsp2], "offset guest_stack_top-16"
    CHECK "the guest's pushed value survived", [rip+guest_saw_pushed], 0xABCD
    CHECK "the guest's R14 survived", [rip+guest_saw_r14], 0x1414 + 1
    CHECK "host RBX still preserved", rbx, 0x1111111111111111
    ret

guest:
    mov [rip + guest_saw_rsp], rsp
    CHECK "guest: RAX from guest_regs", rax, 0x0123456789ABCDEF
    CHECK "guest: RDI from guest_regs", rdi, 0x7D7D
    push 0xABCD
    push 0
    mov rbx, rsp
    mov eax, 0xFEEDFACE
    inc rdi
    inc r14
    std
    stc
guest_vmcall1:
    vmcall
    cld
    mov [rip + guest_saw_rax], rax
    mov [rip + guest_saw_rsp2], rsp
    mov rax, [rsp + 8]
    mov [rip + guest_saw_pushed], rax
    mov [rip + guest_saw_r14], r14
guest_vmcall2:
    vmcall
    FAIL "the guest ran past its second VMCALL"
    vmcall

.section .bss
guest_saw_rsp: .quad 0
guest_saw_rax: .quad 0
guest_saw_rsp2: .quad 0
guest_saw_pushed: .quad 0
guest_saw_r14: .quad 0
