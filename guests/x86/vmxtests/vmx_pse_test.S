# vmx_pse_test: a 32-bit protected-mode guest (IA-32e mode guest = 0) with 32-bit paging and CR4.PSE: 4 MiB and 4 KiB pages translate, accessed/dirty flags land in the guest's PDEs, a #PF exit reports the 32-bit linear address; guest CR3 bits 2:0 and 11:5 are ignored, bits above MAXPHYADDR fail the entry (exit 33)
#
# SDM Vol. 3A 4.3 (32-bit paging, PSE 4 MiB pages, CR3 bits 31:12), Vol. 3C 27.3.1.1 (guest CR3
# within MAXPHYADDR; not IA-32e: CS.L = 0, RIP[63:32] = 0), 27.3.2.1 (EFER.LMA/LME from the
# "IA-32e mode guest" control), 28.3.1 (the exit stores EFER.LMA into that control).
.include "lib.inc"
SCENARIO vmx_pse_test

.equ CR4_PSE, 1 << 4
.equ ALIAS, 0x80000000                  # PDE 512: a 4 MiB page at physical 0
.equ LIN4K, 0x40000000                  # PDE 256 -> page table -> data_page
.equ NOTMAPPED, 0xC0000010              # PDE 768 is not present
.equ CR3_IGNORED, 0xFFF                 # bits 2:0, 4:3 (PWT/PCD) and 11:5

test_main:
    call build_tables
    lea rdi, [rip + g_pse]
    call vmx_setup
    call guest32
    VMCS_SET EXCEPTION_BITMAP, 0xFFFFFFFF   # the guest has no 32-bit IDT: every exception exits
    lea rax, [rip + pd]
    or rax, CR3_IGNORED
    VMCS_SET GUEST_CR3, rax
    VMCS_SET GUEST_CR4, CR4_VMXE | CR4_PSE

    call enter_guest
    CHECK "32-bit PSE guest: runs to its VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest RIP", GUEST_RIP, "offset g_pse_vmcall"
    CHECK_FIELD "... instruction length", VM_EXIT_INSTRUCTION_LEN, 3
    CHECK "identity-mapped 4 MiB page", [rip+g_out], 0x5EEDF00D
    CHECK "4 MiB alias of physical 0", [rip+g_out+8], 0x5EEDF00D
    CHECK "4 KiB page through the page table", [rip+g_out+16], 0xDA7A0001
    CHECK "a write through the alias reached the physical page", [rip+alias_target], 0x600DF00D
    CHECK "the guest read CR4 = VMXE | PSE", [rip+g_out+24], CR4_VMXE|CR4_PSE
    lea rax, [rip + pd]
    or rax, CR3_IGNORED
    CHECK "the guest read CR3 with its ignored bits", [rip+g_out+32], rax
    CHECK_MASKED "the alias PDE (512): accessed and dirty", [rip+pd+512*4], 0x60, 0x60
    CHECK_MASKED "the 4 KiB PTE: accessed, not dirty", [rip+pt+0], 0x60, 0x20
    CHECK_MASKED "the identity PDE 0: accessed", [rip+pd], 0x20, 0x20
    CHECK_FIELD "IA-32e mode guest saved as 0 (EFER.LMA = 0)", VM_ENTRY_CONTROLS, "[rip+entry32]"
    CHECK_FIELD "guest CS access rights (32-bit code)", GUEST_CS_AR_BYTES, 0xC09B
    CHECK_FIELD "guest CR4 saved", GUEST_CR4, CR4_VMXE|CR4_PSE

    call skip_guest_insn
    call enter_guest
    CHECK "read of a not-present PDE: exit 0 (#PF intercepted)", rax, EXIT_REASON_EXCEPTION_NMI
    CHECK_FIELD "... #PF with error code", VM_EXIT_INTR_INFO, 0x80000B0E
    CHECK_FIELD "... error code: not present, read, supervisor", VM_EXIT_INTR_ERROR_CODE, 0
    CHECK_FIELD "... qualification: the 32-bit linear address", EXIT_QUALIFICATION, NOTMAPPED
    CHECK_FIELD "... guest RIP on the access", GUEST_RIP, "offset g_pse_pf"

    # Guest CR3 bits above MAXPHYADDR: VM-entry failure, exit 33 (qualification 0).
    mov rcx, [rip + maxphyaddr]
    mov eax, 1
    shl rax, cl
    lea rdx, [rip + pd]
    or rax, rdx
    VMCS_SET GUEST_CR3, rax
    VMCS_SET GUEST_RIP, "offset g_pse"
    call enter_guest
    CHECK "guest CR3 bit MAXPHYADDR set: VM-entry failure", rax, 0x80000000|EXIT_REASON_ENTRY_FAIL_GUEST_STATE
    CHECK_FIELD "... qualification 0", EXIT_QUALIFICATION, 0
    lea rax, [rip + pd]
    VMCS_SET GUEST_CR3, rax
    call enter_guest
    CHECK "guest CR3 repaired: the guest runs again", rax, EXIT_REASON_VMCALL
    ret

# guest32: the current VMCS gets a flat 32-bit protected-mode guest (paging stays on).
guest32:
    mov rax, [rip + init_entry]
    and eax, ~ENTRYCTL_IA32E_MODE_GUEST
    mov [rip + entry32], rax
    VMCS_SET VM_ENTRY_CONTROLS, rax
    VMCS_SET GUEST_CS_SELECTOR, SEL_CODE32
    VMCS_SET GUEST_CS_AR_BYTES, 0xC09B
    VMCS_SET GUEST_FS_BASE, 0
    VMCS_SET GUEST_GS_BASE, 0
    ret

# The guest's 32-bit page directory (4-byte entries).
build_tables:
    mov dword ptr [rip + pd + 0*4], 0x00000087          # 0-4 MiB: 4 MiB page, U, RW, P
    mov dword ptr [rip + pd + 1*4], 0x00400087          # 4-8 MiB
    mov dword ptr [rip + pd + 512*4], 0x00000087        # ALIAS: physical 0
    lea rax, [rip + pt]
    or eax, 7
    mov [rip + pd + 256*4], eax                         # LIN4K: a page table
    lea rax, [rip + data_page]
    or eax, 3
    mov [rip + pt], eax
    mov dword ptr [rip + data_page], 0xDA7A0001
    ret

# -- the 32-bit guest -----------------------------------------------------------------------
.code32
g_pse:
    mov eax, dword ptr [marker]
    mov dword ptr [g_out], eax
    mov eax, dword ptr [ALIAS + marker]
    mov dword ptr [g_out + 8], eax
    mov eax, dword ptr [LIN4K]
    mov dword ptr [g_out + 16], eax
    mov dword ptr [ALIAS + alias_target], 0x600DF00D
    mov eax, cr4
    mov dword ptr [g_out + 24], eax
    mov eax, cr3
    mov dword ptr [g_out + 32], eax
g_pse_vmcall:
    vmcall
g_pse_pf:
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
entry32: .quad 0
.balign 4096
pd: .space 4096
pt: .space 4096
data_page: .space 4096
