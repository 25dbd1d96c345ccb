# nmi_window: NMI exiting with virtual NMIs: NMI-window exiting (reason 8) at once without virtual-NMI blocking, one instruction after MOV-SS blocking, after an injected event, in the HLT state, and right after the IRET that ends virtual-NMI blocking; an injected NMI sets the blocking (saved in interruptibility bit 3, no window exit until IRET); an IRET that faults still unblocks and the exit reports it (interruption-information bit 12)
#
# SDM Vol. 3C 25.3 (virtual NMIs: IRET removes virtual-NMI blocking, also when it faults),
# 26.7.6 (NMI-window exiting: before an instruction when there is no virtual-NMI blocking and
# no blocking by MOV SS), 27.6.1.2 (injecting an NMI with virtual NMIs sets the blocking),
# 28.2.2 (bit 12 "NMI unblocking due to IRET"), 28.3.4 (bit 3 saved as virtual-NMI blocking).
# The platform has no NMI source (no local APIC, no NMI pin), so NMIs here are injected ones.
.include "lib.inc"
SCENARIO nmi_window

.equ NW, PROC_NMI_WINDOW_EXITING
.equ NONCANONICAL, 0x8000000000000000

.macro ENTER label
    VMCS_SET GUEST_RIP, "offset \label"
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
.endm

.macro EXPECT_NW name, rip
    CHECK "\name: exit reason 8", rax, EXIT_REASON_NMI_WINDOW
    CHECK_FIELD "\name: guest RIP", GUEST_RIP, "\rip"
    CHECK_FIELD "\name: qualification 0", EXIT_QUALIFICATION, 0
.endm

test_main:
    lea rdi, [rip + g_nw]
    call vmx_setup
    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS
    mov edi, VEC_DB
    lea rsi, [rip + db_handler]
    call set_gate
    mov edi, 2
    lea rsi, [rip + nmi_handler]
    call set_gate

    # -- NMI-window exiting -------------------------------------------------------------
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, NW
    ENTER g_nw
    EXPECT_NW "no virtual-NMI blocking: at once", "offset g_nw"
    VMCS_SET GUEST_RIP, "offset g_nw_nop"
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 2
    call enter_guest
    EXPECT_NW "blocking by MOV SS: after the next instruction", "offset g_nw_nop+1"
    VMCS_SET GUEST_RIP, "offset g_nw_nop"
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000301
    call enter_guest
    EXPECT_NW "with an injected #DB: after its delivery", "offset db_handler"
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 8
    call enter_guest
    EXPECT_NW "virtual-NMI blocking: right after the handler's IRET", "offset g_nw_nop"
    CHECK_FIELD "... the IRET ended the blocking", GUEST_INTERRUPTIBILITY_INFO, 0
    VMCS_SET GUEST_ACTIVITY_STATE, 1
    call enter_guest
    EXPECT_NW "HLT state, no blocking: at once", "offset g_nw_nop"
    CHECK_FIELD "... taken in the HLT state", GUEST_ACTIVITY_STATE, 1
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000301
    call enter_guest
    EXPECT_NW "HLT state with an injected #DB: after its delivery", "offset db_handler"
    CHECK_FIELD "... active", GUEST_ACTIVITY_STATE, 0

    # -- injected NMIs ------------------------------------------------------------------
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, NW
    mov qword ptr [rip + nmi_count], 0
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
    ENTER g_nw_nop
    CHECK "injected NMI: its handler's VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... in the NMI handler", GUEST_RIP, "offset nmi_vmcall"
    CHECK "... delivered through vector 2", [rip+nmi_count], 1
    CHECK_FIELD "... virtual-NMI blocking saved (bit 3)", GUEST_INTERRUPTIBILITY_INFO, 8
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, NW
    call skip_guest_insn
    call enter_guest
    EXPECT_NW "NMI window after the NMI handler's IRET", "offset g_nw_nop"
    CHECK_FIELD "... no blocking left", GUEST_INTERRUPTIBILITY_INFO, 0

    # An NMI injected with the window control set: no window exit until the IRET.
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
    ENTER g_nw_nop
    CHECK "injected NMI with NMI-window exiting: no window exit in the handler", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... the handler's VMCALL", GUEST_RIP, "offset nmi_vmcall"
    call skip_guest_insn
    call enter_guest
    EXPECT_NW "... then the window right after the IRET", "offset g_nw_nop"

    # Without the window control the guest goes on after the IRET, unblocked.
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, NW
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
    ENTER g_nw_nop
    call skip_guest_insn
    call enter_guest
    CHECK "injected NMI, no window: back to the guest's VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... after the NOP", GUEST_RIP, "offset g_nw_nop+1"
    CHECK_FIELD "... unblocked", GUEST_INTERRUPTIBILITY_INFO, 0

    # An IRET that faults still ends virtual-NMI blocking; the exit says so (bit 12).
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_GP
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
    ENTER g_nw_nop
    mov qword ptr [rip + bad_iret], 1
    call skip_guest_insn
    call enter_guest
    CHECK "IRET to a non-canonical RIP in the NMI handler: exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... #GP(0) with NMI unblocking due to IRET (bit 12)", VM_EXIT_INTR_INFO, 0x80001B0D
    CHECK_FIELD "... error code 0", VM_EXIT_INTR_ERROR_CODE, 0
    CHECK_FIELD "... on the IRET", GUEST_RIP, "offset nmi_iret"
    CHECK_FIELD "... virtual-NMI blocking already cleared", GUEST_INTERRUPTIBILITY_INFO, 0
    # A #GP outside an IRET does not set bit 12.
    mov qword ptr [rip + bad_iret], 0
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 8
    ENTER g_gp
    CHECK "#GP elsewhere under virtual-NMI blocking: exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... bit 12 clear", VM_EXIT_INTR_INFO, 0x80000B0D
    CHECK_FIELD "... blocking kept", GUEST_INTERRUPTIBILITY_INFO, 8
    ret

# set_gate(rdi = vector, rsi = handler): a 64-bit interrupt gate in the shared IDT
set_gate:
    push rax
    push rdi
    shl rdi, 4
    lea rax, [rip + idt]
    add rdi, rax
    mov rax, rsi
    mov [rdi], ax
    mov word ptr [rdi + 2], SEL_CODE64
    mov word ptr [rdi + 4], 0x8E00
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword ptr [rdi + 12], 0
    pop rdi
    pop rax
    ret

# -- handlers and the guest ------------------------------------------------------------------
db_handler:
    iretq

nmi_handler:
    inc qword ptr [rip + nmi_count]
nmi_vmcall:
    vmcall
    cmp qword ptr [rip + bad_iret], 0
    je nmi_iret
    mov rax, NONCANONICAL
    mov [rsp], rax                          # a return RIP IRET must refuse
nmi_iret:
    iretq

g_nw:
    vmcall
g_nw_nop:
    nop
    vmcall

g_gp:
    mov rax, NONCANONICAL
    mov rax, [rax]
    vmcall

.section .bss
.balign 8
nmi_count: .quad 0
bad_iret: .quad 0
