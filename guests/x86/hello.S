# hello: 64-bit ELF. Sets up COM1, prints a greeting, exits with code 0 through port 0xF4.
.intel_syntax noprefix
.code64

.set COM1, 0x3F8
.set EXIT_PORT, 0xF4

.section .text
.globl _start
_start:
    call serial_init
    lea rsi, [rip + greeting]
    call puts
    xor eax, eax                    # exit code 0
    mov dx, EXIT_PORT
    out dx, al
halt:
    hlt
    jmp halt

# 115200 baud (divisor 1), 8 data bits, no parity, one stop bit, FIFOs on.
serial_init:
    mov dx, COM1 + 3
    mov al, 0x80                    # LCR.DLAB: the divisor latch
    out dx, al
    mov dx, COM1
    mov al, 1
    out dx, al
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03                    # 8N1, DLAB off
    out dx, al
    mov dx, COM1 + 2
    mov al, 0x07                    # FCR: enable and clear the FIFOs
    out dx, al
    ret

# puts: write the NUL-terminated string at rsi.
puts:
    mov al, [rsi]
    test al, al
    jz puts_done
    call putc
    inc rsi
    jmp puts
puts_done:
    ret

# putc: write al once the transmitter holding register is empty (LSR bit 5).
putc:
    mov ah, al
    mov dx, COM1 + 5
putc_wait:
    in al, dx
    test al, 0x20
    jz putc_wait
    mov al, ah
    mov dx, COM1
    out dx, al
    ret

.section .rodata
greeting:
    .asciz "Hello from the vtdbg x86 model!\n"

.section .bss
.balign 16
    .space 4096
_stack_top:
