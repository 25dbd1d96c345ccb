# vmx_ldtr_test: a VM exit loads LDTR with selector 0 and makes it unusable (SDM Vol. 3C 28.5.2), whatever the host and the guest had: after the exit SLDT gives 0, LAR/VERR of an LDT selector fail (ZF = 0) and loading one is #GP(selector); the guest's LDTR is saved in the guest-state area; a VM-entry failure exit does the same.
.include "lib.inc"
SCENARIO vmx_ldtr_test

.equ SEL_LDT, 0x40                          # the LDT descriptor in my_gdt
.equ SEL_LDATA, 0x0C                        # LDT entry 1, TI = 1: a flat data segment

test_main:
    call ldt_setup
    lea rdi, [rip + guest]
    call vmx_setup
    VMCS_SET GUEST_LDTR_SELECTOR, SEL_LDT    # the guest gets the same LDT
    VMCS_SET GUEST_LDTR_BASE, "offset my_ldt"
    VMCS_SET GUEST_LDTR_LIMIT, my_ldt_end-my_ldt-1
    VMCS_SET GUEST_LDTR_AR_BYTES, 0x82

    mov ax, SEL_LDT
    lldt ax
    call ldt_usable
    CHECK "host before the entry: SLDT", [rip+r_sldt], SEL_LDT
    CHECK "host before the entry: LAR of an LDT selector succeeds (ZF)", [rip+r_lar_zf], FL_ZF
    CHECK "host before the entry: loading an LDT selector works", [rip+r_load_vec], NO_FAULT

    call enter_guest
    CHECK "exit reason", rax, EXIT_REASON_VMCALL
    CHECK "guest: SLDT", [rip+g_sldt], SEL_LDT
    CHECK "guest: LAR of an LDT selector succeeds", [rip+g_lar_zf], FL_ZF
    CHECK_MASKED "guest: LAR access rights (bits 19:16 undefined)", [rip+g_lar], 0x00F0FF00, 0x00C09300
    CHECK "guest: ES loaded from the LDT", [rip+g_es], SEL_LDATA
    CHECK_FIELD "GUEST_LDTR_SELECTOR saved", GUEST_LDTR_SELECTOR, SEL_LDT
    CHECK_FIELD "GUEST_LDTR_BASE saved", GUEST_LDTR_BASE, "offset my_ldt"
    CHECK_FIELD "GUEST_LDTR_AR_BYTES saved (usable LDT)", GUEST_LDTR_AR_BYTES, 0x82
    call ldt_unusable_checks

    # The guest runs without an LDT (unusable LDTR); the host reloads its own before the entry.
    mov ax, SEL_LDT
    lldt ax
    VMCS_SET GUEST_LDTR_SELECTOR, 0
    VMCS_SET GUEST_LDTR_AR_BYTES, 0x10000
    call skip_guest_insn
    call enter_guest
    CHECK "second exit: reason", rax, EXIT_REASON_VMCALL
    CHECK "guest without an LDT: SLDT", [rip+g_sldt], 0
    CHECK "guest without an LDT: LAR fails", [rip+g_lar_zf], 0
    CHECK_FIELD "GUEST_LDTR_AR_BYTES saved (unusable)", GUEST_LDTR_AR_BYTES, 0x10000
    call ldt_unusable_checks

    # A VM-entry failure (bad guest RFLAGS) loads the host state the same way.
    mov ax, SEL_LDT
    lldt ax
    VMCS_SET GUEST_RFLAGS, 0
    call enter_guest
    CHECK "entry failure: exit reason 33", rax, 0x80000021
    call ldt_unusable_checks
    VMCS_SET GUEST_RFLAGS, 2
    ret

# After an exit: LDTR = 0, unusable.
ldt_unusable_checks:
    call ldt_usable
    CHECK "host after the exit: SLDT = 0", [rip+r_sldt], 0
    CHECK "host after the exit: LAR of an LDT selector fails (ZF = 0)", [rip+r_lar_zf], 0
    CHECK "host after the exit: VERR of an LDT selector fails (ZF = 0)", [rip+r_verr_zf], 0
    CHECK "host after the exit: loading an LDT selector is #GP", [rip+r_load_vec], VEC_GP
    CHECK "host after the exit: #GP error code = the selector", [rip+r_load_err], SEL_LDATA
    mov ax, SEL_LDT                          # the host can load its LDT again
    lldt ax
    call ldt_usable
    CHECK "host reloads its LDT: LAR succeeds", [rip+r_lar_zf], FL_ZF
    CHECK "host reloads its LDT: loading an LDT selector works", [rip+r_load_vec], NO_FAULT
    xor eax, eax
    lldt ax
    ret

# ldt_usable: SLDT, LAR, VERR and a load of SEL_LDATA into ES into r_* (ES restored).
ldt_usable:
    push rax
    push rcx
    sldt ax
    movzx eax, ax
    mov [rip + r_sldt], rax
    mov ecx, SEL_LDATA
    xor eax, eax
    lar eax, ecx
    pushfq
    pop rax
    and eax, FL_ZF
    mov [rip + r_lar_zf], rax
    verr cx
    pushfq
    pop rax
    and eax, FL_ZF
    mov [rip + r_verr_zf], rax
    mov qword ptr [rip + fault_error], 0
    TRY mov es, cx
    mov rax, [rip + fault_vector]
    mov [rip + r_load_vec], rax
    mov rax, [rip + fault_error]
    mov [rip + r_load_err], rax
    mov ax, SEL_DATA
    mov es, ax
    pop rcx
    pop rax
    ret

# A copy of the library's GDT with an LDT descriptor at SEL_LDT; the LDT has a flat data
# segment at index 1.
ldt_setup:
    push rax
    push rcx
    push rsi
    push rdi
    lea rsi, [rip + gdt]
    lea rdi, [rip + my_gdt]
    mov ecx, SEL_LDT / 8
    cld
    rep movsq
    lea rax, [rip + my_ldt]                 # 16-byte LDT descriptor (type 2, present)
    mov rcx, rax
    and ecx, 0xFFFFFF
    shl rcx, 16                             # base 23:0 -> bits 39:16
    or rcx, my_ldt_end-my_ldt-1             # limit 15:0
    mov rsi, 0x82
    shl rsi, 40
    or rcx, rsi
    mov rsi, rax
    shr rsi, 24
    and esi, 0xFF
    shl rsi, 56
    or rcx, rsi                             # base 31:24
    mov [rip + my_gdt + SEL_LDT], rcx
    shr rax, 32
    mov [rip + my_gdt + SEL_LDT + 8], rax   # base 63:32
    lgdt [rip + my_gdtr]
    pop rdi
    pop rsi
    pop rcx
    pop rax
    ret

guest:
    sldt ax
    movzx eax, ax
    mov [rip + g_sldt], rax
    mov ecx, SEL_LDATA
    xor eax, eax
    lar eax, ecx
    mov [rip + g_lar], rax
    pushfq
    pop rax
    and eax, FL_ZF
    mov [rip + g_lar_zf], rax
    cmp qword ptr [rip + g_lar_zf], 0
    je 1f
    mov es, cx
    mov ax, es
    movzx eax, ax
    mov [rip + g_es], rax
    mov ax, SEL_DATA
    mov es, ax
1:  vmcall
    jmp guest

.section .data
.balign 16
my_ldt:
    .quad 0
    .quad 0x00CF93000000FFFF                # flat data, DPL 0
    .quad 0
my_ldt_end:
.balign 8
my_gdtr:
    .word my_gdt_end-my_gdt-1
    .quad my_gdt

.section .bss
.balign 16
my_gdt: .space SEL_LDT + 16
my_gdt_end:
.balign 8
r_sldt: .quad 0
r_lar_zf: .quad 0
r_verr_zf: .quad 0
r_load_vec: .quad 0
r_load_err: .quad 0
g_sldt: .quad 0
g_lar: .quad 0
g_lar_zf: .quad 0
g_es: .quad 0
