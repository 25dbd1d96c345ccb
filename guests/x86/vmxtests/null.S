# null: VM entry into a 64-bit guest that returns at once with VMCALL (exit reason 18,
# instruction length 3, guest RIP on the VMCALL, guest state as the VMCS set it); at HOST_RIP
# the host state is the one a VM exit loads (SDM 28.5): RSP = HOST_RSP, RFLAGS = 2 whatever
# the guest's, DR7 = 0x400, GDTR/IDTR limits 0xFFFF, TR and the selectors from the VMCS.
.include "lib.inc"
SCENARIO null

test_main:
    lea rdi, [rip + guest]
    call vmx_setup
    call enter_guest
    CHECK "exit reason", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "VM_EXIT_REASON", VM_EXIT_REASON, EXIT_REASON_VMCALL
    CHECK_FIELD "instruction length", VM_EXIT_INSTRUCTION_LEN, 3
    CHECK_FIELD "guest RIP is the VMCALL", GUEST_RIP, "offset guest_vmcall"
    CHECK_FIELD "exit qualification", EXIT_QUALIFICATION, 0
    CHECK_FIELD "exit interruption information", VM_EXIT_INTR_INFO, 0
    CHECK_FIELD "IDT-vectoring information", IDT_VECTORING_INFO_FIELD, 0
    CHECK "the guest ran", [rip+guest_ran], 1
    CHECK_FIELD "guest RSP", GUEST_RSP, "offset guest_stack_top"
    CHECK_FIELD "guest CS selector", GUEST_CS_SELECTOR, SEL_CODE64
    CHECK_FIELD "IA-32e mode guest saved from EFER.LMA", VM_ENTRY_CONTROLS, [rip+init_entry]
    # the host state that the exit loaded
    mov rax, cr4
    CHECK_MASKED "host CR4.VMXE after the exit", rax, CR4_VMXE, CR4_VMXE
    mov ax, cs
    movzx eax, ax
    CHECK "host CS after the exit", rax, SEL_CODE64
    str ax
    movzx eax, ax
    CHECK "host TR after the exit", rax, SEL_TSS

    # Again, landing at our own HOST_RIP to see the state before any host instruction runs.
    VMCS_SET HOST_RIP, "offset landing"
    mov rax, rsp
    mov [rip + saved_rsp], rax
    VMCS_SET HOST_RSP, rax
    call skip_guest_insn                    # the guest goes on to its second part
    vmresume
    FAIL "VMRESUME of the launched VMCS failed"
    ret
landing:
    pushfq
    pop qword ptr [rip + landed_flags]
    mov [rip + landed_rsp], rsp
    sgdt [rip + landed_gdtr]
    sidt [rip + landed_idtr]
    mov rax, dr7
    mov [rip + landed_dr7], rax
    CHECK "at HOST_RIP: RFLAGS = 2 (the guest had CF, DF set)", [rip+landed_flags], 2
    CHECK "at HOST_RIP: RSP = HOST_RSP", [rip+landed_rsp], [rip+saved_rsp]
    CHECK "at HOST_RIP: DR7 = 0x400 (the guest wrote 0x401)", [rip+landed_dr7], 0x400
    movzx eax, word ptr [rip + landed_gdtr]
    CHECK "at HOST_RIP: GDTR limit 0xFFFF", rax, 0xFFFF
    movzx eax, word ptr [rip + landed_idtr]
    CHECK "at HOST_RIP: IDTR limit 0xFFFF", rax, 0xFFFF
    CHECK "at HOST_RIP: GDTR base = HOST_GDTR_BASE", [rip+landed_gdtr+2], "offset gdt"
    CHECK "at HOST_RIP: IDTR base = HOST_IDTR_BASE", [rip+landed_idtr+2], "offset idt"
    mov ax, ss
    movzx eax, ax
    CHECK "at HOST_RIP: SS = HOST_SS_SELECTOR", rax, SEL_DATA
    CHECK_FIELD "second exit: VMCALL", VM_EXIT_REASON, EXIT_REASON_VMCALL
    CHECK_FIELD "second exit: the guest's RFLAGS saved", GUEST_RFLAGS, FL_CF|FL_DF|2
    lgdt [rip + gdtr]                       # our own limits again
    lidt [rip + idtr]
    ret

guest:
    mov qword ptr [rip + guest_ran], 1
guest_vmcall:
    vmcall
    mov rax, 0x401                          # L0 with DR0 = 0: never hits
    mov dr7, rax
    std
    stc
    vmcall
    FAIL "the guest continued after its second VMCALL"
    vmcall

.section .bss
guest_ran: .quad 0
saved_rsp: .quad 0
landed_flags: .quad 0
landed_rsp: .quad 0
landed_dr7: .quad 0
.balign 8
landed_gdtr: .space 16
landed_idtr: .space 16
