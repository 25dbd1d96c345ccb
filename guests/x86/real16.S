# real16: a 64 KiB real-mode ROM started from the reset vector. Builds an IVT, takes INT 0x30
# and PIT timer interrupts through the 8259s, prints on COM1 and exits with code 0 (port 0xF4).
.intel_syntax noprefix
.code16

.set COM1, 0x3F8
.set EXIT_PORT, 0xF4
.set TICKS, 0x500                   # RAM word counted up by the timer handler
.set TICKS_WANTED, 3
.set PIT_COUNT, 1000                # IRQ 0 every 1000 PIT ticks (4000 instructions)

.section .text
# Offsets in this file are offsets in segment F000 (see rom16.ld).
start:
    cli
    cld
    xor ax, ax
    mov es, ax                      # ES: the IVT and RAM at 0
    mov ss, ax
    mov sp, 0x7C00
    mov ax, cs
    mov ds, ax                      # DS: this ROM, for the strings
    call serial_init
    lea si, msg_reset
    call puts

# The interrupt vector table at 0: INT 0x30 and IRQ 0 (vector 8, the PC's master PIC base).
    mov word ptr es:[0x30 * 4], offset int30
    mov word ptr es:[0x30 * 4 + 2], cs
    mov word ptr es:[0x08 * 4], offset irq0
    mov word ptr es:[0x08 * 4 + 2], cs

    mov ax, 0x1234
    int 0x30                        # the handler returns AX + 1
    cmp ax, 0x1235
    jne fail
    lea si, msg_back
    call puts
    call print_hex
    call newline

# The 8259 pair: master vectors 0x08-0x0F, slave 0x70-0x77, slave on IR2; only IRQ 0 open.
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x08
    out 0x21, al
    mov al, 0x70
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

# PIT channel 0: mode 2 (rate generator), LSB then MSB.
    mov word ptr es:[TICKS], 0
    mov al, 0x34
    out 0x43, al
    mov al, PIT_COUNT & 0xFF
    out 0x40, al
    mov al, PIT_COUNT >> 8
    out 0x40, al

    sti
    xor bx, bx                      # ticks reported so far
wait_tick:
    hlt                             # sleep until an interrupt
    mov ax, es:[TICKS]
    cmp ax, bx
    je wait_tick
    mov bx, ax
    lea si, msg_tick
    call puts
    call print_hex
    call newline
    cmp bx, TICKS_WANTED
    jb wait_tick
    cli

    lea si, msg_done
    call puts
    xor al, al
    jmp exit
fail:
    lea si, msg_fail
    call puts
    mov al, 1
exit:
    out EXIT_PORT, al
    hlt
    jmp exit

# INT 0x30: a software interrupt service; returns AX + 1.
int30:
    push si
    lea si, msg_int30
    call puts
    call print_hex
    call newline
    pop si
    inc ax
    iret

# IRQ 0: count the tick, then a non-specific EOI to the master PIC.
irq0:
    push ax
    inc word ptr es:[TICKS]
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

serial_init:
    push ax
    push dx
    mov dx, COM1 + 3
    mov al, 0x80                    # DLAB
    out dx, al
    mov dx, COM1
    mov al, 1                       # divisor 1: 115200 baud
    out dx, al
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03                    # 8N1
    out dx, al
    pop dx
    pop ax
    ret

# puts: the NUL-terminated string at DS:SI.
puts:
    push ax
puts_next:
    mov al, [si]
    test al, al
    jz puts_done
    call putc
    inc si
    jmp puts_next
puts_done:
    pop ax
    ret

putc:
    push dx
    push ax
    mov dx, COM1 + 5
putc_wait:
    in al, dx
    test al, 0x20                   # LSR.THRE
    jz putc_wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

newline:
    push ax
    mov al, 10
    call putc
    pop ax
    ret

# print_hex: AX as 0xNNNN.
print_hex:
    push ax
    push bx
    push cx
    mov bx, ax
    mov al, '0'
    call putc
    mov al, 'x'
    call putc
    mov cx, 4
hex_digit:
    rol bx, 4
    mov al, bl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe hex_out
    add al, 'A' - '0' - 10
hex_out:
    call putc
    loop hex_digit
    pop cx
    pop bx
    pop ax
    ret

msg_reset: .asciz "real16: reset at F000:FFF0, now running in segment F000 (the ROM alias)\n"
msg_int30: .asciz "real16: INT 0x30 handler, AX="
msg_back:  .asciz "real16: back from INT 0x30, AX="
msg_tick:  .asciz "real16: timer interrupt, ticks="
msg_done:  .asciz "real16: done\n"
msg_fail:  .asciz "real16: FAILED\n"

# The reset vector: the last 16 bytes of the ROM (0xFFFFFFF0 = F000:FFF0 at reset).
    .org 0xFFF0, 0xFF
.globl reset
reset:
    jmp 0xF000:start
    .org 0x10000, 0xFF
