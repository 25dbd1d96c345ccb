# preemption_timer: the VMX-preemption timer exits (reason 52) after its value times 2^MISC[4:0] TSC ticks of non-root operation; value 0 exits before the first guest instruction (after an injected event, after a pending #DB exit, after MTF); "save VMX-preemption timer value" stores the remaining count (root time does not count), else the field keeps its value; the timer runs in the HLT state; single-step #DBs are not lost around timer exits
#
# SDM Vol. 3C 26.5.1 (the timer: counts down at the TSC rate divided by 2^X, X = IA32_VMX_MISC[4:0],
# only in VMX non-root operation; an exit when it reaches 0, also in the HLT state), 27.7.4
# (value 0: exit before any instruction, after event injection and pending debug exceptions),
# 26.7 / Table 6-2 (priority: debug traps and MTF before the timer), 28.3.4 (saving the value).
.include "lib.inc"
SCENARIO preemption_timer

.equ TIMER, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
.equ SAVE, EXITCTL_SAVE_VMX_PREEMPTION_TIMER_VALUE
.equ N_SPIN, 1000
.equ N_HLT, 2000
.equ BS, 1 << 14

.macro ENTER label
    VMCS_SET GUEST_RIP, "offset \label"
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
.endm

# CMP_NONZERO reg: rax := 1 if reg != 0 else 0
.macro CMP_NONZERO reg
    xor eax, eax
    test \reg, \reg
    setnz al
.endm

# ELAPSED name, ticks, below, above: (TSC at the exit - t0) >> scale is within [ticks - below,
# ticks + above]. The exit's MSR-store area records IA32_TSC as the exit happens; a t0 read by
# the guest is a little after the entry (so the exit comes at most `ticks` later), a t0 read by
# the host before VMRESUME a little before it.
.macro ELAPSED name, ticks, below, above
    mov rax, [rip + exit_tsc]
    sub rax, [rip + t0]
    mov rcx, [rip + scale]
    shr rax, cl
    mov rdx, \ticks
    sub rax, rdx
    add rax, \below
    cmp rax, \below + \above
    setbe al
    movzx eax, al
    CHECK "\name: the exit came when the timer ran out", rax, 1
.endm

test_main:
    lea rdi, [rip + g_spin]
    call vmx_setup
    mov rax, [rip + vmx_misc]
    and eax, 0x1F
    mov [rip + scale], rax
    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, TIMER
    VMCS_SET VM_EXIT_MSR_STORE_ADDR, "offset tsc_store"
    VMCS_SET VM_EXIT_MSR_STORE_COUNT, 1

    # -- a spinning guest ---------------------------------------------------------------
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, N_SPIN
    ENTER g_spin
    CHECK "spinning guest: exit reason 52", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... qualification 0", EXIT_QUALIFICATION, 0
    ELAPSED "spinning guest", N_SPIN, 4, 0
    CHECK_FIELD "without the save control the field keeps its value", VMX_PREEMPTION_TIMER_VALUE, N_SPIN
    VMCS_READ rax, GUEST_RIP
    lea rdx, [rip + g_spin_loop]
    sub rax, rdx
    CHECK_MASKED "... the guest was stopped inside its loop", rax, ~7, 0

    # -- "save VMX-preemption timer value": the remaining count, root time not counted -----
    VMCS_SETBITS VM_EXIT_CONTROLS, SAVE
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, N_SPIN
    ENTER g_save
    CHECK "save: VMCALL exit", rax, EXIT_REASON_VMCALL
    VMCS_READ rbx, VMX_PREEMPTION_TIMER_VALUE
    mov rax, N_SPIN
    sub rax, rbx
    CHECK_MASKED "save: the field decreased ...", rax, 0x8000000000000000, 0
    cmp rax, 1
    setae cl
    cmp rax, 20
    setbe al
    and al, cl
    movzx eax, al
    CHECK "... by the guest's few instructions", rax, 1
    mov ecx, 3000                           # time in root operation does not count
1:  dec ecx
    jnz 1b
    CHECK_FIELD "save: root time leaves the field alone", VMX_PREEMPTION_TIMER_VALUE, rbx
    call skip_guest_insn
    call enter_guest
    CHECK "save: the next entry counts down the rest: exit 52", rax, EXIT_REASON_PREEMPTION_TIMER
    ELAPSED "save: the remaining count", rbx, 4, 0
    CHECK_FIELD "save: the field holds 0 after the timer exit", VMX_PREEMPTION_TIMER_VALUE, 0

    # -- value 0 ------------------------------------------------------------------------
    mov qword ptr [rip + counter], 0
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 0
    ENTER g_count
    CHECK "value 0: exit 52", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... before the first instruction", GUEST_RIP, "offset g_count"
    CHECK "... which did not run", [rip+counter], 0
    # after an injected event: at the handler
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 0
    ENTER g_count
    CHECK "value 0 with an injected #UD: exit 52", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... after the event's delivery (handler's first instruction)", GUEST_RIP, "offset exc_stub_6"
    CHECK_FIELD "... the frame pushed", GUEST_RSP, "offset guest_stack_top-40"
    # a pending #DB (intercepted) comes first, then the timer
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_DB
    VMCS_SET GUEST_PENDING_DBG_EXCEPTIONS, BS
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 0
    ENTER g_count
    CHECK "value 0 with a pending #DB: the #DB exit first", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... #DB", VM_EXIT_INTR_INFO, 0x80000301
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 0
    call enter_guest
    CHECK "... then exit 52", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... before the first instruction", GUEST_RIP, "offset g_count"
    VMCS_SET EXCEPTION_BITMAP, 0
    # MTF after an injected event comes before the timer
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_MONITOR_TRAP_FLAG
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 0
    ENTER g_count
    CHECK "value 0, injection and MTF: the MTF exit first", rax, EXIT_REASON_MONITOR_TRAP_FLAG
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, PROC_MONITOR_TRAP_FLAG
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 0
    call enter_guest
    CHECK "... then exit 52 at the handler", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... guest RIP", GUEST_RIP, "offset exc_stub_6"

    # -- the HLT state ------------------------------------------------------------------
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, N_HLT
    ENTER g_hlt
    CHECK "HLT: exit 52", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... activity state HLT", GUEST_ACTIVITY_STATE, 1
    CHECK_FIELD "... guest RIP after the HLT", GUEST_RIP, "offset g_hlt_end"
    ELAPSED "HLT", N_HLT, 8, 0
    # entering in the HLT activity state
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 500
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rip + t0], rax
    call enter_guest
    CHECK "entry in the HLT state: exit 52", rax, EXIT_REASON_PREEMPTION_TIMER
    CHECK_FIELD "... still halted", GUEST_ACTIVITY_STATE, 1
    CHECK_FIELD "... RIP unchanged", GUEST_RIP, "offset g_hlt_end"
    ELAPSED "entry in the HLT state", 500, 0, 60
    VMCS_SET GUEST_ACTIVITY_STATE, 0
    VMCS_CLRBITS VM_EXIT_CONTROLS, SAVE     # (saving needs the timer active)
    VMCS_CLRBITS PIN_BASED_VM_EXEC_CONTROL, TIMER
    call enter_guest
    CHECK "timer off, active: the guest's VMCALL", rax, EXIT_REASON_VMCALL

    # -- single-step with the timer: every instruction's #DB survives the timer exits ------
    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, TIMER
    VMCS_SETBITS VM_EXIT_CONTROLS, SAVE
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_DB
    VMCS_SET GUEST_RFLAGS, 2|FL_TF
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 3
    VMCS_SET GUEST_RIP, "offset g_nops"
    lea r13, [rip + g_nops + 1]             # where the next #DB must be
    xor r14d, r14d                          # #DB exits
    xor r15d, r15d                          # timer exits
    xor ebx, ebx                            # #DBs at the wrong RIP
    mov r12d, 100
2:  dec r12d
    jz 5f
    call enter_guest
    cmp eax, EXIT_REASON_EXCEPTION_NMI
    jne 3f
    inc r14
    VMCS_READ rax, GUEST_RIP
    cmp rax, r13
    je 21f
    inc rbx
21: inc r13
    jmp 2b
3:  cmp eax, EXIT_REASON_PREEMPTION_TIMER
    jne 4f
    inc r15
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, 3
    jmp 2b
4:  CHECK "single-step with the timer: ends with the VMCALL", rax, EXIT_REASON_VMCALL
5:  CHECK "single-step with the timer: one #DB per NOP", r14, 8
    CHECK "... each after its NOP", rbx, 0
    CMP_NONZERO r15
    CHECK "... with timer exits in between", rax, 1
    CHECK_FIELD "... the VMCALL after the last NOP", GUEST_RIP, "offset g_nops+8"
    ret


# -- the guest -------------------------------------------------------------------------------
g_spin:
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rip + t0], rax
    .balign 8
g_spin_loop:
    inc rcx
    jmp g_spin_loop

g_save:
    nop
    nop
    nop
    nop
    vmcall
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rip + t0], rax
1:  inc rcx
    jmp 1b

g_count:
    inc qword ptr [rip + counter]
    vmcall

g_hlt:
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rip + t0], rax
    hlt
g_hlt_end:
    vmcall

g_nops:
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    nop
    vmcall

.section .data
.balign 16
tsc_store: .long 0x10, 0                # VM-exit MSR-store area: IA32_TSC
exit_tsc: .quad 0

.section .bss
.balign 8
t0: .quad 0
scale: .quad 0
counter: .quad 0
