# vmx_compat: VMX instructions are not recognized in compatibility mode (IA32_EFER.LMA = 1,
# CS.L = 0): #UD outside VMX operation and in VMX root operation, VMCALL included (SDM Vol. 2,
# VMX instruction reference), with the VMX state unchanged; in a compatibility-mode guest
# VMCALL still exits (its non-root check comes first) while the others raise #UD in the guest
# (here intercepted through the exception bitmap: exit reason 0, vector 6, hardware exception).
.include "lib.inc"
SCENARIO vmx_compat

.macro UD32 where, insn:vararg
    TRY_COMPAT \insn
    CHECK_FAULT "compatibility mode, \where: \insn", VEC_UD
.endm

test_main:
    call vmx_prepare
    lea ebx, [rip + vmxon_ptr]
    UD32 "outside VMX operation", vmxon [ebx]
    mov eax, GUEST_RIP
    UD32 "outside VMX operation", vmread edx, eax

    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_load
    lea rdi, [rip + guest32]
    call init_vmcs
    lea ebx, [rip + vmcs1_ptr]
    lea esi, [rip + scratch0]
    mov eax, GUEST_RIP
    xor ecx, ecx
    UD32 "VMX root", vmcall
    UD32 "VMX root", vmxoff
    UD32 "VMX root", vmxon [ebx]
    UD32 "VMX root", vmclear [ebx]
    UD32 "VMX root", vmptrld [ebx]
    UD32 "VMX root", vmptrst [esi]
    UD32 "VMX root", vmread edx, eax
    UD32 "VMX root", vmwrite eax, ecx
    UD32 "VMX root", vmlaunch
    UD32 "VMX root", vmresume
    mov eax, 2
    UD32 "VMX root", invept eax, [esi]
    UD32 "VMX root", invvpid eax, [esi]
    mov qword ptr [rip + vmx_operand], 0
    vmptrst [rip + vmx_operand]
    CHECK "VMX state unchanged: current VMCS", [rip+vmx_operand], "offset vmcs0"
    CHECK_FIELD "VMX state unchanged: GUEST_RIP", GUEST_RIP, "offset guest32"

    # A compatibility-mode guest (IA-32e mode guest, CS.L = 0, CS.D = 1); #UD exits.
    VMCS_SET GUEST_CS_SELECTOR, SEL_CODE32
    VMCS_SET GUEST_CS_AR_BYTES, 0xC09B
    VMCS_SET EXCEPTION_BITMAP, 1<<VEC_UD
    call enter_guest
    CHECK "compatibility-mode guest: VMCALL exits", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "compatibility-mode guest: VMCALL length", VM_EXIT_INSTRUCTION_LEN, 3
    lea r12, [rip + ud_table]
1:  mov rax, [r12]
    VMCS_SET GUEST_RIP, rax
    call enter_guest
    mov rsi, [r12 + 8]
    mov edx, EXIT_REASON_EXCEPTION_NMI
    call check_eq
    VMCS_READ rax, VM_EXIT_INTR_INFO
    mov edx, 0x80000306                     # valid, hardware exception, #UD
    call check_eq
    VMCS_READ rax, GUEST_RIP
    mov rdx, [r12]
    call check_eq
    add r12, 16
    cmp qword ptr [r12], 0
    jne 1b
    VMCS_SET GUEST_RIP, "offset g_done"
    call enter_guest
    CHECK "compatibility-mode guest: last VMCALL", rax, EXIT_REASON_VMCALL
    ret

.section .text.compat, "ax"
.code32
guest32:
    lea ebx, [guest32_data]
    mov eax, GUEST_RIP
    vmcall
g_vmptrst: vmptrst [ebx]
g_vmclear: vmclear [ebx]
g_vmread:  vmread edx, eax
g_vmxoff:  vmxoff
g_vmxon:   vmxon [ebx]
g_vmresume: vmresume
g_done:
    vmcall
.code64

.section .rodata
.balign 8
.macro UDROW label
    .quad \label, .Lud\@
    .pushsection .rodata.strings
.Lud\@: .asciz "compatibility-mode guest: #UD exit at \label"
    .popsection
.endm
ud_table:
    UDROW g_vmptrst
    UDROW g_vmclear
    UDROW g_vmread
    UDROW g_vmxoff
    UDROW g_vmxon
    UDROW g_vmresume
    .quad 0

.section .data
guest32_data: .quad 0
