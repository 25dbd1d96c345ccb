# minivmm: a small VT-x hypervisor. It runs in 64-bit mode, enters VMX root operation, builds a
# VMCS for one virtual machine and runs guestos (guests/x86/guestos.S, carried in this image
# at guest-physical 0x400000) in it, handling each VM exit the guest causes. At the end it
# prints how many exits of each kind it handled and leaves through the exit port 0xF4.
#
# A reader's guide. Section numbers are those of the Intel SDM, Volume 3C (chapters 24-31 and
# appendices A-C, in the 2023+ numbering; "Vol. 3A" marks the others).
#   1. Discover and enable VMX ............................ SDM 24.6, 24.7, 24.8, A.7, A.8
#   2. VMXON, VMCLEAR, VMPTRLD ............................ SDM 24.11.5, 25.2, 25.11.3, 31
#   3. EPT, I/O and MSR bitmaps, the host's PIC ........... SDM 29.3, 25.6.4, 25.6.9
#   4. The VMCS: controls, host state, guest state ........ SDM 25.4-25.8, A.3-A.5, 27.2-27.3
#   5. VMLAUNCH, and the VM-exit entry point .............. SDM 27, 28, 31.2
#   6. The exit handlers, one per basic exit reason ....... SDM 26, 28.2, Appendix C
#   7. Event injection, virtual PIC, virtual UART ......... SDM 27.6, 25.8.3
#   8. The emulated device: decoding the guest's MOV ...... SDM 29.3.3, 28.2.1
#   9. Shutdown and the exit summary
# Sections 7 and 8 are in minivmm_virt.inc; the host's GDT/IDT and the printing helpers in
# minivmm_lib.inc. guests/build.py assembles guestos.S first and hands its raw image to the
# .incbin at the end of this file (and its symbols, prefixed "guestos_", to the linker).
#
# The machine (vtdbg's board): a 16550 UART at 0x3F8, 8259 PICs, an 8254 PIT on IRQ 0 (one
# tick per 4 instructions), the exit port 0xF4. The loader starts us in 64-bit mode with the
# first 4 GiB identity-mapped, so host-linear = host-physical throughout.
#
# Memory: minivmm at 1 MiB; guest memory is 0x400000-0x5FFFFF (2 MiB, in this ELF as the
# guestos image followed by zeros). EPT maps it one-to-one (guest-physical = host-physical),
# except the page at 0x500000, which is left unmapped: guest accesses there are EPT violations,
# which minivmm turns into a small emulated device. Nothing else is mapped: the guest cannot
# reach minivmm, its VMCS or its EPT tables.
#
# Exit codes: the guest's own (hypercall 2), 1 = an exit minivmm does not handle, 2 = a VMX
# instruction or VM entry failed, 3 = a CPU exception in minivmm itself.
.intel_syntax noprefix
.code64
.include "vmx.inc"

# ---- the platform ---------------------------------------------------------------------------
.set COM1, 0x3F8
.set EXIT_PORT, 0xF4
.set HOST_IRQ_BASE, 0x30            # the real PIC delivers IRQ 0-7 as vectors 0x30-0x37
.set HOST_TIMER_VECTOR, HOST_IRQ_BASE
.set HOST_CS, 0x08
.set HOST_DS, 0x10
.set HOST_TSS, 0x18

# ---- the virtual machine ----------------------------------------------------------------------
.set GUEST_RAM_BASE, 0x400000
.set GUEST_RAM_END, 0x600000
.set DEVICE_GPA, 0x500000           # the emulated device's page (not mapped by EPT)
.set GUEST_VPID, 1                  # tags the guest's TLB entries (SDM 29.1); 0 is the host's
.set TIME_SLICE, 50000              # VMX-preemption timer reload value (TSC ticks)
.set DEVICE_ID_VALUE, 0x5645446D    # "mDEV": what the device's ID register reads
.set HV_FEATURES, 7                 # CPUID 0x40000001.EAX: hypercalls 0, 1, 2 exist
.set HC_PUTS, 0                     # hypercalls: VMCALL with EAX = number, EBX = argument
.set HC_EXIT_COUNT, 1
.set HC_SHUTDOWN, 2
.set MSR_GUEST_OS_ID, 0x40000000    # our synthetic MSR: the guest may name itself here

# ---- architectural constants -------------------------------------------------------------------
.set IA32_FEATURE_CONTROL, 0x3A
.set IA32_EFER, 0xC0000080
.set IA32_VMX_BASIC, 0x480
.set IA32_VMX_PINBASED_CTLS, 0x481
.set IA32_VMX_PROCBASED_CTLS, 0x482
.set IA32_VMX_EXIT_CTLS, 0x483
.set IA32_VMX_ENTRY_CTLS, 0x484
.set IA32_VMX_CR0_FIXED0, 0x486
.set IA32_VMX_CR0_FIXED1, 0x487
.set IA32_VMX_CR4_FIXED0, 0x488
.set IA32_VMX_CR4_FIXED1, 0x489
.set IA32_VMX_PROCBASED_CTLS2, 0x48B
.set IA32_VMX_EPT_VPID_CAP, 0x48C
.set IA32_VMX_TRUE_PINBASED_CTLS, 0x48D    # the TRUE_* MSRs: +12 from the plain ones
.set TRUE_CTLS_DELTA, 0x48D - 0x481

.set CR0_PE, 1 << 0
.set CR0_NE, 1 << 5
.set CR0_NW, 1 << 29
.set CR0_CD, 1 << 30
.set CR0_PG, 1 << 31
.set CR4_PSE, 1 << 4
.set CR4_PAE, 1 << 5
.set CR4_OSXSAVE, 1 << 18
.set CR4_VMXE, 1 << 13
.set RFLAGS_IF, 1 << 9

# Controls we ask for (SDM 25.6.1, 25.6.2, 25.7.1, 25.8.1); each bit is explained where used.
.set PIN_EXTERNAL_INTERRUPT_EXITING, 1 << 0
.set PIN_PREEMPTION_TIMER, 1 << 6
.set PROC_INTERRUPT_WINDOW_EXITING, 1 << 2
.set PROC_HLT_EXITING, 1 << 7
.set PROC_CR3_LOAD_EXITING, 1 << 15
.set PROC_CR3_STORE_EXITING, 1 << 16
.set PROC_USE_IO_BITMAPS, 1 << 25
.set PROC_USE_MSR_BITMAPS, 1 << 28
.set PROC_SECONDARY_CONTROLS, 1 << 31
.set PROC2_ENABLE_EPT, 1 << 1
.set PROC2_ENABLE_VPID, 1 << 5
.set PROC2_UNRESTRICTED_GUEST, 1 << 7
.set EXIT_HOST_ADDRESS_SPACE_SIZE, 1 << 9
.set EXIT_ACK_INTERRUPT_ON_EXIT, 1 << 15
.set EXIT_SAVE_EFER, 1 << 20
.set EXIT_LOAD_EFER, 1 << 21
.set EXIT_SAVE_PREEMPTION_TIMER, 1 << 22
.set ENTRY_LOAD_EFER, 1 << 15

.set PIN_WANTED, PIN_EXTERNAL_INTERRUPT_EXITING | PIN_PREEMPTION_TIMER
.set PROC_WANTED, PROC_HLT_EXITING | PROC_CR3_LOAD_EXITING | PROC_USE_IO_BITMAPS
.set PROC_WANTED, PROC_WANTED | PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CONTROLS
.set PROC2_WANTED, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST
.set EXIT_WANTED, EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_ACK_INTERRUPT_ON_EXIT
.set EXIT_WANTED, EXIT_WANTED | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PREEMPTION_TIMER
.set ENTRY_WANTED, ENTRY_LOAD_EFER

# Interruption-information format (SDM 25.8.3, Table 25-17; 25.9.2): vector, type, valid.
.set INTR_VALID, 1 << 31
.set INTR_ERROR_CODE, 1 << 11
.set INTR_TYPE_EXTERNAL, 0 << 8
.set INTR_TYPE_NMI, 2 << 8
.set INTR_TYPE_HW_EXCEPTION, 3 << 8

# EPT entries (SDM 29.3.2, Tables 29-1 to 29-6): read, write, execute; memory type in 5:3.
.set EPT_RWX, 7
.set EPT_WB, 6 << 3

# ---- helpers used everywhere ------------------------------------------------------------------
# SAY "text": print a string (all registers but RSI and flags preserved).
.macro SAY text
    .pushsection .rodata
.Lsay\@: .asciz "\text"
    .popsection
    lea rsi, [rip + .Lsay\@]
    call puts
.endm

# VMCS_READ field: RAX = the field (clobbers RDI). VMCS_WRITE field, value (clobbers RDI, RSI).
# Both stop minivmm with a message if the instruction fails: that is always a bug here.
.macro VMCS_READ field
    mov edi, \field
    call vmread_field
.endm
.macro VMCS_WRITE field, value
    mov rsi, \value
    mov edi, \field
    call vmwrite_field
.endm

# ============================================================================================
.section .text
.globl _start
_start:
    cli
    call serial_init
    call setup_host_tables
    SAY "minivmm: started in 64-bit mode\n"

# ---- 1. Discover and enable VMX ------------------------------------------------------------
# SDM 24.6: CPUID.1:ECX.VMX[bit 5] = 1 says the processor supports VMX.
    mov eax, 1
    cpuid
    bt ecx, 5
    jc 1f
    SAY "minivmm: CPUID.1:ECX.VMX = 0: this CPU has no VMX\n"
    mov edi, 2
    jmp shutdown
1:
# SDM 24.7: VMXON needs IA32_FEATURE_CONTROL locked (bit 0) with "VMX outside SMX" (bit 2).
# Firmware normally locks it; if it is still unlocked we may set both bits ourselves. Once
# locked it cannot change until reset, so a locked MSR without bit 2 means VMX is off for good.
    mov ecx, IA32_FEATURE_CONTROL
    rdmsr
    test eax, 1
    jz 2f
    test eax, 4
    jnz 3f
    SAY "minivmm: IA32_FEATURE_CONTROL is locked with VMX disabled\n"
    mov edi, 2
    jmp shutdown
2:  or eax, 5
    wrmsr
3:
# SDM 24.8 and A.7/A.8: in VMX operation, CR0 and CR4 bits that IA32_VMX_CR0/CR4_FIXED0
# report as 1 must be 1 (CR0.PE, NE, PG; CR4.VMXE), and bits FIXED1 reports as 0 must be 0.
    mov ecx, IA32_VMX_CR0_FIXED0
    call rdmsr64
    mov [rip + cr0_fixed0], rax
    mov ecx, IA32_VMX_CR0_FIXED1
    call rdmsr64
    mov [rip + cr0_fixed1], rax
    mov ecx, IA32_VMX_CR4_FIXED0
    call rdmsr64
    mov [rip + cr4_fixed0], rax
    mov ecx, IA32_VMX_CR4_FIXED1
    call rdmsr64
    mov [rip + cr4_fixed1], rax
    mov rax, cr0
    or rax, [rip + cr0_fixed0]
    and rax, [rip + cr0_fixed1]
    mov cr0, rax
    mov rax, cr4
    or rax, [rip + cr4_fixed0]      # this sets CR4.VMXE, which VMXON requires
    and rax, [rip + cr4_fixed1]
    mov cr4, rax

# ---- 2. VMXON, VMCLEAR, VMPTRLD ---------------------------------------------------------------
# SDM 24.11.5 and A.1: the VMXON region and every VMCS region begin with the VMCS revision
# identifier, IA32_VMX_BASIC[30:0]; the region size is IA32_VMX_BASIC[44:32] (<= 4 KiB).
    mov ecx, IA32_VMX_BASIC
    call rdmsr64
    mov [rip + vmx_basic], rax
    and eax, 0x7FFFFFFF
    mov [rip + vmxon_region], eax
    mov [rip + vmcs_region], eax
# VMXON takes the region's physical address from memory (SDM 31, VMXON). CF = 1 after it is
# VMfailInvalid (SDM 31.2): a bad address or revision identifier.
    vmxon [rip + vmxon_region_ptr]
    jnc 4f
    pushfq
    lea rsi, [rip + str_vmxon]
    jmp vmx_insn_failed
4:  mov byte ptr [rip + vmx_on], 1
# VMCLEAR initialises the region (launch state "clear", SDM 25.11.3); VMPTRLD makes it the
# current VMCS, the one VMREAD, VMWRITE and VMLAUNCH work on (SDM 25.1).
    vmclear [rip + vmcs_region_ptr]
    jbe 5f
    vmptrld [rip + vmcs_region_ptr]
    jbe 6f
    SAY "minivmm: VMXON done, VMCS revision "
    mov rax, [rip + vmx_basic]
    and eax, 0x7FFFFFFF
    mov ecx, 8
    call put_hex
    SAY ", IA32_FEATURE_CONTROL locked with VMX on\n"
    jmp 7f
5:  pushfq
    lea rsi, [rip + str_vmclear]
    jmp vmx_insn_failed
6:  pushfq
    lea rsi, [rip + str_vmptrld]
    jmp vmx_insn_failed
7:

# ---- 3. EPT, bitmaps, the real PIC ------------------------------------------------------------
    call check_ept_vpid_caps
    call setup_ept
    call setup_bitmaps
    call setup_host_pic
    SAY "minivmm: EPT maps guest-physical 0x400000-0x5FFFFF one-to-one, "
    SAY "except the device page 0x500000\n"

# The guest image: guestos starts with a header (magic "GOS1", entry point, stack top, end).
    cmp dword ptr [rip + guest_header], 0x31534F47
    je 8f
    SAY "minivmm: no guestos header at 0x400000\n"
    mov edi, 2
    jmp shutdown
8:  SAY "minivmm: guestos entry "
    mov eax, [rip + guest_header + 4]
    mov ecx, 8
    call put_hex
    SAY ", stack "
    mov eax, [rip + guest_header + 8]
    call put_hex
    call newline

# ---- 4. The VMCS -------------------------------------------------------------------------------
    call setup_controls
    call setup_host_state
    call setup_guest_state

# ---- 5. VMLAUNCH --------------------------------------------------------------------------------
# SDM 27: VM entry checks the controls and the host state (a failure is VMfailValid with error
# 7 or 8, and VMLAUNCH falls through to the next instruction), then the guest state (a failure
# is a "VM-entry failure" VM exit: reason 33 with bit 31 set, at HOST_RIP). On success the
# guest runs and we next hear of it at HOST_RIP, vmexit_entry, with the guest's registers
# still in ours (VMX saves and loads only RSP, RIP and RFLAGS of the general registers).
    SAY "minivmm: VMLAUNCH: guestos in 32-bit protected mode, paging off "
    SAY "(unrestricted guest), VPID 1\n"
    mov byte ptr [rip + launched], 1
    call load_guest_gprs
    vmlaunch
    pushfq
    lea rsi, [rip + str_vmlaunch]
    jmp vmx_insn_failed

# =================================================================================================
# VM exits arrive here (HOST_RIP) in 64-bit mode with RSP = HOST_RSP, RFLAGS = 2 (interrupts
# off), and the host segments, CR0/CR3/CR4 and EFER loaded from the host-state area (SDM 28.5).
# The guest's general registers other than RSP are still in the registers: save them first.
vmexit_entry:
    mov [rip + guest_regs + 0 * 8], rax
    mov [rip + guest_regs + 1 * 8], rcx
    mov [rip + guest_regs + 2 * 8], rdx
    mov [rip + guest_regs + 3 * 8], rbx
    mov [rip + guest_regs + 5 * 8], rbp
    mov [rip + guest_regs + 6 * 8], rsi
    mov [rip + guest_regs + 7 * 8], rdi
    mov [rip + guest_regs + 8 * 8], r8
    mov [rip + guest_regs + 9 * 8], r9
    mov [rip + guest_regs + 10 * 8], r10
    mov [rip + guest_regs + 11 * 8], r11
    mov [rip + guest_regs + 12 * 8], r12
    mov [rip + guest_regs + 13 * 8], r13
    mov [rip + guest_regs + 14 * 8], r14
    mov [rip + guest_regs + 15 * 8], r15
    cld
    call handle_exit
    call load_guest_gprs
# VMRESUME (the VMCS is "launched" now, SDM 27.1): back into the guest. It falls through only
# on VMfail.
    vmresume
    pushfq
    lea rsi, [rip + str_vmresume]
    jmp vmx_insn_failed

load_guest_gprs:
    mov rax, [rip + guest_regs + 0 * 8]
    mov rcx, [rip + guest_regs + 1 * 8]
    mov rdx, [rip + guest_regs + 2 * 8]
    mov rbx, [rip + guest_regs + 3 * 8]
    mov rbp, [rip + guest_regs + 5 * 8]
    mov rsi, [rip + guest_regs + 6 * 8]
    mov rdi, [rip + guest_regs + 7 * 8]
    mov r8, [rip + guest_regs + 8 * 8]
    mov r9, [rip + guest_regs + 9 * 8]
    mov r10, [rip + guest_regs + 10 * 8]
    mov r11, [rip + guest_regs + 11 * 8]
    mov r12, [rip + guest_regs + 12 * 8]
    mov r13, [rip + guest_regs + 13 * 8]
    mov r14, [rip + guest_regs + 14 * 8]
    mov r15, [rip + guest_regs + 15 * 8]
    ret

# ---- 6. The exit handler ------------------------------------------------------------------------
# SDM 28.2.1: the basic exit reason is bits 15:0 of VM_EXIT_REASON; bit 31 set means the VM
# entry itself failed (reasons 33, 34: invalid guest state, MSR loading).
handle_exit:
    push rbx
    VMCS_READ VM_EXIT_REASON
    mov [rip + exit_reason], rax
    bt eax, 31
    jc entry_failure_exit
    movzx ebx, ax
    cmp ebx, EXIT_REASON_TABLE_SIZE
    jae 1f
    lea rcx, [rip + exit_counts]
    inc qword ptr [rcx + rbx * 8]
1:  inc qword ptr [rip + total_exits]
    VMCS_READ GUEST_RIP
    mov [rip + guest_rip], rax
    call reinject_idt_vectoring
    cmp ebx, (exit_handlers_end - exit_handlers) / 8
    jae unhandled_exit
    lea rcx, [rip + exit_handlers]
    mov rax, [rcx + rbx * 8]
    test rax, rax
    jz unhandled_exit
    call rax
    call deliver_virtual_interrupt
    pop rbx
    ret

# One handler per basic exit reason; a zero entry is a reason minivmm does not expect.
.macro HANDLER reason, label
    .rept \reason - (. - exit_handlers) / 8
    .quad 0
    .endr
    .quad \label
.endm
.section .rodata
.balign 8
exit_handlers:
    HANDLER EXIT_REASON_EXCEPTION_NMI, handle_exception
    HANDLER EXIT_REASON_EXTERNAL_INTERRUPT, handle_external_interrupt
    HANDLER EXIT_REASON_INTERRUPT_WINDOW, handle_interrupt_window
    HANDLER EXIT_REASON_CPUID, handle_cpuid
    HANDLER EXIT_REASON_HLT, handle_hlt
    HANDLER EXIT_REASON_VMCALL, handle_vmcall
    HANDLER EXIT_REASON_CR_ACCESS, handle_cr_access
    HANDLER EXIT_REASON_IO_INSTRUCTION, handle_io
    HANDLER EXIT_REASON_RDMSR, handle_rdmsr
    HANDLER EXIT_REASON_WRMSR, handle_wrmsr
    HANDLER EXIT_REASON_EPT_VIOLATION, handle_ept_violation
    HANDLER EXIT_REASON_PREEMPTION_TIMER, handle_preemption_timer
exit_handlers_end:
.section .text

# SDM 28.2.3 and 27.6: an exit that interrupted the delivery of an event through the guest's
# IDT (an interrupt we injected, say) reports that event in the IDT-vectoring information; it
# was not delivered, so it must be injected again on the next entry. (VM exits clear the valid
# bit of the VM-entry interruption field, SDM 28.2.4, so nothing is queued before this.)
reinject_idt_vectoring:
    VMCS_READ IDT_VECTORING_INFO_FIELD
    bt eax, 31
    jnc 2f
    push r12
    mov r12, rax
    inc qword ptr [rip + reinjected_events]
    bt r12d, 11
    jnc 1f
    VMCS_READ IDT_VECTORING_ERROR_CODE
    VMCS_WRITE VM_ENTRY_EXCEPTION_ERROR_CODE, rax
1:  mov eax, r12d                   # types 4-6 (software interrupts/exceptions) need the length
    shr eax, 8
    and eax, 7
    cmp eax, 4
    jb 3f
    VMCS_READ VM_EXIT_INSTRUCTION_LEN
    VMCS_WRITE VM_ENTRY_INSTRUCTION_LEN, rax
3:  and r12d, ~(1 << 12)            # bit 12 is undefined here and reserved on entry
    VMCS_WRITE VM_ENTRY_INTR_INFO_FIELD, r12
    pop r12
2:  ret

# -- reason 0: an exception in the exception bitmap (SDM 25.6.3, 26.2) -------------------------
# We intercept #PF only (bit 14), to watch the guest's page faults, and give each back to the
# guest as it was: same vector, type and error code (SDM 28.2.2: VM_EXIT_INTR_INFO/ERROR_CODE).
# A #PF that causes a VM exit does not load CR2 (SDM 28.1); the faulting linear address is the
# exit qualification. VMX neither saves nor loads CR2, so the guest sees whatever CR2 holds
# when it runs: we load it ourselves before injecting the #PF.
handle_exception:
    push r12
    VMCS_READ VM_EXIT_INTR_INFO
    mov r12, rax
    mov ecx, eax
    and ecx, 7 << 8
    cmp ecx, INTR_TYPE_NMI
    je unhandled_exit
    cmp r12b, 14
    jne 1f
    VMCS_READ EXIT_QUALIFICATION
    mov cr2, rax
    inc qword ptr [rip + reflected_page_faults]
1:  bt r12d, 11
    jnc 2f
    VMCS_READ VM_EXIT_INTR_ERROR_CODE
    VMCS_WRITE VM_ENTRY_EXCEPTION_ERROR_CODE, rax
2:  and r12d, 0xFF | (7 << 8) | INTR_ERROR_CODE
    or r12d, INTR_VALID
    VMCS_WRITE VM_ENTRY_INTR_INFO_FIELD, r12
    pop r12
    ret                             # RIP unchanged: the faulting instruction runs again later

# -- reason 1: an external interrupt (SDM 26.2, 25.7.1) -------------------------------------------
# With "external-interrupt exiting" every interrupt exits, whatever the guest's RFLAGS.IF. With
# "acknowledge interrupt on exit" the CPU has already run the interrupt-acknowledge cycle with
# the PIC and put the vector in VM_EXIT_INTR_INFO (SDM 28.2.2). The PIC now has the IRQ in
# service: it needs an EOI from us, or it will not raise IRQ 0 again. IRQ 0 is the timer the
# guest programmed (the PIT is passed through to it); we note it in the virtual PIC and
# deliver it when the guest can take it (deliver_virtual_interrupt).
handle_external_interrupt:
    VMCS_READ VM_EXIT_INTR_INFO
    bt eax, 31
    jnc 1f
    mov ecx, eax
    mov al, 0x20                    # non-specific EOI to the master PIC
    out 0x20, al
    cmp cl, HOST_TIMER_VECTOR
    jne 1f
    inc qword ptr [rip + host_timer_ticks]
    or byte ptr [rip + vpic_irr], 1
1:  ret

# -- reason 7: interrupt window (SDM 25.6.2, 26.2) ------------------------------------------------
# We set "interrupt-window exiting" when an interrupt was waiting and the guest could not take
# it (IF = 0 or an STI/MOV-SS shadow). This exit comes at the first instruction boundary where
# it can: deliver_virtual_interrupt, run after every handler, injects it now.
handle_interrupt_window:
    ret

# -- reason 10: CPUID (SDM 26.1.2: it exits unconditionally) --------------------------------------
# We run CPUID ourselves with the guest's EAX/ECX and edit the answer: leaf 1 hides VMX and sets
# bit 31 ("a hypervisor is present"); leaves 0x40000000-0x4FFFFFFF, reserved by Intel for
# hypervisors, describe minivmm.
handle_cpuid:
    push rbx
    mov eax, [rip + guest_regs + 0 * 8]
    mov ecx, [rip + guest_regs + 1 * 8]
    cmp eax, 0x40000000
    jb 3f
    cmp eax, 0x4FFFFFFF
    ja 3f
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    cmp eax, 0x40000000
    jne 1f
    mov eax, 0x40000001             # the highest hypervisor leaf
    mov ebx, [rip + hv_signature]
    mov ecx, [rip + hv_signature + 4]
    mov edx, [rip + hv_signature + 8]
    jmp 5f
1:  cmp eax, 0x40000001
    jne 2f
    mov eax, HV_FEATURES
    jmp 5f
2:  xor eax, eax
    jmp 5f
3:  cpuid
    cmp dword ptr [rip + guest_regs + 0 * 8], 1
    jne 5f
    and ecx, ~(1 << 5)              # CPUID.1:ECX.VMX: no nested VMX here
    or ecx, 1 << 31                 # CPUID.1:ECX bit 31: running under a hypervisor
    and ecx, ~(1 << 27)             # OSXSAVE mirrors CR4.OSXSAVE: the guest's, not ours
    push rax
    push rcx
    VMCS_READ GUEST_CR4
    pop rcx
    test eax, CR4_OSXSAVE
    pop rax
    jz 5f
    or ecx, 1 << 27
5:  mov eax, eax                    # CPUID writes 32-bit registers (zero-extended)
    mov [rip + guest_regs + 0 * 8], rax
    mov ebx, ebx
    mov [rip + guest_regs + 3 * 8], rbx
    mov ecx, ecx
    mov [rip + guest_regs + 1 * 8], rcx
    mov edx, edx
    mov [rip + guest_regs + 2 * 8], rdx
    pop rbx
    jmp skip_instruction

# -- reason 12: HLT ("HLT exiting", SDM 25.6.2) ---------------------------------------------------
# The guest has nothing to do until an interrupt. We step over the HLT and put the guest into
# the HLT activity state (SDM 25.4.2): VM entry leaves it halted, and the next timer
# interrupt's VM exit brings us back to inject that interrupt, which wakes it (SDM 27.6.1: a
# VM entry that injects an event leaves the activity state active). If an interrupt is already
# waiting, deliver_virtual_interrupt injects it at once instead.
handle_hlt:
    call skip_instruction
    VMCS_WRITE GUEST_ACTIVITY_STATE, 1
    ret

# -- reason 18: VMCALL (SDM 26.1.2: unconditional) ------------------------------------------------
# Our hypercall interface: EAX = number, EBX = argument, result in EAX (-1 = refused).
#   0 HC_PUTS        print the NUL-terminated string at guest-linear EBX (at most 256 bytes)
#   1 HC_EXIT_COUNT  EAX = VM exits so far with basic reason EBX (0xFFFFFFFF: all reasons)
#   2 HC_SHUTDOWN    print the summary and stop the machine with exit code EBX
# VMCALL exits at every privilege level, so a hypervisor must check the guest's CPL itself:
# only ring 0 may call us. CPL is SS.DPL (SDM 25.4.1: the access-rights field).
handle_vmcall:
    push r12
    VMCS_READ GUEST_SS_AR_BYTES
    shr eax, 5
    and eax, 3
    mov r12d, 0xFFFFFFFF
    jnz 9f
    mov eax, [rip + guest_regs + 0 * 8]
    mov edi, [rip + guest_regs + 3 * 8]
    cmp eax, HC_PUTS
    jne 1f
    call hypercall_puts
    mov r12d, eax
    jmp 9f
1:  cmp eax, HC_EXIT_COUNT
    jne 2f
    mov rax, [rip + total_exits]
    cmp edi, 0xFFFFFFFF
    je 8f
    xor eax, eax
    cmp edi, EXIT_REASON_TABLE_SIZE
    jae 8f
    lea rcx, [rip + exit_counts]
    mov rax, [rcx + rdi * 8]
8:  mov r12d, eax
    jmp 9f
2:  cmp eax, HC_SHUTDOWN
    jne 9f
    jmp shutdown                    # EDI = the guest's exit code
9:  mov [rip + guest_regs + 0 * 8], r12
    pop r12
    jmp skip_instruction

hypercall_puts:
    push r12
    push r13
    mov r12d, edi
    mov r13d, 256
1:  mov edi, r12d
    call guest_read_byte
    jc 3f
    test al, al
    jz 2f
    call putc
    inc r12d
    dec r13d
    jnz 1b
2:  xor eax, eax
    jmp 4f
3:  mov eax, 0xFFFFFFFF
4:  pop r13
    pop r12
    ret

# -- reason 28: control-register access (SDM 25.6.6, 25.6.7, 26.1.3) ------------------------------
# Qualification (SDM 28.2.1, Table 28-3): bits 3:0 the CR, 5:4 the access type (0 = MOV to CR,
# 1 = MOV from CR, 2 = CLTS, 3 = LMSW), 11:8 the general register.
# CR0 and CR4: bits set in the guest/host mask belong to us. A guest read of such a bit returns
# the read shadow; a MOV to CR that would make one differ from the shadow exits (otherwise the
# write happens without us, owned bits keeping their value). We own CR0.PG (only to watch the
# guest turn paging on: with EPT we need not care) and CR0.NE (VMX needs NE = 1; the guest may
# believe otherwise); in CR4 we own VMXE (must stay 1, hidden from the guest), PAE (PAE paging
# would need the PDPTE fields handled, which minivmm does not do) and PSE (to watch it).
# CR3: "CR3-load exiting" with an empty CR3-target list makes every MOV to CR3 exit.
handle_cr_access:
    push r12
    push r13
    VMCS_READ EXIT_QUALIFICATION
    mov r12, rax
    mov ecx, r12d
    shr ecx, 8
    and ecx, 15
    mov eax, r12d
    shr eax, 4
    and eax, 3
    cmp eax, 1
    je 5f
    test eax, eax
    jnz unhandled_exit              # CLTS and LMSW do not exit with our masks
    call get_guest_gpr
    mov r13d, eax                   # a 32-bit guest: MOV to CR takes 32 bits
    mov eax, r12d
    and eax, 15
    cmp eax, 0
    je mov_to_cr0
    cmp eax, 3
    je mov_to_cr3
    cmp eax, 4
    je mov_to_cr4
    jmp unhandled_exit
5:  mov eax, r12d                   # MOV from CR3 (only if CR3-store exiting could not be
    and eax, 15                     # turned off: it is default1 without the TRUE MSRs)
    cmp eax, 3
    jne unhandled_exit
    push rcx
    VMCS_READ GUEST_CR3
    pop rcx
    call set_guest_gpr
    jmp cr_skip

mov_to_cr0:
    # What the real CPU would refuse with #GP(0) (Vol. 3A 2.5): PG without PE, NW without CD.
    bt r13d, 31
    jnc 1f
    bt r13d, 0
    jnc cr_gp
1:  bt r13d, 29
    jnc 2f
    bt r13d, 30
    jnc cr_gp
2:  VMCS_WRITE CR0_READ_SHADOW, r13
    # The real CR0: the guest's value plus what VMX requires (FIXED0 without PE and PG, which
    # "unrestricted guest" exempts, SDM 27.3.1.1), minus what FIXED1 forbids.
    mov rax, [rip + cr0_fixed0]
    and eax, ~(CR0_PE | CR0_PG)
    or rax, r13
    and rax, [rip + cr0_fixed1]
    VMCS_WRITE GUEST_CR0, rax
    mov eax, 1                      # a paging-mode change flushes the guest's TLB
    call invvpid_guest
    jmp cr_skip

mov_to_cr4:
    test r13d, CR4_VMXE | CR4_PAE   # no nested VMX, no PAE paging: #GP as if unsupported
    jnz cr_gp
    mov rax, [rip + cr4_fixed1]
    not rax
    test rax, r13                   # bits this CPU does not have
    jnz cr_gp
    VMCS_WRITE CR4_READ_SHADOW, r13
    mov rax, [rip + cr4_fixed0]
    or rax, r13
    VMCS_WRITE GUEST_CR4, rax
    mov eax, 1
    call invvpid_guest
    jmp cr_skip

# With EPT the guest's CR3 is a guest-physical address the CPU uses as it is (SDM 29.3.1): we
# only store it. A real MOV to CR3 flushes the TLB's non-global entries (Vol. 3A 4.10.4.1), so
# we do the same for the guest's VPID with INVVPID "single-context, retaining globals".
mov_to_cr3:
    VMCS_WRITE GUEST_CR3, r13
    inc qword ptr [rip + guest_cr3_loads]
    mov eax, 3
    call invvpid_guest
cr_skip:
    pop r13
    pop r12
    jmp skip_instruction
cr_gp:
    call inject_gp
cr_done:
    pop r13
    pop r12
    ret

# INVVPID (SDM 31, INVVPID; 29.4.3): EAX = type, for the guest's VPID.
invvpid_guest:
    invvpid rax, [rip + invvpid_descriptor]
    jbe 1f
    ret
1:  pushfq
    lea rsi, [rip + str_invvpid]
    jmp vmx_insn_failed

# -- reason 30: I/O instruction (SDM 25.6.4: I/O bitmaps) -----------------------------------------
# Bitmap A covers ports 0-0x7FFF, B 0x8000-0xFFFF; a set bit makes the port exit. Ours are all
# ones but for the PIT (0x40-0x43), which the guest programs directly. Qualification (SDM 28.2.1,
# Table 28-5): bits 2:0 size - 1, bit 3 direction (1 = IN), bit 4 string, bit 5 REP, bits
# 31:16 the port. Emulated: the serial port (forwarded to the real UART) and the master PIC
# (a virtual one: the real PIC is ours); every other port reads all ones and ignores writes,
# like an ISA bus with nothing on it.
handle_io:
    push r12
    VMCS_READ EXIT_QUALIFICATION
    mov r12, rax
    test r12d, 1 << 4
    jnz unhandled_exit              # INS/OUTS: not emulated by minivmm
    mov edi, r12d
    shr edi, 16                     # the port
    mov esi, r12d
    and esi, 7
    inc esi                         # the size in bytes
    bt r12d, 3
    jnc 2f
    call io_in
    mov ecx, r12d
    and ecx, 7
    jz 3f
    cmp ecx, 1
    je 4f
    mov [rip + guest_regs], rax     # IN EAX (zero-extended)
    jmp 9f
3:  mov [rip + guest_regs], al      # IN AL
    jmp 9f
4:  mov [rip + guest_regs], ax      # IN AX
    jmp 9f
2:  mov rdx, [rip + guest_regs]
    call io_out
9:  pop r12
    jmp skip_instruction

# io_in: EDI = port, ESI = size -> EAX. io_out: EDI = port, ESI = size, EDX = value.
io_in:
    mov ecx, edi
    sub ecx, COM1
    cmp ecx, 7
    jbe vuart_in
    cmp edi, 0x20
    je vpic_in_command
    cmp edi, 0x21
    je vpic_in_data
    inc qword ptr [rip + unclaimed_io]
    mov eax, 0xFFFFFFFF
    ret
io_out:
    mov ecx, edi
    sub ecx, COM1
    cmp ecx, 7
    jbe vuart_out
    cmp edi, 0x20
    je vpic_out_command
    cmp edi, 0x21
    je vpic_out_data
    inc qword ptr [rip + unclaimed_io]
    ret

# -- reasons 31 and 32: RDMSR, WRMSR (SDM 25.6.9: MSR bitmaps) ------------------------------------
# The bitmap page has read bits for MSRs 0-0x1FFF at 0x000 and 0xC0000000-0xC0001FFF at 0x400,
# and write bits for the same ranges at 0x800 and 0xC00; MSRs outside both ranges always exit.
# Ours exits for everything except the SYSENTER MSRs, which VM entries and exits switch
# anyway (SDM 27.3.2.1, 28.5.1), so the guest uses the real registers. Emulated here:
#   IA32_FEATURE_CONTROL (0x3A): reads "locked, VMX off", the honest answer for a CPU whose
#     CPUID says no VMX; writes #GP (it is locked).
#   0x40000000: a hypervisor MSR where the guest may name itself (read/write).
# Any other MSR gets #GP(0), as on a CPU without it.
handle_rdmsr:
    mov ecx, [rip + guest_regs + 1 * 8]
    cmp ecx, IA32_FEATURE_CONTROL
    jne 1f
    mov eax, 1                      # lock bit only: VMX disabled
    xor edx, edx
    jmp 3f
1:  cmp ecx, MSR_GUEST_OS_ID
    jne inject_gp
    mov eax, [rip + guest_os_id]
    mov edx, [rip + guest_os_id + 4]
3:  mov [rip + guest_regs + 0 * 8], rax
    mov [rip + guest_regs + 2 * 8], rdx
    jmp skip_instruction

handle_wrmsr:
    mov ecx, [rip + guest_regs + 1 * 8]
    cmp ecx, MSR_GUEST_OS_ID
    jne inject_gp
    mov eax, [rip + guest_regs + 0 * 8]
    mov [rip + guest_os_id], eax
    mov eax, [rip + guest_regs + 2 * 8]
    mov [rip + guest_os_id + 4], eax
    SAY "minivmm: the guest wrote its OS id to MSR 0x40000000: "
    mov rax, [rip + guest_os_id]
    mov ecx, 16
    call put_hex
    call newline
    jmp skip_instruction

# -- reason 48: EPT violation: the emulated device (SDM 29.3.3) -----------------------------------
# The guest touched a guest-physical address whose EPT entries do not allow the access. The
# address is in GUEST_PHYSICAL_ADDRESS, the guest's linear address in GUEST_LINEAR_ADDRESS,
# and the qualification (SDM 28.2.1, Table 28-7) says what the access was: bit 0 read, bit 1
# write, bit 2 instruction fetch, bits 5:3 what the EPT entries allowed. It does not say which
# register or how wide: for that we decode the instruction at the guest's RIP ourselves
# (decode_guest_mov). The exit-instruction length is undefined for EPT violations (SDM 28.2.4),
# so the decoder gives the length as well. The device (one page at DEVICE_GPA):
#   +0x0 ID      read: DEVICE_ID_VALUE       +0x8 ADD   write: adds to SUM
#   +0x4 SCRATCH read/write                  +0xC SUM   read
# Only aligned 32-bit accesses reach the registers; others read all ones, writes are dropped.
handle_ept_violation:
    push r12
    push r13
    VMCS_READ GUEST_PHYSICAL_ADDRESS
    mov r12, rax
    and rax, ~0xFFF
    cmp rax, DEVICE_GPA
    jne ept_outside_device
    VMCS_READ EXIT_QUALIFICATION
    mov r13, rax
    test r13d, 1 << 2
    jnz ept_outside_device          # executing from the device page: not emulated
    call decode_guest_mov           # -> insn_kind, insn_reg, insn_size, insn_imm, insn_len
    jc ept_undecodable
    # The decoded direction must agree with the qualification's.
    mov al, [rip + insn_kind]
    cmp al, 1                       # 1 = load (MOV reg, [mem])
    sete cl
    test r13d, 1 << 1
    setz dl
    cmp cl, dl
    jne ept_undecodable
    inc qword ptr [rip + mmio_accesses]
    mov edi, r12d
    and edi, 0xFFF
    movzx esi, byte ptr [rip + insn_size]
    cmp byte ptr [rip + insn_kind], 1
    jne 1f
    call device_read
    movzx ecx, byte ptr [rip + insn_reg]
    movzx esi, byte ptr [rip + insn_size]
    call set_guest_gpr_sized
    jmp 3f
1:  cmp byte ptr [rip + insn_kind], 2
    jne 2f
    movzx ecx, byte ptr [rip + insn_reg]      # 2 = store a register
    movzx esi, byte ptr [rip + insn_size]
    call get_guest_gpr_sized
    mov edx, eax
    jmp 4f
2:  mov edx, [rip + insn_imm]                 # 3 = store an immediate
4:  mov edi, r12d
    and edi, 0xFFF
    movzx esi, byte ptr [rip + insn_size]
    call device_write
3:  movzx eax, byte ptr [rip + insn_len]
    call advance_rip
    pop r13
    pop r12
    ret
ept_outside_device:
    SAY "minivmm: EPT violation outside the device page, guest-physical "
    mov rax, r12
    mov ecx, 8
    call put_hex
    call newline
    jmp unhandled_exit
ept_undecodable:
    SAY "minivmm: cannot emulate the instruction that touched the device\n"
    jmp unhandled_exit

device_read:                        # EDI = offset, ESI = size -> EAX
    mov eax, 0xFFFFFFFF
    cmp esi, 4
    jne 9f
    test edi, 3
    jnz 9f
    cmp edi, 0x0
    jne 1f
    mov eax, DEVICE_ID_VALUE
    ret
1:  cmp edi, 0x4
    jne 2f
    mov eax, [rip + device_scratch]
    ret
2:  cmp edi, 0xC
    jne 9f
    mov eax, [rip + device_sum]
9:  ret

device_write:                       # EDI = offset, ESI = size, EDX = value
    cmp esi, 4
    jne 9f
    test edi, 3
    jnz 9f
    cmp edi, 0x4
    jne 1f
    mov [rip + device_scratch], edx
    ret
1:  cmp edi, 0x8
    jne 9f
    add [rip + device_sum], edx
9:  ret

# -- reason 52: the VMX-preemption timer (SDM 26.5.1, 25.6.1) -------------------------------------
# The timer counts down from VMX_PREEMPTION_TIMER_VALUE while the guest runs (one tick per TSC
# tick here: IA32_VMX_MISC[4:0] = 0) and exits at zero. "Save VMX-preemption timer value"
# (SDM 25.7.1) stores what is left on every exit, so the slice spans exits; at zero we count
# a slice and start the next. A scheduler would switch guests here.
handle_preemption_timer:
    inc qword ptr [rip + time_slices]
    VMCS_WRITE VMX_PREEMPTION_TIMER_VALUE, TIME_SLICE
    ret

# Exits minivmm does not handle: say what happened and stop with exit code 1.
unhandled_exit:
    SAY "minivmm: unexpected VM exit, reason "
    mov rax, [rip + exit_reason]
    movzx eax, ax
    call put_dec
    mov al, ' '
    call putc
    mov rax, [rip + exit_reason]
    movzx eax, ax
    call put_reason_name
    SAY " at guest RIP "
    mov rax, [rip + guest_rip]
    mov ecx, 8
    call put_hex
    SAY ", qualification "
    VMCS_READ EXIT_QUALIFICATION
    mov ecx, 8
    call put_hex
    call newline
    mov edi, 1
    jmp shutdown

# SDM 27.8 (28.2.1): a VM-entry failure reported as an exit (reasons 33/34, bit 31 set): the
# guest-state area or the MSR-load area failed a check. The qualification says which part.
entry_failure_exit:
    SAY "minivmm: VM entry failed, exit reason "
    mov rax, [rip + exit_reason]
    movzx eax, ax
    call put_dec
    mov al, ' '
    call putc
    mov rax, [rip + exit_reason]
    movzx eax, ax
    call put_reason_name
    SAY ", qualification "
    VMCS_READ EXIT_QUALIFICATION
    call put_dec
    call newline
    mov edi, 2
    jmp shutdown

# ---- 7 and 8. The virtual hardware: event injection, the virtual PIC and UART, guest memory
# access, the MOV decoder and the emulated device, in minivmm_virt.inc.
.include "minivmm_virt.inc"

# ---- 3 (continued). EPT, the bitmaps, the PIC ---------------------------------------------------
# IA32_VMX_EPT_VPID_CAP (SDM A.10) must offer what we use: a 4-level walk (bit 6), write-back
# paging structures (bit 14), INVEPT single-context (bits 20, 25) and INVVPID single-context
# and single-context-retaining-globals (bits 32, 41, 43).
check_ept_vpid_caps:
    mov ecx, IA32_VMX_EPT_VPID_CAP
    call rdmsr64
    mov rcx, (1 << 6) | (1 << 14) | (1 << 20) | (1 << 25) | (1 << 32) | (1 << 41) | (1 << 43)
    and rax, rcx
    cmp rax, rcx
    jne 1f
    ret
1:  SAY "minivmm: IA32_VMX_EPT_VPID_CAP lacks a feature minivmm needs\n"
    mov edi, 2
    jmp shutdown

# The EPT hierarchy (SDM 29.3.2): PML4 -> PDPT -> page directory -> page table, like 4-level
# paging but with R/W/X permission bits and a memory type in each leaf. One page table covers
# the 2 MiB of guest memory: entry i maps guest-physical 0x400000 + i * 4 KiB to the same
# host-physical address, readable, writable, executable, write-back. The device's entry stays
# 0 (not present): any access there is an EPT violation. The EPT pointer (SDM 25.6.11) names the
# PML4 with the walk length - 1 (3) in bits 5:3 and the memory type (6 = WB) in bits 2:0.
setup_ept:
    lea rax, [rip + ept_pdpt + EPT_RWX]
    mov [rip + ept_pml4], rax
    lea rax, [rip + ept_pd + EPT_RWX]
    mov [rip + ept_pdpt], rax
    lea rax, [rip + ept_pt + EPT_RWX]
    mov [rip + ept_pd + (GUEST_RAM_BASE >> 21) * 8], rax
    lea rdi, [rip + ept_pt]
    mov rax, GUEST_RAM_BASE | EPT_WB | EPT_RWX
    xor ecx, ecx
1:  mov rdx, rax
    cmp ecx, (DEVICE_GPA - GUEST_RAM_BASE) >> 12
    jne 2f
    xor edx, edx                    # the device page: not present
2:  mov [rdi + rcx * 8], rdx
    add rax, 0x1000
    inc ecx
    cmp ecx, 512
    jb 1b
    lea rax, [rip + ept_pml4 + (3 << 3) + 6]
    mov [rip + eptp], rax
# Tables changed: INVEPT (SDM 31, INVEPT; 29.4.3) drops any cached translations for this EPTP.
    mov eax, 1                      # single-context
    invept rax, [rip + eptp]
    jbe 3f
    ret
3:  pushfq
    lea rsi, [rip + str_invept]
    jmp vmx_insn_failed

# The I/O bitmaps and the MSR bitmap (SDM 25.6.4, 25.6.9): all ones (everything exits), then
# holes for the PIT ports 0x40-0x43 and the SYSENTER MSRs 0x174-0x176 (reads and writes).
setup_bitmaps:
    mov rax, -1
    lea rdi, [rip + io_bitmap_a]
    mov ecx, 4096 * 3 / 8           # A, B and the MSR bitmap are consecutive pages
    rep stosq
    and byte ptr [rip + io_bitmap_a + 0x40 / 8], ~0x0F
    and byte ptr [rip + msr_bitmap + 0x174 / 8], ~0x70
    and byte ptr [rip + msr_bitmap + 0x800 + 0x174 / 8], ~0x70
    ret

# The real 8259 pair is minivmm's: IRQ 0-7 at vectors 0x30-0x37, only IRQ 0 (the PIT) open. The
# guest never touches it: its port accesses reach the virtual PIC instead.
setup_host_pic:
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, HOST_IRQ_BASE
    out 0x21, al
    mov al, HOST_IRQ_BASE + 8
    out 0xA1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    ret

# ---- 4. The VMCS --------------------------------------------------------------------------------
# adjust_controls: EDI = the controls we want, ECX = their capability MSR -> EAX = the value to
# write. SDM A.3-A.5: bits 31:0 of the MSR are the allowed 0-settings (a 1 there means the
# control must be 1: the "default1" bits), bits 63:32 the allowed 1-settings (a 0 means it must
# be 0). We add the required ones and fail if something we want is not allowed.
adjust_controls:
    rdmsr
    mov r8d, edi
    or r8d, eax
    mov eax, edi
    not edx
    test eax, edx
    jnz 1f
    mov eax, r8d
    ret
1:  SAY "minivmm: a VM-execution control minivmm needs is not supported\n"
    mov edi, 2
    jmp shutdown

setup_controls:
# SDM A.1: IA32_VMX_BASIC[55] = 1 means the TRUE_* capability MSRs exist; they let some default1
# controls be 0 (CR3-store exiting, for one) and are the ones VM entry checks against.
    xor r9d, r9d
    bt qword ptr [rip + vmx_basic], 55
    jnc 1f
    mov r9d, TRUE_CTLS_DELTA
1:  mov edi, PIN_WANTED
    lea ecx, [r9 + IA32_VMX_PINBASED_CTLS]
    call adjust_controls
    VMCS_WRITE PIN_BASED_VM_EXEC_CONTROL, rax
    mov edi, PROC_WANTED
    lea ecx, [r9 + IA32_VMX_PROCBASED_CTLS]
    call adjust_controls
    mov [rip + proc_controls], eax
    VMCS_WRITE CPU_BASED_VM_EXEC_CONTROL, rax
    mov edi, PROC_INTERRUPT_WINDOW_EXITING    # needed later, at run time: is it allowed?
    lea ecx, [r9 + IA32_VMX_PROCBASED_CTLS]
    call adjust_controls
    mov edi, PROC2_WANTED           # the secondary controls have no TRUE MSR
    mov ecx, IA32_VMX_PROCBASED_CTLS2
    call adjust_controls
    VMCS_WRITE SECONDARY_VM_EXEC_CONTROL, rax
    mov edi, EXIT_WANTED
    lea ecx, [r9 + IA32_VMX_EXIT_CTLS]
    call adjust_controls
    VMCS_WRITE VM_EXIT_CONTROLS, rax
    mov edi, ENTRY_WANTED
    lea ecx, [r9 + IA32_VMX_ENTRY_CTLS]
    call adjust_controls
    VMCS_WRITE VM_ENTRY_CONTROLS, rax
# The rest of the controls come from a table of (field, value) pairs.
    lea rsi, [rip + control_fields]
    call vmwrite_table
# CR0/CR4 guest/host masks and read shadows (SDM 25.6.6): see handle_cr_access. The shadows
# hold what the guest believes: CR0 = PE | ET (as it starts), CR4 = 0.
    VMCS_WRITE CR0_GUEST_HOST_MASK, CR0_PG | CR0_NE
    VMCS_WRITE CR0_READ_SHADOW, 0x11
    VMCS_WRITE CR4_GUEST_HOST_MASK, CR4_VMXE | CR4_PAE | CR4_PSE
    VMCS_WRITE CR4_READ_SHADOW, 0
    ret

# Host state (SDM 25.5; checked by SDM 27.2.2-27.2.4): what a VM exit loads. The host is this
# program: 64-bit ("host address-space size"), our own GDT, TSS and IDT, the current CR0, CR3,
# CR4 and EFER, and the exit entry point with its own stack.
setup_host_state:
    mov rax, cr0
    VMCS_WRITE HOST_CR0, rax
    mov rax, cr3
    VMCS_WRITE HOST_CR3, rax
    mov rax, cr4
    VMCS_WRITE HOST_CR4, rax
    mov ecx, IA32_EFER
    call rdmsr64
    VMCS_WRITE HOST_IA32_EFER, rax
    lea rsi, [rip + host_fields]
    call vmwrite_table
    ret

# Guest state (SDM 25.4; checked by SDM 27.3.1): guestos starts like an ELF32 kernel, in 32-bit
# protected mode with paging off. Without "unrestricted guest" (SDM 25.6.2, 27.3.1.1) CR0.PG
# would have to be 1 (IA32_VMX_CR0_FIXED0); with it, PE and PG may be 0, as in a real boot.
# CR0 and CR4 are the values we want plus FIXED0 (CR0.NE, CR4.VMXE); the read shadows hide
# those. EFER must be loaded ("load IA32_EFER", 0 here): without it VM entry keeps the host's
# EFER.LME (SDM 27.3.2.1), and the guest enabling paging would then start long mode.
setup_guest_state:
    mov rax, [rip + cr0_fixed0]
    and eax, ~(CR0_PE | CR0_PG)
    or eax, 0x11                    # PE | ET
    and rax, [rip + cr0_fixed1]
    VMCS_WRITE GUEST_CR0, rax
    mov rax, [rip + cr4_fixed0]
    and rax, [rip + cr4_fixed1]
    VMCS_WRITE GUEST_CR4, rax
    mov eax, [rip + guest_header + 4]
    VMCS_WRITE GUEST_RIP, rax
    mov eax, [rip + guest_header + 8]
    VMCS_WRITE GUEST_RSP, rax
    lea rsi, [rip + guest_fields]
    call vmwrite_table
    ret

# vmwrite_table: RSI = a table of (field, value) quad pairs ending with field -1.
vmwrite_table:
    push rbx
    mov rbx, rsi
1:  mov rdi, [rbx]
    cmp rdi, -1
    je 2f
    mov rsi, [rbx + 8]
    call vmwrite_field
    add rbx, 16
    jmp 1b
2:  pop rbx
    ret

# vmread_field: EDI = field encoding -> RAX. vmwrite_field: EDI = field, RSI = value.
# A VMfail (CF or ZF set, SDM 31.2) here is a bug in minivmm: report it and stop.
vmread_field:
    vmread rax, rdi
    jbe 1f
    ret
1:  pushfq
    mov [rip + failed_field], edi
    lea rsi, [rip + str_vmread]
    jmp vmx_insn_failed
vmwrite_field:
    vmwrite rdi, rsi
    jbe 1f
    ret
1:  pushfq
    mov [rip + failed_field], edi
    lea rsi, [rip + str_vmwrite]
    jmp vmx_insn_failed

# A VMX instruction failed (SDM 31.2): the flags it left are on the stack, RSI names it.
# CF = 1: VMfailInvalid (there is no current VMCS to hold an error number). ZF = 1:
# VMfailValid, with the reason in the VM-instruction error field (SDM 25.9.5, Table 31-1).
vmx_insn_failed:
    pop rbx
    push rsi
    SAY "minivmm: "
    pop rsi
    call puts
    cmp dword ptr [rip + failed_field], -1
    je 1f
    SAY " of field "
    mov eax, [rip + failed_field]
    mov ecx, 4
    call put_hex
1:  test bl, 1
    jz 2f
    SAY " failed: VMfailInvalid\n"
    jmp 3f
2:  SAY " failed: VMfailValid, VM-instruction error "
    mov eax, VM_INSTRUCTION_ERROR
    vmread rax, rax
    mov rbx, rax
    call put_dec
    cmp rbx, VM_INSTRUCTION_ERROR_TABLE_SIZE
    jae 4f
    lea rcx, [rip + vm_instruction_error_names]
    mov rsi, [rcx + rbx * 8]
    test rsi, rsi
    jz 4f
    SAY " ("
    mov rsi, [rcx + rbx * 8]
    call puts
    mov al, ')'
    call putc
4:  call newline
3:  mov edi, 2
    jmp shutdown

# ---- 9. Shutdown --------------------------------------------------------------------------------
# EDI = exit code. Print the exit summary, leave VMX operation (VMCLEAR writes the VMCS back to
# its region, SDM 25.11.1; VMXOFF), and write the code to the exit port.
shutdown:
    mov r15d, edi
    cmp byte ptr [rip + launched], 0
    je 1f
    call print_summary
1:  cmp byte ptr [rip + vmx_on], 0
    je 2f
    mov byte ptr [rip + vmx_on], 0
    vmclear [rip + vmcs_region_ptr]
    vmxoff
2:  mov eax, r15d
    out EXIT_PORT, al
3:  cli
    hlt
    jmp 3b

print_summary:
    SAY "minivmm: guest stopped with code "
    mov eax, r15d
    call put_dec
    SAY " after "
    mov rax, [rip + total_exits]
    call put_dec
    SAY " VM exits; by reason:\n"
    xor ebx, ebx
1:  lea rcx, [rip + exit_counts]
    mov rax, [rcx + rbx * 8]
    test rax, rax
    jz 2f
    SAY "minivmm: "
    mov rax, rbx
    mov ecx, 4
    call put_dec_width
    mov al, ' '
    call putc
    mov eax, ebx
    call put_reason_name_padded
    lea rcx, [rip + exit_counts]
    mov rax, [rcx + rbx * 8]
    mov ecx, 7
    call put_dec_width
    call newline
2:  inc ebx
    cmp ebx, EXIT_REASON_TABLE_SIZE
    jb 1b
    SAY "minivmm: injected "
    mov rax, [rip + injected_interrupts]
    call put_dec
    SAY " timer interrupts, "
    mov rax, [rip + reflected_page_faults]
    call put_dec
    SAY " #PF (reflected), "
    mov rax, [rip + injected_gp]
    call put_dec
    SAY " #GP; emulated "
    mov rax, [rip + mmio_accesses]
    call put_dec
    SAY " device accesses; "
    mov rax, [rip + time_slices]
    call put_dec
    SAY " time slices\n"
    ret

# put_reason_name: EAX = basic exit reason; its name from vmx.inc's table, or "reason N".
put_reason_name:
    push rcx
    push rsi
    cmp eax, EXIT_REASON_TABLE_SIZE
    jae 1f
    lea rcx, [rip + exit_reason_names]
    mov rsi, [rcx + rax * 8]
    test rsi, rsi
    jz 1f
    call puts
    jmp 2f
1:  SAY "(unnamed)"
2:  pop rsi
    pop rcx
    ret

put_reason_name_padded:             # the name in a 22-character column
    push rcx
    push rsi
    push rdx
    lea rsi, [rip + str_unnamed]
    cmp eax, EXIT_REASON_TABLE_SIZE
    jae 1f
    lea rcx, [rip + exit_reason_names]
    mov rcx, [rcx + rax * 8]
    test rcx, rcx
    jz 1f
    mov rsi, rcx
1:  call puts
    xor edx, edx
2:  cmp byte ptr [rsi + rdx], 0
    je 3f
    inc edx
    jmp 2b
3:  cmp edx, 22
    jae 4f
    mov al, ' '
    call putc
    inc edx
    jmp 3b
4:  pop rdx
    pop rsi
    pop rcx
    ret

# ---- the host's own GDT, TSS and IDT; printing: in minivmm_lib.inc.
.include "minivmm_lib.inc"

# =================================================================================================
.section .rodata
str_vmxon:    .asciz "VMXON"
str_vmclear:  .asciz "VMCLEAR"
str_vmptrld:  .asciz "VMPTRLD"
str_vmlaunch: .asciz "VMLAUNCH"
str_vmresume: .asciz "VMRESUME"
str_vmread:   .asciz "VMREAD"
str_vmwrite:  .asciz "VMWRITE"
str_invept:   .asciz "INVEPT"
str_invvpid:  .asciz "INVVPID"
str_unnamed:  .asciz "(unnamed)"
hv_signature: .ascii "MiniVMMvtdbg"          # CPUID 0x40000000: EBX, ECX, EDX

.balign 8
VMX_EXIT_REASON_NAMES
VMX_INSTRUCTION_ERROR_NAMES

# The VMCS fields whose values are known when linking: (field, value) pairs, -1 ends a table.
.balign 8
control_fields:
    .quad EXCEPTION_BITMAP, 1 << 14             # SDM 25.6.3: #PF exits (handle_exception)
    .quad PAGE_FAULT_ERROR_CODE_MASK, 0         # ... every #PF: error code & 0 == 0
    .quad PAGE_FAULT_ERROR_CODE_MATCH, 0
    .quad IO_BITMAP_A, io_bitmap_a              # SDM 25.6.4 (physical addresses)
    .quad IO_BITMAP_B, io_bitmap_b
    .quad MSR_BITMAP, msr_bitmap                # SDM 25.6.9
    .quad EPT_POINTER, ept_pml4 + (3 << 3) + 6  # SDM 25.6.11: 4-level walk, write-back
    .quad VIRTUAL_PROCESSOR_ID, GUEST_VPID      # SDM 25.6.12: must not be 0 with VPID on
    .quad CR3_TARGET_COUNT, 0                   # SDM 25.6.7: every MOV to CR3 exits
    .quad TSC_OFFSET, 0
    .quad VM_EXIT_MSR_STORE_COUNT, 0            # SDM 25.7.2: no MSR lists
    .quad VM_EXIT_MSR_LOAD_COUNT, 0
    .quad VM_ENTRY_MSR_LOAD_COUNT, 0            # SDM 25.8.2
    .quad VM_ENTRY_INTR_INFO_FIELD, 0           # SDM 25.8.3: nothing to inject yet
    .quad VMCS_LINK_POINTER, -1                 # SDM 25.4.2: all ones (no shadow VMCS)
    .quad -1

host_fields:
    .quad HOST_CS_SELECTOR, HOST_CS             # SDM 25.5.1; RPL and TI must be 0 (27.2.3)
    .quad HOST_SS_SELECTOR, HOST_DS
    .quad HOST_DS_SELECTOR, HOST_DS
    .quad HOST_ES_SELECTOR, HOST_DS
    .quad HOST_FS_SELECTOR, HOST_DS
    .quad HOST_GS_SELECTOR, HOST_DS
    .quad HOST_TR_SELECTOR, HOST_TSS
    .quad HOST_FS_BASE, 0
    .quad HOST_GS_BASE, 0
    .quad HOST_TR_BASE, host_tss
    .quad HOST_GDTR_BASE, host_gdt
    .quad HOST_IDTR_BASE, host_idt
    .quad HOST_IA32_SYSENTER_CS, 0
    .quad HOST_IA32_SYSENTER_ESP, 0
    .quad HOST_IA32_SYSENTER_EIP, 0
    .quad HOST_RSP, exit_stack_top              # the exit handler's stack
    .quad HOST_RIP, vmexit_entry                # where VM exits arrive
    .quad -1

# SDM 25.4.1: each segment register as the CPU holds it: selector, base, limit and access
# rights (the descriptor's type/S/DPL/P/AVL/L/D/G bits, 0x10000 = unusable). Flat 32-bit ring 0.
guest_fields:
    .quad GUEST_CS_SELECTOR, 0x08
    .quad GUEST_CS_BASE, 0
    .quad GUEST_CS_LIMIT, 0xFFFFFFFF
    .quad GUEST_CS_AR_BYTES, 0xC09B             # code, execute/read, accessed, 32-bit, G
    .quad GUEST_SS_SELECTOR, 0x10
    .quad GUEST_SS_BASE, 0
    .quad GUEST_SS_LIMIT, 0xFFFFFFFF
    .quad GUEST_SS_AR_BYTES, 0xC093             # data, read/write, accessed, 32-bit, G
    .quad GUEST_DS_SELECTOR, 0x10
    .quad GUEST_DS_BASE, 0
    .quad GUEST_DS_LIMIT, 0xFFFFFFFF
    .quad GUEST_DS_AR_BYTES, 0xC093
    .quad GUEST_ES_SELECTOR, 0x10
    .quad GUEST_ES_BASE, 0
    .quad GUEST_ES_LIMIT, 0xFFFFFFFF
    .quad GUEST_ES_AR_BYTES, 0xC093
    .quad GUEST_FS_SELECTOR, 0x10
    .quad GUEST_FS_BASE, 0
    .quad GUEST_FS_LIMIT, 0xFFFFFFFF
    .quad GUEST_FS_AR_BYTES, 0xC093
    .quad GUEST_GS_SELECTOR, 0x10
    .quad GUEST_GS_BASE, 0
    .quad GUEST_GS_LIMIT, 0xFFFFFFFF
    .quad GUEST_GS_AR_BYTES, 0xC093
    .quad GUEST_LDTR_SELECTOR, 0                # no LDT: unusable
    .quad GUEST_LDTR_BASE, 0
    .quad GUEST_LDTR_LIMIT, 0
    .quad GUEST_LDTR_AR_BYTES, 0x10000
    .quad GUEST_TR_SELECTOR, 0                  # SDM 27.3.1.2: TR must be usable, a busy TSS,
    .quad GUEST_TR_BASE, 0                      # even before the guest loads its own (as
    .quad GUEST_TR_LIMIT, 0xFFFF                # after reset, Vol. 3A 10.1.1)
    .quad GUEST_TR_AR_BYTES, 0x8B
    .quad GUEST_GDTR_BASE, 0                    # no GDT yet: guestos loads its own first
    .quad GUEST_GDTR_LIMIT, 0
    .quad GUEST_IDTR_BASE, 0
    .quad GUEST_IDTR_LIMIT, 0
    .quad GUEST_CR3, 0
    .quad GUEST_DR7, 0x400
    .quad GUEST_RFLAGS, 0x2                     # bit 1 is always 1; interrupts off
    .quad GUEST_IA32_EFER, 0
    .quad GUEST_IA32_DEBUGCTL, 0                # "load debug controls" is a default1 control
    .quad GUEST_SYSENTER_CS, 0
    .quad GUEST_SYSENTER_ESP, 0
    .quad GUEST_SYSENTER_EIP, 0
    .quad GUEST_ACTIVITY_STATE, 0               # SDM 25.4.2: active
    .quad GUEST_INTERRUPTIBILITY_INFO, 0
    .quad GUEST_PENDING_DBG_EXCEPTIONS, 0
    .quad VMX_PREEMPTION_TIMER_VALUE, TIME_SLICE
    .quad -1

# =================================================================================================
.section .data
.balign 8
vmxon_region_ptr: .quad vmxon_region
vmcs_region_ptr:  .quad vmcs_region
eptp:             .quad 0, 0                 # also INVEPT's descriptor: EPTP, reserved
invvpid_descriptor: .quad GUEST_VPID, 0      # VPID in bits 15:0; linear address (unused)
failed_field:     .long -1
.balign 8
host_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF                 # 0x08 64-bit code
    .quad 0x00CF92000000FFFF                 # 0x10 data
    .quad 0, 0                               # 0x18 64-bit TSS, filled in at run time
host_gdt_end:
.balign 4
    .word 0
host_gdtr:
    .word host_gdt_end - host_gdt - 1
    .quad host_gdt
    .word 0
host_idtr:
    .word 32 * 16 - 1
    .quad host_idt
vpic_imr:       .byte 0xFF                   # the virtual PIC before the guest programs it
vpic_base:      .byte 0x08

.section .bss
.balign 4096
vmxon_region:   .space 4096
vmcs_region:    .space 4096
io_bitmap_a:    .space 4096
io_bitmap_b:    .space 4096
msr_bitmap:     .space 4096
ept_pml4:       .space 4096
ept_pdpt:       .space 4096
ept_pd:         .space 4096
ept_pt:         .space 4096
host_idt:       .space 32 * 16
host_tss:       .space 104
.balign 8
guest_regs:     .space 16 * 8                # the guest's general registers (RSP unused)
exit_counts:    .space EXIT_REASON_TABLE_SIZE * 8
total_exits:    .quad 0
exit_reason:    .quad 0
guest_rip:      .quad 0
vmx_basic:      .quad 0
cr0_fixed0:     .quad 0
cr0_fixed1:     .quad 0
cr4_fixed0:     .quad 0
cr4_fixed1:     .quad 0
proc_controls:  .quad 0
guest_os_id:    .quad 0
host_timer_ticks: .quad 0
injected_interrupts: .quad 0
reflected_page_faults: .quad 0
injected_gp:    .quad 0
reinjected_events: .quad 0
mmio_accesses:  .quad 0
time_slices:    .quad 0
guest_cr3_loads: .quad 0
guest_eois:     .quad 0
unclaimed_io:   .quad 0
device_scratch: .long 0
device_sum:     .long 0
insn_imm:       .long 0
insn_kind:      .byte 0
insn_reg:       .byte 0
insn_size:      .byte 0
insn_len:       .byte 0
vmx_on:         .byte 0
launched:       .byte 0
vpic_irr:       .byte 0
vpic_isr:       .byte 0
vpic_icw_step:  .byte 0
vpic_icw4:      .byte 0
vpic_read_isr:  .byte 0
vuart_regs:     .space 8
vuart_divisor:  .space 2
.balign 16
                .space 8192
exit_stack_top:
                .space 8192
_stack_top:

# The guest's memory: guestos's image (built from guestos.S by guests/build.py), then zeros up
# to 2 MiB. The linker script puts it at guest-physical (= host-physical) 0x400000.
.section .guest_image, "a"
guest_header:
    .incbin "guestos.bin"
guest_image_end:
.section .guest_ram, "aw", @nobits
    .space (GUEST_RAM_END - GUEST_RAM_BASE) - (guest_image_end - guest_header)
