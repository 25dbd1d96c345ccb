# ept_access_test: guest reads, writes and fetches through an EPT entry with each permission combination (---, r--, -w-, rw-, --x, r-x, -wx, rwx) at every level (PTE, PDE, 2 MiB PDE, PDPTE, 1 GiB PDPTE, PML4E): allowed, EPT violation (48) with the full qualification, guest-linear and guest-physical address, or EPT misconfiguration (49) with the guest-physical address; fixing the entry, INVEPT and VMRESUME completes the access; an EPT violation on the frame of an IRET that ended (virtual-)NMI blocking sets qualification bit 12; a REP MOVSQ stopped by a violation keeps its completed iterations; violations while delivering INT3 / INT n, executed or injected, report IDT-vectoring information, RIP on the instruction and its length, and re-injection completes the delivery; INVEPT types, descriptors and flags in root operation, and the INVEPT exit (50)
#
# SDM Vol. 3C 29.3.2 (EPT entries: present = any of bits 2:0; execute-only when
# IA32_VMX_EPT_VPID_CAP[0]), 29.3.3.1 (misconfiguration: write without read, execute-only
# without support; checked before violations), 29.3.3.2 (violation: not present, or the access
# not allowed by the AND of the permissions of every entry used), 28.2.1 Table 28-7 (the
# qualification: bits 2:0 the access, 5:3 the effective permissions, 7 guest-linear address
# valid, 8 the access was to the translation of the linear address, not to a guest
# paging-structure entry), 29.4.3.1 and Vol. 2 INVEPT (types 1 and 2 per the capability MSR,
# the descriptor's EPTP checked as VM entry would for single-context; otherwise VMfailValid 28).
#
# The guest (ept_common.inc) reaches TEST_GVA -> TEST_GPA (1 GiB + test_page) -> test_page.
# Every row of a table runs once per variant: the row's permission bits replace those of the
# entry of that level (turned into a 2 MiB / 1 GiB page for the large variants), the rest of
# the walk stays RWX, so the effective permissions are the row's.
#
# All guest-physical addresses share PML4E 0 (MAXPHYADDR is 39), so the PML4E rows also govern
# the guest's code and page tables: its first access after the entry is the walk for the fetch
# of its first instruction (a read of g_pml4[0]; the TLB holds nothing after a VM entry without
# VPID, SDM 29.4.3.2), then the fetch itself, then the op.
.include "lib.inc"
.include "ept_common.inc"
SCENARIO ept_access_test

.equ CAP_NEEDED, (1 << 0) | (1 << 6) | (1 << 14) | (1 << 16) | (1 << 17) | (1 << 20) | (1 << 25) | (1 << 26)

test_main:
    lea rdi, [rip + g_op_read]
    call vmx_setup
    mov rax, [rip + test_page + TEST_CODE]
    mov [rip + test_code_copy], rax
    mov rax, [rip + vmx_ept_vpid_cap]
    CHECK_MASKED "EPT_VPID_CAP: execute-only, 4-level, WB, 2 MiB, 1 GiB, INVEPT single/all", rax, CAP_NEEDED, CAP_NEEDED
    call ept_build
    xor edi, edi
    call ept_enable

    lea rdi, [rip + perm_rows]
    lea rsi, [rip + variants]
    mov edx, 5
    call run_rows
    lea rdi, [rip + pml4_rows]
    lea rsi, [rip + variant_pml4e]
    mov edx, 1
    call run_rows

    call iret_unblocking
    call rep_movs
    call event_delivery
    call invept_root
    call invept_exit
    ret

# -- an EPT violation on IRET's pops: qualification bit 12 (NMI unblocking due to IRET) -------
# IRET ends blocking by NMI (virtual-NMI blocking with virtual NMIs) even when it causes an EPT
# violation: the blocking is gone when the exit happens, and bit 12 records that it was in
# effect before the IRET (SDM 28.2.1 Table 28-7 bit 12; 28.1: "any blocking by NMI is cleared
# before the VM exit commences").
.equ IRET_FRAME, 0x100                      # the IRETQ frame at TEST_GVA + 0x100
iret_unblocking:
    lea rax, [rip + g_iret_done]
    mov [rip + test_page + IRET_FRAME], rax
    mov qword ptr [rip + test_page + IRET_FRAME + 8], SEL_CODE64
    mov qword ptr [rip + test_page + IRET_FRAME + 16], 2
    lea rax, [rip + guest_stack_top]
    mov [rip + test_page + IRET_FRAME + 24], rax
    mov qword ptr [rip + test_page + IRET_FRAME + 32], SEL_DATA
    lea r12, [rip + iret_cases]             # {pin controls, interruptibility at entry}
1:  mov rax, [rip + init_pin]
    or rax, [r12]
    VMCS_SET PIN_BASED_VM_EXEC_CONTROL, rax
    mov r13, [r12 + 8]
    mov rdx, [rip + ept_entry_pte]
    and qword ptr [rdx], ~EPT_RWX
    mov edi, INVEPT_SINGLE
    call ept_invept
    VMCS_SET GUEST_RIP, "offset g_iret"
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, r13
    call enter_guest
    CHECK "IRETQ with its frame in a not-present EPT page: EPT violation", rax, EXIT_REASON_EPT_VIOLATION
    CHECK_FIELD "... guest RIP on the IRETQ", GUEST_RIP, "offset g_iret_insn"
    VMCS_READ rax, EXIT_QUALIFICATION
    and rax, Q_DEFINED
    mov rdx, r13                            # bit 12 = the (virtual-)NMI blocking before the
    shl rdx, 9                              # IRET (interruptibility bit 3 -> bit 12)
    or rdx, Q_RD | FIN
    CHECK "... qualification: read, final, bit 12 = the blocking IRET ended", rax, rdx
    CHECK_FIELD "... guest-linear address: the frame", GUEST_LINEAR_ADDRESS, TEST_GVA+IRET_FRAME
    CHECK_FIELD "... guest-physical address", GUEST_PHYSICAL_ADDRESS, "offset test_page+TEST_REGION+IRET_FRAME"
    CHECK_FIELD "... the blocking is gone at the exit", GUEST_INTERRUPTIBILITY_INFO, 0
    mov rdx, [rip + ept_entry_pte]
    or qword ptr [rdx], EPT_RWX
    mov edi, INVEPT_SINGLE
    call ept_invept
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, r13     # the VMM restores the blocking bit 12 reported
    call enter_guest
    CHECK "... fixed and resumed: IRETQ completes, VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... at the frame's RIP", GUEST_RIP, "offset g_iret_done"
    CHECK_FIELD "... the IRET ended the blocking", GUEST_INTERRUPTIBILITY_INFO, 0
    add r12, 16
    cmp r12, offset iret_cases_end
    jb 1b
    VMCS_SET PIN_BASED_VM_EXEC_CONTROL, [rip+init_pin]
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    ret

# -- REP MOVSQ into a read-only page: the iterations before it complete ------------------------
# The destination runs from TEST_GVA - 16 (a page mapped to scratch1) into TEST_GVA: the third
# store causes the violation; RCX/RSI/RDI show two iterations done, RIP stays on the
# instruction (SDM Vol. 2 MOVS/REP: a fault or VM exit between iterations leaves the registers
# updated for the completed ones); resuming after the fix finishes the copy.
rep_movs:
    lea rax, [rip + scratch1 + PG_P + PG_RW + PG_A + PG_D]
    mov [rip + g_pt + 4 * 8], rax           # TEST_GVA - 4 KiB -> scratch1
    mov rdx, [rip + ept_entry_pte]
    and qword ptr [rdx], ~(EPT_W | EPT_X)   # r--
    mov edi, INVEPT_ALL
    call ept_invept
    lea rax, [rip + movs_src]
    mov [rip + guest_regs + GREG_RSI], rax
    mov rax, TEST_GVA - 16
    mov [rip + guest_regs + GREG_RDI], rax
    mov qword ptr [rip + guest_regs + GREG_RCX], 4
    VMCS_SET GUEST_RIP, "offset g_movs"
    call enter_guest
    CHECK "REP MOVSQ across into an r-- page: EPT violation", rax, EXIT_REASON_EPT_VIOLATION
    CHECK_FIELD "... guest RIP on the REP MOVSQ", GUEST_RIP, "offset g_movs"
    VMCS_READ rax, EXIT_QUALIFICATION
    CHECK_MASKED "... qualification: a write, r--, final", rax, Q_DEFINED, Q_WR|Q_PR|FIN
    CHECK_FIELD "... guest-linear address: the third store", GUEST_LINEAR_ADDRESS, TEST_GVA
    CHECK_FIELD "... guest-physical address", GUEST_PHYSICAL_ADDRESS, "offset test_page+TEST_REGION"
    CHECK "... RCX: two iterations left", [rip+guest_regs+GREG_RCX], 2
    CHECK "... RDI advanced by two", [rip+guest_regs+GREG_RDI], TEST_GVA
    CHECK "... RSI advanced by two", [rip+guest_regs+GREG_RSI], "offset movs_src+16"
    CHECK "... the first two stores done", [rip+scratch1+0xFF8], [rip+movs_src+8]
    mov rdx, [rip + ept_entry_pte]
    or qword ptr [rdx], EPT_RWX
    mov edi, INVEPT_SINGLE
    call ept_invept
    call enter_guest
    CHECK "... fixed and resumed: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... RCX 0", [rip+guest_regs+GREG_RCX], 0
    CHECK "... the last store landed", [rip+test_page+8], [rip+movs_src+24]
    mov rax, MAGIC1                         # test_page as ept_common built it
    mov [rip + test_page], rax
    mov rax, [rip + test_code_copy]
    mov [rip + test_page + TEST_CODE], rax
    ret

# -- EPT violations while delivering an event: IDT-vectoring information ----------------------
# INT3 / INT n in the guest (exception bitmap 0) read the IDT through EPT; with the IDT's page
# not present the delivery exits: the violation is for the IDT entry (a linear access: bits 7
# and 8 set), the IDT-vectoring information names the event being delivered, and for a
# software interrupt or exception, executed or injected, RIP stays on the instruction (the
# injected event's guest RIP) and the VM-exit instruction length is the instruction's (the
# VM-entry instruction length) (SDM 28.2.4, 28.2.5, 28.3.3, 27.6.1.1: "if the encountered
# exception does cause a VM exit that saves RIP, the saved RIP is current guest RIP"). The VMM
# re-injects the event from those fields once the entry is fixed: the guest's handler sees the
# return address after the INT3.
event_delivery:
    lea rax, [rip + idt]
    shr rax, 12
    lea rdx, [rip + ept_pt0]
    lea r12, [rdx + rax * 8]
    lea r13, [rip + deliver_cases]
1:  and qword ptr [r12], ~EPT_RWX
    mov edi, INVEPT_SINGLE
    call ept_invept
    mov qword ptr [rip + fault_vector], NO_FAULT
    lea rax, [rip + g_int3_fix]
    mov [rip + fault_fixup], rax
    VMCS_SET GUEST_RIP, [r13]
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, [r13+8]
    VMCS_SET VM_ENTRY_INSTRUCTION_LEN, [r13+16]
    mov rsi, [r13 + 40]
    mov r14, rsi
    call enter_guest
    mov edx, EXIT_REASON_EPT_VIOLATION
    lea rsi, [r14 + 0]
    call name_check                         # "<case>: EPT violation"
    VMCS_READ rax, GUEST_RIP
    mov rdx, [r13]
    call name_check
    VMCS_READ rax, EXIT_QUALIFICATION
    and rax, Q_DEFINED & ~(1 << 12)         # bit 12 undefined with IDT-vectoring valid
    mov edx, Q_RD | FIN
    call name_check
    VMCS_READ rax, GUEST_LINEAR_ADDRESS
    lea rdx, [rip + idt]
    add rdx, [r13 + 32]
    call name_check
    VMCS_READ rax, GUEST_PHYSICAL_ADDRESS
    call name_check
    VMCS_READ rax, IDT_VECTORING_INFO_FIELD
    mov rdx, [r13 + 24]
    call name_check
    cmp qword ptr [r13 + 48], -1            # undefined for a hardware exception
    je 3f
    VMCS_READ rax, VM_EXIT_INSTRUCTION_LEN
    mov rdx, [r13 + 48]
    call name_check
3:  or qword ptr [r12], EPT_RWX
    mov edi, INVEPT_SINGLE
    call ept_invept
    cmp qword ptr [r13 + 56], 0
    je 2f
    # re-inject the event as a VMM would: the IDT-vectoring information and instruction length
    VMCS_READ rax, IDT_VECTORING_INFO_FIELD
    VMCS_SET VM_ENTRY_INTR_INFO_FIELD, rax
    VMCS_READ rax, VM_EXIT_INSTRUCTION_LEN
    VMCS_SET VM_ENTRY_INSTRUCTION_LEN, rax
    call enter_guest
    CHECK "... re-injected: the guest's #BP handler ran, then VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... #BP", [rip+fault_vector], VEC_BP
    CHECK "... the return address pushed: after the INT3", [rip+fault_rip], "offset g_int3_fix"
2:  add r13, 64
    cmp r13, offset deliver_cases_end
    jb 1b
    # A fault during the delivery that the guest handles: INT 0x20 beyond the IDT limit is
    # #GP(0x20 * 8 + 2), delivered in the guest with the INT's own address (SDM 6.12.1, 6.13)
    VMCS_SET GUEST_IDTR_LIMIT, 0x20*16-1
    mov qword ptr [rip + fault_vector], NO_FAULT
    lea rax, [rip + g_int20_fix]
    mov [rip + fault_fixup], rax
    VMCS_SET GUEST_RIP, "offset g_int20"
    call enter_guest
    CHECK "INT 0x20 beyond the guest's IDT limit: #GP handled in the guest, VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... #GP", [rip+fault_vector], VEC_GP
    CHECK "... error code: IDT entry 0x20", [rip+fault_error], 0x20*8+2
    CHECK "... the return address pushed: the INT 0x20", [rip+fault_rip], "offset g_int20"
    VMCS_SET GUEST_IDTR_LIMIT, 256*16-1
    mov qword ptr [rip + fault_fixup], 0
    mov qword ptr [rip + fault_vector], NO_FAULT
    ret

# name_check(rax = actual, rdx = expected, rsi = "<case>" then each field name in turn): the
# names follow each other in deliver_names; rsi moves to the next one
name_check:
    call check_eq
1:  cmp byte ptr [rsi], 0
    lea rsi, [rsi + 1]
    jne 1b
    ret

g_int3:
    int3
g_int3_fix:
    mov qword ptr [rip + fault_fixup], 0
    vmcall
g_int20:
    int 0x20
g_int20_fix:
    mov qword ptr [rip + fault_fixup], 0
    vmcall

g_movs:
    rep movsq
    vmcall
g_iret:
    mov rsp, TEST_GVA + IRET_FRAME
g_iret_insn:
    iretq
g_iret_done:
    vmcall

# -- INVEPT in VMX root operation ----------------------------------------------------------------
.macro INVEPT_TRY type, eptp
    mov rcx, \type
    mov rax, \eptp
    mov [rip + desc], rax
    mov qword ptr [rip + desc + 8], 0
    push 0x8D5                              # every arithmetic flag set before
    popfq
    invept rcx, [rip + desc]
.endm

invept_root:
    mov r12, [rip + ept_eptp]
    INVEPT_TRY INVEPT_SINGLE, r12
    CHECK_VMSUCCEED "INVEPT single-context, the current EPTP"
    INVEPT_TRY INVEPT_ALL, r12
    CHECK_VMSUCCEED "INVEPT all-context"
    INVEPT_TRY INVEPT_ALL, -1
    CHECK_VMSUCCEED "INVEPT all-context ignores the descriptor"
    lea rax, [rip + scratch0 + EPTP_WB_4LEVEL]
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMSUCCEED "INVEPT single-context, a valid EPTP that is not in use"
    mov rax, r12
    or rax, EPTP_AD
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMSUCCEED "INVEPT single-context, EPTP with A/D flags (supported)"
    INVEPT_TRY 0, r12
    CHECK_VMFAIL_VALID "INVEPT type 0 (not a type)", VMERR_INVALID_OPERAND
    INVEPT_TRY 3, r12
    CHECK_VMFAIL_VALID "INVEPT type 3 (not a type)", VMERR_INVALID_OPERAND
    mov rax, (1 << 32) | INVEPT_SINGLE
    INVEPT_TRY rax, r12
    CHECK_VMFAIL_VALID "INVEPT type 2^32 + 1 (the whole register is the type)", VMERR_INVALID_OPERAND
    lea rax, [rip + ept_pml4 + 1 + (3 << 3)]
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMFAIL_VALID "INVEPT single-context, EPTP memory type 1", VMERR_INVALID_OPERAND
    lea rax, [rip + ept_pml4 + 6 + (4 << 3)]
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMFAIL_VALID "INVEPT single-context, EPTP 5-level walk (not supported)", VMERR_INVALID_OPERAND
    lea rax, [rip + ept_pml4 + 6 + (1 << 3)]
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMFAIL_VALID "INVEPT single-context, EPTP 2-level walk", VMERR_INVALID_OPERAND
    mov rax, r12
    or rax, 1 << 7
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMFAIL_VALID "INVEPT single-context, EPTP reserved bit 7", VMERR_INVALID_OPERAND
    mov rax, r12
    or rax, 1 << 11
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMFAIL_VALID "INVEPT single-context, EPTP reserved bit 11", VMERR_INVALID_OPERAND
    mov rax, 1
    mov rcx, [rip + maxphyaddr]
    shl rax, cl
    or rax, r12
    INVEPT_TRY INVEPT_SINGLE, rax
    CHECK_VMFAIL_VALID "INVEPT single-context, EPTP bit MAXPHYADDR", VMERR_INVALID_OPERAND
    # a failed INVEPT leaves the VMCS alone: the guest still runs through the same EPT
    VMCS_SET GUEST_RIP, "offset g_op_read"
    call enter_guest
    CHECK "after the failed INVEPTs the guest still runs", rax, EXIT_REASON_VMCALL
    CHECK "... and reads test_page through TEST_GPA", [rip+guest_regs+GREG_RAX], MAGIC1
    ret

# -- INVEPT in VMX non-root operation: exit 50 -------------------------------------------------
invept_exit:
    VMCS_SET GUEST_RIP, "offset g_invept"
    lea rax, [rip + desc - 0x18]
    mov [rip + guest_regs + GREG_RBX], rax
    call enter_guest
    CHECK "INVEPT in the guest: exit 50", rax, EXIT_REASON_INVEPT
    CHECK_FIELD "... guest RIP on the INVEPT", GUEST_RIP, "offset g_invept"
    CHECK_FIELD "... instruction length", VM_EXIT_INSTRUCTION_LEN, g_invept_end-g_invept
    CHECK_FIELD "... qualification: the displacement", EXIT_QUALIFICATION, 0x18
    # Table 28-13: address size 64 (2 << 7), segment DS (3 << 15), no index (bit 22), base RBX
    # (3 << 23), register operand RDX (2 << 28)
    CHECK_FIELD "... instruction information", VMX_INSTRUCTION_INFO, (2<<7)|(3<<15)|(1<<22)|(3<<23)|(2<<28)
    ret

g_invept:
    invept rdx, [rbx + 0x18]
g_invept_end:
    vmcall

# -- the tables ----------------------------------------------------------------------------------
.section .rodata
.balign 8
iret_cases:
    .quad PIN_NMI_EXITING|PIN_VIRTUAL_NMIS, 8     # virtual-NMI blocking
    .quad PIN_NMI_EXITING|PIN_VIRTUAL_NMIS, 0     # none
    .quad 0, 8                                    # blocking by NMI (no NMI exiting)
    .quad 0, 0
iret_cases_end:
# {guest RIP, VM-entry interruption information, VM-entry instruction length, expected
#  IDT-vectoring information, IDT offset of the entry, names, expected instruction length,
#  re-inject after the fix}
deliver_cases:
    .quad g_int3, 0, 0, 0x80000603, 3 * 16, names_int3, 1, 1
    .quad g_int20, 0, 0, 0x80000420, 0x20 * 16, names_int20, 2, 0
    .quad g_int3, 0x80000603, 1, 0x80000603, 3 * 16, names_inj3, 1, 1
    .quad g_int3, 0x80000420, 2, 0x80000420, 0x20 * 16, names_inj20, 2, 0
    .quad g_int3, 0x80000B0D, 0, 0x80000B0D, 13 * 16, names_injgp, -1, 0
deliver_cases_end:
.macro DNAMES label, what
\label:
    .asciz "\what with the IDT's page not present in EPT: EPT violation"
    .asciz "\what: guest RIP on the instruction / the injection point"
    .asciz "\what: qualification: a read of a linear address"
    .asciz "\what: guest-linear address: the IDT entry"
    .asciz "\what: guest-physical address: the IDT entry"
    .asciz "\what: IDT-vectoring information"
    .asciz "\what: VM-exit instruction length"
.endm
DNAMES names_int3, "INT3 in the guest"
DNAMES names_int20, "INT 0x20 in the guest"
DNAMES names_inj3, "injected #BP (software exception, length 1)"
DNAMES names_inj20, "injected INT 0x20 (software interrupt, length 2)"
DNAMES names_injgp, "injected #GP(0) (hardware exception)"
movs_src: .quad 0x0101010101010101, 0x0202020202020202, 0x0303030303030303, 0x0404040404040404

.balign 8
perm_rows:
ROW "--- read", EPT_RWX, 0, OP_READ, VIOL, Q_RD|FIN
ROW "--- write", EPT_RWX, 0, OP_WRITE, VIOL, Q_WR|FIN
ROW "--- fetch", EPT_RWX, 0, OP_EXEC, VIOL, Q_FETCH|FIN
ROW "r-- read", EPT_RWX, EPT_R, OP_READ, OK
ROW "r-- write", EPT_RWX, EPT_R, OP_WRITE, VIOL, Q_WR|Q_PR|FIN
ROW "r-- fetch", EPT_RWX, EPT_R, OP_EXEC, VIOL, Q_FETCH|Q_PR|FIN
ROW "-w- read (write without read)", EPT_RWX, EPT_W, OP_READ, MISCONF
ROW "-w- write", EPT_RWX, EPT_W, OP_WRITE, MISCONF
ROW "-w- fetch", EPT_RWX, EPT_W, OP_EXEC, MISCONF
ROW "rw- read", EPT_RWX, EPT_R|EPT_W, OP_READ, OK
ROW "rw- write", EPT_RWX, EPT_R|EPT_W, OP_WRITE, OK
ROW "rw- fetch", EPT_RWX, EPT_R|EPT_W, OP_EXEC, VIOL, Q_FETCH|Q_PR|Q_PW|FIN
ROW "--x read (execute-only)", EPT_RWX, EPT_X, OP_READ, VIOL, Q_RD|Q_PX|FIN
ROW "--x write", EPT_RWX, EPT_X, OP_WRITE, VIOL, Q_WR|Q_PX|FIN
ROW "--x fetch", EPT_RWX, EPT_X, OP_EXEC, OK
ROW "r-x read", EPT_RWX, EPT_R|EPT_X, OP_READ, OK
ROW "r-x write", EPT_RWX, EPT_R|EPT_X, OP_WRITE, VIOL, Q_WR|Q_PR|Q_PX|FIN
ROW "r-x fetch", EPT_RWX, EPT_R|EPT_X, OP_EXEC, OK
ROW "-wx read", EPT_RWX, EPT_W|EPT_X, OP_READ, MISCONF
ROW "-wx write", EPT_RWX, EPT_W|EPT_X, OP_WRITE, MISCONF
ROW "-wx fetch", EPT_RWX, EPT_W|EPT_X, OP_EXEC, MISCONF
ROW "rwx read", EPT_RWX, EPT_RWX, OP_READ, OK
ROW "rwx write", EPT_RWX, EPT_RWX, OP_WRITE, OK
ROW "rwx fetch", EPT_RWX, EPT_RWX, OP_EXEC, OK
ENDROWS

pml4_rows:
ROW "--- (the walk for the first fetch reads g_pml4)", EPT_RWX, 0, OP_READ, VIOL, Q_RD|Q_GLA, AT_PML4
ROW "--- write op", EPT_RWX, 0, OP_WRITE, VIOL, Q_RD|Q_GLA, AT_PML4
ROW "r-- (the first fetch)", EPT_RWX, EPT_R, OP_READ, VIOL, Q_FETCH|Q_PR|FIN, AT_RIP
ROW "r-- fetch op", EPT_RWX, EPT_R, OP_EXEC, VIOL, Q_FETCH|Q_PR|FIN, AT_RIP
ROW "-w- (misconfigured on the walk)", EPT_RWX, EPT_W, OP_READ, MISCONF, 0, AT_PML4
ROW "rw- (the first fetch)", EPT_RWX, EPT_R|EPT_W, OP_WRITE, VIOL, Q_FETCH|Q_PR|Q_PW|FIN, AT_RIP
ROW "--x (the walk reads g_pml4)", EPT_RWX, EPT_X, OP_EXEC, VIOL, Q_RD|Q_PX|Q_GLA, AT_PML4
ROW "r-x read", EPT_RWX, EPT_R|EPT_X, OP_READ, OK
ROW "r-x write", EPT_RWX, EPT_R|EPT_X, OP_WRITE, VIOL, Q_WR|Q_PR|Q_PX|FIN
ROW "r-x fetch", EPT_RWX, EPT_R|EPT_X, OP_EXEC, OK
ROW "-wx (misconfigured on the walk)", EPT_RWX, EPT_W|EPT_X, OP_EXEC, MISCONF, 0, AT_PML4
ROW "rwx read", EPT_RWX, EPT_RWX, OP_READ, OK
ROW "rwx write", EPT_RWX, EPT_RWX, OP_WRITE, OK
ROW "rwx fetch", EPT_RWX, EPT_RWX, OP_EXEC, OK
ENDROWS

.section .bss
.balign 16
desc: .quad 0, 0
test_code_copy: .quad 0
