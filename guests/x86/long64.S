# long64: 64-bit ELF. Own GDT, TSS with an IST stack, 64-bit IDT, page tables with user pages,
# ring 3 through SYSRET, back through SYSCALL and INT 0x80, and PIT timer interrupts taken in
# ring 3 on the IST stack. Prints each step on COM1 and exits with code 0 (port 0xF4).
.intel_syntax noprefix
.code64

.set COM1, 0x3F8
.set EXIT_PORT, 0xF4
.set KCODE, 0x08
.set KDATA, 0x10
.set USER_BASE, 0x18                # SYSRET: SS = base + 8, CS = base + 16 (64-bit)
.set UDATA, 0x20 | 3
.set UCODE, 0x28 | 3
.set TSS_SEL, 0x30
.set IRQ_BASE, 0x20                 # master PIC vectors 0x20-0x27
.set PIT_COUNT, 2000                # IRQ 0 every 2000 PIT ticks (8000 instructions)
.set TICKS_WANTED, 3
.set MSR_EFER, 0xC0000080
.set MSR_STAR, 0xC0000081
.set MSR_LSTAR, 0xC0000082
.set MSR_FMASK, 0xC0000084
.set SYS_PUTS, 1
.set SYS_TICKS, 2
.set SYS_EXIT, 60

.section .text
.globl _start
_start:
    call serial_init
    lea rsi, [rip + msg_start]
    call puts

# GDT and TSS; CS is reloaded through a far return.
    call build_tss_descriptor
    lgdt [rip + gdtr]
    push KCODE
    lea rax, [rip + reload_cs]
    push rax
    retfq
reload_cs:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ax, TSS_SEL
    ltr ax
    lea rsi, [rip + msg_gdt]
    call puts

# Page tables: the first 1 GiB identity-mapped with 2 MiB pages that ring 3 may use.
    lea rdi, [rip + pml4]
    lea rax, [rip + pdpt + 7]
    mov [rdi], rax
    lea rdi, [rip + pdpt]
    lea rax, [rip + pd + 7]
    mov [rdi], rax
    lea rdi, [rip + pd]
    xor ecx, ecx
fill_pd:
    mov rax, rcx
    shl rax, 21
    or rax, 0x87                    # present, writable, user, 2 MiB page
    mov [rdi + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb fill_pd
    lea rax, [rip + pml4]
    mov cr3, rax
    lea rsi, [rip + msg_paging]
    call puts

# IDT: every vector to `unexpected`, then the timer (on IST 1) and INT 0x80 (DPL 3).
    xor ecx, ecx
fill_idt:
    lea rax, [rip + unexpected]
    mov edx, 0x8E00                 # present, DPL 0, interrupt gate
    call set_gate
    inc ecx
    cmp ecx, 256
    jb fill_idt
    mov ecx, IRQ_BASE
    lea rax, [rip + timer]
    mov edx, 0x8E01                 # interrupt gate on IST 1
    call set_gate
    mov ecx, 0x80
    lea rax, [rip + int80]
    mov edx, 0xEE00                 # DPL 3: reachable with INT from ring 3
    call set_gate
    lidt [rip + idtr]
    lea rsi, [rip + msg_idt]
    call puts

# SYSCALL/SYSRET: EFER.SCE, the selector bases in STAR, the entry in LSTAR, IF/TF masked.
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1
    wrmsr
    mov ecx, MSR_STAR
    xor eax, eax
    mov edx, (USER_BASE << 16) | KCODE
    wrmsr
    mov ecx, MSR_LSTAR
    lea rax, [rip + syscall_entry]
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov ecx, MSR_FMASK
    mov eax, 0x300
    xor edx, edx
    wrmsr

# The PICs (master at 0x20, slave at 0x28, only IRQ 0 open) and PIT channel 0 in mode 3.
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, IRQ_BASE
    out 0x21, al
    mov al, IRQ_BASE + 8
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
    mov al, 0x36
    out 0x43, al
    mov al, PIT_COUNT & 0xFF
    out 0x40, al
    mov al, PIT_COUNT >> 8
    out 0x40, al

# To ring 3: SYSRET loads RIP from RCX and RFLAGS from R11 (IF set: the timer may interrupt).
    lea rsi, [rip + msg_to_user]
    call puts
    lea rsp, [rip + user_stack_top]
    lea rcx, [rip + user_main]
    mov r11, 0x202
    sysretq

# ---- ring 3 ------------------------------------------------------------------------------
user_main:
    mov eax, SYS_PUTS
    lea rdi, [rip + msg_user]
    syscall
user_wait:
    pause
    mov eax, SYS_TICKS
    syscall
    cmp rax, TICKS_WANTED
    jb user_wait
    mov eax, SYS_PUTS
    lea rdi, [rip + msg_user_done]
    syscall
    mov eax, SYS_EXIT
    xor edi, edi
    int 0x80
user_hang:
    jmp user_hang

# ---- ring 0 ------------------------------------------------------------------------------
# SYSCALL: RCX = the caller's RIP, R11 = its RFLAGS; RSP is still the user's stack.
syscall_entry:
    mov [rip + saved_user_rsp], rsp
    lea rsp, [rip + kernel_stack_top]
    push rcx
    push r11
    cmp eax, SYS_PUTS
    jne not_puts
    mov rsi, rdi
    call puts
    jmp syscall_done
not_puts:
    cmp eax, SYS_TICKS
    jne syscall_done
    mov rax, [rip + ticks]
syscall_done:
    pop r11
    pop rcx
    mov rsp, [rip + saved_user_rsp]
    sysretq

# INT 0x80 from ring 3: the frame is SS, RSP, RFLAGS, CS, RIP on the TSS's RSP0 stack.
int80:
    cmp eax, SYS_EXIT               # the only call served here: exit with code EDI
    jne unexpected
    lea rsi, [rip + msg_int80]
    call puts
    mov rax, [rsp + 8]              # the caller's CS
    and eax, 3
    add al, '0'
    call putc
    call newline
    mov eax, edi
    out EXIT_PORT, al
    cli
    hlt

# IRQ 0 on the IST 1 stack: count, report the interrupted privilege level, EOI.
timer:
    push rax
    push rsi
    inc qword ptr [rip + ticks]
    lea rsi, [rip + msg_tick]
    call puts
    mov rax, [rip + ticks]
    add al, '0'
    call putc
    lea rsi, [rip + msg_tick_cpl]
    call puts
    mov rax, [rsp + 24]             # the interrupted CS
    and eax, 3
    add al, '0'
    call putc
    lea rsi, [rip + msg_tick_stack]
    call puts
    lea rax, [rip + ist_stack_top]
    sub rax, rsp
    cmp rax, 4096
    lea rsi, [rip + msg_ist]
    jb tick_print
    lea rsi, [rip + msg_not_ist]
tick_print:
    call puts
    mov al, 0x20
    out 0x20, al
    pop rsi
    pop rax
    iretq

unexpected:
    lea rsi, [rip + msg_unexpected]
    call puts
    mov al, 1
    out EXIT_PORT, al
    cli
    hlt

# ---- helpers -------------------------------------------------------------------------------
# set_gate: IDT entry RCX -> handler RAX; DX = type/attributes (low 3 bits: IST).
set_gate:
    push rdi
    mov rdi, rcx
    shl rdi, 4
    lea r8, [rip + idt]
    add rdi, r8
    mov [rdi], ax
    mov word ptr [rdi + 2], KCODE
    mov [rdi + 4], dx
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword ptr [rdi + 12], 0
    pop rdi
    ret

build_tss_descriptor:
    lea rdi, [rip + tss]
    lea rax, [rip + kernel_stack_top]
    mov [rdi + 4], rax              # RSP0
    lea rax, [rip + ist_stack_top]
    mov [rdi + 36], rax             # IST1
    mov word ptr [rdi + 102], 104   # no I/O bitmap
    lea rsi, [rip + gdt + TSS_SEL]
    mov rax, rdi
    mov word ptr [rsi], 103
    mov [rsi + 2], ax
    shr rax, 16
    mov [rsi + 4], al
    mov byte ptr [rsi + 5], 0x89    # present, available 64-bit TSS
    mov byte ptr [rsi + 6], 0
    mov [rsi + 7], ah
    shr rax, 16
    mov [rsi + 8], eax
    mov dword ptr [rsi + 12], 0
    ret

serial_init:
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al
    mov dx, COM1
    mov al, 1
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03
    out dx, al
    ret

puts:
    push rax
puts_next:
    mov al, [rsi]
    test al, al
    jz puts_done
    call putc
    inc rsi
    jmp puts_next
puts_done:
    pop rax
    ret

putc:
    push rdx
    push rax
    mov dx, COM1 + 5
putc_wait:
    in al, dx
    test al, 0x20
    jz putc_wait
    pop rax
    mov dx, COM1
    out dx, al
    pop rdx
    ret

newline:
    push rax
    mov al, 10
    call putc
    pop rax
    ret

.section .rodata
msg_start:      .asciz "long64: started in 64-bit mode\n"
msg_gdt:        .asciz "long64: own GDT loaded, CS reloaded by a far return, TSS loaded\n"
msg_paging:     .asciz "long64: own 4-level page tables with user pages\n"
msg_idt:        .asciz "long64: IDT loaded (timer on IST 1, INT 0x80 gate with DPL 3)\n"
msg_to_user:    .asciz "long64: SYSRET to ring 3\n"
msg_user:       .asciz "long64: SYSCALL from ring 3: hello\n"
msg_user_done:  .asciz "long64: SYSCALL from ring 3: enough ticks, leaving by INT 0x80\n"
msg_int80:      .asciz "long64: INT 0x80 exit from CPL "
msg_tick:       .asciz "long64: timer tick "
msg_tick_cpl:   .asciz " interrupted CPL "
msg_tick_stack: .asciz ", handler "
msg_ist:        .asciz "on the IST 1 stack\n"
msg_not_ist:    .asciz "NOT on the IST stack\n"
msg_unexpected: .asciz "long64: unexpected exception\n"

.section .data
.balign 8
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF        # 0x08 ring-0 64-bit code
    .quad 0x00CF92000000FFFF        # 0x10 ring-0 data
    .quad 0x00CFFA000000FFFF        # 0x18 ring-3 32-bit code (SYSRET to compatibility mode)
    .quad 0x00CFF2000000FFFF        # 0x20 ring-3 data
    .quad 0x00AFFA000000FFFF        # 0x28 ring-3 64-bit code
    .quad 0, 0                      # 0x30 TSS (16 bytes), filled in at run time
gdt_end:
.balign 4
    .word 0
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
    .word 0
idtr:
    .word 256 * 16 - 1
    .quad idt
.balign 8
ticks:          .quad 0
saved_user_rsp: .quad 0

.section .bss
.balign 4096
pml4:           .space 4096
pdpt:           .space 4096
pd:             .space 4096
idt:            .space 256 * 16
tss:            .space 104
.balign 16
                .space 4096
kernel_stack_top:
                .space 4096
ist_stack_top:
                .space 4096
user_stack_top:
                .space 4096
_stack_top:
