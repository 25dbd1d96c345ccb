# invvpid_test: INVVPID in VMX root operation with every type (0 individual address, 1 single context, 2 all contexts, 3 single context retaining globals) and descriptor: VPID 0 (allowed only for type 2), bits 63:16 of the descriptor, a non-canonical linear address (checked for type 0 only), unsupported types and a 64-bit register operand fail with VMfailValid 28, successes give VMsucceed (every arithmetic flag cleared) and leave the VM-instruction error field alone, no current VMCS gives VMfailInvalid; in VMX non-root operation INVVPID exits (53) before its operand is read, with the displacement and the instruction information
#
# SDM Vol. 2 "INVVPID - Invalidate Translations Based on VPID" (operation: type unsupported
# per IA32_VMX_EPT_VPID_CAP -> VMfail; INVVPID_DESC[63:16] != 0 -> VMfail; types 0, 1, 3 with
# VPID 0 -> VMfail; type 0 with a non-canonical linear address -> VMfail), Vol. 3C 31.2
# (VMsucceed/VMfailValid/VMfailInvalid, error 28 "invalid operand to INVEPT/INVVPID"), 29.1
# (VPIDs), 26.1.2 (INVVPID exits unconditionally in non-root operation), 28.2.1 (the
# qualification is the displacement, sign-extended), 28.2.5 Table 28-13 (instruction
# information for INVEPT/INVPCID/INVVPID). IA32_VMX_EPT_VPID_CAP bits 32 and 40-43 report
# INVVPID and its four types.
.include "lib.inc"
SCENARIO invvpid_test

.equ CAP_INVVPID, (1 << 32) | (15 << 40)
.equ ALLFLAGS, FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF
.equ OKAY, 0

# IROW name, type, descriptor qword 0 (VPID in bits 15:0), linear address, expected (OKAY or 28)
.macro IROW name, type, vpid, lin, expected
    .pushsection .rodata.strings
.Lrn\@: .asciz "\name"
    .popsection
    .quad \type, \vpid, \lin, \expected, .Lrn\@
.endm

test_main:
    lea rdi, [rip + g_invvpid]
    call vmx_setup
    mov rax, [rip + vmx_ept_vpid_cap]
    CHECK_MASKED "EPT_VPID_CAP: INVVPID and its types 0-3", rax, CAP_INVVPID, CAP_INVVPID
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_SECONDARY_CONTROLS
    VMCS_SETBITS SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_VPID
    VMCS_SET VIRTUAL_PROCESSOR_ID, 0
    call enter_guest
    CHECK "enable VPID with VPID 0: VMfailValid", rax, VMFAILED
    CHECK_FIELD "... error 7 (invalid control fields)", VM_INSTRUCTION_ERROR, VMERR_ENTRY_BAD_CONTROLS
    VMCS_SET VIRTUAL_PROCESSOR_ID, 1

    lea r12, [rip + rows]
1:  cmp qword ptr [r12 + 32], 0
    je 2f
    mov rax, [r12 + 8]
    mov [rip + desc], rax
    mov rax, [r12 + 16]
    mov [rip + desc + 8], rax
    mov rcx, [r12]
    push ALLFLAGS
    popfq
    invvpid rcx, [rip + desc]
    pushfq
    pop rax
    and eax, ALLFLAGS
    mov rsi, [r12 + 32]
    xor edx, edx
    cmp qword ptr [r12 + 24], OKAY
    je 3f
    mov edx, FL_ZF                          # VMfailValid
3:  call check_eq                           # the flags: VMsucceed or VMfailValid
    cmp qword ptr [r12 + 24], OKAY
    je 4f
    VMCS_READ rax, VM_INSTRUCTION_ERROR
    mov rdx, [r12 + 24]
    call check_eq                           # the error number
4:  add r12, 40
    jmp 1b
2:
    # VMsucceed leaves the VM-instruction error field as it was
    mov eax, 0x7FFFFFFF                     # not a field: error 12
    vmread rdx, rax
    CHECK_VMFAIL_VALID "VMREAD of an unsupported field", VMERR_UNSUPPORTED_FIELD
    mov qword ptr [rip + desc], 1
    mov qword ptr [rip + desc + 8], 0
    mov ecx, 1
    invvpid rcx, [rip + desc]
    CHECK_VMSUCCEED "INVVPID type 1, VPID 1"
    CHECK_FIELD "... the VM-instruction error field still 12", VM_INSTRUCTION_ERROR, VMERR_UNSUPPORTED_FIELD

    # the guest runs with VPID 1 and its INVVPIDs exit
    call enter_guest
    CHECK "the guest with VPID 1 runs to VMCALL", rax, EXIT_REASON_VMCALL
    call skip_guest_insn
    mov qword ptr [rip + guest_regs + GREG_RSI], 0     # the operand is at linear 0, not
    mov qword ptr [rip + guest_regs + GREG_RDI], 2     # mapped: a #PF would abort the run
    mov qword ptr [rip + guest_regs + GREG_RCX], 2
    call enter_guest
    CHECK "INVVPID in the guest: exit 53", rax, EXIT_REASON_INVVPID
    CHECK_FIELD "... guest RIP on the instruction", GUEST_RIP, "offset g_inv1"
    CHECK_FIELD "... instruction length", VM_EXIT_INSTRUCTION_LEN, g_inv2-g_inv1
    CHECK_FIELD "... qualification: the displacement -8, sign-extended", EXIT_QUALIFICATION, -8
    # Table 28-13: scaling 2 (x4), address size 64 (2 << 7), segment FS (4 << 15), index RDI
    # (7 << 18), base RSI (6 << 23), register RCX (1 << 28)
    CHECK_FIELD "... instruction information", VMX_INSTRUCTION_INFO, 2|(2<<7)|(4<<15)|(7<<18)|(6<<23)|(1<<28)
    call skip_guest_insn
    mov qword ptr [rip + guest_regs + GREG_R9], 99
    call enter_guest
    CHECK "INVVPID type 99 in the guest exits too (no type check first)", rax, EXIT_REASON_INVVPID
    CHECK_FIELD "... instruction length", VM_EXIT_INSTRUCTION_LEN, g_inv3-g_inv2
    CHECK_FIELD "... qualification: displacement 0x12345678", EXIT_QUALIFICATION, 0x12345678
    # address size 32 (1 << 7), segment DS (3 << 15), no index (bit 22), base RBX (3 << 23),
    # register R9 (9 << 28)
    CHECK_FIELD "... instruction information", VMX_INSTRUCTION_INFO, (1<<7)|(3<<15)|(1<<22)|(3<<23)|(9<<28)
    call skip_guest_insn
    call enter_guest
    CHECK "the guest goes on after the skipped INVVPIDs", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... to its last VMCALL", GUEST_RIP, "offset g_inv3"

    # no current VMCS: VMfailInvalid for a failing INVVPID, VMsucceed for a good one
    vmclear [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMCLEAR of the current VMCS"
    mov qword ptr [rip + desc], 0
    mov ecx, 4
    push ALLFLAGS
    popfq
    invvpid rcx, [rip + desc]
    CHECK_VMFAIL_INVALID "INVVPID type 4 without a current VMCS"
    mov ecx, 2
    push ALLFLAGS
    popfq
    invvpid rcx, [rip + desc]
    CHECK_VMSUCCEED "INVVPID type 2 without a current VMCS"
    vmptrld [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "VMPTRLD"
    ret

g_invvpid:
    vmcall
g_inv1:
    invvpid rcx, fs:[rsi + rdi * 4 - 8]
g_inv2:
    invvpid r9, [ebx + 0x12345678]
g_inv3:
    vmcall

.section .rodata
.balign 8
rows:
IROW "type 0, VPID 1, address 0x1000", 0, 1, 0x1000, OKAY
IROW "type 0, VPID 0xFFFF, canonical high address", 0, 0xFFFF, 0xFFFF800000000000, OKAY
IROW "type 0, VPID 0", 0, 0, 0x1000, VMERR_INVALID_OPERAND
IROW "type 0, non-canonical address 0x0000800000000000", 0, 1, 0x0000800000000000, VMERR_INVALID_OPERAND
IROW "type 0, non-canonical address 0xFFFF7FFFFFFFF000", 0, 1, 0xFFFF7FFFFFFFF000, VMERR_INVALID_OPERAND
IROW "type 0, VPID 0x10000 (descriptor bit 16)", 0, 0x10000, 0x1000, VMERR_INVALID_OPERAND
IROW "type 0, descriptor bit 63", 0, (1<<63)|1, 0x1000, VMERR_INVALID_OPERAND
IROW "type 1, VPID 1", 1, 1, 0, OKAY
IROW "type 1, VPID 0", 1, 0, 0, VMERR_INVALID_OPERAND
IROW "type 1, non-canonical address (ignored)", 1, 1, 0x8000000000000000, OKAY
IROW "type 1, VPID 0x10001 (descriptor bit 16)", 1, 0x10001, 0, VMERR_INVALID_OPERAND
IROW "type 2, VPID 0 (ignored)", 2, 0, 0, OKAY
IROW "type 2, VPID 5", 2, 5, 0, OKAY
IROW "type 2, non-canonical address (ignored)", 2, 0, 0x0000800000000000, OKAY
IROW "type 2, descriptor bit 32", 2, 1<<32, 0, VMERR_INVALID_OPERAND
IROW "type 3, VPID 1", 3, 1, 0, OKAY
IROW "type 3, VPID 0", 3, 0, 0, VMERR_INVALID_OPERAND
IROW "type 3, non-canonical address (ignored)", 3, 7, 0x0000800000000000, OKAY
IROW "type 3, descriptor bit 31", 3, 0x80000001, 0, VMERR_INVALID_OPERAND
IROW "type 4", 4, 1, 0, VMERR_INVALID_OPERAND
IROW "type 5", 5, 1, 0, VMERR_INVALID_OPERAND
IROW "type 0xFFFFFFFF", 0xFFFFFFFF, 1, 0, VMERR_INVALID_OPERAND
IROW "type 2^32 + 1 (the register is 64 bits)", (1<<32)|1, 1, 0, VMERR_INVALID_OPERAND
IROW "type 2^63 + 2", (1<<63)|2, 1, 0, VMERR_INVALID_OPERAND
    .quad 0, 0, 0, 0, 0

.section .bss
.balign 16
desc: .quad 0, 0
