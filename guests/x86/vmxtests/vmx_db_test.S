# vmx_db_test: #DB in a guest: a single-step trap intercepted through the exception bitmap exits with qualification BS and DR6 untouched (stale DR6 bits do not leak), or updates DR6 when the guest takes it; MOV SS holds the trap for one instruction, STI does not; INT1 (ICEBP, type 5) vs INT3 (type 6); the pending-debug-exceptions field: delivered at entry, held by MOV-SS blocking and merged with the next single step, bit 12 kept at an exit in the shadow
#
# SDM Vol. 3A 6.8.3 (MOV SS/POP SS inhibit debug exceptions for one instruction), 17.3.1.4
# (single-step); Vol. 3C 27.2.2 (interruption types 3, 5, 6), 28.2.1 (#DB qualification: B3-B0,
# BD, BS; DR6 not updated), 27.6.3 (pending debug exceptions at VM entry), 28.3.4 (saving the
# field: clear for #DB exits, bit 12 kept under MOV-SS blocking). Not covered: DR0-DR3 hardware
# breakpoints and DR7.GD (the model has none).
.include "lib.inc"
SCENARIO vmx_db_test

.equ BS, 1 << 14
.equ B0, 1 << 0
.equ ENABLED_BP, 1 << 12
.equ DR6_START, 0xFFFF0FF0 | (1<<13) | (1<<3) | (1<<1)     # stale BD, B3, B1
.equ DB_EXC, 0x80000301
.equ DB_BITMAP, 1 << VEC_DB

.macro ENTER label
    VMCS_SET GUEST_RIP, "offset \label"
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
.endm

# EXPECT_DB name, rip, qual: a #DB exit (hardware exception) with DR6 untouched
.macro EXPECT_DB name, rip, qual
    CHECK "\name: exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "\name: #DB, hardware exception", VM_EXIT_INTR_INFO, DB_EXC
    CHECK_FIELD "\name: qualification", EXIT_QUALIFICATION, "\qual"
    CHECK_FIELD "\name: guest RIP", GUEST_RIP, "\rip"
    CHECK_FIELD "\name: pending debug exceptions cleared", GUEST_PENDING_DBG_EXCEPTIONS, 0
    mov rax, dr6
    CHECK "\name: DR6 not written", rax, DR6_START
.endm

test_main:
    lea rdi, [rip + g_nop]
    call vmx_setup
    call reset

    # -- single-step, intercepted -----------------------------------------------------------
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    ENTER g_nop
    EXPECT_DB "single-step over NOP", "offset g_nop_end", BS
    call reset
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    ENTER g_wbinvd
    EXPECT_DB "single-step over WBINVD", "offset g_wbinvd_end", BS

    # -- single-step taken by the guest: DR6.BS ---------------------------------------------
    call reset
    VMCS_SET EXCEPTION_BITMAP, 0
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    ENTER g_nop
    CHECK "single-step, not intercepted: the guest's #DB handler", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... (its VMCALL)", GUEST_RIP, "offset db_vmcall"
    CHECK "... frame RIP after the NOP", [rip+db_rip], "offset g_nop_end"
    CHECK "... DR6 gained BS", [rip+db_dr6], DR6_START|BS

    # -- MOV SS holds the single-step trap for one instruction; STI does not ------------------
    call reset
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    mov qword ptr [rip + guest_regs + GREG_RAX], SEL_DATA
    ENTER g_movss
    EXPECT_DB "MOV SS then NOP under TF: one #DB, after the NOP", "offset g_movss_end", BS
    CHECK_FIELD "... no blocking left", GUEST_INTERRUPTIBILITY_INFO, 0
    call reset
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    ENTER g_sti
    EXPECT_DB "STI under TF: #DB right after the STI", "offset g_sti+1", BS
    CHECK_FIELD "... blocking by STI saved", GUEST_INTERRUPTIBILITY_INFO, 1

    # -- INT1 (ICEBP) vs INT3 -----------------------------------------------------------------
    call reset
    ENTER g_int1
    CHECK "INT1 with bit 1 set: exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... privileged software exception (type 5), vector 1", VM_EXIT_INTR_INFO, 0x80000501
    CHECK_FIELD "... instruction length 1", VM_EXIT_INSTRUCTION_LEN, 1
    CHECK_FIELD "... guest RIP on the INT1", GUEST_RIP, "offset g_int1"
    CHECK_FIELD "... qualification 0", EXIT_QUALIFICATION, 0
    mov rax, dr6
    CHECK "... DR6 not written", rax, DR6_START
    call reset
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_BP
    ENTER g_int1
    CHECK "INT1 with only bit 3 set: delivered in the guest", rax, EXIT_REASON_VMCALL
    CHECK "... frame RIP after the INT1", [rip+db_rip], "offset g_int1+1"
    call reset
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_BP
    ENTER g_int3
    CHECK "INT3 with bit 3 set: exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... software exception (type 6), vector 3", VM_EXIT_INTR_INFO, 0x80000603
    CHECK_FIELD "... instruction length 1", VM_EXIT_INSTRUCTION_LEN, 1
    CHECK_FIELD "... guest RIP on the INT3", GUEST_RIP, "offset g_int3"
    call reset
    mov qword ptr [rip + fault_vector], NO_FAULT
    mov qword ptr [rip + fault_fixup], offset g_fix
    ENTER g_int3
    CHECK "INT3 with only bit 1 set: delivered in the guest", rax, EXIT_REASON_VMCALL
    CHECK "... as #BP", [rip+fault_vector], VEC_BP

    # -- the pending-debug-exceptions field ---------------------------------------------------
    call reset
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, BS
    ENTER g_nop
    EXPECT_DB "pending BS at entry: #DB before the first instruction", "offset g_nop", BS
    call reset
    VMCS_SET EXCEPTION_BITMAP, 0
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, BS
    ENTER g_nop
    CHECK "pending BS at entry, not intercepted: the guest's handler", rax, EXIT_REASON_VMCALL
    CHECK "... frame RIP = the entry's", [rip+db_rip], "offset g_nop"
    CHECK "... DR6 gained BS", [rip+db_dr6], DR6_START|BS
    # Held by MOV-SS blocking, merged with the NOP's own single step.
    call reset
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 2
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, BS|B0|ENABLED_BP
    ENTER g_nop
    EXPECT_DB "pending BS|B0 under MOV-SS blocking, TF: one #DB after the NOP", "offset g_nop_end", BS|B0
    # Without TF: B0 alone after the NOP.
    call reset
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 2
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, B0|ENABLED_BP
    ENTER g_nop
    EXPECT_DB "pending B0 under MOV-SS blocking: #DB after the NOP", "offset g_nop_end", B0
    # An exit on the instruction in the shadow (not a #DB) keeps the enabled-breakpoint bit.
    call reset
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 2
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, B0|ENABLED_BP
    ENTER g_vmcall
    CHECK "VMCALL in the MOV-SS shadow with a pending breakpoint: exit 18", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... MOV-SS blocking saved", GUEST_INTERRUPTIBILITY_INFO, 2
    VMCS_READ rax, GUEST_PENDING_DBG_EXCEPTIONS
    CHECK_MASKED "... pending debug exceptions keep bit 12", rax, ENABLED_BP, ENABLED_BP
    mov rax, dr6
    CHECK "... DR6 not written", rax, DR6_START
    call restore_idt
    ret

# reset: an active guest without TF, blocking or pending debug exceptions, #DB intercepted,
# DR6 = DR6_START, the guest's #DB handler installed.
reset:
    VMCS_SET EXCEPTION_BITMAP, DB_BITMAP
    VMCS_SET GUEST_RFLAGS, 2
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 0
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, 0
    VMCS_SET GUEST_ACTIVITY_STATE, 0
    push rax
    mov rax, DR6_START
    mov dr6, rax
    mov qword ptr [rip + db_rip], 0
    mov qword ptr [rip + db_dr6], 0
    cmp qword ptr [rip + saved_gate], 0
    jne 1f
    # vector 1 -> db_handler (the original gate is put back at the end)
    push rdi
    lea rdi, [rip + idt + 16]
    mov rax, [rdi]
    mov [rip + saved_gate], rax
    mov rax, [rdi + 8]
    mov [rip + saved_gate + 8], rax
    lea rax, [rip + db_handler]
    mov [rdi], ax
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    pop rdi
1:  pop rax
    ret

restore_idt:
    push rax
    mov rax, [rip + saved_gate]
    mov [rip + idt + 16], rax
    mov rax, [rip + saved_gate + 8]
    mov [rip + idt + 24], rax
    pop rax
    ret

# -- the guest -------------------------------------------------------------------------------
g_nop:
    nop
g_nop_end:
    vmcall

g_wbinvd:
    wbinvd
g_wbinvd_end:
    vmcall

g_movss:
    mov ss, ax
    nop
g_movss_end:
    vmcall

g_sti:
    sti
    nop
    vmcall

g_int1:
    .byte 0xF1
    vmcall

g_int3:
    int3
    vmcall

g_vmcall:
    vmcall

g_fix:
    mov qword ptr [rip + fault_fixup], 0
    vmcall

# The guest's #DB handler: records the frame's RIP and DR6, then returns to the host.
db_handler:
    mov rax, [rsp]
    mov [rip + db_rip], rax
    mov rax, dr6
    mov [rip + db_dr6], rax
db_vmcall:
    vmcall

.section .bss
.balign 8
db_rip: .quad 0
db_dr6: .quad 0
saved_gate: .quad 0, 0
