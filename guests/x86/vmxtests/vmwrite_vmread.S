# vmwrite_vmread: every field of the model's VMCS table (fields.py) is written with VMWRITE and
# read back with VMREAD, twice with different values: 16- and 32-bit fields truncate and
# zero-extend, a 64-bit field's high half reads at encoding + 1; the read-only exit-information
# fields give error 13 and keep their value; unsupported encodings give error 12 and leave
# the destination alone; IA32_VMX_VMCS_ENUM gives the highest supported index; memory
# operands work and a not-present one is #PF; without a current VMCS both are VMfailInvalid.
.include "lib.inc"
SCENARIO vmwrite_vmread

.macro FIELD_ROW name, enc
    .pushsection .rodata.strings
.Lfname\@: .asciz "\name"
    .popsection
    .quad \enc, .Lfname\@
.endm

.macro UNSUPPORTED name, enc
    mov rax, \enc
    mov rdx, 0x77
    vmread rdx, rax
    CHECK_VMFAIL_VALID "VMREAD of \name", VMERR_UNSUPPORTED_FIELD
    CHECK "VMREAD of \name leaves the destination", rdx, 0x77
    mov rax, \enc
    vmwrite rax, rdx
    CHECK_VMFAIL_VALID "VMWRITE of \name", VMERR_UNSUPPORTED_FIELD
.endm

test_main:
    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_load
    mov r12, 0x5A
    call write_all
    call check_all
    mov r12, 0xC3
    call write_all
    call check_all
    CHECK "fields checked per pass", [rip+fields_seen], [rip+field_count]

    # Memory operands: VMWRITE reads 64 bits, VMREAD stores 64 bits (zero-extended).
    mov rax, -1
    mov [rip + scratch0], rax
    mov word ptr [rip + scratch0], 0x1234
    mov eax, GUEST_CS_SELECTOR
    vmwrite rax, [rip + scratch0]
    CHECK_VMSUCCEED "VMWRITE from memory"
    mov qword ptr [rip + scratch0 + 8], -1
    vmread [rip + scratch0 + 8], rax
    CHECK_VMSUCCEED "VMREAD to memory"
    CHECK "VMREAD to memory of a 16-bit field stores it zero-extended", [rip+scratch0+8], 0x1234
    mov rbx, NOT_PRESENT_ADDR
    TRY vmread [rbx], rax
    CHECK_FAULT_EC "VMREAD to a not-present operand", VEC_PF, 2
    TRY vmwrite rax, [rbx]
    CHECK_FAULT_EC "VMWRITE from a not-present operand", VEC_PF, 0
    CHECK_FIELD "the faulting VMWRITE changed nothing", GUEST_CS_SELECTOR, 0x1234

    UNSUPPORTED "the high half of a 16-bit field", GUEST_CS_SELECTOR + 1
    UNSUPPORTED "the high half of a 32-bit field", VM_EXIT_REASON + 1
    UNSUPPORTED "the high half of a natural-width field", GUEST_RIP + 1
    UNSUPPORTED "an encoding with bit 12 set", GUEST_RIP | 0x1000
    UNSUPPORTED "an encoding with bit 15 set", GUEST_RIP | 0x8000
    UNSUPPORTED "an encoding with bit 32 set", 0x10000681E
    UNSUPPORTED "an index beyond IA32_VMX_VMCS_ENUM", (VMCS_MAX_INDEX + 1) << 1
    UNSUPPORTED "the largest index", 0x7FFE

    # The highest index any supported encoding uses (probed from the top) is VMCS_ENUM[9:1].
    mov ecx, MSR_VMX_VMCS_ENUM
    call rdmsr64
    CHECK_MASKED "IA32_VMX_VMCS_ENUM reserved bits", rax, ~0x3FE, 0
    shr eax, 1
    and eax, 0x1FF
    CHECK "IA32_VMX_VMCS_ENUM[9:1] = the suite's field table", rax, VMCS_MAX_INDEX
    mov ebx, 511
1:  xor ecx, ecx                            # ecx = width << 13 | type << 10
2:  mov eax, ebx
    shl eax, 1
    or eax, ecx
    vmread rdx, rax
    jnbe 3f                                 # supported
    add ecx, 0x400
    cmp ecx, 0x8000
    jb 2b
    dec ebx
    jns 1b
3:  CHECK "highest index VMREAD accepts = IA32_VMX_VMCS_ENUM[9:1]", rbx, VMCS_MAX_INDEX

    # Without a current VMCS: VMfailInvalid, nothing stored.
    vmclear [rip + vmcs0_ptr]
    mov eax, GUEST_RIP
    mov rdx, 0x99
    vmread rdx, rax
    CHECK_VMFAIL_INVALID "VMREAD without a current VMCS"
    CHECK "VMREAD without a current VMCS leaves the destination", rdx, 0x99
    vmwrite rax, rdx
    CHECK_VMFAIL_INVALID "VMWRITE without a current VMCS"
    ret

# value_of: rax = the test value for encoding rbx and cookie r12, full 64 bits.
value_of:
    lea rax, [rbx + r12]
    mov rdx, 0x9E3779B97F4A7C15
    imul rax, rdx
    ret

# mask_of: rdx = the width mask of encoding rbx.
mask_of:
    mov ecx, ebx
    shr ecx, 13
    and ecx, 3
    lea rdx, [rip + width_masks]
    mov rdx, [rdx + rcx * 8]
    ret

# read_only: CF = the field is read-only for VMWRITE (exit information, IA32_VMX_MISC[29] = 0).
read_only:
    push rax
    mov eax, ebx
    shr eax, 10
    and eax, 3
    cmp eax, 1
    jne 1f
    bt qword ptr [rip + vmx_misc], 29
    cmc
    pop rax
    ret
1:  clc
    pop rax
    ret

write_all:
    lea r13, [rip + field_table]
1:  mov rbx, [r13]
    cmp rbx, -1
    je 9f
    mov rsi, [r13 + 8]
    call read_only
    jc 2f
    call value_of
    vmwrite rbx, rax
    pushfq
    pop rax
    and eax, FL_ARITH
    xor edx, edx
    call check_eq                           # VMsucceed
    jmp 8f
2:  vmread r14, rbx                         # read-only: VMWRITE fails, the value stays
    call value_of
    vmwrite rbx, rax
    pushfq
    pop rax
    and eax, FL_ARITH
    mov edx, FL_ZF
    call check_eq                           # VMfailValid
    mov eax, VM_INSTRUCTION_ERROR
    vmread rax, rax
    mov edx, VMERR_READ_ONLY_FIELD
    call check_eq
    cmp ebx, VM_INSTRUCTION_ERROR
    je 8f
    vmread rax, rbx
    mov rdx, r14
    call check_eq
8:  add r13, 16
    jmp 1b
9:  ret

check_all:
    mov qword ptr [rip + fields_seen], 0
    lea r13, [rip + field_table]
1:  mov rbx, [r13]
    cmp rbx, -1
    je 9f
    inc qword ptr [rip + fields_seen]
    mov rsi, [r13 + 8]
    call read_only
    jc 8f
    mov rax, 0x1111
    vmread rax, rbx
    CHECK_VMSUCCEED "VMREAD of a supported field"
    mov r14, rax
    call value_of
    call mask_of
    and rdx, rax                            # expected: the value truncated to the width
    mov rax, r14
    call check_eq
    mov ecx, ebx
    shr ecx, 13
    and ecx, 3
    cmp ecx, 1                              # a 64-bit field: its high half
    jne 8f
    lea rax, [rbx + 1]
    vmread rax, rax
    CHECK_VMSUCCEED "VMREAD of a high half"
    mov r14, rax
    call value_of
    shr rax, 32
    mov rdx, rax
    mov rax, r14
    call check_eq
8:  add r13, 16
    jmp 1b
9:  ret

.section .rodata
.balign 8
width_masks: .quad 0xFFFF, -1, 0xFFFFFFFF, -1
field_table:
    VMCS_FOREACH_FIELD FIELD_ROW
field_table_end:
    .quad -1
field_count: .quad (field_table_end - field_table) / 16

.section .bss
fields_seen: .quad 0
