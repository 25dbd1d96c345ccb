# interrupt_window: interrupt-window exiting (reason 7) as soon as RFLAGS.IF = 1 without STI/MOV-SS blocking (at once, after an injected event, one instruction after MOV-SS/STI blocking, after STI STI, in the HLT state); external-interrupt exiting (reason 1) with the 8254 PIT through the 8259 PIC: "acknowledge interrupt on exit" gives the vector and leaves the request in service, without it the request stays pending for the host; IF = 0 and HLT do not hold it off; without exiting the guest takes it; the window exit comes before a pending interrupt
#
# SDM Vol. 3C 25.2 (external-interrupt exiting: RFLAGS.IF ignored), 26.7.5 (interrupt-window
# exiting: before an instruction when IF = 1 and no blocking by STI or MOV SS; it wakes HLT and
# follows event injection), 27.2.2 (VM-exit interruption information for reason 1 with
# "acknowledge interrupt on exit"), 28.1 (exits from HLT save activity state HLT). Platform: PIT
# channel 0 counts one tick per 4 retired instructions (guests/README.md), IRQ 0 -> vector 0x20.
.include "lib.inc"
SCENARIO interrupt_window

.equ IW, PROC_INTERRUPT_WINDOW_EXITING
.equ EXTINT, PIN_EXTERNAL_INTERRUPT_EXITING
.equ ACK, EXITCTL_ACKNOWLEDGE_INTERRUPT_ON_EXIT
.equ IRQ0_VECTOR, 0x20
.equ PIT_COUNT, 50                      # IRQ 0 some 200 instructions after the count

.macro ENTER label
    VMCS_SET GUEST_RIP, "offset \label"
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
.endm

.macro EXPECT_IW name, rip
    CHECK "\name: exit reason 7", rax, EXIT_REASON_INTERRUPT_WINDOW
    CHECK_FIELD "\name: guest RIP", GUEST_RIP, "\rip"
    CHECK_FIELD "\name: qualification 0", EXIT_QUALIFICATION, 0
.endm

# READ_PIC reg, ocw3: AL := the master's IRR (ocw3 = 0x0A) or ISR (0x0B), zero-extended in reg
.macro READ_PIC reg, ocw3
    mov al, \ocw3
    out 0x20, al
    in al, 0x20
    movzx \reg, al
.endm

test_main:
    lea rdi, [rip + g_iw]
    call vmx_setup
    mov edi, VEC_DB                         # #DB: a trap gate, so IF stays set in the handler
    lea rsi, [rip + db_handler]
    mov edx, 0x8F
    call set_gate
    mov edi, IRQ0_VECTOR
    lea rsi, [rip + irq0_handler]
    mov edx, 0x8E
    call set_gate

    # -- interrupt-window exiting ---------------------------------------------------------
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, IW
    VMCS_SET GUEST_RFLAGS, 2|FL_IF
    ENTER g_iw
    EXPECT_IW "IF = 1, no blocking: at once", "offset g_iw"
    CHECK_FIELD "... no interruption information", VM_EXIT_INTR_INFO, 0
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000301
    ENTER g_iw
    EXPECT_IW "with an injected #DB: after its delivery", "offset db_handler"
    VMCS_READ rax, GUEST_RFLAGS
    CHECK_MASKED "... guest RFLAGS.IF", rax, FL_IF, FL_IF
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, IW
    call enter_guest                        # the handler returns to the VMCALL
    CHECK "window off: the guest's VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, IW
    VMCS_SET GUEST_RIP, "offset g_iw_nop"
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 2
    call enter_guest
    EXPECT_IW "blocking by MOV SS: after the next instruction", "offset g_iw_nop+1"
    VMCS_SET GUEST_RIP, "offset g_iw_nop"
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 1
    call enter_guest
    EXPECT_IW "blocking by STI: after the next instruction", "offset g_iw_nop+1"
    CHECK_FIELD "... the blocking is over", GUEST_INTERRUPTIBILITY_INFO, 0
    VMCS_SET GUEST_RFLAGS, 2
    call enter_guest
    EXPECT_IW "IF = 0, then STI; STI: after the second (only the first has a shadow)", "offset g_iw_nop+3"
    VMCS_SET GUEST_ACTIVITY_STATE, 1
    call enter_guest
    EXPECT_IW "HLT state, IF = 1: at once", "offset g_iw_nop+3"
    CHECK_FIELD "... taken in the HLT state", GUEST_ACTIVITY_STATE, 1
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000301
    call enter_guest
    EXPECT_IW "HLT state with an injected #DB: after its delivery", "offset db_handler"
    CHECK_FIELD "... active", GUEST_ACTIVITY_STATE, 0
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, IW
    call enter_guest
    CHECK "window off: the guest's last VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... after the STIs", GUEST_RIP, "offset g_iw_nop+3"

    # -- external interrupts: PIT channel 0 -> IRQ 0 -> vector 0x20 --------------------------
    call pic_init
    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, EXTINT
    VMCS_SETBITS VM_EXIT_CONTROLS, ACK
    VMCS_SET GUEST_RFLAGS, 2                # IF = 0: does not matter with exiting
    mov qword ptr [rip + irq_count], 0
    call pit_arm
    ENTER g_spin
    CHECK "external-interrupt exiting, IF = 0: exit reason 1", rax, EXIT_REASON_EXTERNAL_INTERRUPT
    CHECK_FIELD "... acknowledged: vector 0x20, external interrupt, valid", VM_EXIT_INTR_INFO, 0x80000000|IRQ0_VECTOR
    CHECK_FIELD "... qualification 0", EXIT_QUALIFICATION, 0
    CHECK "... not delivered in the guest", [rip+irq_count], 0
    READ_PIC rbx, 0x0B
    CHECK "... the PIC has IRQ 0 in service", rbx, 1
    READ_PIC rbx, 0x0A
    CHECK "... and no longer requested", rbx, 0
    mov al, 0x20                            # EOI
    out 0x20, al
    VMCS_READ rax, GUEST_RIP
    lea rdx, [rip + g_spin]
    sub rax, rdx
    CHECK_MASKED "... the guest was interrupted in its loop", rax, ~7, 0

    VMCS_CLRBITS VM_EXIT_CONTROLS, ACK
    call pit_arm
    ENTER g_spin
    CHECK "without acknowledge on exit: exit reason 1", rax, EXIT_REASON_EXTERNAL_INTERRUPT
    VMCS_READ rax, VM_EXIT_INTR_INFO
    CHECK_MASKED "... interruption information not valid", rax, 0x80000000, 0
    READ_PIC rbx, 0x0A
    CHECK "... IRQ 0 still requested at the PIC", rbx, 1
    READ_PIC rbx, 0x0B
    CHECK "... not in service", rbx, 0
    sti                                     # the host takes it
    nop
    cli
    CHECK "... the host's handler took it", [rip+irq_count], 1

    VMCS_CLRBITS PIN_BASED_VM_EXEC_CONTROL, EXTINT
    VMCS_SET GUEST_RFLAGS, 2|FL_IF
    mov qword ptr [rip + irq_count], 0
    call pit_arm
    ENTER g_wait_irq
    CHECK "no exiting, guest IF = 1: the guest takes the interrupt (VMCALL)", rax, EXIT_REASON_VMCALL
    CHECK "... its handler ran once", [rip+irq_count], 1

    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, EXTINT
    VMCS_SETBITS VM_EXIT_CONTROLS, ACK
    VMCS_SET GUEST_RFLAGS, 2
    mov qword ptr [rip + irq_count], 0
    call pit_arm
    ENTER g_hlt
    CHECK "a guest in HLT with IF = 0: exit reason 1", rax, EXIT_REASON_EXTERNAL_INTERRUPT
    CHECK_FIELD "... vector 0x20", VM_EXIT_INTR_INFO, 0x80000000|IRQ0_VECTOR
    CHECK_FIELD "... activity state HLT saved", GUEST_ACTIVITY_STATE, 1
    CHECK_FIELD "... guest RIP after the HLT", GUEST_RIP, "offset g_hlt_end"
    mov al, 0x20
    out 0x20, al
    VMCS_SET GUEST_ACTIVITY_STATE, 0

    # The window exit comes before a pending interrupt is delivered.
    VMCS_CLRBITS PIN_BASED_VM_EXEC_CONTROL, EXTINT
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, IW
    VMCS_SET GUEST_RFLAGS, 2
    mov qword ptr [rip + irq_count], 0
    call pit_arm
    ENTER g_late
    EXPECT_IW "IRQ pending, STI: the window exit first", "offset g_late_nop+1"
    CHECK "... the interrupt not delivered yet", [rip+irq_count], 0
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, IW
    call enter_guest
    CHECK "window off: the guest takes the interrupt, then VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... its handler ran once", [rip+irq_count], 1
    ret

# set_gate(rdi = vector, rsi = handler, dl = type byte): a 64-bit gate in the shared IDT
set_gate:
    push rax
    push rdi
    shl rdi, 4
    lea rax, [rip + idt]
    add rdi, rax
    mov rax, rsi
    mov [rdi], ax
    mov word ptr [rdi + 2], SEL_CODE64
    mov byte ptr [rdi + 4], 0
    mov [rdi + 5], dl
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword ptr [rdi + 12], 0
    pop rdi
    pop rax
    ret

# pic_init: master at vectors 0x20-0x27 with only IRQ 0 unmasked; slave masked
pic_init:
    push rax
    mov al, 0x11
    out 0x20, al
    mov al, IRQ0_VECTOR
    out 0x21, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x01
    out 0x21, al
    mov al, 0xFE
    out 0x21, al
    mov al, 0x11
    out 0xA0, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0xA1, al
    mov al, 0xFF
    out 0xA1, al
    pop rax
    ret

# pit_arm: channel 0, mode 0 (interrupt on terminal count), count PIT_COUNT: one IRQ 0
pit_arm:
    push rax
    mov al, 0x30
    out 0x43, al
    mov al, PIT_COUNT & 0xFF
    out 0x40, al
    mov al, PIT_COUNT >> 8
    out 0x40, al
    pop rax
    ret

# -- handlers (shared by host and guest) -----------------------------------------------------
db_handler:
    iretq

irq0_handler:
    push rax
    inc qword ptr [rip + irq_count]
    mov al, 0x20
    out 0x20, al
    pop rax
    iretq

# -- the guest -------------------------------------------------------------------------------
g_iw:
    vmcall
g_iw_nop:
    nop
    sti
    sti
    vmcall

    .balign 8
g_spin:
    inc rcx
    jmp g_spin

g_wait_irq:
    cmp qword ptr [rip + irq_count], 0
    je g_wait_irq
    vmcall

g_hlt:
    hlt
g_hlt_end:
    vmcall

# IF = 0: wait until the PIC requests IRQ 0, then open the window
g_late:
    READ_PIC eax, 0x0A
    test al, 1
    jz g_late
    sti
g_late_nop:
    nop
    vmcall

.section .bss
.balign 8
irq_count: .quad 0
