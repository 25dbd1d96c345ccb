# vmx_controls_test: the VM-entry checks on the control fields (SDM Vol. 3C 27.2.1; digest 6.1-6.3) as table rows on top of a valid VMCS: every control bit the capability MSRs fix (TRUE MSRs), the features this model does not offer, CR3-target count, I/O- and MSR-bitmap and MSR-area addresses, NMI exiting / virtual NMIs / NMI-window, VPID, the EPT pointer, unrestricted guest, the preemption-timer controls and the event-injection fields; a failing check is VMfailValid 7, a passing one enters the guest.
.include "lib.inc"
.include "entry_rows.inc"
SCENARIO vmx_controls_test

test_main:
    lea rdi, [rip + rows_guest]
    call vmx_setup
    call rows_setup
    call premises
    lea rdi, [rip + table]
    call run_rows
    call gen_reserved_rows
    lea rdi, [rip + gen_table]
    call run_rows
    ret

# The expectations of the table assume this model's feature set; check it first.
premises:
    mov rax, [rip + vmx_basic]
    CHECK_MASKED "premise: TRUE control MSRs (IA32_VMX_BASIC[55])", rax, 1<<55, 1<<55
    CHECK_MASKED "premise: error-code consistency is checked (IA32_VMX_BASIC[56] = 0)", rax, 1<<56, 0
    mov rax, [rip + vmx_misc]
    CHECK_MASKED "premise: 4 CR3-target values (IA32_VMX_MISC[24:16])", rax, 0x1FF<<16, 4<<16
    CHECK_MASKED "premise: instruction length 0 not allowed (IA32_VMX_MISC[30] = 0)", rax, 1<<30, 0
    mov rax, [rip + vmx_pin_ctls]
    CHECK_MASKED "premise: posted interrupts not offered", rax, PIN_PROCESS_POSTED_INTERRUPTS<<32, 0
    mov rax, [rip + vmx_proc_ctls]
    mov rdx, (PROC_USE_TPR_SHADOW|PROC_ACTIVATE_TERTIARY_CONTROLS)<<32
    CHECK_MASKED "premise: TPR shadow and tertiary controls not offered", rax, rdx, 0
    mov rdx, (PROC_MONITOR_TRAP_FLAG|PROC_NMI_WINDOW_EXITING|PROC_ACTIVATE_SECONDARY_CONTROLS)<<32
    CHECK_MASKED "premise: MTF, NMI-window exiting and secondary controls offered", rax, rdx, rdx
    mov rax, [rip + vmx_proc2_ctls]
    mov rdx, (PROC2_VIRTUALIZE_APIC_ACCESSES|PROC2_VIRTUALIZE_X2APIC_MODE|PROC2_APIC_REGISTER_VIRTUALIZATION|PROC2_VIRTUAL_INTERRUPT_DELIVERY|PROC2_ENABLE_VM_FUNCTIONS|PROC2_VMCS_SHADOWING|PROC2_ENABLE_PML)<<32
    CHECK_MASKED "premise: APIC virtualization, VM functions, VMCS shadowing, PML not offered", rax, rdx, 0
    mov rdx, (PROC2_ENABLE_EPT|PROC2_ENABLE_VPID|PROC2_UNRESTRICTED_GUEST)<<32
    CHECK_MASKED "premise: EPT, VPID and unrestricted guest offered", rax, rdx, rdx
    mov rax, [rip + vmx_entry_ctls]
    mov rdx, (ENTRYCTL_ENTRY_TO_SMM|ENTRYCTL_DEACTIVATE_DUAL_MONITOR_TREATMENT)<<32
    CHECK_MASKED "premise: entry to SMM / dual-monitor deactivation not offered", rax, rdx, 0
    mov rax, [rip + vmx_pin_ctls]
    mov rdx, (PIN_NMI_EXITING|PIN_VIRTUAL_NMIS|PIN_ACTIVATE_VMX_PREEMPTION_TIMER)<<32
    CHECK_MASKED "premise: NMI exiting, virtual NMIs, preemption timer offered", rax, rdx, rdx
    mov rax, [rip + vmx_ept_vpid_cap]
    mov rdx, (1<<6)|(1<<8)|(1<<14)|(1<<21)|(1<<7)
    CHECK_MASKED "premise: EPT 4-level walk, UC, WB, A/D flags; no 5-level walk", rax, rdx, (1<<6)|(1<<8)|(1<<14)|(1<<21)
    ret

# -- rows generated from the capability MSRs ------------------------------------------------
# For every bit of the pin-based, primary, secondary, VM-exit and VM-entry controls that the
# (TRUE) capability MSR fixes: a row flipping it, expecting error 7.
gen_reserved_rows:
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    lea rdi, [rip + gen_table]
    lea rax, [rip + gen_names]
    mov [rip + gen_name_ptr], rax
    mov ecx, PIN_BASED_VM_EXEC_CONTROL
    mov rdx, [rip + vmx_pin_ctls]
    lea rsi, [rip + s_pin]
    xor r8d, r8d
    call gen_field_rows
    mov ecx, CPU_BASED_VM_EXEC_CONTROL
    mov rdx, [rip + vmx_proc_ctls]
    lea rsi, [rip + s_proc]
    call gen_field_rows
    mov ecx, SECONDARY_VM_EXEC_CONTROL
    mov rdx, [rip + vmx_proc2_ctls]
    lea rsi, [rip + s_proc2]
    mov r8d, 1                              # with "activate secondary controls"
    call gen_field_rows
    xor r8d, r8d
    mov ecx, VM_EXIT_CONTROLS
    mov rdx, [rip + vmx_exit_ctls]
    lea rsi, [rip + s_exit]
    call gen_field_rows
    mov ecx, VM_ENTRY_CONTROLS
    mov rdx, [rip + vmx_entry_ctls]
    lea rsi, [rip + s_entry]
    call gen_field_rows
    mov qword ptr [rdi], 0                  # ENDTABLE
    mov rax, rdi
    lea rdx, [rip + gen_table]
    sub rax, rdx
    CHECK_MASKED "generated rows fit their buffer", rax, ~0x7FFF, 0
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
    ret

# gen_field_rows(rdi = out, ecx = field, rdx = capability (allowed-1 << 32 | allowed-0),
# rsi = name prefix, r8d = 1 to activate the secondary controls) -> rdi advanced
gen_field_rows:
    push rax
    push rbx
    push r9
    push r10
    xor ebx, ebx                            # bit number
1:  bt edx, ebx
    jc 2f                                   # allowed-0 = 1: must be 1, clear it
    mov r9, rdx
    shr r9, 32
    bt r9d, ebx
    jc 4f                                   # may be either: no row
    mov r10d, OP_OR                         # allowed-1 = 0: must be 0, set it
    lea rax, [rip + s_must0]
    jmp 3f
2:  mov r10d, OP_CLR
    lea rax, [rip + s_must1]
3:  call gen_name                           # row header: name, expected outcome, mark
    mov qword ptr [rdi + 8], EXP_ERR7
    mov qword ptr [rdi + 16], MARK_AUTO
    add rdi, 24
    test r8d, r8d
    jz 5f
    mov dword ptr [rdi], CPU_BASED_VM_EXEC_CONTROL
    mov dword ptr [rdi + 4], OP_OR
    mov dword ptr [rdi + 8], PROC_ACTIVATE_SECONDARY_CONTROLS
    mov dword ptr [rdi + 12], 0
    add rdi, 16
5:  mov [rdi], ecx
    mov [rdi + 4], r10d
    xor eax, eax
    bts rax, rbx
    mov [rdi + 8], rax
    mov qword ptr [rdi + 16], -1            # ENDROW
    mov qword ptr [rdi + 24], 0
    add rdi, 32
4:  inc ebx
    cmp ebx, 32
    jb 1b
    pop r10
    pop r9
    pop rbx
    pop rax
    ret

# gen_name(rdi = row, rsi = prefix, rax = suffix, ebx = bit): the row's name pointer := a new
# string "<prefix>: bit NN<suffix>"
gen_name:
    push rax
    push rcx
    push rdx
    push rsi
    push r11
    mov r11, [rip + gen_name_ptr]
    mov [rdi], r11
    call gen_append
    lea rsi, [rip + s_bit]
    call gen_append
    mov eax, ebx                            # two decimal digits
    mov cl, 10
    div cl
    add ax, 0x3030
    mov [r11], ax
    add r11, 2
    mov rsi, [rsp + 32]                     # the suffix
    call gen_append
    mov byte ptr [r11], 0
    inc r11
    mov [rip + gen_name_ptr], r11
    pop r11
    pop rsi
    pop rdx
    pop rcx
    pop rax
    ret

# gen_append: copy the string at rsi (without its NUL) to r11, advancing r11
gen_append:
    push rax
1:  mov al, [rsi]
    test al, al
    jz 2f
    mov [r11], al
    inc r11
    inc rsi
    jmp 1b
2:  pop rax
    ret

# -- the table --------------------------------------------------------------------------------
.section .rodata
s_pin: .asciz "pin-based controls"
s_proc: .asciz "primary processor-based controls"
s_proc2: .asciz "secondary processor-based controls"
s_exit: .asciz "VM-exit controls"
s_entry: .asciz "VM-entry controls"
s_bit: .asciz ": bit "
s_must1: .asciz " cleared (allowed-0 says 1)"
s_must0: .asciz " set (allowed-1 says 0)"

.balign 8
table:
ROW "the valid VMCS enters the guest", EXP_OK
ENDROW
ROW "CR3-load/store exiting clear (the TRUE MSR allows it)", EXP_OK
    WCLR CPU_BASED_VM_EXEC_CONTROL, PROC_CR3_LOAD_EXITING|PROC_CR3_STORE_EXITING
ENDROW
ROW "CR3-load/store exiting set", EXP_OK
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_CR3_LOAD_EXITING|PROC_CR3_STORE_EXITING
ENDROW

# Features this model does not offer (their allowed-1 bits are 0).
ROW "process posted interrupts (not offered)", EXP_ERR7
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_PROCESS_POSTED_INTERRUPTS|PIN_EXTERNAL_INTERRUPT_EXITING
ENDROW
ROW "use TPR shadow (not offered)", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_TPR_SHADOW
ENDROW
ROW "activate tertiary controls (not offered)", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_TERTIARY_CONTROLS
ENDROW
.irp bit, PROC2_VIRTUALIZE_APIC_ACCESSES, PROC2_VIRTUALIZE_X2APIC_MODE, PROC2_APIC_REGISTER_VIRTUALIZATION, PROC2_VIRTUAL_INTERRUPT_DELIVERY, PROC2_ENABLE_VM_FUNCTIONS, PROC2_VMCS_SHADOWING, PROC2_ENABLE_PML
ROW "secondary control \bit (not offered)", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_SECONDARY_CONTROLS
    WOR SECONDARY_VM_EXEC_CONTROL, \bit
ENDROW
.endr
ROW "virtualize APIC accesses with EPT (not offered)", EXP_ERR7
    EPT_ON
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_VIRTUALIZE_APIC_ACCESSES
ENDROW
ROW "entry to SMM outside SMM", EXP_ERR7
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_ENTRY_TO_SMM
ENDROW
ROW "deactivate dual-monitor treatment outside SMM", EXP_ERR7
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_DEACTIVATE_DUAL_MONITOR_TREATMENT
ENDROW
ROW "secondary controls are ignored without activate secondary controls", EXP_OK
    WSET SECONDARY_VM_EXEC_CONTROL, 0xFFFFFFFF
    WSET EPT_POINTER, 0
    WSET VIRTUAL_PROCESSOR_ID, 0
ENDROW

# CR3-target count (SDM 27.2.1.1: at most IA32_VMX_MISC[24:16] = 4)
.irp n, 1, 2, 3, 4
ROW "CR3-target count \n", EXP_OK
    WSET CR3_TARGET_COUNT, \n
ENDROW
.endr
ROW "CR3-target count 5", EXP_ERR7
    WSET CR3_TARGET_COUNT, 5
ENDROW
ROW "CR3-target count 0x80000000", EXP_ERR7
    WSET CR3_TARGET_COUNT, 0x80000000
ENDROW

# I/O bitmaps: 4 KiB aligned, within MAXPHYADDR (only with use I/O bitmaps)
ROW "I/O bitmaps A and B aligned", EXP_OK
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_IO_BITMAPS
    WSET IO_BITMAP_A, io_bitmap_a
    WSET IO_BITMAP_B, io_bitmap_b
ENDROW
.irp off, 1, 0x10, 0x800
ROW "I/O bitmap A + \off", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_IO_BITMAPS
    WSET IO_BITMAP_A, io_bitmap_a+\off
    WSET IO_BITMAP_B, io_bitmap_b
ENDROW
ROW "I/O bitmap B + \off", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_IO_BITMAPS
    WSET IO_BITMAP_A, io_bitmap_a
    WSET IO_BITMAP_B, io_bitmap_b+\off
ENDROW
.endr
ROW "I/O bitmap A beyond MAXPHYADDR", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_IO_BITMAPS
    WBEYOND IO_BITMAP_A, io_bitmap_a
    WSET IO_BITMAP_B, io_bitmap_b
ENDROW
ROW "I/O bitmap B beyond MAXPHYADDR", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_IO_BITMAPS
    WSET IO_BITMAP_A, io_bitmap_a
    WBEYOND IO_BITMAP_B, io_bitmap_b
ENDROW
ROW "I/O bitmap A with bit 63", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_IO_BITMAPS
    WSET IO_BITMAP_A, io_bitmap_a+(1<<63)
    WSET IO_BITMAP_B, io_bitmap_b
ENDROW
ROW "bad I/O bitmap addresses without use I/O bitmaps", EXP_OK
    WSET IO_BITMAP_A, io_bitmap_a+1
    WSET IO_BITMAP_B, -1
ENDROW

# MSR bitmap
ROW "MSR bitmap aligned", EXP_OK
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    WSET MSR_BITMAP, msr_bitmap
ENDROW
.irp off, 1, 8, 0x800
ROW "MSR bitmap + \off", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    WSET MSR_BITMAP, msr_bitmap+\off
ENDROW
.endr
ROW "MSR bitmap beyond MAXPHYADDR", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    WBEYOND MSR_BITMAP, msr_bitmap
ENDROW
ROW "bad MSR bitmap address without use MSR bitmaps", EXP_OK
    WSET MSR_BITMAP, msr_bitmap+8
ENDROW

# NMI exiting, virtual NMIs, NMI-window exiting
ROW "NMI exiting", EXP_OK
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING
ENDROW
ROW "NMI exiting and virtual NMIs", EXP_OK
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING|PIN_VIRTUAL_NMIS
ENDROW
ROW "virtual NMIs without NMI exiting", EXP_ERR7
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_VIRTUAL_NMIS
ENDROW
ROW "NMI-window exiting without virtual NMIs", EXP_ERR7
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_NMI_WINDOW_EXITING
ENDROW
ROW "NMI-window exiting alone", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_NMI_WINDOW_EXITING
ENDROW
ROW "NMI-window exiting with virtual NMIs: NMI-window exit at once", OUT_EXIT|EXIT_REASON_NMI_WINDOW
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING|PIN_VIRTUAL_NMIS
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_NMI_WINDOW_EXITING
ENDROW

# VPID
ROW "enable VPID with VPID 0", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_SECONDARY_CONTROLS
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_VPID
    WSET VIRTUAL_PROCESSOR_ID, 0
ENDROW
ROW "enable VPID with VPID 1", EXP_OK
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_SECONDARY_CONTROLS
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_VPID
    WSET VIRTUAL_PROCESSOR_ID, 1
ENDROW
ROW "enable VPID with VPID 0xFFFF", EXP_OK
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_SECONDARY_CONTROLS
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_VPID
    WSET VIRTUAL_PROCESSOR_ID, 0xFFFF
ENDROW

# The EPT pointer (SDM 27.2.1.1, 25.6.11)
ROW "EPT: WB, 4-level walk", EXP_OK
    EPT_ON
ENDROW
ROW "EPT: UC paging structures", EXP_OK
    EPT_ON
    WSET EPT_POINTER, rows_ept_pml4+0x18
ENDROW
.irp mt, 1, 2, 3, 4, 5, 7
ROW "EPT: memory type \mt", EXP_ERR7
    EPT_ON
    WSET EPT_POINTER, rows_ept_pml4+0x18+\mt
ENDROW
.endr
.irp len, 0, 1, 2, 4, 5, 6, 7
ROW "EPT: page-walk length \len + 1", EXP_ERR7
    EPT_ON
    WSET EPT_POINTER, rows_ept_pml4+6+(\len<<3)
ENDROW
.endr
ROW "EPT: accessed and dirty flags (bit 6)", EXP_OK
    EPT_ON
    WSET EPT_POINTER, rows_ept_pml4+ROWS_EPT_FLAGS+0x40
ENDROW
.irp bit, 7, 8, 9, 10, 11
ROW "EPT: reserved bit \bit", EXP_ERR7
    EPT_ON
    WSET EPT_POINTER, rows_ept_pml4+ROWS_EPT_FLAGS+(1<<\bit)
ENDROW
.endr
ROW "EPT: PML4 address beyond MAXPHYADDR", EXP_ERR7
    EPT_ON
    WBEYOND EPT_POINTER, rows_ept_pml4+ROWS_EPT_FLAGS
ENDROW
ROW "EPT: bit 63", EXP_ERR7
    EPT_ON
    WSET EPT_POINTER, rows_ept_pml4+ROWS_EPT_FLAGS+(1<<63)
ENDROW

# Unrestricted guest needs EPT
ROW "unrestricted guest without EPT", EXP_ERR7
    WOR CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_SECONDARY_CONTROLS
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST
ENDROW
ROW "unrestricted guest with EPT", EXP_OK
    EPT_ON
    WOR SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST
ENDROW
ROW "unrestricted real-mode guest", EXP_OK
    RM_GUEST
ENDROW

# The VMX-preemption timer
ROW "save preemption timer value without activate preemption timer", EXP_ERR7
    WOR VM_EXIT_CONTROLS, EXITCTL_SAVE_VMX_PREEMPTION_TIMER_VALUE
ENDROW
ROW "preemption timer 0 (with save): timer exit before the guest runs", OUT_EXIT|EXIT_REASON_PREEMPTION_TIMER
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
    WOR VM_EXIT_CONTROLS, EXITCTL_SAVE_VMX_PREEMPTION_TIMER_VALUE
    WSET VMX_PREEMPTION_TIMER_VALUE, 0
ENDROW
ROW "preemption timer 0 (without save)", OUT_EXIT|EXIT_REASON_PREEMPTION_TIMER
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
    WSET VMX_PREEMPTION_TIMER_VALUE, 0
ENDROW
ROW "preemption timer 1000000 (with save): the guest runs", EXP_OK
    WOR PIN_BASED_VM_EXEC_CONTROL, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
    WOR VM_EXIT_CONTROLS, EXITCTL_SAVE_VMX_PREEMPTION_TIMER_VALUE
    WSET VMX_PREEMPTION_TIMER_VALUE, 1000000
ENDROW

# VM-exit MSR-store, VM-exit MSR-load and VM-entry MSR-load areas (16-byte aligned, the whole
# area within MAXPHYADDR, checked only with a non-zero count)
.irp area, VM_EXIT_MSR_STORE, VM_EXIT_MSR_LOAD, VM_ENTRY_MSR_LOAD
ROW "\area area aligned, 2 entries", EXP_OK
    WSET \area\()_ADDR, msr_area
    WSET \area\()_COUNT, 2
ENDROW
.irp off, 1, 4, 8
ROW "\area area + \off", EXP_ERR7
    WSET \area\()_ADDR, msr_area+\off
    WSET \area\()_COUNT, 1
ENDROW
.endr
ROW "\area area beyond MAXPHYADDR", EXP_ERR7
    WBEYOND \area\()_ADDR, msr_area
    WSET \area\()_COUNT, 1
ENDROW
ROW "\area area ends beyond MAXPHYADDR", EXP_ERR7
    WBELOW \area\()_ADDR, 16
    WSET \area\()_COUNT, 2
ENDROW
ROW "\area area: bad address with count 0", EXP_OK
    WSET \area\()_ADDR, msr_area+1
    WSET \area\()_COUNT, 0
ENDROW
.endr

# Event injection (SDM 27.2.1.3): VM_ENTRY_INTR_INFO_FIELD = valid | type << 8 | vector,
# bit 11 = deliver error code.
ROW "injection fields ignored without the valid bit", EXP_OK
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x7FFFFFFF
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0xFFFFFFFF
    WSET VM_ENTRY_INSTRUCTION_LEN, 0
ENDROW
ROW "type 1 (reserved)", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000120
ENDROW
ROW "external interrupt 0x20", EXP_OK, 0x1020
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000020
    WSET GUEST_RFLAGS, 0x202
ENDROW
ROW "NMI with vector 2", EXP_OK, 0x1002
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000202
ENDROW
ROW "NMI with vector 3", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000203
ENDROW
ROW "NMI with vector 0", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000200
ENDROW
ROW "hardware exception vector 32", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000320
ENDROW
ROW "hardware exception vector 255", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x800003FF
ENDROW
# deliver-error-code must be 1 exactly for #DF, #TS, #NP, #SS, #GP, #PF, #AC (protected mode)
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
ROW "hardware exception \v with its error code", EXP_OK, 0x1100|\v|(0x1234<<32)
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B00|\v
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0x1234
ENDROW
ROW "hardware exception \v without an error code", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000300|\v
ENDROW
.else
ROW "hardware exception \v", EXP_OK, 0x1000|\v
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000300|\v
ENDROW
ROW "hardware exception \v with an error code", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B00|\v
ENDROW
.endif
.endr
ROW "external interrupt with deliver-error-code", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000820
    WSET GUEST_RFLAGS, 0x202
ENDROW
ROW "NMI with deliver-error-code", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000A02
ENDROW
ROW "software interrupt with deliver-error-code", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000C0D
    WSET VM_ENTRY_INSTRUCTION_LEN, 2
ENDROW
ROW "real mode (unrestricted guest): #GP without an error code", EXP_OK, 0x520000|0xFFA
    RM_GUEST
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x8000030D
ENDROW
ROW "real mode (unrestricted guest): #GP with an error code", EXP_ERR7
    RM_GUEST
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0D
ENDROW
ROW "real mode (unrestricted guest): #PF with an error code", EXP_ERR7
    RM_GUEST
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0E
ENDROW
ROW "error code 0xFFFF", EXP_OK, 0x110D|(0xFFFF<<32)
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0D
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0xFFFF
ENDROW
ROW "error code with bit 16", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0D
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000
ENDROW
ROW "error code with bit 31", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000B0D
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0x80000000
ENDROW
ROW "error code bits 31:16 ignored without deliver-error-code", EXP_OK, 0x1006
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    WSET VM_ENTRY_EXCEPTION_ERROR_CODE, 0xFFFF0000
ENDROW
.irp bit, 12, 13, 20, 30
ROW "interruption information reserved bit \bit", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000306|(1<<\bit)
ENDROW
.endr
# instruction length for software interrupts / exceptions (types 4, 5, 6): 1..15
.irp len, 0, 16, 0x80000001
ROW "software interrupt, instruction length \len", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000430
    WSET VM_ENTRY_INSTRUCTION_LEN, \len
ENDROW
ROW "privileged software exception, instruction length \len", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000501
    WSET VM_ENTRY_INSTRUCTION_LEN, \len
ENDROW
ROW "software exception, instruction length \len", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000603
    WSET VM_ENTRY_INSTRUCTION_LEN, \len
ENDROW
.endr
.irp len, 1, 15
ROW "software interrupt 0x30, instruction length \len", EXP_OK, 0x1030
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000430
    WSET VM_ENTRY_INSTRUCTION_LEN, \len
ENDROW
ROW "privileged software exception (INT1), instruction length \len", EXP_OK, 0x1001
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000501
    WSET VM_ENTRY_INSTRUCTION_LEN, \len
ENDROW
ROW "software exception (INT3), instruction length \len", EXP_OK, 0x1003
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000603
    WSET VM_ENTRY_INSTRUCTION_LEN, \len
ENDROW
.endr
ROW "hardware exception with instruction length 0 (not checked)", EXP_OK, 0x1006
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    WSET VM_ENTRY_INSTRUCTION_LEN, 0
ENDROW
ROW "hardware exception with instruction length 16 (not checked)", EXP_OK, 0x1006
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000306
    WSET VM_ENTRY_INSTRUCTION_LEN, 16
ENDROW
ROW "other event, vector 0 (pending MTF): MTF exit before the guest runs", OUT_EXIT|EXIT_REASON_MONITOR_TRAP_FLAG
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000700
ENDROW
ROW "other event, vector 1", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000701
ENDROW
ROW "other event, vector 2", EXP_ERR7
    WSET VM_ENTRY_INTR_INFO_FIELD, 0x80000702
ENDROW
ENDTABLE

.section .data
.balign 16
msr_area:                                   # IA32_KERNEL_GS_BASE := 0, twice
    .long 0xC0000102, 0
    .quad 0
    .long 0xC0000102, 0
    .quad 0

.section .bss
.balign 4096
io_bitmap_a: .space 4096
io_bitmap_b: .space 4096
msr_bitmap: .space 4096
.balign 8
gen_name_ptr: .quad 0
gen_table: .space 0x8000
gen_names: .space 0x4000
.section .text
