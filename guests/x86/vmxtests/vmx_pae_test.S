# vmx_pae_test: a 32-bit guest with PAE paging and EPT off: VM entry loads the four PDPTEs from the PDPT at guest CR3[31:5] (not 4 KiB aligned), the guest keeps using them after changing the PDPT in memory until MOV to CR3 reloads them, the next entry loads them again; 2 MiB and 4 KiB pages, A/D flags; MOV to CR3 of a PDPT with a reserved bit #GPs; an entry with such a PDPTE fails (exit 33, qualification 2), a not-present PDPTE with reserved bits does not
#
# SDM Vol. 3A 4.4.1 (PDPTE registers: loaded by MOV to CR0/CR3/CR4, reserved bits -> #GP(0)),
# 4.4.2; Vol. 3C 27.3.1.6 (PDPTE checks when EPT is off: loaded from CR3, failure = exit 33 with
# qualification 2), 27.3.2.4 (loading the PDPTEs at entry). The guest-state engineer's scenario
# checks the PDPTE rules in depth; this one runs a guest in PAE mode.
.include "lib.inc"
SCENARIO vmx_pae_test

.equ CR4_PAE_, 1 << 5
.equ ALIAS, 0x80000000                  # PDPTE 2 -> PD2x, PDE 0: a 2 MiB page at physical 0
.equ LIN_A, 0x80200000                  # PDPTE 2 -> PD2x, PDE 1 -> pt_x[0]
.equ LIN_B, 0x80201000                  #                           -> pt_x[1]
.equ NOTMAPPED, 0x40000008              # PDPTE 1 is not present
.equ PDPT_OFF, 0x40                     # the PDPT is 32-byte aligned, not page aligned
.equ BAD_OFF, 0x80                      # a second PDPT with a reserved bit in a present PDPTE

test_main:
    call build_tables
    lea rdi, [rip + g_pae]
    call vmx_setup
    mov rax, [rip + init_entry]
    and eax, ~ENTRYCTL_IA32E_MODE_GUEST
    VMCS_SET VM_ENTRY_CONTROLS, rax
    VMCS_SET GUEST_CS_SELECTOR, SEL_CODE32
    VMCS_SET GUEST_CS_AR_BYTES, 0xC09B
    VMCS_SET GUEST_FS_BASE, 0
    VMCS_SET GUEST_GS_BASE, 0
    VMCS_SET EXCEPTION_BITMAP, 0xFFFFFFFF   # no 32-bit IDT in the guest: every exception exits
    lea rax, [rip + pdpt_page + PDPT_OFF]
    or rax, 0x18                            # CR3 bits 4:3 (PWT, PCD) do not move the PDPT
    mov [rip + guest_cr3], rax
    VMCS_SET GUEST_CR3, rax
    VMCS_SET GUEST_CR4, CR4_VMXE | CR4_PAE_

    call enter_guest
    CHECK "PAE guest: runs to its VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP", GUEST_RIP, "offset g_pae_vmcall"
    CHECK "identity 2 MiB page", [rip+g_out], 0x5EEDF00D
    CHECK "2 MiB alias of physical 0 (PDPTE 2)", [rip+g_out+8], 0x5EEDF00D
    CHECK "4 KiB page LIN_A through PD2a", [rip+g_out+16], 0xAAAA0001
    CHECK "after the PDPT changed in memory, LIN_B still through PD2a (PDPTE registers)", [rip+g_out+24], 0xAAAA0002
    CHECK "after MOV to CR3, LIN_A through PD2b", [rip+g_out+32], 0xBBBB0001
    CHECK "after MOV to CR3, LIN_B through PD2b", [rip+g_out+40], 0xBBBB0002
    CHECK "the guest read CR4 = VMXE | PAE", [rip+g_out+48], CR4_VMXE|CR4_PAE_
    CHECK "a write through the alias reached the physical page", [rip+alias_target], 0x600DF00D
    CHECK_MASKED "the alias PDE: accessed and dirty", [rip+pd2a], 0x60, 0x60
    CHECK_MASKED "pt_a[0]: accessed, not dirty", [rip+pt_a], 0x60, 0x20
    CHECK_FIELD "guest CR3 saved as loaded", GUEST_CR3, [rip+guest_cr3]

    # The next entry loads the PDPTEs from memory: point PDPTE 2 back at PD2a.
    lea rax, [rip + pd2a]
    or rax, 1
    mov [rip + pdpt_page + PDPT_OFF + 16], rax
    VMCS_SET GUEST_RIP, "offset g_pae_again"
    call enter_guest
    CHECK "re-entry: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "re-entry loaded PDPTE 2 = PD2a again: LIN_B", [rip+g_out+56], 0xAAAA0002

    call skip_guest_insn
    call enter_guest
    CHECK "MOV to CR3 of a PDPT with a reserved bit: exit 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... #GP(0)", VM_EXIT_INTR_INFO, 0x80000B0D
    CHECK_FIELD "... error code 0", VM_EXIT_INTR_ERROR_CODE, 0
    CHECK_FIELD "... guest RIP on the MOV", GUEST_RIP, "offset g_pae_badcr3"
    CHECK_FIELD "... CR3 unchanged", GUEST_CR3, [rip+guest_cr3]

    VMCS_SET GUEST_RIP, "offset g_pae_pf"
    call enter_guest
    CHECK "read through a not-present PDPTE: exit 0", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... #PF", VM_EXIT_INTR_INFO, 0x80000B0E
    CHECK_FIELD "... error code 0", VM_EXIT_INTR_ERROR_CODE, 0
    CHECK_FIELD "... qualification: the linear address", EXIT_QUALIFICATION, NOTMAPPED

    # VM entry with a present PDPTE that has a reserved bit: exit 33, qualification 2.
    lea rax, [rip + pdpt_page + BAD_OFF]
    VMCS_SET GUEST_CR3, rax
    VMCS_SET GUEST_RIP, "offset g_pae"
    call enter_guest
    CHECK "entry with a bad PDPTE: VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    CHECK_FIELD "... qualification 2 (PDPTE)", EXIT_QUALIFICATION, 2
    VMCS_SET GUEST_CR3, [rip+guest_cr3]
    VMCS_SET GUEST_RIP, "offset g_pae_again"
    call enter_guest
    CHECK "with the good PDPT (PDPTE 3 not present, reserved bits set): enters", rax, EXIT_REASON_VMCALL
    ret

# PDPT (at pdpt_page + PDPT_OFF): 0 -> gpd0, 1 not present, 2 -> pd2a, 3 not present with
# reserved bits 2:1 set (not checked). The bad PDPT copies it with reserved bit 1 in PDPTE 0.
build_tables:
    lea rdi, [rip + pdpt_page + PDPT_OFF]
    lea rax, [rip + gpd0]
    or rax, 1
    mov [rdi], rax
    mov [rdi + BAD_OFF - PDPT_OFF], rax
    or qword ptr [rdi + BAD_OFF - PDPT_OFF], 2
    mov qword ptr [rdi + 8], 0
    lea rax, [rip + pd2a]
    or rax, 1
    mov [rdi + 16], rax
    mov [rdi + BAD_OFF - PDPT_OFF + 16], rax
    mov qword ptr [rdi + 24], 6
    mov qword ptr [rdi + BAD_OFF - PDPT_OFF + 24], 6
    # gpd0: 0-8 MiB identity in 2 MiB pages
    mov ecx, 4
    lea rdi, [rip + gpd0]
    mov eax, 0x87
1:  mov [rdi], rax
    add rdi, 8
    add eax, 0x200000
    loop 1b
    # pd2a/pd2b: PDE 0 alias of physical 0 (2 MiB), PDE 1 -> pt_a / pt_b
    mov qword ptr [rip + pd2a], 0x87
    mov qword ptr [rip + pd2b], 0x87
    lea rax, [rip + pt_a]
    or rax, 7
    mov [rip + pd2a + 8], rax
    lea rax, [rip + pt_b]
    or rax, 7
    mov [rip + pd2b + 8], rax
    lea rax, [rip + page_a1]
    or rax, 3
    mov [rip + pt_a], rax
    add rax, 4096
    mov [rip + pt_a + 8], rax
    add rax, 4096
    mov [rip + pt_b], rax
    add rax, 4096
    mov [rip + pt_b + 8], rax
    mov dword ptr [rip + page_a1], 0xAAAA0001
    mov dword ptr [rip + page_a2], 0xAAAA0002
    mov dword ptr [rip + page_b1], 0xBBBB0001
    mov dword ptr [rip + page_b2], 0xBBBB0002
    ret

# -- the 32-bit guest -----------------------------------------------------------------------
.code32
g_pae:
    mov eax, dword ptr [marker]
    mov dword ptr [g_out], eax
    mov eax, dword ptr [ALIAS + marker]
    mov dword ptr [g_out + 8], eax
    mov dword ptr [ALIAS + alias_target], 0x600DF00D
    mov eax, dword ptr [LIN_A]
    mov dword ptr [g_out + 16], eax
    mov eax, offset pd2b + 1                # PDPTE 2 in memory -> PD2b (registers unchanged)
    mov dword ptr [pdpt_page + PDPT_OFF + 16], eax
    mov eax, dword ptr [LIN_B]              # not in the TLB yet: walks from PDPTE register 2
    mov dword ptr [g_out + 24], eax
    mov eax, cr3
    mov cr3, eax                            # reloads the PDPTEs
    mov eax, dword ptr [LIN_A]
    mov dword ptr [g_out + 32], eax
    mov eax, dword ptr [LIN_B]
    mov dword ptr [g_out + 40], eax
    mov eax, cr4
    mov dword ptr [g_out + 48], eax
g_pae_vmcall:
    vmcall
g_pae_again:
    mov eax, dword ptr [LIN_B]
    mov dword ptr [g_out + 56], eax
    vmcall
    mov eax, offset pdpt_page + BAD_OFF
g_pae_badcr3:
    mov cr3, eax
    vmcall
g_pae_pf:
    mov eax, dword ptr [NOTMAPPED]
    vmcall
.code64

.section .data
.balign 8
marker: .quad 0x5EEDF00D

.section .bss
.balign 8
g_out: .space 64                        # dwords in qword slots
alias_target: .quad 0
guest_cr3: .quad 0
.balign 4096
pdpt_page: .space 4096
gpd0: .space 4096
pd2a: .space 4096
pd2b: .space 4096
pt_a: .space 4096
pt_b: .space 4096
page_a1: .space 4096
page_a2: .space 4096
page_b1: .space 4096
page_b2: .space 4096
