# io_bitmap: I/O exits (reason 30) through the I/O bitmaps (A: 0-7FFF, B: 8000-FFFF) by port and width, across 7FFF/8000, wrapping past FFFF, unconditional I/O exiting vs bitmaps, IN/OUT with imm8 and DX, INS/OUTS (string, REP, guest-linear address, instruction information), the full qualification; the TSS I/O-permission #GP outranks the exit
#
# SDM Vol. 3C 25.6.4 (I/O bitmaps), 26.1.1 (priority: #GP from the I/O permission check first),
# 26.1.3 (unconditional I/O exiting, use I/O bitmaps, a multi-byte access exits when any byte's
# bit is set, wrap-around past FFFFH always exits), 28.2.1 Table 28-5 (qualification), 28.2.1
# guest-linear address for INS/OUTS, 28.2.5 Table 28-8 (INS/OUTS instruction information with
# IA32_VMX_BASIC[54] = 1: address size 9:7, segment 17:15 for OUTS).
.include "lib.inc"
SCENARIO io_bitmap

.equ B, PROC_USE_IO_BITMAPS
.equ U, PROC_UNCONDITIONAL_IO_EXITING
.equ NONE, 0x10000                      # no bitmap bit
.equ SKIP, 0x5151515151515151           # not checked
.equ FS_BASE, 0x100
.equ INFO_ADDR, 7 << 7
.equ INFO_SEG, 7 << 15

.equ R_CTL, 0           # the I/O controls (U, B)
.equ R_P1, 8            # ports whose bitmap bit is set (NONE: none)
.equ R_P2, 16
.equ R_REASON, 24       # 30, or 18 when the access does not exit
.equ R_ENTRY, 32
.equ R_INSN, 40
.equ R_NEXT, 48
.equ R_DONE, 56
.equ R_QUAL, 64
.equ R_LIN, 72          # guest-linear address (SKIP: not checked)
.equ R_IMASK, 80
.equ R_IINFO, 88
.equ R_RAX, 96          # guest RAX at the exit (SKIP: not checked)
.equ R_NAME, 104
.equ ROW_SIZE, 112

# ROW name, ctl, p1, p2, reason, qual, lin, imask, iinfo, rax, setup, insn
.macro ROW name, ctl, p1, p2, reason, qual, lin, imask, iinfo, rax, setup, insn
    .pushsection .rodata.strings
.Lrn\@: .asciz "\name"
    .popsection
.Lentry\@:
    \setup
.Linsn\@:
    \insn
.Lnext\@:
    nop
.Ldone\@:
    vmcall
    FAIL "the guest ran past a snippet's VMCALL"
    vmcall
    .pushsection .rodata.rows
    .quad \ctl, \p1, \p2, \reason, .Lentry\@, .Linsn\@, .Lnext\@, .Ldone\@, \qual, \lin
    .quad \imask, \iinfo, \rax, .Lrn\@
    .popsection
.endm

# QUAL size, in, string, rep, imm, port: the exit qualification (Table 28-5)
.equ OUT_, 0
.equ IN_, 1

test_main:
    lea rdi, [rip + rows]
    call vmx_setup
    VMCS_SET IO_BITMAP_A, "offset io_a"
    VMCS_SET IO_BITMAP_B, "offset io_b"
    VMCS_SET GUEST_FS_BASE, FS_BASE
    lea r12, [rip + rows]
row_loop:
    cmp qword ptr [r12 + R_NAME], 0
    je rows_done
    # the bitmaps: all clear, then the row's bits
    lea rdi, [rip + io_a]
    xor eax, eax
    mov ecx, 2 * 4096 / 8
    rep stosq
    mov rdi, [r12 + R_P1]
    call set_port_bit
    mov rdi, [r12 + R_P2]
    call set_port_bit
    mov rax, [rip + init_proc]
    and eax, ~(B | U)
    or rax, [r12 + R_CTL]
    VMCS_SET CPU_BASED_VM_EXEC_CONTROL, rax
    VMCS_SET GUEST_RIP, [r12+R_ENTRY]
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    call enter_guest
    mov rdx, [rip + guest_regs + GREG_RAX]
    mov rcx, SKIP
    cmp [r12 + R_RAX], rcx
    je 1f
    RCHECK "guest RAX (the IN did or did not happen)", rdx, [r12+R_RAX]
1:  cmp qword ptr [r12 + R_REASON], EXIT_REASON_VMCALL
    jne 2f
    RCHECK "no exit before the snippet's VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_READ rax, GUEST_RIP
    RCHECK "guest RIP at the VMCALL", rax, [r12+R_DONE]
    jmp next_row
2:  RCHECK "exit reason", rax, [r12+R_REASON]
    VMCS_READ rax, GUEST_RIP
    RCHECK "guest RIP on the instruction", rax, [r12+R_INSN]
    VMCS_READ rax, VM_EXIT_INSTRUCTION_LEN
    mov rdx, [r12 + R_NEXT]
    sub rdx, [r12 + R_INSN]
    RCHECK "instruction length", rax, rdx
    VMCS_READ rax, EXIT_QUALIFICATION
    RCHECK "exit qualification", rax, [r12+R_QUAL]
    mov rcx, SKIP
    cmp [r12 + R_LIN], rcx
    je 3f
    VMCS_READ rax, GUEST_LINEAR_ADDRESS
    RCHECK "guest-linear address", rax, [r12+R_LIN]
3:  VMCS_READ rax, VMX_INSTRUCTION_INFO
    and rax, [r12 + R_IMASK]
    RCHECK "instruction information", rax, [r12+R_IINFO]
    VMCS_SET GUEST_RIP, [r12+R_NEXT]        # the host completes the I/O by skipping it
    call enter_guest
    RCHECK "resumed after the instruction: VMCALL", rax, EXIT_REASON_VMCALL
    VMCS_READ rax, GUEST_RIP
    RCHECK "resumed after the instruction: guest RIP at the VMCALL", rax, [r12+R_DONE]
next_row:
    add r12, ROW_SIZE
    jmp row_loop
rows_done:
    # The last row was a REP INSB that did not exit: three bytes of all ones from the bus.
    CHECK "REP INSB without an exit stored the port's data", [rip+io_buf+0x20], 0x5A5A5A5A5AFFFFFF
    # The REP INSW that exited did not store anything.
    CHECK "REP INSW that exited stored nothing", [rip+io_buf], 0

    # -- CPL 3: the TSS I/O-permission check comes before the exit ------------------------
    mov rax, [rip + init_proc]
    or eax, U
    VMCS_SET CPU_BASED_VM_EXEC_CONTROL, rax
    VMCS_SET GUEST_CS_SELECTOR, SEL_UCODE64
    VMCS_SET GUEST_CS_AR_BYTES, 0xA0FB
    VMCS_SET GUEST_SS_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_SS_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_DS_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_DS_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_ES_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_ES_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_RSP, "offset user_stack_top"
    VMCS_SET GUEST_RFLAGS, 0x2              # IOPL 0; the TSS has no I/O bitmap
    VMCS_SET GUEST_RIP, "offset g_cpl3"
    call enter_guest
    CHECK "CPL 3, IOPL 0: no I/O exit (VMCALL next)", rax, EXIT_REASON_VMCALL
    CHECK "CPL 3, IOPL 0: IN imm8 raised #GP in the guest", [rip+fault_in], VEC_GP
    CHECK "CPL 3, IOPL 0: ... error code 0", [rip+fault_in_err], 0
    CHECK "CPL 3, IOPL 0: OUT DX raised #GP in the guest", [rip+fault_out], VEC_GP
    VMCS_SET GUEST_RFLAGS, 0x3002           # IOPL 3: the exit happens at CPL 3
    VMCS_SET GUEST_RIP, "offset g_cpl3_iopl3"
    call enter_guest
    CHECK "CPL 3, IOPL 3: exit reason 30", rax, EXIT_REASON_IO_INSTRUCTION
    CHECK_FIELD "CPL 3, IOPL 3: qualification", EXIT_QUALIFICATION, 0x800048
    CHECK_FIELD "CPL 3, IOPL 3: guest CS", GUEST_CS_SELECTOR, SEL_UCODE64
    ret

# set_port_bit(rdi = port, NONE for none)
set_port_bit:
    cmp rdi, NONE
    jae 1f
    push rax
    push rdi
    lea rax, [rip + io_a]                   # io_b follows io_a: bit index = port
    bts [rax], rdi
    pop rdi
    pop rax
1:  ret

# -- the CPL-3 guest -------------------------------------------------------------------------
g_cpl3:
    TRY in al, 0x80
    mov rax, [rip + fault_vector]
    mov [rip + fault_in], rax
    mov rax, [rip + fault_error]
    mov [rip + fault_in_err], rax
    mov edx, 0x80
    TRY out dx, al
    mov rax, [rip + fault_vector]
    mov [rip + fault_out], rax
    vmcall
g_cpl3_iopl3:
    in al, 0x80
    vmcall

# -- the rows --------------------------------------------------------------------------------
    .pushsection .rodata.rows
    .balign 8
rows:
    .popsection

.equ Q_IN, 1 << 3
.equ Q_STR, 1 << 4
.equ Q_REP, 1 << 5
.equ Q_IMM, 1 << 6
.equ A5, 0x5A5A5A5A

ROW "IN AL, 0x80 (bitmap A bit)", B, 0x80, NONE, 30, Q_IN|Q_IMM|(0x80<<16), SKIP, 0, 0, A5, "mov eax, A5", "in al, 0x80"
ROW "OUT 0x81, AL (bit clear)", B, 0x80, NONE, 18, 0, SKIP, 0, 0, A5, "mov eax, A5", "out 0x81, al"
ROW "IN AL, 0x81 (bit clear: reads the bus)", B, 0x80, NONE, 18, 0, SKIP, 0, 0, 0x5A5A5AFF, "mov eax, A5", "in al, 0x81"
ROW "OUT DX, AL (DX = 0x80)", B, 0x80, NONE, 30, 0x80<<16, SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0x80", "out dx, al"
ROW "IN AX, DX at 0x7F (covers 0x80)", B, 0x80, NONE, 30, 1|Q_IN|(0x7F<<16), SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0x7F", "in ax, dx"
ROW "IN EAX, DX at 0x7D (covers 0x80)", B, 0x80, NONE, 30, 3|Q_IN|(0x7D<<16), SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0x7D", "in eax, dx"
ROW "IN EAX, DX at 0x7C (0x7C-0x7F clear)", B, 0x80, NONE, 18, 0, SKIP, 0, 0, 0xFFFFFFFF, "mov eax, A5; mov edx, 0x7C", "in eax, dx"
ROW "IN AL, DX at 0x7F (clear)", B, 0x80, NONE, 18, 0, SKIP, 0, 0, 0x5A5A5AFF, "mov eax, A5; mov edx, 0x7F", "in al, dx"
ROW "OUT DX, AX at 0x7FFF (0x8000 set in bitmap B)", B, 0x8000, NONE, 30, 1|(0x7FFF<<16), SKIP, 0, 0, SKIP, "mov edx, 0x7FFF", "out dx, ax"
ROW "OUT DX, EAX at 0x7FFE (0x7FFF set in bitmap A)", B, 0x7FFF, NONE, 30, 3|(0x7FFE<<16), SKIP, 0, 0, SKIP, "mov edx, 0x7FFE", "out dx, eax"
ROW "OUT DX, EAX at 0x7FFE (0x7FFD and 0x8002 set, 0x7FFE-0x8001 clear)", B, 0x7FFD, 0x8002, 18, 0, SKIP, 0, 0, SKIP, "mov edx, 0x7FFE", "out dx, eax"
ROW "IN AL, DX at 0x8080 (bitmap B bit)", B, 0x8080, NONE, 30, Q_IN|(0x8080<<16), SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0x8080", "in al, dx"
ROW "IN AX, DX at 0xFFFF (wraps to 0: exits, no bits set)", B, NONE, NONE, 30, 1|Q_IN|(0xFFFF<<16), SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0xFFFF", "in ax, dx"
ROW "IN EAX, DX at 0xFFFD (wraps)", B, NONE, NONE, 30, 3|Q_IN|(0xFFFD<<16), SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0xFFFD", "in eax, dx"
ROW "IN AX, DX at 0xFFFE (no wrap, clear)", B, NONE, NONE, 18, 0, SKIP, 0, 0, 0x5A5AFFFF, "mov eax, A5; mov edx, 0xFFFE", "in ax, dx"
ROW "OUT DX, AL at 0xFFFF (bitmap B bit)", B, 0xFFFF, NONE, 30, 0xFFFF<<16, SKIP, 0, 0, SKIP, "mov edx, 0xFFFF", "out dx, al"
ROW "IN AL, DX at 0xFFFF (clear)", B, 0x8000, NONE, 18, 0, SKIP, 0, 0, 0x5A5A5AFF, "mov eax, A5; mov edx, 0xFFFF", "in al, dx"
ROW "unconditional I/O exiting: OUT 0x81, AL", U, NONE, NONE, 30, Q_IMM|(0x81<<16), SKIP, 0, 0, SKIP, "", "out 0x81, al"
ROW "unconditional I/O exiting: IN EAX, DX at 0x1234", U, NONE, NONE, 30, 3|Q_IN|(0x1234<<16), SKIP, 0, 0, A5, "mov eax, A5; mov edx, 0x1234", "in eax, dx"
ROW "unconditional and bitmaps (bit clear): the bitmaps decide", U|B, NONE, NONE, 18, 0, SKIP, 0, 0, SKIP, "", "out 0x81, al"
ROW "unconditional and bitmaps (bit set)", U|B, 0x81, NONE, 30, Q_IMM|(0x81<<16), SKIP, 0, 0, SKIP, "", "out 0x81, al"
ROW "no I/O controls: no exit", 0, 0x80, NONE, 18, 0, SKIP, 0, 0, 0x5A5A5AFF, "mov eax, A5", "in al, 0x80"
ROW "INSB (guest-linear = ES:RDI)", B, 0x80, NONE, 30, Q_IN|Q_STR|(0x80<<16), io_buf+1, INFO_ADDR, 2<<7, SKIP, "lea rdi, [rip + io_buf + 1]; mov edx, 0x80", "insb"
ROW "REP INSW (first iteration exits)", B, 0x80, NONE, 30, 1|Q_IN|Q_STR|Q_REP|(0x80<<16), io_buf+2, INFO_ADDR, 2<<7, SKIP, "lea rdi, [rip + io_buf + 2]; mov edx, 0x80; mov ecx, 3", "rep insw"
ROW "OUTSB (DS:RSI)", B, 0x80, NONE, 30, Q_STR|(0x80<<16), io_buf+5, INFO_ADDR|INFO_SEG, (2<<7)|(3<<15), SKIP, "lea rsi, [rip + io_buf + 5]; mov edx, 0x80", "outsb"
ROW "REP OUTSD FS:[ESI] (32-bit addresses)", B, 0x1F3, NONE, 30, 3|Q_STR|Q_REP|(0x1F1<<16), FS_BASE+io_buf+8, INFO_ADDR|INFO_SEG, (1<<7)|(4<<15), SKIP, "lea rsi, [rip + io_buf + 8]; mov edx, 0x1F1; mov ecx, 2", "rep outs dx, dword ptr fs:[esi]"
ROW "REP INSB (bit clear: runs)", B, 0x81, NONE, 18, 0, SKIP, 0, 0, SKIP, "lea rdi, [rip + io_buf + 0x20]; mov edx, 0x80; mov ecx, 3", "rep insb"

    .pushsection .rodata.rows
    .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    .popsection

.section .data
.balign 8
io_buf:
    .quad 0, 0, 0, 0
    .quad 0x5A5A5A5A5A5A5A5A                # +0x20: REP INSB writes three bytes of it

.section .bss
.balign 8
fault_in: .quad 0
fault_in_err: .quad 0
fault_out: .quad 0
.balign 4096
io_a: .space 4096
io_b: .space 4096
