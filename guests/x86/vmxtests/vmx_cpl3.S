# vmx_cpl3: the VMX instructions at CPL 3 (SDM Vol. 2, VMX instruction reference, checks in
# order #UD, VM exit, #GP): outside VMX operation they are #UD, VMXON #GP(0); in VMX root
# operation every one is #GP(0), VMXON and VMPTRLD even with an operand CPL 3 may not read,
# and nothing changes; in VMX non-root operation at CPL 3 each one exits instead, with its
# exit reason, instruction length, displacement as qualification and instruction information.
.include "lib.inc"
SCENARIO vmx_cpl3

# GP0 insn: at CPL 3 the instruction raises #GP(0)
.macro GP0 insn:vararg
    TRY \insn
    CHECK_FAULT_EC "CPL 3 in VMX root: \insn", VEC_GP, 0
.endm

.macro UD insn:vararg
    TRY \insn
    CHECK_FAULT "CPL 3 outside VMX operation: \insn", VEC_UD
.endm

test_main:
    call vmx_prepare
    lea rdi, [rip + scratch1]               # a page CPL 3 may not read
    call pt0_entry
    and qword ptr [rax], ~4
    invlpg [rdi]
    lea rdi, [rip + outside_vmx]
    call run_user

    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_load
    lea rdi, [rip + guest3]
    call init_vmcs
    lea rdi, [rip + in_root]
    call run_user
    mov qword ptr [rip + vmx_operand], 0
    vmptrst [rip + vmx_operand]
    CHECK "the CPL-3 VMCLEAR/VMPTRLD/VMXOFF changed nothing: current VMCS", [rip+vmx_operand], "offset vmcs0"
    CHECK_FIELD "the CPL-3 VMWRITE changed nothing", GUEST_RIP, "offset guest3"

    # Non-root at CPL 3: a ring-3 guest.
    VMCS_SET GUEST_CS_SELECTOR, SEL_UCODE64
    VMCS_SET GUEST_CS_AR_BYTES, 0xA0FB
    VMCS_SET GUEST_SS_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_SS_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_DS_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_DS_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_ES_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_ES_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_FS_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_FS_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_GS_SELECTOR, SEL_UDATA
    VMCS_SET GUEST_GS_AR_BYTES, 0xC0F3
    VMCS_SET GUEST_RSP, "offset user_stack_top"
    VMCS_SET GUEST_RFLAGS, 0x3002           # IOPL 3: the guest's checks may print
    lea r12, [rip + exits]
1:  call enter_guest
    mov rsi, [r12 + 48]
    mov rdx, [r12]
    call check_eq                           # exit reason
    VMCS_READ rax, GUEST_RIP
    mov rdx, [r12 + 8]
    call check_eq                           # guest RIP: the instruction
    VMCS_READ rax, VM_EXIT_INSTRUCTION_LEN
    mov rdx, [r12 + 16]
    sub rdx, [r12 + 8]
    call check_eq                           # its length
    VMCS_READ rax, EXIT_QUALIFICATION
    mov rdx, [r12 + 24]
    call check_eq                           # displacement
    VMCS_READ rax, VMX_INSTRUCTION_INFO
    and rax, [r12 + 32]
    mov rdx, [r12 + 40]
    call check_eq                           # defined instruction-information bits
    call skip_guest_insn
    add r12, 56
    cmp qword ptr [r12], 0
    jne 1b
    call enter_guest
    CHECK "the guest's final VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "the guest ran at CPL 3 (CS)", [rip+guest_cs], SEL_UCODE64
    CHECK_FIELD "GUEST_CS_SELECTOR saved at the exit", GUEST_CS_SELECTOR, SEL_UCODE64
    ret

outside_vmx:
    UD vmxoff
    UD vmptrst [rip + vmx_operand]
    UD vmclear [rip + vmcs0_ptr]
    UD vmptrld [rip + vmcs0_ptr]
    UD vmlaunch
    UD vmresume
    UD vmcall
    mov eax, GUEST_RIP
    UD vmread rdx, rax
    TRY vmxon [rip + vmxon_ptr]
    CHECK_FAULT_EC "CPL 3 outside VMX operation: VMXON", VEC_GP, 0
    lea rbx, [rip + scratch1]
    TRY vmxon [rbx]
    CHECK_FAULT_EC "CPL 3 outside VMX operation: VMXON of an operand CPL 3 cannot read", VEC_GP, 0
    ret

in_root:
    lea rbx, [rip + scratch1]               # supervisor-only
    mov eax, GUEST_RIP
    xor ecx, ecx
    GP0 vmxon [rip + vmxon_ptr]
    GP0 vmxon [rbx]
    GP0 vmxoff
    GP0 vmclear [rip + vmcs0_ptr]
    GP0 vmptrld [rip + vmcs1_ptr]
    GP0 vmptrld [rbx]
    GP0 vmptrst [rip + vmx_operand]
    GP0 vmread rdx, rax
    GP0 vmwrite rax, rcx
    GP0 vmlaunch
    GP0 vmresume
    GP0 vmcall
    mov eax, 2
    GP0 invept rax, [rip + scratch0]
    GP0 invvpid rax, [rip + scratch0]
    ret

# The ring-3 guest: every VMX instruction exits (operands in guest_data, which it may read).
guest3:
    mov ax, cs
    movzx eax, ax
    mov [rip + guest_cs], rax
    lea rbx, [rip + guest_data]
    mov eax, 2
    mov ecx, GUEST_RIP
    mov edx, GUEST_RIP
g_vmcall:   vmcall
g_vmclear:  vmclear [rbx + 0x10]
g_vmlaunch: vmlaunch
g_vmptrld:  vmptrld [rbx + 0x18]
g_vmptrst:  vmptrst [rbx + 0x20]
g_vmread:   vmread rcx, rdx
g_vmresume: vmresume
g_vmwrite:  vmwrite rdx, rcx
g_vmxoff:   vmxoff
g_vmxon:    vmxon [rbx + 0x28]
g_invept:   invept rax, [rbx + 0x30]
g_invvpid:  invvpid rax, [rbx + 0x130]
g_end:
    vmcall

# Instruction information for a memory operand [rbx + disp]: 64-bit addresses (2 << 7), DS
# (3 << 15), no index (bit 22), base RBX (3 << 23); the defined bits of that format.
.equ MEM_RBX, (2<<7)|(3<<15)|(1<<22)|(3<<23)
.equ MEM_MASK, 0x0FFF8383
.section .rodata
.balign 8
.macro EXIT reason, start, end, qual, mask, info
    .quad \reason, \start, \end, \qual, \mask, \info, .Lexit\@
    .pushsection .rodata.strings
.Lexit\@: .asciz "CPL-3 guest: \start"
    .popsection
.endm
exits:
    EXIT EXIT_REASON_VMCALL, g_vmcall, g_vmclear, 0, 0, 0
    EXIT EXIT_REASON_VMCLEAR, g_vmclear, g_vmlaunch, 0x10, MEM_MASK, MEM_RBX
    EXIT EXIT_REASON_VMLAUNCH, g_vmlaunch, g_vmptrld, 0, 0, 0
    EXIT EXIT_REASON_VMPTRLD, g_vmptrld, g_vmptrst, 0x18, MEM_MASK, MEM_RBX
    EXIT EXIT_REASON_VMPTRST, g_vmptrst, g_vmread, 0x20, MEM_MASK, MEM_RBX
    EXIT EXIT_REASON_VMREAD, g_vmread, g_vmresume, 0, 0xF0000478, (1<<3)|(1<<10)|(2<<28)
    EXIT EXIT_REASON_VMRESUME, g_vmresume, g_vmwrite, 0, 0, 0
    EXIT EXIT_REASON_VMWRITE, g_vmwrite, g_vmxoff, 0, 0xF0000478, (1<<3)|(1<<10)|(2<<28)
    EXIT EXIT_REASON_VMXOFF, g_vmxoff, g_vmxon, 0, 0, 0
    EXIT EXIT_REASON_VMXON, g_vmxon, g_invept, 0x28, MEM_MASK, MEM_RBX
    EXIT EXIT_REASON_INVEPT, g_invept, g_invvpid, 0x30, MEM_MASK|0xF0000000, MEM_RBX
    EXIT EXIT_REASON_INVVPID, g_invvpid, g_end, 0x130, MEM_MASK|0xF0000000, MEM_RBX
    .quad 0

.section .data
.balign 16
guest_data: .space 0x140
guest_cs: .quad 0
