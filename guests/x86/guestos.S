# guestos: a 32-bit protected-mode kernel, the guest minivmm runs. In order it identifies the
# CPU with CPUID (and finds minivmm's leaf 0x40000000), loads its GDT, TSS and IDT, turns on
# paging, uses MSRs, probes the serial port, waits in HLT for timer ticks, drives minivmm's
# emulated device, takes a page fault, drops to ring 3 and comes back through SYSENTER, reads
# minivmm's exit counters with a hypercall and shuts down with VMCALL. Every step prints a
# line on COM1. It also runs on bare metal (`vtdbg run guestos`): without minivmm it skips the
# device and the hypercalls and leaves through the exit port 0xF4.
#
# Nothing here knows about VMX: the kernel does what a kernel does, and each of these
# instructions (CPUID, MOV to CR0/CR3/CR4, RDMSR/WRMSR, IN/OUT, HLT, the device's MOVs, the
# #PF, VMCALL) is where minivmm gets control. minivmm.S explains each exit.
#
# Start state (both on bare metal and under minivmm): 32-bit protected mode, paging off, flat
# CS = 0x08 and data segments = 0x10, interrupts off, ESP = _stack_top. The boot GDT must not
# be relied on (minivmm starts the guest with an empty GDTR, as Multiboot does): the first
# thing the kernel does with segments is load its own GDT. minivmm finds the entry point and
# the stack in the header below.
.intel_syntax noprefix
.code32

.set COM1, 0x3F8
.set EXIT_PORT, 0xF4
.set KCODE, 0x08
.set KDATA, 0x10
.set UCODE, 0x18 | 3                # SYSEXIT: CS = SYSENTER_CS + 16, SS = SYSENTER_CS + 24
.set UDATA, 0x20 | 3
.set TSS_SEL, 0x28
.set IRQ_BASE, 0x20                 # our PIC vectors: IRQ 0-7 -> 0x20-0x27
.set PIT_COUNT, 20000               # IRQ 0 every 20000 PIT ticks (80000 instructions)
.set TICKS_WANTED, 3
.set DEVICE, 0x00500000             # minivmm's emulated device (one 4 KiB page)
.set DEV_ID, 0x0                    #   read-only identification register
.set DEV_SCRATCH, 0x4               #   read/write
.set DEV_ADD, 0x8                   #   write: adds the value to the sum
.set DEV_SUM, 0xC                   #   read: the sum
.set FAULT_PAGE, 0x00C00000         # a linear address nothing maps until the #PF handler does
.set MSR_FEATURE_CONTROL, 0x3A
.set MSR_SYSENTER_CS, 0x174
.set MSR_SYSENTER_ESP, 0x175
.set MSR_SYSENTER_EIP, 0x176
.set MSR_GUEST_OS_ID, 0x40000000    # minivmm's synthetic MSR: the guest names itself
.set MSR_BOGUS, 0x1234              # no such MSR: RDMSR must raise #GP
.set HC_PUTS, 0                     # minivmm hypercalls (VMCALL with EAX = number)
.set HC_EXIT_COUNT, 1
.set HC_SHUTDOWN, 2
.set EXIT_REASON_IO, 30
.set SYS_PUTS, 1                    # our system calls (SYSENTER with EAX = number)
.set SYS_BACK, 2

# The header minivmm reads to boot us: magic, entry point, initial stack, end of the image.
.section .header, "a"
guestos_header:
    .ascii "GOS1"
    .long _start
    .long _stack_top
    .long _image_end

.section .text
.globl _start
_start:
    cli
    call serial_init
    lea esi, msg_start
    call puts

# ---- 1. CPUID: who are we running on? ------------------------------------------------------
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    mov eax, 1
    cpuid
    mov ebx, ecx
    lea esi, msg_cpuid
    call puts
    lea esi, vendor
    call puts
    lea esi, msg_vmx_yes
    test ebx, 1 << 5                # CPUID.1:ECX.VMX
    jnz 1f
    lea esi, msg_vmx_no
1:  call puts
    test ebx, 1 << 31               # CPUID.1:ECX bit 31: "running under a hypervisor"
    jnz 2f
    lea esi, msg_bare
    call puts
    jmp cpuid_done
2:  lea esi, msg_hv_bit
    call puts
    mov eax, 0x40000000             # the hypervisor's leaves start at 0x40000000
    cpuid
    mov [hv_sig], ebx
    mov [hv_sig + 4], ecx
    mov [hv_sig + 8], edx
    mov ebx, eax
    lea esi, msg_hv_leaf
    call puts
    lea esi, hv_sig
    call puts
    lea esi, msg_hv_max
    call puts
    mov eax, ebx
    call put_hex32
    call newline
    lea esi, hv_sig                 # is it minivmm? (its hypercalls are all we speak)
    lea edi, minivmm_sig
    mov ecx, 12
    repe cmpsb
    jne cpuid_done
    mov byte ptr [hypervisor], 1
cpuid_done:

# ---- 2. GDT, TSS, IDT ----------------------------------------------------------------------
    call build_tss_descriptor
    lgdt [gdtr]
    jmp KCODE:reload_cs             # a far jump reloads CS from our GDT
reload_cs:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov ax, TSS_SEL
    ltr ax
    xor ecx, ecx                    # vectors 0-31: a stub each, so a surprise names itself
fill_exceptions:
    lea eax, [exception_stubs + ecx * 8]
    call set_gate
    inc ecx
    cmp ecx, 32
    jb fill_exceptions
fill_rest:
    lea eax, stray_interrupt
    call set_gate
    inc ecx
    cmp ecx, 256
    jb fill_rest
    mov ecx, 13
    lea eax, gp_handler
    call set_gate
    mov ecx, 14
    lea eax, pf_handler
    call set_gate
    mov ecx, IRQ_BASE
    lea eax, timer_handler
    call set_gate
    lidt [idtr]
    lea esi, msg_tables
    call puts

# ---- 3. Paging: one 4 MiB page maps our memory, identity, user-accessible ---------------------
    mov dword ptr [page_dir + (0x00400000 >> 22) * 4], 0x00400000 | 0x87   # P, RW, U, PS
    lea eax, page_dir
    mov cr3, eax
    mov eax, cr4
    or eax, 0x10                    # CR4.PSE: 4 MiB pages
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80010000              # CR0.PG | CR0.WP
    mov cr0, eax
    lea esi, msg_paging
    call puts
    mov eax, cr3
    call put_hex32
    lea esi, msg_cr4
    call puts
    mov eax, cr4
    call put_hex32
    lea esi, msg_cr0
    call puts
    mov eax, cr0
    call put_hex32
    call newline

# ---- 4. MSRs ----------------------------------------------------------------------------------
    mov ecx, MSR_SYSENTER_CS        # the SYSENTER MSRs, for the system calls of step 9
    xor edx, edx
    mov eax, KCODE
    wrmsr
    mov ecx, MSR_SYSENTER_ESP
    lea eax, kernel_stack_top
    wrmsr
    mov ecx, MSR_SYSENTER_EIP
    lea eax, sysenter_entry
    wrmsr
    rdmsr
    mov ebx, eax
    lea esi, msg_sysenter
    call puts
    mov eax, ebx
    call put_hex32
    call newline
    mov ecx, MSR_FEATURE_CONTROL
    rdmsr
    mov ebx, eax
    lea esi, msg_fc
    call puts
    mov eax, ebx
    call put_hex32
    lea esi, msg_unlocked
    test ebx, 1
    jz 1f
    lea esi, msg_locked
1:  call puts
    lea esi, msg_vmx_off
    test ebx, 4
    jz 2f
    lea esi, msg_vmx_on
2:  call puts
    cmp byte ptr [hypervisor], 0
    je 3f
    mov ecx, MSR_GUEST_OS_ID
    mov eax, 0x736F7467             # "gtos"
    mov edx, 1                      # version 1
    wrmsr
    xor eax, eax
    xor edx, edx
    rdmsr
    mov ebx, eax
    lea esi, msg_osid
    call puts
    mov eax, edx
    call put_hex32
    mov al, ':'
    call putc
    mov eax, ebx
    call put_hex32
    call newline
3:  mov dword ptr [gp_fixup], offset msr_faulted    # the #GP handler resumes there
    mov ecx, MSR_BOGUS
    rdmsr
    mov dword ptr [gp_fixup], 0
    lea esi, msg_msr_nofault
    call puts
    inc dword ptr [failures]
    jmp msr_done
msr_faulted:
    lea esi, msg_msr_gp
    call puts
    mov eax, [gp_error]
    call put_hex32
    lea esi, msg_msr_gp2
    call puts
msr_done:

# ---- 5. The serial port: is it a 16550? ---------------------------------------------------------
    mov dx, COM1 + 7                # scratch register: a 16550 keeps what is written there
    mov al, 0xA5
    out dx, al
    in al, dx
    movzx ebx, al
    mov dx, COM1 + 3                # line control register
    in al, dx
    movzx edi, al
    lea esi, msg_serial
    call puts
    mov eax, ebx
    call put_hex8
    lea esi, msg_lcr
    call puts
    mov eax, edi
    call put_hex8
    lea esi, msg_8n1
    call puts
    cmp ebx, 0xA5
    je 1f
    inc dword ptr [failures]
1:  mov dx, 0x2F8 + 7               # COM2's scratch register: is anything there?
    mov al, 0x5A
    out dx, al
    in al, dx
    movzx ebx, al
    lea esi, msg_com2
    call puts
    mov eax, ebx
    call put_hex8
    lea esi, msg_com2b
    call puts

# ---- 6. The timer: PIC and PIT, then HLT until three ticks -------------------------------------
    mov al, 0x11                    # ICW1: edge triggered, cascade, ICW4 follows
    out 0x20, al
    mov al, IRQ_BASE                # ICW2: vector base
    out 0x21, al
    mov al, 0x04                    # ICW3: a slave on IR2
    out 0x21, al
    mov al, 0x01                    # ICW4: 8086 mode
    out 0x21, al
    mov al, 0xFE                    # OCW1: only IRQ 0 unmasked
    out 0x21, al
    mov al, 0x34                    # PIT channel 0, LSB then MSB, mode 2 (rate generator)
    out 0x43, al
    mov al, PIT_COUNT & 0xFF
    out 0x40, al
    mov al, PIT_COUNT >> 8
    out 0x40, al
    lea esi, msg_timer
    call puts
    xor edi, edi                    # ticks seen so far
    sti
wait_tick:
    hlt                             # sleep until an interrupt
    mov eax, [ticks]
    cmp eax, edi
    je wait_tick
    mov edi, eax
    lea esi, msg_tick
    call puts
    call put_dec
    lea esi, msg_tick2
    call puts
    cmp edi, TICKS_WANTED
    jb wait_tick
    cli                             # now a tick that comes while interrupts are off:
    mov al, 0x0A                    # OCW3: reads of port 0x20 return the IRR
    out 0x20, al
1:  in al, 0x20
    test al, 1                      # IRQ 0 requested, not yet delivered
    jz 1b
    mov eax, [ticks]
    lea esi, msg_pending
    call puts
    call put_dec
    lea esi, msg_pending2
    call puts
    sti
    nop                             # STI's shadow: the interrupt comes after this instruction
    mov ebx, [ticks]
    cli
    lea esi, msg_sti
    call puts
    mov eax, ebx
    call put_dec
    call newline
    cmp ebx, TICKS_WANTED + 1
    je 2f
    inc dword ptr [failures]
2:  mov al, 0xFF                    # mask IRQ 0 again
    out 0x21, al
    mov al, 0x30                    # channel 0 to mode 0 without a count: OUT stays low
    out 0x43, al
    lea esi, msg_timer_off
    call puts

# ---- 7. minivmm's device: registers in a page that EPT leaves unmapped --------------------------
    cmp byte ptr [hypervisor], 0
    jne 1f
    lea esi, msg_no_device
    call puts
    jmp device_done
1:  mov ebx, DEVICE
    mov eax, [ebx + DEV_ID]                         # 8B 03: read
    mov [device_id], eax
    mov dword ptr [DEVICE + DEV_SCRATCH], 0x12345678    # C7 05 disp32 imm32: write
    mov ecx, [ebx + DEV_SCRATCH]                    # 8B 4B 04: read
    mov [device_scratch], ecx
    mov eax, 10
    mov [ebx + DEV_ADD], eax                        # 89 43 08: write
    mov eax, 20
    mov ecx, DEV_ADD / 4
    mov [ebx + ecx * 4], eax                        # 89 04 8B: write (with a SIB byte)
    mov dword ptr [ebx + DEV_ADD], 30               # C7 43 08 imm32: write
    mov edx, [ebx + DEV_SUM]                        # 8B 53 0C: read
    mov [device_sum], edx
    mov al, [ebx + DEV_ID]                          # 8A 03: a byte read
    mov [device_byte], al
    lea esi, msg_device
    call puts
    mov eax, [device_id]
    call put_hex32
    lea esi, msg_dev_scratch
    call puts
    mov eax, [device_scratch]
    call put_hex32
    call newline
    lea esi, msg_dev_sum
    call puts
    mov eax, [device_sum]
    call put_dec
    lea esi, msg_dev_byte
    call puts
    movzx eax, byte ptr [device_byte]
    call put_hex8
    lea esi, msg_dev_byte2
    call puts
    cmp dword ptr [device_scratch], 0x12345678
    jne 2f
    cmp dword ptr [device_sum], 60
    je device_done
2:  inc dword ptr [failures]
device_done:

# ---- 8. A page fault: write where nothing is mapped; the handler maps a page -------------------
    lea esi, msg_pf_touch
    call puts
    mov dword ptr [FAULT_PAGE + 0x10], 0xC0FFEE
    mov ebx, [FAULT_PAGE + 0x10]
    lea esi, msg_pf_back
    call puts
    mov eax, ebx
    call put_hex32
    call newline
    cmp ebx, 0xC0FFEE
    je 1f
    inc dword ptr [failures]
1:

# ---- 9. Ring 3 and back: SYSEXIT down, SYSENTER up ----------------------------------------------
    lea esi, msg_to_user
    call puts
    mov [kernel_esp], esp
    lea ecx, user_stack_top         # SYSEXIT: ESP = ECX, EIP = EDX, CPL 3
    lea edx, user_main
    sysexit
back_in_kernel:
    lea esi, msg_back
    call puts

# ---- 10. Hypercalls: ask minivmm how much work we have made it do -------------------------------
    cmp byte ptr [hypervisor], 0
    je finish
    mov eax, HC_EXIT_COUNT
    mov ebx, 0xFFFFFFFF             # all reasons
    vmcall
    mov edi, eax
    mov eax, HC_EXIT_COUNT
    mov ebx, EXIT_REASON_IO
    vmcall
    mov ebx, eax
    lea esi, msg_count
    call puts
    mov eax, edi
    call put_dec
    lea esi, msg_count2
    call puts
    mov eax, ebx
    call put_dec
    lea esi, msg_count3
    call puts
    mov eax, HC_PUTS
    lea ebx, msg_hypercall_puts     # minivmm prints this one itself
    vmcall

# ---- 11. Shut down ------------------------------------------------------------------------------
finish:
    mov ebx, [failures]
    test ebx, ebx
    jz 1f
    lea esi, msg_failures
    call puts
    mov eax, ebx
    call put_dec
    call newline
1:  cmp byte ptr [hypervisor], 0
    je 2f
    lea esi, msg_shutdown
    call puts
    mov eax, HC_SHUTDOWN            # EBX = exit code
    vmcall
    jmp hang
2:  lea esi, msg_exit_port
    call puts
    mov eax, ebx
    out EXIT_PORT, al
hang:
    cli
    hlt
    jmp hang

# ---- ring 3 -------------------------------------------------------------------------------------
user_main:
    mov ax, UDATA
    mov ds, ax
    mov es, ax
    mov ebx, cs
    and ebx, 3                      # our privilege level, to show the kernel
    mov eax, SYS_PUTS
    lea esi, msg_user
    call user_syscall
    cmp byte ptr [hypervisor], 0
    je 1f
    mov eax, HC_EXIT_COUNT          # a hypercall from ring 3: minivmm must refuse it
    mov ebx, 0xFFFFFFFF
    vmcall
    lea esi, msg_user_vmcall_no
    cmp eax, 0xFFFFFFFF
    je 2f
    lea esi, msg_user_vmcall_yes
    inc dword ptr [failures]
2:  mov ebx, 3
    mov eax, SYS_PUTS
    call user_syscall
1:  mov eax, SYS_BACK
    call user_syscall
user_hang:
    jmp user_hang

# SYSENTER does not save a return address: we pass it in EDX and our stack in ECX.
user_syscall:
    mov ecx, esp
    lea edx, 1f
    sysenter
1:  ret

# ---- ring 0 entry points ------------------------------------------------------------------------
# SYSENTER: CPL 0, ESP = IA32_SYSENTER_ESP, interrupts off; EAX = call, EBX/ESI = arguments.
sysenter_entry:
    push ecx
    push edx
    cmp eax, SYS_BACK
    je sys_back
    cmp eax, SYS_PUTS
    jne sys_return
    push esi
    lea esi, msg_syscall
    call puts
    mov eax, ebx
    add al, '0'
    call putc
    lea esi, msg_colon
    call puts
    pop esi
    call puts
sys_return:
    pop edx
    pop ecx
    sysexit
sys_back:                            # not a return to ring 3: the kernel carries on
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov esp, [kernel_esp]
    jmp back_in_kernel

# #GP: expected only where the kernel has set gp_fixup (the RDMSR probe); resume there.
gp_handler:
    cmp dword ptr [gp_fixup], 0
    je 1f
    push eax
    mov eax, [esp + 4]              # the error code
    mov [gp_error], eax
    mov eax, [gp_fixup]
    mov [esp + 8], eax              # the saved EIP
    mov dword ptr [gp_fixup], 0
    pop eax
    add esp, 4                      # drop the error code
    iretd
1:  push 13
    jmp unexpected

# #PF: map a page at the faulting address if it is the one we meant to touch, then retry.
pf_handler:
    pushad
    mov ebx, cr2
    lea esi, msg_pf
    call puts
    mov eax, ebx
    call put_hex32
    lea esi, msg_pf_err
    call puts
    mov eax, [esp + 32]             # the error code, above the eight registers PUSHAD saved
    call put_hex32
    lea esi, msg_pf_map
    call puts
    and ebx, 0xFFFFF000
    cmp ebx, FAULT_PAGE
    jne 1f
    lea eax, [fault_frame + 3]      # P, RW
    mov [fault_table], eax
    lea eax, [fault_table + 3]
    mov [page_dir + (FAULT_PAGE >> 22) * 4], eax
    invlpg [FAULT_PAGE]
    popad
    add esp, 4
    iretd
1:  push 14
    jmp unexpected

# IRQ 0: count it and acknowledge it at the PIC.
timer_handler:
    push eax
    inc dword ptr [ticks]
    mov al, 0x20                    # non-specific EOI
    out 0x20, al
    pop eax
    iretd

stray_interrupt:
    push 0xFF
    jmp unexpected

# Vectors 0-31: eight bytes each, pushing the vector number.
.balign 8
exception_stubs:
.set vector, 0
.rept 32
    .balign 8
    push vector
    jmp unexpected
    .set vector, vector + 1
.endr

# Something we did not expect: say which vector, and stop with exit code 1.
unexpected:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    lea esi, msg_unexpected
    call puts
    pop eax
    call put_hex8
    call newline
    mov ebx, 1
    cmp byte ptr [hypervisor], 0
    je 1f
    mov eax, HC_SHUTDOWN
    vmcall
1:  mov al, 1
    out EXIT_PORT, al
    jmp hang

# ---- helpers ------------------------------------------------------------------------------------
# set_gate: IDT entry ECX -> handler EAX (32-bit interrupt gate, DPL 0).
set_gate:
    push edi
    lea edi, [idt + ecx * 8]
    mov [edi], ax
    mov word ptr [edi + 2], KCODE
    mov word ptr [edi + 4], 0x8E00
    push eax
    shr eax, 16
    mov [edi + 6], ax
    pop eax
    pop edi
    ret

build_tss_descriptor:
    mov dword ptr [tss + 4], offset kernel_stack_top   # ESP0
    mov dword ptr [tss + 8], KDATA                     # SS0
    mov word ptr [tss + 102], 104                      # no I/O permission bitmap
    lea eax, tss
    mov word ptr [gdt + TSS_SEL], 103
    mov [gdt + TSS_SEL + 2], ax
    shr eax, 16
    mov [gdt + TSS_SEL + 4], al
    mov byte ptr [gdt + TSS_SEL + 5], 0x89             # present, available 32-bit TSS
    mov byte ptr [gdt + TSS_SEL + 6], 0
    mov [gdt + TSS_SEL + 7], ah
    ret

serial_init:
    mov dx, COM1 + 3
    mov al, 0x80                    # DLAB: the next two registers are the divisor
    out dx, al
    mov dx, COM1
    mov al, 1                       # 115200 baud
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03                    # 8 data bits, no parity, 1 stop bit
    out dx, al
    ret

puts:
    push eax
    push esi
1:  mov al, [esi]
    test al, al
    jz 2f
    call putc
    inc esi
    jmp 1b
2:  pop esi
    pop eax
    ret

# putc: wait until the transmitter holding register is empty (LSR bit 5), then send AL.
putc:
    push edx
    push eax
    mov dx, COM1 + 5
1:  in al, dx
    test al, 0x20
    jz 1b
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    ret

newline:
    push eax
    mov al, 10
    call putc
    pop eax
    ret

put_hex32:
    push ecx
    mov ecx, 8
    call put_hex
    pop ecx
    ret

put_hex8:
    push ecx
    mov ecx, 2
    call put_hex
    pop ecx
    ret

# put_hex: "0x" and the low ECX hex digits of EAX.
put_hex:
    push eax
    push ebx
    push ecx
    mov ebx, eax
    mov al, '0'
    call putc
    mov al, 'x'
    call putc
    mov eax, ecx
    shl eax, 2
    mov ecx, 32
    sub ecx, eax
    rol ebx, cl                     # bring the first digit wanted to the top
    mov ecx, [esp]
1:  rol ebx, 4
    mov al, bl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe 2f
    add al, 'A' - '0' - 10
2:  call putc
    loop 1b
    pop ecx
    pop ebx
    pop eax
    ret

# put_dec: EAX in decimal.
put_dec:
    push eax
    push ecx
    push edx
    push ebx
    mov ebx, 10
    xor ecx, ecx
1:  xor edx, edx
    div ebx
    push edx
    inc ecx
    test eax, eax
    jnz 1b
2:  pop eax
    add al, '0'
    call putc
    loop 2b
    pop ebx
    pop edx
    pop ecx
    pop eax
    ret

.section .rodata
minivmm_sig:     .ascii "MiniVMMvtdbg"
msg_start:       .asciz "guestos: started in 32-bit protected mode, paging off\n"
msg_cpuid:       .asciz "guestos: CPUID: "
msg_vmx_yes:     .asciz ", VMX offered"
msg_vmx_no:      .asciz ", VMX not offered"
msg_bare:        .asciz ", no hypervisor bit: bare metal\n"
msg_hv_bit:      .asciz ", hypervisor bit set\n"
msg_hv_leaf:     .asciz "guestos: CPUID 0x40000000: hypervisor \""
msg_hv_max:      .asciz "\", leaves up to "
msg_tables:      .asciz "guestos: GDT, TSS and IDT loaded\n"
msg_paging:      .asciz "guestos: paging on: CR3="
msg_cr4:         .asciz " CR4="
msg_cr0:         .asciz " CR0="
msg_sysenter:    .asciz "guestos: MSRs: SYSENTER_CS/ESP/EIP written, SYSENTER_EIP reads back "
msg_fc:          .asciz "guestos: MSR IA32_FEATURE_CONTROL = "
msg_locked:      .asciz " (locked, "
msg_unlocked:    .asciz " (unlocked, "
msg_vmx_on:      .asciz "VMX allowed)\n"
msg_vmx_off:     .asciz "VMX not allowed)\n"
msg_osid:        .asciz "guestos: MSR 0x40000000 (guest OS id for minivmm) reads back "
msg_msr_gp:      .asciz "guestos: RDMSR 0x1234 raised #GP(error code "
msg_msr_gp2:     .asciz "), as an unknown MSR must\n"
msg_msr_nofault: .asciz "guestos: RDMSR 0x1234 did NOT fault\n"
msg_serial:      .asciz "guestos: serial port: the scratch register echoes "
msg_lcr:         .asciz ", line control "
msg_8n1:         .asciz " (8N1): a 16550\n"
msg_timer:       .asciz "guestos: timer: PIC at 0x20, PIT every 20000 ticks, HLT until 3 ticks\n"
msg_pending:     .asciz "guestos: interrupts off: the next tick waits in the PIC's IRR, ticks = "
msg_pending2:    .asciz "\n"
msg_sti:         .asciz "guestos: STI let it in, ticks = "
msg_tick:        .asciz "guestos: timer tick "
msg_tick2:       .asciz " ended the HLT\n"
msg_timer_off:   .asciz "guestos: timer stopped (IRQ 0 masked, PIT channel 0 in mode 0)\n"
msg_no_device:   .asciz "guestos: no minivmm, so no device at 0x00500000: skipped\n"
msg_device:      .asciz "guestos: device at 0x00500000: ID "
msg_dev_scratch: .asciz ", scratch register reads back "
msg_dev_sum:     .asciz "guestos: device adder: 10 + 20 + 30 = "
msg_pf_touch:    .asciz "guestos: writing to 0x00C00010, which no page table maps yet\n"
msg_pf:          .asciz "guestos: page fault at CR2="
msg_pf_err:      .asciz " error code "
msg_pf_map:      .asciz ": mapping a page there\n"
msg_pf_back:     .asciz "guestos: after the page fault the write went through, it reads back "
msg_to_user:     .asciz "guestos: SYSEXIT to ring 3\n"
msg_user:        .asciz "hello from user mode\n"
msg_user_vmcall_no:  .asciz "my VMCALL was refused (EAX = -1): hypercalls are for ring 0\n"
msg_user_vmcall_yes: .asciz "my VMCALL was NOT refused\n"
msg_com2:        .asciz "guestos: COM2's scratch register reads back "
msg_com2b:       .asciz ": nothing at 0x2F8\n"
msg_dev_byte:    .asciz "\nguestos: a byte read of the ID register gives "
msg_dev_byte2:   .asciz ": the device answers aligned dwords only\n"
msg_syscall:     .asciz "guestos: SYSENTER from CPL "
msg_colon:       .asciz ": "
msg_back:        .asciz "guestos: back in ring 0 through SYSENTER\n"
msg_count:       .asciz "guestos: minivmm has handled "
msg_count2:      .asciz " VM exits so far, "
msg_count3:      .asciz " of them for I/O instructions\n"
msg_hypercall_puts: .asciz "guestos: (this line is printed by minivmm, for a VMCALL)\n"
msg_failures:    .asciz "guestos: checks failed: "
msg_shutdown:    .asciz "guestos: done, asking minivmm to shut down (VMCALL)\n"
msg_exit_port:   .asciz "guestos: done, no hypervisor to ask, leaving through port 0xF4\n"
msg_unexpected:  .asciz "guestos: unexpected exception or interrupt, vector "

.section .data
.balign 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        # 0x08 ring-0 code
    .quad 0x00CF92000000FFFF        # 0x10 ring-0 data
    .quad 0x00CFFA000000FFFF        # 0x18 ring-3 code
    .quad 0x00CFF2000000FFFF        # 0x20 ring-3 data
    .quad 0                         # 0x28 TSS, filled in at run time
gdt_end:
.balign 4
    .word 0
gdtr:
    .word gdt_end - gdt - 1
    .long gdt
    .word 0
idtr:
    .word 256 * 8 - 1
    .long idt
hypervisor:     .byte 0             # 1 when minivmm's CPUID leaf was found
.balign 4
vendor:         .space 13
.balign 4
hv_sig:         .space 13
.balign 4
ticks:          .long 0
failures:       .long 0
gp_fixup:       .long 0
gp_error:       .long 0
kernel_esp:     .long 0
device_id:      .long 0
device_scratch: .long 0
device_sum:     .long 0
device_byte:    .byte 0

.section .bss
.balign 4096
page_dir:       .space 4096
fault_table:    .space 4096
fault_frame:    .space 4096
idt:            .space 256 * 8
tss:            .space 104
.balign 16
                .space 4096
kernel_stack_top:
                .space 4096
user_stack_top:
                .space 4096
_stack_top:
