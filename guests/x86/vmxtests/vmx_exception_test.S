# vmx_exception_test: guest exceptions exit (reason 0) when their exception-bitmap bit is set, with the VM-exit interruption information and error code (#DE, #UD, #BP as a software exception with its length, #SS, #GP, #PF with the error-code mask/match, qualification = linear address, CR2 untouched), and are delivered in the guest otherwise; INT 3 (CD 03) never exits; event injection of exceptions with and without error code, software interrupts and software exceptions with their instruction length, IDT-vectoring information for a fault while delivering an injected event
#
# SDM Vol. 3C 25.6.3 (exception bitmap, #PF error-code mask/match), 26.2 (exceptions in non-root
# operation), 27.2.2 (VM-exit interruption information: type 3 hardware exception, 6 software
# exception for INT3/INTO; error code), 28.2.1 (#PF qualification = linear address; CR2 is not
# written by a #PF that exits), 27.6 (event injection: the exception bitmap is not consulted;
# types 4/5/6 push RIP + VM-entry instruction length), 28.2.4 (IDT-vectoring information).
.include "lib.inc"
SCENARIO vmx_exception_test

.equ SKIP, 0x5151515151515151
.equ CR2_SENTINEL, 0xC2C2C000
.equ CR0_WP, 1 << 16
.equ PF_ADDR, NOT_PRESENT_ADDR + 0x10
.equ NONCANONICAL, 0x8000000000000000
.equ SOFT_VECTOR, 0x40

.equ R_BITMAP, 0
.equ R_PFMASK, 8
.equ R_PFMATCH, 16
.equ R_EXITS, 24        # 1: exits with reason 0
.equ R_INFO, 32         # VM-exit interruption information
.equ R_ERR, 40          # VM-exit interruption error code (when bit 11)
.equ R_QUAL, 48
.equ R_LEN, 56          # instruction length (0: not defined for this exit, not checked)
.equ R_GVEC, 64         # no exit: the vector the guest takes
.equ R_GERR, 72         # ... its error code
.equ R_GCR2, 80         # ... CR2 (SKIP: not checked)
.equ R_ENTRY, 88
.equ R_INSN, 96
.equ R_NEXT, 104
.equ R_DONE, 112
.equ R_NAME, 120
.equ ROW_SIZE, 128

# ROW name, bitmap, pfmask, pfmatch, exits, info, err, qual, len, gvec, gerr, gcr2, setup, insn
.macro ROW name, bitmap, pfmask, pfmatch, exits, info, err, qual, len, gvec, gerr, gcr2, setup, insn
    .pushsection .rodata.strings
.Lrn\@: .asciz "\name"
    .popsection
.Lentry\@:
    mov qword ptr [rip + fault_vector], NO_FAULT
    mov qword ptr [rip + fault_fixup], offset .Lnext\@
    mov eax, CR2_SENTINEL
    mov cr2, rax
    \setup
.Linsn\@:
    \insn
.Lnext\@:
    mov qword ptr [rip + fault_fixup], 0
.Ldone\@:
    vmcall
    FAIL "the guest ran past a snippet's VMCALL"
    vmcall
    .pushsection .rodata.rows
    .quad \bitmap, \pfmask, \pfmatch, \exits, \info, \err, \qual, \len, \gvec, \gerr, \gcr2
    .quad .Lentry\@, .Linsn\@, .Lnext\@, .Ldone\@, .Lrn\@
    .popsection
.endm

test_main:
    # A read-only page for write-protection #PFs (supervisor writes fault with CR0.WP = 1).
    lea rdi, [rip + ro_page]
    call pt0_entry
    and qword ptr [rax], ~2
    invlpg [rdi]
    lea rdi, [rip + rows]
    call vmx_setup
    VMCS_SETBITS GUEST_CR0, CR0_WP
    lea r12, [rip + rows]
row_loop:
    cmp qword ptr [r12 + R_NAME], 0
    je rows_done
    VMCS_SET EXCEPTION_BITMAP, [r12+R_BITMAP]
    VMCS_SET PAGE_FAULT_ERROR_CODE_MASK, [r12+R_PFMASK]
    VMCS_SET PAGE_FAULT_ERROR_CODE_MATCH, [r12+R_PFMATCH]
    VMCS_SET GUEST_RIP, [r12+R_ENTRY]
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
    cmp qword ptr [r12 + R_EXITS], 0
    jne 2f
    RCHECK "no exit: the guest reached its VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_READ rax, GUEST_RIP
    RCHECK "no exit: guest RIP at the VMCALL", rax, [r12+R_DONE]
    RCHECK "no exit: the guest took the exception", [rip+fault_vector], [r12+R_GVEC]
    RCHECK "no exit: the guest's error code", [rip+fault_error], [r12+R_GERR]
    mov rcx, SKIP
    cmp [r12 + R_GCR2], rcx
    je next_row
    RCHECK "no exit: the guest's CR2", [rip+fault_cr2], [r12+R_GCR2]
    jmp next_row
2:  RCHECK "exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    VMCS_READ rax, GUEST_RIP
    RCHECK "guest RIP on the instruction", rax, [r12+R_INSN]
    VMCS_READ rax, VM_EXIT_INTR_INFO
    RCHECK "VM-exit interruption information", rax, [r12+R_INFO]
    bt qword ptr [r12 + R_INFO], 11
    jnc 3f
    VMCS_READ rax, VM_EXIT_INTR_ERROR_CODE
    RCHECK "VM-exit interruption error code", rax, [r12+R_ERR]
3:  VMCS_READ rax, EXIT_QUALIFICATION
    RCHECK "exit qualification", rax, [r12+R_QUAL]
    VMCS_READ rax, IDT_VECTORING_INFO_FIELD
    RCHECK "IDT-vectoring information not valid", rax, 0
    cmp qword ptr [r12 + R_LEN], 0
    je 4f
    VMCS_READ rax, VM_EXIT_INSTRUCTION_LEN
    RCHECK "instruction length", rax, [r12+R_LEN]
4:  mov rax, cr2                            # CR2 is not saved or loaded by VMX transitions
    RCHECK "CR2 not written by the exiting exception", rax, CR2_SENTINEL
    RCHECK "the exception was not delivered in the guest", [rip+fault_vector], NO_FAULT
    VMCS_SET GUEST_RIP, [r12+R_NEXT]
    call enter_guest
    RCHECK "resumed after the instruction: VMCALL", rax, EXIT_REASON_VMCALL
next_row:
    add r12, ROW_SIZE
    jmp row_loop
rows_done:
    VMCS_SET EXCEPTION_BITMAP, 0
    call injection
    ret

# -- event injection (VM-entry interruption information) -------------------------------------
injection:
    # A gate for the software interrupt.
    lea rax, [rip + soft_handler]
    lea rdi, [rip + idt + SOFT_VECTOR * 16]
    mov [rdi], ax
    mov word ptr [rdi + 2], SEL_CODE64
    mov word ptr [rdi + 4], 0x8E00
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax

    # #GP with error code 0x1234, with #GP's bitmap bit set: injection ignores the bitmap.
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_GP
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0D
    VMCS_SET VM_ENTRY_EXCEPTION_ERROR_CODE, 0x1234
    call arm_handler
    VMCS_SET GUEST_RIP, "offset g_inject_site"
    call enter_guest
    CHECK "inject #GP(0x1234): delivered in the guest, no exit", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP at the VMCALL after the handler", GUEST_RIP, "offset g_inject_vmcall"
    CHECK "... the guest's handler saw vector 13", [rip+fault_vector], VEC_GP
    CHECK "... and error code 0x1234", [rip+fault_error], 0x1234
    CHECK "... and the faulting RIP = GUEST_RIP", [rip+fault_rip], "offset g_inject_site"
    CHECK_FIELD "... the exit cleared the valid bit", VM_ENTRY_INTR_INFO_FIELD, 0xB0D
    VMCS_SET EXCEPTION_BITMAP, 0

    # #UD without error code: the frame holds no error code (RIP is where the stub expects it).
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    call arm_handler
    VMCS_SET GUEST_RIP, "offset g_inject_site"
    call enter_guest
    CHECK "inject #UD: no exit", rax, EXIT_REASON_VMCALL
    CHECK "inject #UD: vector 6", [rip+fault_vector], VEC_UD
    CHECK "inject #UD: RIP in the frame (no error code pushed)", [rip+fault_rip], "offset g_inject_site"

    # #BP as a software exception (type 6), instruction length 1: the frame's RIP is after it.
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000603
    VMCS_SET VM_ENTRY_INSTRUCTION_LEN, 1
    call arm_handler
    VMCS_SET GUEST_RIP, "offset g_inject_site"
    call enter_guest
    CHECK "inject software exception #BP: no exit", rax, EXIT_REASON_VMCALL
    CHECK "inject software exception #BP: vector 3", [rip+fault_vector], VEC_BP
    CHECK "inject software exception #BP: RIP + instruction length pushed", [rip+fault_rip], "offset g_inject_site+1"

    # A software interrupt (type 4) INT 0x40 with instruction length 2.
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000400 | SOFT_VECTOR
    VMCS_SET VM_ENTRY_INSTRUCTION_LEN, 2
    VMCS_SET GUEST_RIP, "offset g_inject_site"
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    mov qword ptr [rip + soft_rip], 0
    call enter_guest
    CHECK "inject software interrupt 0x40: the handler's VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... exit in the handler", GUEST_RIP, "offset soft_vmcall"
    CHECK "... pushed RIP = GUEST_RIP + instruction length", [rip+soft_rip], "offset g_inject_site+2"

    # A fault while delivering the injected event exits with IDT-vectoring information: #UD
    # with an IDT that ends before vector 6 raises #GP(6*16+2+1: IDT, EXT), intercepted.
    VMCS_SET GUEST_IDTR_LIMIT, 6*16-1
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_GP
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    VMCS_SET GUEST_RIP, "offset g_inject_site"
    call enter_guest
    CHECK "injected #UD through a short IDT: exit reason 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... the #GP", VM_EXIT_INTR_INFO, 0x80000B0D
    CHECK_FIELD "... error code: IDT entry 6, IDT, EXT", VM_EXIT_INTR_ERROR_CODE, (6<<3)|2|1
    CHECK_FIELD "... IDT-vectoring information: the injected #UD", IDT_VECTORING_INFO_FIELD, 0x80000306
    CHECK_FIELD "... guest RIP where the event was injected", GUEST_RIP, "offset g_inject_site"
    CHECK_FIELD "... the valid bit of the entry field cleared", VM_ENTRY_INTR_INFO_FIELD, 0x306
    VMCS_SET GUEST_IDTR_LIMIT, 256*16-1
    VMCS_SET EXCEPTION_BITMAP, 0
    ret

arm_handler:
    mov qword ptr [rip + fault_vector], NO_FAULT
    mov qword ptr [rip + fault_error], -1
    mov qword ptr [rip + fault_fixup], offset g_after_inject
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    ret

# -- the guest -------------------------------------------------------------------------------
g_inject_site:
    hlt                                     # never executed: the injected event comes first
    hlt
g_after_inject:
    mov qword ptr [rip + fault_fixup], 0
g_inject_vmcall:
    vmcall
    FAIL "the guest ran past its VMCALL"
    vmcall

soft_handler:
    mov rax, [rsp]
    mov [rip + soft_rip], rax
soft_vmcall:
    vmcall
    FAIL "the guest ran past its VMCALL"
    vmcall

    .pushsection .rodata.rows
    .balign 8
rows:
    .popsection

.equ HW, 0x80000300
.equ HWE, 0x80000B00
.equ ALLBITS, 0xFFFFFFFF

ROW "#DE, bit 0 set", 1<<VEC_DE, 0, 0, 1, HW|VEC_DE, 0, 0, 0, 0, 0, SKIP, "xor edx, edx; xor ecx, ecx; mov eax, 1", "div ecx"
ROW "#DE, every other bit set", ALLBITS & ~(1<<VEC_DE), 0, 1, 0, 0, 0, 0, 0, VEC_DE, 0, SKIP, "xor edx, edx; xor ecx, ecx; mov eax, 1", "div ecx"
ROW "#UD (UD2), bit 6 set", 1<<VEC_UD, 0, 0, 1, HW|VEC_UD, 0, 0, 0, 0, 0, SKIP, "", "ud2"
ROW "#UD (UD2), bit clear", 0, 0, 0, 0, 0, 0, 0, 0, VEC_UD, 0, SKIP, "", "ud2"
ROW "#BP (INT3), bit 3 set: software exception, length 1", 1<<VEC_BP, 0, 0, 1, 0x80000600|VEC_BP, 0, 0, 1, 0, 0, SKIP, "", "int3"
ROW "#BP (INT3), bit clear", 0, 0, 0, 0, 0, 0, 0, 0, VEC_BP, 0, SKIP, "", "int3"
ROW "INT 3 (CD 03) is a software interrupt: no exit with bit 3 set", 1<<VEC_BP, 0, 0, 0, 0, 0, 0, 0, VEC_BP, 0, SKIP, "", ".byte 0xCD, 3"
ROW "#SS(0) (non-canonical stack access), bit 12 set", 1<<VEC_SS, 0, 0, 1, HWE|VEC_SS, 0, 0, 0, 0, 0, SKIP, "mov rbp, NONCANONICAL", "mov rax, [rbp]"
ROW "#SS(0), bit clear", 0, 0, 0, 0, 0, 0, 0, 0, VEC_SS, 0, SKIP, "mov rbp, NONCANONICAL", "mov rax, [rbp]"
ROW "#GP(0x40) (selector beyond the GDT), bit 13 set", 1<<VEC_GP, 0, 0, 1, HWE|VEC_GP, 0x40, 0, 0, 0, 0, SKIP, "mov eax, 0x40", "mov ds, ax"
ROW "#GP(0x40), bit clear", 0, 0, 0, 0, 0, 0, 0, 0, VEC_GP, 0x40, SKIP, "mov eax, 0x40", "mov ds, ax"
ROW "#GP(0) (non-canonical data access), bit 13 set", 1<<VEC_GP, 0, 0, 1, HWE|VEC_GP, 0, 0, 0, 0, 0, SKIP, "mov rbx, NONCANONICAL", "mov rax, [rbx]"
# #PF: exits iff ((PFEC & mask) == match) == bit 14
ROW "#PF read, not present; bit 14, mask 0 match 0", 1<<VEC_PF, 0, 0, 1, HWE|VEC_PF, 0, PF_ADDR, 0, 0, 0, SKIP, "mov rbx, PF_ADDR", "mov rax, [rbx]"
ROW "#PF write, read-only page; bit 14, mask 0 match 0", 1<<VEC_PF, 0, 0, 1, HWE|VEC_PF, 3, ro_page+8, 0, 0, 0, SKIP, "lea rbx, [rip + ro_page]", "mov [rbx + 8], rax"
ROW "#PF read (PFEC 0); bit 14, mask 2 match 2: no match, no exit", 1<<VEC_PF, 2, 2, 0, 0, 0, 0, 0, VEC_PF, 0, PF_ADDR, "mov rbx, PF_ADDR", "mov rax, [rbx]"
ROW "#PF write, not present (PFEC 2); bit 14, mask 2 match 2: exit", 1<<VEC_PF, 2, 2, 1, HWE|VEC_PF, 2, PF_ADDR, 0, 0, 0, SKIP, "mov rbx, PF_ADDR", "mov [rbx], rax"
ROW "#PF write, not present (PFEC 2); bit 14, mask 1 match 1: no exit", 1<<VEC_PF, 1, 1, 0, 0, 0, 0, 0, VEC_PF, 2, PF_ADDR, "mov rbx, PF_ADDR", "mov [rbx], rax"
ROW "#PF write, read-only (PFEC 3); bit 14, mask 1 match 1: exit", 1<<VEC_PF, 1, 1, 1, HWE|VEC_PF, 3, ro_page+16, 0, 0, 0, SKIP, "lea rbx, [rip + ro_page]", "mov [rbx + 16], rax"
ROW "#PF read (PFEC 0); bit 14 clear, mask 2 match 2: mismatch exits", 0, 2, 2, 1, HWE|VEC_PF, 0, PF_ADDR, 0, 0, 0, SKIP, "mov rbx, PF_ADDR", "mov rax, [rbx]"
ROW "#PF write, read-only (PFEC 3); bit 14 clear, mask 2 match 2: match, no exit", 0, 2, 2, 0, 0, 0, 0, 0, VEC_PF, 3, ro_page+24, "lea rbx, [rip + ro_page]", "mov [rbx + 24], rax"
ROW "#PF; bit 14 clear, mask 0 match 0: no exit", 0, 0, 0, 0, 0, 0, 0, 0, VEC_PF, 0, PF_ADDR, "mov rbx, PF_ADDR", "mov rax, [rbx]"
ROW "#PF; bit 14 clear, mask 0 match 0xFFFFFFFF (never matches): exit", 0, 0, 0xFFFFFFFF, 1, HWE|VEC_PF, 0, PF_ADDR, 0, 0, 0, SKIP, "mov rbx, PF_ADDR", "mov rax, [rbx]"

    .pushsection .rodata.rows
    .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .popsection

.section .bss
.balign 8
soft_rip: .quad 0
.balign 4096
ro_page: .space 4096
