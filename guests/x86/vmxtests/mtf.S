# mtf: the monitor trap flag (exit reason 37, trap-like): single-stepping (RIP after each instruction, OUT included), an instruction exit cancels it, MTF after an injected event (at the handler), "pending MTF" injection (type 7, vector 0) with the control clear, after a fault is delivered, after one iteration of REP STOSB, after INT3/INT1 delivery, in the HLT state; a concurrent single-step trap is left in the pending-debug-exceptions field; a pending #DB delivered at entry is followed by MTF
#
# SDM Vol. 3C 26.5.2 (MTF VM exits: after injection, "pending MTF" injection, after delivery of a
# pending event or a fault, after one iteration of a REP string instruction, otherwise after the
# instruction), 26.7.8 (MTF takes priority over debug traps), 28.1 (MTF exits are not blocked in
# the HLT state), 28.3.4 (the pending-debug-exceptions field is saved for MTF exits: BS when a
# single-step trap is pending), 27.6.3 (pending debug exceptions delivered after VM entry).
.include "lib.inc"
SCENARIO mtf

.equ MTF, PROC_MONITOR_TRAP_FLAG
.equ DR6_BS, 1 << 14
.equ DR6_INIT, 0xFFFF0FF0
.equ NONCANONICAL, 0x8000000000000000

# ENTER label: run the guest from label with a fresh stack
.macro ENTER label
    VMCS_SET GUEST_RIP, "offset \label"
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
.endm

.macro EXPECT_MTF name, rip
    CHECK "\name: exit reason 37", rax, EXIT_REASON_MONITOR_TRAP_FLAG
    CHECK_FIELD "\name: guest RIP", GUEST_RIP, "\rip"
    CHECK_FIELD "\name: qualification 0", EXIT_QUALIFICATION, 0
    CHECK_FIELD "\name: no interruption information", VM_EXIT_INTR_INFO, 0
.endm

test_main:
    lea rdi, [rip + g_step]
    call vmx_setup

    # -- single-stepping ---------------------------------------------------------------
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    mov qword ptr [rip + guest_regs + GREG_RAX], 41
    ENTER g_step
    EXPECT_MTF "after NOP", "offset g_step1"
    call enter_guest
    EXPECT_MTF "after OUT", "offset g_step2"
    call enter_guest
    EXPECT_MTF "after INC", "offset g_step3"
    CHECK "the INC ran once", [rip+guest_regs+GREG_RAX], 42
    CHECK_FIELD "MTF exit: activity state active", GUEST_ACTIVITY_STATE, 0
    call enter_guest
    CHECK "VMCALL with MTF: the VMCALL exit (18), no MTF", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP on the VMCALL", GUEST_RIP, "offset g_step3"

    # An instruction exit cancels the MTF exit; the next instruction single-steps.
    ENTER g_cpuid
    CHECK "CPUID with MTF: exit 10", rax, EXIT_REASON_CPUID
    call skip_guest_insn
    call enter_guest
    EXPECT_MTF "the NOP after the skipped CPUID", "offset g_cpuid_vmcall"

    # -- an injected event: MTF at the handler's first instruction ------------------------
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    call arm_fixup
    ENTER g_never
    EXPECT_MTF "injected #UD", "offset exc_stub_6"
    CHECK_FIELD "... the frame is on the guest stack", GUEST_RSP, "offset guest_stack_top-40"
    CHECK "... its RIP is where the event was injected", [rip+guest_stack_top-40], "offset g_never"
    CHECK_FIELD "... the entry field's valid bit cleared", VM_ENTRY_INTR_INFO_FIELD, 0x306
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    call enter_guest
    CHECK "the handler then runs to the fixup's VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... it saw #UD", [rip+fault_vector], VEC_UD

    # -- "pending MTF VM exit" injection (type 7, vector 0), MTF control clear ------------
    mov qword ptr [rip + counter], 0
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000700
    ENTER g_count
    EXPECT_MTF "pending MTF injected", "offset g_count"
    CHECK "... before the first guest instruction", [rip+counter], 0
    CHECK_FIELD "... the entry field's valid bit cleared", VM_ENTRY_INTR_INFO_FIELD, 0x700
    call enter_guest
    CHECK "without injection and MTF: no MTF exit", rax, EXIT_REASON_VMCALL
    CHECK "... the guest ran", [rip+counter], 1

    # -- a faulting instruction: MTF after the fault is delivered --------------------------
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    call arm_fixup
    ENTER g_ud
    EXPECT_MTF "UD2 (#UD delivered in the guest)", "offset exc_stub_6"
    CHECK "... frame RIP = the UD2", [rip+guest_stack_top-40], "offset g_ud"
    call arm_fixup
    mov rax, NONCANONICAL
    mov [rip + guest_regs + GREG_RAX], rax
    ENTER g_gp
    EXPECT_MTF "MOV to CR3 of a non-canonical value (#GP delivered)", "offset exc_stub_13"
    CHECK "... frame: error code 0", [rip+guest_stack_top-48], 0
    CHECK "... frame: RIP = the MOV", [rip+guest_stack_top-40], "offset g_gp"
    CHECK_FIELD "... CR3 unchanged", GUEST_CR3, [rip+hs_cr3]
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_UD
    ENTER g_ud
    CHECK "UD2 with #UD intercepted: exit 0, not MTF", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... guest RIP on the UD2", GUEST_RIP, "offset g_ud"
    VMCS_SET EXCEPTION_BITMAP, 0

    # -- INT3 and INT1: MTF after the software exception is delivered ----------------------
    call arm_fixup
    ENTER g_int3
    EXPECT_MTF "INT3", "offset exc_stub_3"
    CHECK "... frame RIP after the INT3", [rip+guest_stack_top-40], "offset g_int3+1"
    call arm_fixup
    ENTER g_int1
    EXPECT_MTF "INT1 (ICEBP)", "offset exc_stub_1"
    CHECK "... frame RIP after the INT1", [rip+guest_stack_top-40], "offset g_int1+1"

    # -- REP STOSB: one iteration per MTF exit ---------------------------------------------
    lea rax, [rip + rep_buf]
    mov [rip + guest_regs + GREG_RDI], rax
    mov qword ptr [rip + guest_regs + GREG_RCX], 3
    mov qword ptr [rip + guest_regs + GREG_RAX], 0x77
    ENTER g_rep
    EXPECT_MTF "REP STOSB, first iteration", "offset g_rep"
    CHECK "... RCX = 2", [rip+guest_regs+GREG_RCX], 2
    CHECK "... one byte stored", [rip+rep_buf], 0x77
    call enter_guest
    EXPECT_MTF "REP STOSB, second iteration", "offset g_rep"
    CHECK "... RCX = 1", [rip+guest_regs+GREG_RCX], 1
    call enter_guest
    EXPECT_MTF "REP STOSB, last iteration", "offset g_rep_end"
    CHECK "... RCX = 0", [rip+guest_regs+GREG_RCX], 0
    CHECK "... three bytes stored", [rip+rep_buf], 0x777777

    # -- HLT: the MTF exit is taken in the HLT state ---------------------------------------
    ENTER g_hlt
    EXPECT_MTF "HLT", "offset g_hlt+1"
    CHECK_FIELD "... activity state HLT", GUEST_ACTIVITY_STATE, 1
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    VMCS_SET GUEST_ACTIVITY_STATE, 0
    call enter_guest
    CHECK "HLT: resumed active, the guest reaches its VMCALL", rax, EXIT_REASON_VMCALL

    # -- a concurrent single-step trap: MTF wins, BS left pending --------------------------
    mov rax, DR6_INIT
    mov dr6, rax
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    ENTER g_tf
    EXPECT_MTF "OUT with RFLAGS.TF = 1", "offset g_tf1"
    CHECK_FIELD "... pending debug exceptions: BS", GUEST_PENDING_DBG_EXCEPTIONS, DR6_BS
    mov rax, dr6
    CHECK "... DR6 not written (the #DB was not delivered)", rax, DR6_INIT
    # Resume with the field as saved and #DB intercepted: the pending #DB is delivered first.
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_DB
    call enter_guest
    CHECK "resumed with BS pending: #DB exit (reason 0)", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... #DB, hardware exception", VM_EXIT_INTR_INFO, 0x80000301
    CHECK_FIELD "... qualification BS", EXIT_QUALIFICATION, DR6_BS
    CHECK_FIELD "... guest RIP still after the OUT", GUEST_RIP, "offset g_tf1"
    CHECK_FIELD "... the field cleared by this exit", GUEST_PENDING_DBG_EXCEPTIONS, 0
    mov rax, dr6
    CHECK "... DR6 not written", rax, DR6_INIT
    VMCS_SET EXCEPTION_BITMAP, 0
    VMCS_SET GUEST_RFLAGS, 2

    # -- a pending #DB delivered at entry, then MTF at its handler --------------------------
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, MTF
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, DR6_BS
    call arm_fixup
    ENTER g_never
    EXPECT_MTF "pending BS at entry: #DB delivered, then MTF", "offset exc_stub_1"
    CHECK "... frame RIP = the entry's RIP", [rip+guest_stack_top-40], "offset g_never"
    mov rax, dr6
    CHECK "... DR6.BS set by the delivered #DB", rax, DR6_INIT|DR6_BS
    ret

# arm_fixup: a guest exception handler resumes at g_fix (which returns with VMCALL)
arm_fixup:
    mov qword ptr [rip + fault_vector], NO_FAULT
    mov qword ptr [rip + fault_fixup], offset g_fix
    ret

# -- the guest -------------------------------------------------------------------------------
g_step:
    nop
g_step1:
    out 0x80, al
g_step2:
    inc rax
g_step3:
    vmcall

g_cpuid:
    cpuid
    nop
g_cpuid_vmcall:
    vmcall

g_never:
    hlt                                     # never executed: an event comes first
    hlt

g_fix:
    mov qword ptr [rip + fault_fixup], 0
    vmcall

g_count:
    inc qword ptr [rip + counter]
    vmcall

g_ud:
    ud2
g_gp:
    mov cr3, rax
g_int3:
    int3
g_int1:
    .byte 0xF1

g_rep:
    rep stosb
g_rep_end:
    vmcall

g_hlt:
    hlt
    vmcall

g_tf:
    out 0x80, al
g_tf1:
    nop
    vmcall

.section .bss
.balign 8
counter: .quad 0
rep_buf: .quad 0
