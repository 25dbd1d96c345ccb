# null: VM entry into a 64-bit guest that returns at once with VMCALL (exit reason 18,
# instruction length 3, guest RIP on the VMCALL, guest state as the VMCS set it).
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
    ret

guest:
    mov qword ptr [rip + guest_ran], 1
guest_vmcall:
    vmcall
    FAIL "the guest continued after VMCALL"
    hlt

.section .bss
guest_ran: .quad 0
