# vmx_host_state_area_test: the VM-entry checks on the host-state area (SDM Vol. 3C 27.2.2-27.2.4; digest 6.4) as table rows on top of a valid VMCS, each failing check VMfailValid 8 and each neighbouring valid value entering the guest: host CR0/CR4 fixed bits, CR3 width, SYSENTER canonical, PAT and EFER when loaded, selector RPL/TI, null CS/TR/SS, canonical bases, address-space size; then the same VMCS entered from a 32-bit (legacy protected-mode, paged) host, where the 32-bit rules apply (IA-32e guest, HOST_RIP above 4 GiB, null SS, host address-space size outside IA-32e mode).
.include "lib.inc"
.include "entry_rows.inc"
SCENARIO vmx_host_state_area_test

.equ CR4_PSE, 0x10
.equ EFER_LME, 0x100

test_main:
    lea rdi, [rip + rows_guest]
    call vmx_setup
    call rows_setup
    mov rax, [rip + vmx_cr4_fixed1]
    CHECK_MASKED "premise: CR4 bit 15 reserved", rax, 1<<15, 0
    mov rax, [rip + hs_efer]
    CHECK "premise: the host's EFER is LMA | LME", rax, 0x500
    lea rdi, [rip + table]
    call run_rows
    call null_ss_64
    call legacy_setup
    lea rax, [rip + legacy_baseline]
    mov [rip + rows_baseline], rax
    lea rax, [rip + legacy_try]
    mov [rip + rows_enter], rax
    lea rdi, [rip + legacy_table]
    call run_rows
    ret

# A 64-bit host may have a null SS: the entry works and the exit leaves SS = 0, usable.
null_ss_64:
    mov rdi, [rip + rows_baseline]
    xor esi, esi
    call rows_apply
    VMCS_SET HOST_SS_SELECTOR, 0
    VMCS_SET HOST_DS_SELECTOR, 0
    call rows_try_entry
    mov rdx, EXP_OK
    CHECK "64-bit host with null SS and DS: the guest runs", rax, rdx
    mov ax, ss
    movzx eax, ax
    CHECK "64-bit host with null SS: SS = 0 after the exit", rax, 0
    mov ax, ds
    movzx eax, ax
    CHECK "64-bit host with null DS: DS = 0 after the exit", rax, 0
    push 0x1234                             # the stack still works
    pop rax
    CHECK "64-bit host with null SS: push and pop", rax, 0x1234
    mov ax, SEL_DATA
    mov ss, ax
    mov ds, ax
    VMCS_SET HOST_SS_SELECTOR, SEL_DATA
    VMCS_SET HOST_DS_SELECTOR, SEL_DATA
    ret

# -- the 32-bit host ------------------------------------------------------------------------
# legacy_setup: a page directory of 4-MiB pages mapping 0-4 GiB (32-bit paging, CR4.PSE) and
# the host CR4 for it.
legacy_setup:
    push rax
    push rcx
    push rdx
    lea rdx, [rip + pd32]
    xor ecx, ecx
1:  mov eax, ecx
    shl eax, 22
    or eax, 0x87                            # present, writable, user, 4 MiB
    mov [rdx + rcx * 4], eax
    inc ecx
    cmp ecx, 1024
    jb 1b
    mov rax, [rip + hs_cr4]
    and eax, ~CR4_PAE
    or eax, CR4_PSE
    mov [rip + legacy_cr4], rax
    pop rdx
    pop rcx
    pop rax
    ret

# legacy_try: the rows' entry routine for the 32-bit host. The VMCS is written in 64-bit mode;
# this leaves VMX operation, switches to 32-bit protected mode with 32-bit paging, enters VMX
# operation again, runs VMLAUNCH (landing at legacy_landing, 32-bit code) and comes back.
legacy_try:
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov qword ptr [rip + legacy_kind], 0
    mov qword ptr [rip + legacy_flags], 0
    mov dword ptr [rip + legacy_mark], MARK_NONE
    mov dword ptr [rip + legacy_mark + 4], 0
    mov qword ptr [rip + legacy_exit_flags], -1
    mov qword ptr [rip + legacy_exit_rsp], -1
    mov qword ptr [rip + legacy_cs], -1
    mov qword ptr [rip + legacy_efer], -1
    mov qword ptr [rip + legacy_ds], -1
    vmclear [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "legacy_try: VMCLEAR"
    vmxoff
    CHECK_VMSUCCEED "legacy_try: VMXOFF"
    push SEL_CODE32
    lea rax, [rip + legacy32]
    push rax
    retfq

.code32
legacy32:                                   # compatibility mode
    mov eax, cr0
    and eax, ~CR0_PG
    mov cr0, eax                            # IA-32e mode off
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~EFER_LME
    wrmsr
    mov eax, [legacy_cr4]
    mov cr4, eax
    mov eax, offset pd32
    mov cr3, eax
    mov eax, cr0
    or eax, CR0_PG
    mov cr0, eax                            # 32-bit paging
    vmxon [vmxon_ptr]
    vmptrld [vmcs0_ptr]
    mov [legacy_esp], esp
    mov eax, MARK_NONE
    vmlaunch
    pushfd
    pop dword ptr [legacy_flags]
    mov dword ptr [legacy_kind], 1
    jmp legacy_back
legacy_landing:
    pushfd
    push eax
    push ds                                 # a null DS is allowed here: record it, reload
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    pop eax
    mov [legacy_ds], eax
    pop eax
    pop dword ptr [legacy_exit_flags]
    mov dword ptr [legacy_exit_flags + 4], 0
    mov [legacy_exit_rsp], esp
    mov dword ptr [legacy_exit_rsp + 4], 0
    mov esp, [legacy_esp]
    mov [legacy_mark], eax
    mov dword ptr [legacy_mark + 4], 0
    mov ax, cs
    movzx eax, ax
    mov [legacy_cs], eax
    mov dword ptr [legacy_cs + 4], 0
    mov ecx, MSR_EFER
    rdmsr
    mov [legacy_efer], eax
    mov [legacy_efer + 4], edx
    mov dword ptr [legacy_kind], 2
legacy_back:
    vmclear [vmcs0_ptr]
    vmxoff
    mov eax, cr0
    and eax, ~CR0_PG
    mov cr0, eax
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, offset pml4
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    mov eax, cr0
    or eax, CR0_PG
    mov cr0, eax                            # IA-32e mode, compatibility mode
    push SEL_CODE64
    push offset legacy64
    retf
.code64
legacy64:
    mov ax, SEL_DATA
    mov ss, ax
    mov ds, ax
    mov es, ax
    mov rax, [rip + hs_cr4]
    mov cr4, rax
    mov rax, [rip + hs_cr3]
    mov cr3, rax
    mov ecx, MSR_EFER
    mov eax, [rip + hs_efer]
    mov edx, [rip + hs_efer + 4]
    wrmsr
    vmxon [rip + vmxon_ptr]
    CHECK_VMSUCCEED "legacy_try: VMXON again in 64-bit mode"
    vmptrld [rip + vmcs0_ptr]
    CHECK_VMSUCCEED "legacy_try: VMPTRLD again"
    mov byte ptr [rip + vmcs_launched], 0   # VMCLEAR made it clear
    mov rax, [rip + legacy_mark]
    mov [rip + rows_mark], rax
    mov rax, [rip + legacy_exit_flags]
    mov [rip + rows_exit_flags], rax
    mov rax, [rip + legacy_exit_rsp]
    mov [rip + rows_exit_rsp], rax
    cmp qword ptr [rip + legacy_kind], 2
    je 2f
    cmp qword ptr [rip + legacy_kind], 1
    je 1f
    FAIL "legacy_try: neither VMfail nor a VM exit"
    xor eax, eax
    jmp 3f
1:  push qword ptr [rip + legacy_flags]
    popfq
    call rows_vmfail_outcome
    jmp 3f
2:  call rows_exit_outcome
    mov byte ptr [rip + vmcs_launched], 0
    push rax
    mov rsi, [rip + rows_name]              # the 32-bit host state the exit loaded
    mov [rip + chk_name], rsi
    mov rax, [rip + legacy_cs]
    mov edx, SEL_CODE32
    lea rsi, [rip + s_landing_cs]
    call rows_check
    mov rax, [rip + legacy_efer]
    and eax, 0x500
    xor edx, edx
    lea rsi, [rip + s_landing_efer]
    call rows_check
    mov rax, [rip + legacy_ds]
    movzx eax, ax
    mov edx, HOST_DS_SELECTOR
    vmread rdx, rdx
    lea rsi, [rip + s_landing_ds]
    call rows_check
    pop rax
3:  pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    ret

.section .rodata
s_landing_cs: .asciz "32-bit host: CS at HOST_RIP"
s_landing_efer: .asciz "32-bit host: EFER.LMA/LME at HOST_RIP"
s_landing_ds: .asciz "32-bit host: DS at HOST_RIP = HOST_DS_SELECTOR"

# -- the tables -----------------------------------------------------------------------------------
.balign 8
table:
ROW "the valid VMCS enters the guest", EXP_OK
ENDROW

# control registers (27.2.2)
.irp bit, CR0_PE, CR0_NE, CR0_PG
ROW "HOST_CR0 without \bit", EXP_ERR8
    WCLR HOST_CR0, \bit
ENDROW
.endr
ROW "HOST_CR0 bit 32", EXP_ERR8
    WOR HOST_CR0, 1<<32
ENDROW
ROW "HOST_CR4 without VMXE", EXP_ERR8
    WCLR HOST_CR4, CR4_VMXE
ENDROW
ROW "HOST_CR4 bit 15 (reserved)", EXP_ERR8
    WOR HOST_CR4, 1<<15
ENDROW
ROW "HOST_CR4 bit 40", EXP_ERR8
    WOR HOST_CR4, 1<<40
ENDROW
ROW "HOST_CR3 beyond MAXPHYADDR", EXP_ERR8
    WBEYOND HOST_CR3, pml4
ENDROW
.irp bit, 51, 63
ROW "HOST_CR3 bit \bit", EXP_ERR8
    WSET HOST_CR3, pml4+(1<<\bit)
ENDROW
.endr
ROW "HOST_IA32_SYSENTER_ESP not canonical", EXP_ERR8
    WSET HOST_IA32_SYSENTER_ESP, 0x0000800000000000
ENDROW
ROW "HOST_IA32_SYSENTER_EIP not canonical", EXP_ERR8
    WSET HOST_IA32_SYSENTER_EIP, 0xFFFF000000000000
ENDROW
ROW "HOST_IA32_SYSENTER_ESP/EIP canonical (both halves)", EXP_OK
    WSET HOST_IA32_SYSENTER_ESP, 0xFFFF800000000000
    WSET HOST_IA32_SYSENTER_EIP, 0x00007FFFFFFFFFFF
ENDROW

# PAT and EFER when the exit loads them
ROW "load IA32_PAT: a valid PAT", EXP_OK
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_PAT
    WSET HOST_IA32_PAT, 0x0007040600070406
ENDROW
.irp pat, 0x0007040600070402, 0x0307040600070406, 0x0007040800070406, 0x0007040600FF0406
ROW "load IA32_PAT: \pat", EXP_ERR8
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_PAT
    WSET HOST_IA32_PAT, \pat
ENDROW
.endr
ROW "an invalid host PAT without load IA32_PAT", EXP_OK
    WSET HOST_IA32_PAT, 0x0303030303030303
ENDROW
ROW "load IA32_EFER: LMA | LME", EXP_OK
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    WSET HOST_IA32_EFER, 0x500
ENDROW
.irp bit, 1, 9, 12, 63
ROW "load IA32_EFER: reserved bit \bit", EXP_ERR8
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    WSET HOST_IA32_EFER, 0x500|(1<<\bit)
ENDROW
.endr
.irp efer, 0x100, 0x400, 0, 0x800
ROW "load IA32_EFER \efer with a 64-bit host (LMA and LME must be 1)", EXP_ERR8
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    WSET HOST_IA32_EFER, \efer
ENDROW
.endr
ROW "an invalid host EFER without load IA32_EFER", EXP_OK
    WSET HOST_IA32_EFER, 0xFFFF
ENDROW

# selectors (27.2.3)
.irp s, ES, CS, SS, DS, FS, GS, TR
.irp low, 1, 2, 3, 4
ROW "HOST_\s\()_SELECTOR with RPL/TI bits \low", EXP_ERR8
    WOR HOST_\s\()_SELECTOR, \low
ENDROW
.endr
.endr
ROW "HOST_CS_SELECTOR 0", EXP_ERR8
    WSET HOST_CS_SELECTOR, 0
ENDROW
ROW "HOST_TR_SELECTOR 0", EXP_ERR8
    WSET HOST_TR_SELECTOR, 0
ENDROW
ROW "null ES, FS, GS with a 64-bit host", EXP_OK
    WSET HOST_ES_SELECTOR, 0
    WSET HOST_FS_SELECTOR, 0
    WSET HOST_GS_SELECTOR, 0
ENDROW

# bases
.irp b, FS, GS, GDTR, IDTR, TR
ROW "HOST_\b\()_BASE not canonical", EXP_ERR8
    WSET HOST_\b\()_BASE, 0x0000800000000000
ENDROW
ROW "HOST_\b\()_BASE not canonical (bit 63 alone)", EXP_ERR8
    WSET HOST_\b\()_BASE, 0x8000000000000000
ENDROW
.endr
ROW "HOST_FS_BASE and HOST_GS_BASE canonical (upper half)", EXP_OK
    WSET HOST_FS_BASE, 0xFFFF800000000000
    WSET HOST_GS_BASE, 0xFFFFFFFFFFFFF000
ENDROW

# address-space size (27.2.4): this host is in IA-32e mode
ROW "host address-space size 0 with an IA-32e mode guest (processor in IA-32e mode)", EXP_ERR8
    WCLR VM_EXIT_CONTROLS, EXITCTL_HOST_ADDRESS_SPACE_SIZE
ENDROW
ROW "host address-space size 0 with a 32-bit guest (processor in IA-32e mode)", EXP_ERR8
    WCLR VM_EXIT_CONTROLS, EXITCTL_HOST_ADDRESS_SPACE_SIZE
    PAE_GUEST
ENDROW
ROW "64-bit host with a 32-bit PAE guest", EXP_OK
    PAE_GUEST
ENDROW
ROW "64-bit host without CR4.PAE", EXP_ERR8
    WCLR HOST_CR4, CR4_PAE
ENDROW
.irp rip, 0x0000800000000000, 0xFFFF7FFFFFFFF000, 0x8000000000100000
ROW "64-bit host: HOST_RIP \rip not canonical", EXP_ERR8
    WSET HOST_RIP, \rip
ENDROW
.endr
ENDTABLE

# The 32-bit host: the baseline makes the VMCS right for it (and is not undone).
legacy_baseline:
    WSET HOST_RSP, rows_landing_stack_top
    WSET HOST_RIP, legacy_landing
    WSET GUEST_RIP, rows_guest
    WSET GUEST_RSP, guest_stack_top
    WSET GUEST_RFLAGS, 2
    WSET GUEST_ACTIVITY_STATE, 0
    WSET GUEST_INTERRUPTIBILITY_INFO, 0
    WSET GUEST_PENDING_DBG_EXCEPTIONS, 0
    WSET VM_ENTRY_INTR_INFO_FIELD, 0
    WCLR VM_EXIT_CONTROLS, EXITCTL_HOST_ADDRESS_SPACE_SIZE
    WSET HOST_CS_SELECTOR, SEL_CODE32
    WSET HOST_CR3, pd32
    WVAR HOST_CR4, legacy_cr4
    PAE_GUEST
ENDROW

legacy_table:
ROW "32-bit host, 32-bit PAE guest", EXP_OK
ENDROW
ROW "32-bit host with an IA-32e mode guest", EXP_ERR8
    WOR VM_ENTRY_CONTROLS, ENTRYCTL_IA32E_MODE_GUEST
ENDROW
ROW "32-bit host: HOST_RIP above 4 GiB", EXP_ERR8
    WSET HOST_RIP, legacy_landing+(1<<32)
ENDROW
ROW "host address-space size 1 outside IA-32e mode (host CR4.PAE set)", EXP_ERR8
    WOR VM_EXIT_CONTROLS, EXITCTL_HOST_ADDRESS_SPACE_SIZE
    WOR HOST_CR4, CR4_PAE
ENDROW
ROW "32-bit host with null SS", EXP_ERR8
    WSET HOST_SS_SELECTOR, 0
ENDROW
ROW "32-bit host with null DS, ES, FS, GS", EXP_OK
    WSET HOST_DS_SELECTOR, 0
    WSET HOST_ES_SELECTOR, 0
    WSET HOST_FS_SELECTOR, 0
    WSET HOST_GS_SELECTOR, 0
ENDROW
ROW "32-bit host with PAE paging (PDPTEs loaded from HOST_CR3 at the exit)", EXP_OK
    WOR HOST_CR4, CR4_PAE
    WSET HOST_CR3, rows_pae_pdpt
ENDROW
ROW "32-bit host, load IA32_EFER 0 (LMA = LME = host address-space size 0)", EXP_OK
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    WSET HOST_IA32_EFER, 0
ENDROW
ROW "32-bit host, load IA32_EFER with NXE", EXP_OK
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    WSET HOST_IA32_EFER, 0x800
ENDROW
.irp efer, 0x500, 0x100, 0x400
ROW "32-bit host, load IA32_EFER \efer", EXP_ERR8
    WOR VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    WSET HOST_IA32_EFER, \efer
ENDROW
.endr
ROW "32-bit host: FS base not canonical", EXP_ERR8
    WSET HOST_FS_BASE, 0x0000800000000000
ENDROW
ROW "32-bit host: TR base not canonical", EXP_ERR8
    WSET HOST_TR_BASE, 0xFFFF000000000000
ENDROW
ROW "32-bit host: CS selector with RPL 3", EXP_ERR8
    WSET HOST_CS_SELECTOR, SEL_CODE32|3
ENDROW
ENDTABLE

.section .bss
.balign 8
legacy_cr4: .quad 0
legacy_kind: .quad 0
legacy_flags: .quad 0
legacy_mark: .quad 0
legacy_exit_flags: .quad 0
legacy_exit_rsp: .quad 0
legacy_cs: .quad 0
legacy_efer: .quad 0
legacy_ds: .quad 0
legacy_esp: .quad 0
.balign 4096
pd32: .space 4096
.section .text
