# instruction_intercept: each conditional instruction exit happens only when its control is set (HLT, INVLPG, RDPMC, RDTSC, RDTSCP, CR3/CR8 load and store, PAUSE, WBINVD, descriptor-table exiting), with exit reason, RIP, length, qualification and instruction information; CPUID, INVD and XSETBV always exit; #UD (MONITOR/MWAIT, RDTSCP disabled, XSETBV without CR4.OSXSAVE) outranks the exit
#
# SDM Vol. 3C 26.1 (priority: #UD and privilege faults before instruction exits), 26.1.2-26.1.3,
# 28.2.1 (qualifications: Table 28-3 CR access, INVLPG linear address, displacement for the
# descriptor-table instructions), 28.2.5 (Tables 28-10/28-11, instruction information). This
# CPU reports no MONITOR/MWAIT in CPUID.1:ECX[3], so both #UD whatever MONITOR/MWAIT exiting
# says; RDTSCP #UDs unless "enable RDTSCP"; XSETBV #UDs while CR4.OSXSAVE = 0.
#
# Each row of the table is a guest snippet `setup; INSN; vmcall` run twice: with its control
# clear (the instruction runs or faults in the guest, the guest reaches its VMCALL) and with it
# set (the instruction exits; the host then resumes the guest after it). Unconditional rows
# (no control) run once.
.include "lib.inc"
SCENARIO instruction_intercept

# row layout (qwords)
.equ R_CTL, 0           # 0: no control (one run), 1: primary, 2: secondary controls
.equ R_MASK, 8          # the control bit
.equ R_REASON, 16       # exit reason with the control set (18: the instruction does not exit)
.equ R_ENTRY, 24        # guest RIP at entry (the snippet's setup)
.equ R_INSN, 32         # the instruction
.equ R_NEXT, 40         # the instruction after it
.equ R_DONE, 48         # the snippet's VMCALL
.equ R_QUAL, 56         # exit qualification, compared under R_QMASK
.equ R_QMASK, 64
.equ R_IMASK, 72        # defined bits of the instruction information
.equ R_IINFO, 80        # their value (for reason 0: the whole VM-exit interruption information)
.equ R_OFFVEC, 88       # exception the guest takes with the control clear (NO_FAULT: none)
.equ R_ONVEC, 96        # ... with the control set, when it does not exit
.equ R_TIMER, 104       # nonzero: the control-clear run is ended by the preemption timer (HLT)
.equ R_HOOK, 112        # routine run before both runs (0: none)
.equ R_NAME, 120
.equ ROW_SIZE, 128

.equ CR4_OSXSAVE, 1 << 18
.equ ALL, 0xFFFFFFFFFFFFFFFF

# instruction-information layouts for memory operands: 64-bit address size, segment, base
.macro MEMINFO seg, base, identity
    .quad (2<<7) | (\seg<<15) | (1<<22) | (\base<<23) | (\identity<<28)
.endm
# Table 28-10 (LGDT/LIDT/SGDT/SIDT): 1:0 scaling, 9:7 address size, 10 = 0, 17:15 segment,
# 21:18 index, 22 index invalid, 26:23 base, 27 base invalid, 29:28 identity (bit 11, the
# operand size, is undefined in 64-bit mode). Scaling and index are undefined without an index.
.equ DT_MASK, 3 | (7<<7) | (1<<10) | (7<<15) | (15<<18) | (1<<22) | (15<<23) | (1<<27) | (3<<28)
.equ DT_MASK_NOIDX, DT_MASK & ~(3 | (15<<18))
# Table 28-11 (LLDT/LTR/SLDT/STR): 6:3 Reg1 (register form), 10 register form, 29:28 identity.
.equ LT_MASK_REG, (15<<3) | (1<<10) | (3<<28)
.equ LT_MASK_MEM, (7<<7) | (1<<10) | (7<<15) | (1<<22) | (15<<23) | (1<<27) | (3<<28)

# ROW name, ctl, mask, reason, qual, qmask, imask, iinfo, offvec, onvec, timer, hook, setup, insn
# emits the guest snippet here and the row into .rodata.rows.
.macro ROW name, ctl, mask, reason, qual, qmask, imask, iinfo, offvec, onvec, timer, hook, setup, insn
    .pushsection .rodata.strings
.Lrn\@: .asciz "\name"
    .popsection
.Lentry\@:
    mov qword ptr [rip + fault_vector], NO_FAULT
    mov qword ptr [rip + fault_fixup], offset .Lnext\@
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
    .quad \ctl, \mask, \reason, .Lentry\@, .Linsn\@, .Lnext\@, .Ldone\@, \qual, \qmask
    .quad \imask
    \iinfo
    .quad \offvec, \onvec, \timer, \hook, .Lrn\@
    .popsection
.endm

test_main:
    lea rdi, [rip + rows]                   # (every run sets its own guest RIP)
    call vmx_setup
    lea r12, [rip + rows]
row_loop:
    cmp qword ptr [r12 + R_NAME], 0
    je rows_done
    call row_reset
    cmp qword ptr [r12 + R_CTL], 0
    je on_run

    # -- the control clear ------------------------------------------------------------
    cmp qword ptr [r12 + R_TIMER], 0
    je 1f
    VMCS_SETBITS PIN_BASED_VM_EXEC_CONTROL, PIN_ACTIVATE_VMX_PREEMPTION_TIMER
    VMCS_SET VMX_PREEMPTION_TIMER_VALUE, [r12+R_TIMER]
1:  call enter_guest
    cmp qword ptr [r12 + R_TIMER], 0
    jne 2f
    RCHECK "control clear: no exit before the snippet's VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_READ rax, GUEST_RIP
    RCHECK "control clear: guest RIP at the VMCALL", rax, [r12+R_DONE]
    RCHECK "control clear: exception taken in the guest", [rip+fault_vector], [r12+R_OFFVEC]
    jmp on_run
2:  RCHECK "control clear: the guest halts until the preemption timer", rax, EXIT_REASON_PREEMPTION_TIMER
    VMCS_READ rax, GUEST_RIP
    RCHECK "control clear: guest RIP after the HLT", rax, [r12+R_NEXT]
    VMCS_READ rax, GUEST_ACTIVITY_STATE
    RCHECK "control clear: activity state HLT", rax, 1
    call row_reset

    # -- the control set ---------------------------------------------------------------
on_run:
    mov rax, [r12 + R_CTL]
    cmp rax, 1
    jne 1f
    VMCS_READ rax, CPU_BASED_VM_EXEC_CONTROL
    or rax, [r12 + R_MASK]
    VMCS_SET CPU_BASED_VM_EXEC_CONTROL, rax
    jmp 2f
1:  cmp rax, 2
    jne 2f
    VMCS_READ rax, SECONDARY_VM_EXEC_CONTROL
    or rax, [r12 + R_MASK]
    VMCS_SET SECONDARY_VM_EXEC_CONTROL, rax
2:  VMCS_SET GUEST_RIP, [r12+R_ENTRY]
    call enter_guest
    cmp qword ptr [r12 + R_REASON], EXIT_REASON_VMCALL
    jne 3f
    RCHECK "control set: still no exit before the snippet's VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_READ rax, GUEST_RIP
    RCHECK "control set: guest RIP at the VMCALL", rax, [r12+R_DONE]
    RCHECK "control set: exception taken in the guest", [rip+fault_vector], [r12+R_ONVEC]
    jmp next_row
3:  RCHECK "exit reason", rax, [r12+R_REASON]
    VMCS_READ rax, GUEST_RIP
    RCHECK "guest RIP on the instruction", rax, [r12+R_INSN]
    VMCS_READ rax, GUEST_ACTIVITY_STATE
    RCHECK "activity state active", rax, 0
    VMCS_READ rax, EXIT_QUALIFICATION
    and rax, [r12 + R_QMASK]
    RCHECK "exit qualification", rax, [r12+R_QUAL]
    cmp qword ptr [r12 + R_REASON], EXIT_REASON_EXCEPTION_NMI
    je 4f
    VMCS_READ rax, VM_EXIT_INSTRUCTION_LEN
    mov rdx, [r12 + R_NEXT]
    sub rdx, [r12 + R_INSN]
    RCHECK "instruction length", rax, rdx
    VMCS_READ rax, VMX_INSTRUCTION_INFO
    and rax, [r12 + R_IMASK]
    RCHECK "instruction information", rax, [r12+R_IINFO]
    jmp 5f
4:  VMCS_READ rax, VM_EXIT_INTR_INFO
    RCHECK "VM-exit interruption information", rax, [r12+R_IINFO]
5:  RCHECK "no exception in the guest before the exit", [rip+fault_vector], NO_FAULT
    VMCS_SET GUEST_RIP, [r12+R_NEXT]        # the host emulates the instruction by skipping it
    call enter_guest
    RCHECK "resumed after the instruction: VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_READ rax, GUEST_RIP
    RCHECK "resumed after the instruction: guest RIP at the VMCALL", rax, [r12+R_DONE]
next_row:
    add r12, ROW_SIZE
    jmp row_loop
rows_done:
    ret

# row_reset: the controls of init_vmcs plus "activate secondary controls" (none set), exception
# bitmap 0, guest CR4.OSXSAVE = 1, an active guest at the row's entry; then the row's hook.
row_reset:
    push rax
    VMCS_SET PIN_BASED_VM_EXEC_CONTROL, [rip+init_pin]
    mov rax, [rip + init_proc]
    or eax, PROC_ACTIVATE_SECONDARY_CONTROLS
    VMCS_SET CPU_BASED_VM_EXEC_CONTROL, rax
    VMCS_SET SECONDARY_VM_EXEC_CONTROL, 0
    VMCS_SET EXCEPTION_BITMAP, 0
    mov rax, [rip + hs_cr4]
    or rax, CR4_OSXSAVE
    VMCS_SET GUEST_CR4, rax
    VMCS_SET GUEST_ACTIVITY_STATE, 0
    VMCS_SET GUEST_INTERRUPTIBILITY_INFO, 0
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    VMCS_SET GUEST_RIP, [r12+R_ENTRY]
    mov qword ptr [rip + fault_vector], NO_FAULT
    mov rax, [r12 + R_HOOK]
    test rax, rax
    jz 1f
    call rax
1:  pop rax
    ret

hook_enable_rdtscp:
    VMCS_SETBITS SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_RDTSCP
    ret

hook_no_osxsave:
    VMCS_CLRBITS GUEST_CR4, CR4_OSXSAVE
    ret

# MONITOR/MWAIT exiting set and #UD in the exception bitmap: the #UD exits (reason 0).
hook_monitor_ud_exits:
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_MONITOR_EXITING | PROC_MWAIT_EXITING
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_UD
    ret

# -- the guest snippets and the table -------------------------------------------------------
    .pushsection .rodata.rows
    .balign 8
rows:
    .popsection

ROW "HLT", 1, PROC_HLT_EXITING, EXIT_REASON_HLT, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 300, 0, "", "hlt"
ROW "INVLPG (qualification: the linear address)", 1, PROC_INVLPG_EXITING, EXIT_REASON_INVLPG, scratch0+0x48, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "lea rbx, [rip + scratch0]", "invlpg [rbx + 0x48]"
ROW "MWAIT (no MONITOR/MWAIT in CPUID: #UD, no exit)", 1, PROC_MWAIT_EXITING, EXIT_REASON_VMCALL, 0, 0, 0, ".quad 0", VEC_UD, VEC_UD, 0, 0, "xor eax, eax; xor ecx, ecx", "mwait"
ROW "MONITOR (#UD, no exit)", 1, PROC_MONITOR_EXITING, EXIT_REASON_VMCALL, 0, 0, 0, ".quad 0", VEC_UD, VEC_UD, 0, 0, "lea rax, [rip + scratch0]; xor ecx, ecx; xor edx, edx", "monitor"
ROW "MONITOR with #UD intercepted: exit 0 (vector 6), not 39", 0, 0, EXIT_REASON_EXCEPTION_NMI, 0, ALL, 0, ".quad 0x80000306", NO_FAULT, NO_FAULT, 0, hook_monitor_ud_exits, "lea rax, [rip + scratch0]; xor ecx, ecx; xor edx, edx", "monitor"
ROW "MWAIT with #UD intercepted: exit 0 (vector 6), not 36", 0, 0, EXIT_REASON_EXCEPTION_NMI, 0, ALL, 0, ".quad 0x80000306", NO_FAULT, NO_FAULT, 0, hook_monitor_ud_exits, "xor eax, eax; xor ecx, ecx", "mwait"
ROW "RDPMC", 1, PROC_RDPMC_EXITING, EXIT_REASON_RDPMC, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "xor ecx, ecx", "rdpmc"
ROW "RDTSC", 1, PROC_RDTSC_EXITING, EXIT_REASON_RDTSC, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "", "rdtsc"
ROW "RDTSCP (enable RDTSCP)", 1, PROC_RDTSC_EXITING, EXIT_REASON_RDTSCP, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, hook_enable_rdtscp, "", "rdtscp"
ROW "RDTSCP without enable RDTSCP (#UD, no exit)", 1, PROC_RDTSC_EXITING, EXIT_REASON_VMCALL, 0, 0, 0, ".quad 0", VEC_UD, VEC_UD, 0, 0, "", "rdtscp"
ROW "MOV to CR3 (CR3-load exiting, no CR3 targets)", 1, PROC_CR3_LOAD_EXITING, EXIT_REASON_CR_ACCESS, 0x203, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "mov rdx, cr3", "mov cr3, rdx"
ROW "MOV from CR3 (CR3-store exiting)", 1, PROC_CR3_STORE_EXITING, EXIT_REASON_CR_ACCESS, 0x913, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "", "mov r9, cr3"
ROW "MOV to CR8 (CR8-load exiting)", 1, PROC_CR8_LOAD_EXITING, EXIT_REASON_CR_ACCESS, 0x608, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "xor esi, esi", "mov cr8, rsi"
ROW "MOV from CR8 (CR8-store exiting)", 1, PROC_CR8_STORE_EXITING, EXIT_REASON_CR_ACCESS, 0xE18, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "", "mov r14, cr8"
ROW "PAUSE", 1, PROC_PAUSE_EXITING, EXIT_REASON_PAUSE, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "", "pause"
ROW "WBINVD", 2, PROC2_WBINVD_EXITING, EXIT_REASON_WBINVD, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "", "wbinvd"
ROW "SGDT [rbx+0x18]", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_GDTR_IDTR_ACCESS, 0x18, ALL, DT_MASK_NOIDX, "MEMINFO 3, 3, 0", NO_FAULT, NO_FAULT, 0, 0, "lea rbx, [rip + dt_buf]", "sgdt [rbx + 0x18]"
ROW "SIDT [rbp+0x28] (SS)", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_GDTR_IDTR_ACCESS, 0x28, ALL, DT_MASK_NOIDX, "MEMINFO 2, 5, 1", NO_FAULT, NO_FAULT, 0, 0, "lea rbp, [rip + dt_buf]", "sidt [rbp + 0x28]"
ROW "LGDT [rbx+0x10]", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_GDTR_IDTR_ACCESS, 0x10, ALL, DT_MASK_NOIDX, "MEMINFO 3, 3, 2", NO_FAULT, NO_FAULT, 0, 0, "lea rbx, [rip + gdtr - 0x10]", "lgdt [rbx + 0x10]"
ROW "LIDT [rsi+0x20]", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_GDTR_IDTR_ACCESS, 0x20, ALL, DT_MASK_NOIDX, "MEMINFO 3, 6, 3", NO_FAULT, NO_FAULT, 0, 0, "lea rsi, [rip + idtr - 0x20]", "lidt [rsi + 0x20]"
ROW "SGDT fs:[r8+rcx*4+8] (index, scale, FS)", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_GDTR_IDTR_ACCESS, 8, ALL, DT_MASK, ".quad 2 | (2<<7) | (4<<15) | (1<<18) | (8<<23)", NO_FAULT, NO_FAULT, 0, 0, "lea r8, [rip + dt_buf]; mov ecx, 4", "sgdt fs:[r8 + rcx*4 + 8]"
ROW "SLDT [rbx+0x30]", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_LDTR_TR_ACCESS, 0x30, ALL, LT_MASK_MEM, "MEMINFO 3, 3, 0", NO_FAULT, NO_FAULT, 0, 0, "lea rbx, [rip + dt_buf]", "sldt word ptr [rbx + 0x30]"
ROW "STR r10d", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_LDTR_TR_ACCESS, 0, 0, LT_MASK_REG, ".quad (10<<3) | (1<<10) | (1<<28)", NO_FAULT, NO_FAULT, 0, 0, "", "str r10d"
ROW "LLDT [rbx+0x38] (null selector)", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_LDTR_TR_ACCESS, 0x38, ALL, LT_MASK_MEM, "MEMINFO 3, 3, 2", NO_FAULT, NO_FAULT, 0, 0, "lea rbx, [rip + dt_buf]", "lldt word ptr [rbx + 0x38]"
ROW "LTR ax (busy TSS: #GP in the guest without the control)", 2, PROC2_DESCRIPTOR_TABLE_EXITING, EXIT_REASON_LDTR_TR_ACCESS, 0, 0, LT_MASK_REG, ".quad (0<<3) | (1<<10) | (3<<28)", VEC_GP, NO_FAULT, 0, 0, "mov ax, SEL_TSS", "ltr ax"
ROW "CPUID (unconditional)", 0, 0, EXIT_REASON_CPUID, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "xor eax, eax", "cpuid"
ROW "INVD (unconditional)", 0, 0, EXIT_REASON_INVD, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "", "invd"
ROW "XSETBV (unconditional)", 0, 0, EXIT_REASON_XSETBV, 0, ALL, 0, ".quad 0", NO_FAULT, NO_FAULT, 0, 0, "xor ecx, ecx; mov eax, 1; xor edx, edx", "xsetbv"
ROW "XSETBV with CR4.OSXSAVE = 0 (#UD, no exit)", 0, 0, EXIT_REASON_VMCALL, 0, 0, 0, ".quad 0", NO_FAULT, VEC_UD, 0, hook_no_osxsave, "xor ecx, ecx; mov eax, 1; xor edx, edx", "xsetbv"

    .pushsection .rodata.rows
    .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .popsection

.section .bss
.balign 8
dt_buf: .space 64
