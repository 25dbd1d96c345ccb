# prot32: 32-bit ELF. Own GDT, IDT and TSS, 32-bit paging, a drop to ring 3 through IRET,
# system calls back into ring 0 through an INT 0x80 gate, and a page fault handled by mapping
# the missing page. Prints each step on COM1 and exits with code 0 (port 0xF4).
.intel_syntax noprefix
.code32

.set COM1, 0x3F8
.set EXIT_PORT, 0xF4
.set KCODE, 0x08
.set KDATA, 0x10
.set UCODE, 0x18 | 3
.set UDATA, 0x20 | 3
.set TSS_SEL, 0x28
.set DEMAND, 0x00400000             # the first page of the second 4 MiB: mapped on demand
.set SYS_EXIT, 0
.set SYS_PUTS, 1
.set SYS_PUTHEX, 2

.section .text
.globl _start
_start:
    call serial_init
    lea esi, msg_start
    call puts

# Our own GDT; a far jump reloads CS from it.
    call build_tss_descriptor
    lgdt [gdtr]
    jmp KCODE:reload_cs
reload_cs:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov ax, TSS_SEL
    ltr ax
    lea esi, msg_gdt
    call puts

# The IDT: faults we do not expect, #PF, and the system call gate (DPL 3: callable from ring 3).
    xor ecx, ecx
fill_idt:
    lea eax, unexpected
    mov edx, 0x8E00                 # present, DPL 0, 32-bit interrupt gate
    call set_gate
    inc ecx
    cmp ecx, 256
    jb fill_idt
    mov ecx, 14
    lea eax, page_fault
    call set_gate
    mov ecx, 0x80
    lea eax, syscall_gate
    mov edx, 0xEE00                 # present, DPL 3, 32-bit interrupt gate
    call set_gate
    lidt [idtr]
    lea esi, msg_idt
    call puts

# Paging: the first 4 MiB identity-mapped (user, writable); the next 4 MiB has a page table
# with nothing present yet.
    xor ecx, ecx
fill_pt:
    mov eax, ecx
    shl eax, 12
    or eax, 7                       # present, writable, user
    mov [page_table0 + ecx * 4], eax
    inc ecx
    cmp ecx, 1024
    jb fill_pt
    lea eax, [page_table0 + 7]
    mov [page_dir], eax
    lea eax, [page_table1 + 7]
    mov [page_dir + 4], eax
    lea eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000              # PG | WP
    mov cr0, eax
    lea esi, msg_paging
    call puts

# To ring 3: IRET with a ring-3 stack frame (SS, ESP, EFLAGS, CS, EIP).
    lea esi, msg_to_user
    call puts
    push UDATA
    lea eax, user_stack_top
    push eax
    push 0x002                      # EFLAGS: IF clear, IOPL 0
    push UCODE
    lea eax, user_main
    push eax
    iret

# ---- ring 3 ------------------------------------------------------------------------------
user_main:
    mov ax, UDATA
    mov ds, ax
    mov es, ax
    mov eax, SYS_PUTS
    lea ebx, msg_user
    int 0x80
    mov eax, SYS_PUTS
    lea ebx, msg_touch
    int 0x80
    mov dword ptr [DEMAND + 0x10], 0xC0FFEE    # not present: #PF, mapped, retried
    mov eax, SYS_PUTS
    lea ebx, msg_readback
    int 0x80
    mov eax, SYS_PUTHEX
    mov ebx, [DEMAND + 0x10]
    int 0x80
    mov eax, SYS_EXIT
    mov ebx, [DEMAND + 0x10]
    sub ebx, 0xC0FFEE               # exit code 0 when the value survived
    int 0x80
user_hang:
    jmp user_hang

# ---- ring 0 handlers -----------------------------------------------------------------------
# INT 0x80: EAX = call number, EBX = argument. Runs on the TSS's ring-0 stack.
syscall_gate:
    push esi
    mov si, KDATA
    mov ds, si
    mov es, si
    cmp eax, SYS_PUTS
    je sys_puts
    cmp eax, SYS_PUTHEX
    je sys_puthex
    cmp eax, SYS_EXIT
    je sys_exit
    jmp sys_return
sys_puts:
    lea esi, msg_sys
    call puts
    mov eax, [esp + 8]              # the caller's CS (above saved ESI and EIP)
    and eax, 3
    add al, '0'
    call putc
    lea esi, msg_colon
    call puts
    mov esi, ebx
    call puts
    jmp sys_return
sys_puthex:
    mov eax, ebx
    call print_hex
    call newline
sys_return:
    mov si, UDATA
    mov ds, si
    mov es, si
    pop esi
    iret
sys_exit:
    lea esi, msg_exit
    call puts
    mov eax, ebx
    call print_hex
    call newline
    mov eax, ebx
    out EXIT_PORT, al
    cli
    hlt

# #PF: report CR2 and the error code, map the page, return to retry the access.
page_fault:
    push eax
    push esi
    mov ax, KDATA
    mov ds, ax
    lea esi, msg_pf
    call puts
    mov eax, cr2
    call print_hex
    lea esi, msg_pf_err
    call puts
    mov eax, [esp + 8]              # the error code
    call print_hex
    call newline
    mov eax, cr2
    cmp eax, DEMAND
    jb unexpected
    cmp eax, DEMAND + 0x1000
    jae unexpected
    lea eax, [demand_frame + 7]
    mov [page_table1], eax
    invlpg [DEMAND]
    mov ax, UDATA
    mov ds, ax
    pop esi
    pop eax
    add esp, 4                      # drop the error code
    iret

unexpected:
    mov ax, KDATA
    mov ds, ax
    lea esi, msg_unexpected
    call puts
    mov al, 1
    out EXIT_PORT, al
    cli
    hlt

# ---- helpers ---------------------------------------------------------------------------------
# set_gate: IDT entry ECX -> handler EAX with attributes DX.
set_gate:
    push edi
    lea edi, [idt + ecx * 8]
    mov [edi], ax
    mov word ptr [edi + 2], KCODE
    mov [edi + 4], dx
    shr eax, 16
    mov [edi + 6], ax
    pop edi
    ret

# The TSS descriptor needs the TSS's address split into fields.
build_tss_descriptor:
    mov dword ptr [tss + 4], offset kernel_stack_top   # ESP0
    mov dword ptr [tss + 8], KDATA                     # SS0
    mov word ptr [tss + 102], 104                      # no I/O bitmap
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
    push eax
puts_next:
    mov al, [esi]
    test al, al
    jz puts_done
    call putc
    inc esi
    jmp puts_next
puts_done:
    pop eax
    ret

putc:
    push edx
    push eax
    mov dx, COM1 + 5
putc_wait:
    in al, dx
    test al, 0x20
    jz putc_wait
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

print_hex:
    push eax
    push ebx
    push ecx
    mov ebx, eax
    mov al, '0'
    call putc
    mov al, 'x'
    call putc
    mov ecx, 8
hex_digit:
    rol ebx, 4
    mov al, bl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe hex_out
    add al, 'A' - '0' - 10
hex_out:
    call putc
    loop hex_digit
    pop ecx
    pop ebx
    pop eax
    ret

.section .rodata
msg_start:      .asciz "prot32: started in flat 32-bit protected mode\n"
msg_gdt:        .asciz "prot32: own GDT loaded, CS reloaded by a far jump, TSS loaded\n"
msg_idt:        .asciz "prot32: IDT loaded (#PF handler, INT 0x80 gate with DPL 3)\n"
msg_paging:     .asciz "prot32: 32-bit paging on\n"
msg_to_user:    .asciz "prot32: IRET to ring 3\n"
msg_user:       .asciz "hello from ring 3\n"
msg_touch:      .asciz "writing to the unmapped page at 0x00400010\n"
msg_readback:   .asciz "the value written there reads back as "
msg_sys:        .asciz "prot32: INT 0x80 from CPL "
msg_colon:      .asciz ": "
msg_pf:         .asciz "prot32: page fault at CR2="
msg_pf_err:     .asciz ", error code="
msg_exit:       .asciz "prot32: exit system call, code="
msg_unexpected: .asciz "prot32: unexpected exception\n"

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

.section .bss
.balign 4096
page_dir:       .space 4096
page_table0:    .space 4096
page_table1:    .space 4096
demand_frame:   .space 4096
idt:            .space 256 * 8
tss:            .space 104
.balign 16
                .space 4096
kernel_stack_top:
                .space 4096
user_stack_top:
                .space 4096
_stack_top:
