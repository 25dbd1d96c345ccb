# ept_access_test_paddr: EPT permissions of the page that holds the guest's page table (the guest PTE mapping TEST_GVA), with the guest PTE's accessed/dirty flags clear or set, with EPT A/D flags disabled and enabled: the guest's own paging-structure accesses cause EPT violations with qualification bit 8 = 0 (bit 7 = 1, the guest-linear address being translated), the guest-physical address of the guest PTE, reads (A/D disabled) or reads treated as writes (bits 0 and 1, A/D enabled), the A/D updates as writes (bits 0 and 1); the guest PTE gets its A/D flags once the entry is fixed, and with A/D enabled the EPT entries used to reach the page table get their accessed flags and the leaf its dirty flag; a PAE guest's MOV to CR3 whose PDPTEs are not readable through EPT exits with bits 7 and 8 clear, a read even with A/D enabled
#
# SDM Vol. 3C 29.3.3.2 (reads of guest paging structures are data reads; the processor's
# writes of their A/D flags are data writes; with EPT A/D flags enabled every access to a guest
# paging-structure entry is treated as a write), 28.2.1 Table 28-7 (bit 8 clear for an access to
# a guest paging-structure entry; "if accessed and dirty flags for EPT are enabled, processor
# accesses to guest paging-structure entries are treated as writes ... the processor sets both
# bit 0 and bit 1"; a read-modify-write such as an A/D update sets bit 1, bit 0 being
# implementation-specific: this model, like the processors kvm-unit-tests'
# ept_access_test_paddr_* describe, sets both), 29.3.5 (EPT A/D flags: accessed in every entry
# used, dirty in the leaf of a written guest-physical address, guest paging-structure accesses
# counting as writes), Vol. 3A 4.8 (the guest's A/D flags), 4.4.1 (PAE PDPTE loads).
#
# The EPT entry under test is the 4 KiB leaf of ept_pt0 that maps g_pt; the guest PTE is
# g_pt[5], so the guest-physical address reported is g_pt + 40.
.include "lib.inc"
.include "ept_common.inc"
SCENARIO ept_access_test_paddr

.equ P_PERM, 0
.equ P_AD, 8
.equ P_OP, 16
.equ P_REASON, 24
.equ P_QUAL, 32
.equ P_NAME, 40
.equ PROW_SIZE, 48

# PROW name, EPT permissions of g_pt's page, the guest PTE's A/D flags, op, reason, qual
.macro PROW name, perm, ad, op, reason, qual=0
    .pushsection .rodata.strings
.Lrn\@: .asciz "\name"
    .popsection
    .quad \perm, \ad, \op, \reason, \qual, .Lrn\@
.endm

.equ AD, PG_A | PG_D
.equ PS, Q_GLA                              # a guest paging-structure access: bit 8 clear

test_main:
    lea rdi, [rip + g_op_read]
    call vmx_setup
    call ept_build
    lea rax, [rip + g_pt]
    shr rax, 12
    lea rdx, [rip + ept_pt0]
    lea rax, [rdx + rax * 8]
    mov [rip + ept_entry_gpt], rax
    xor edi, edi
    call ept_enable
    mov qword ptr [rip + c_var], offset v_off
    lea rdi, [rip + rows_ad_off]
    call run_prows

    mov edi, EPTP_AD
    call ept_enable
    mov qword ptr [rip + ad_on], 1
    mov qword ptr [rip + c_var], offset v_on
    lea rdi, [rip + rows_ad_on]
    call run_prows
    call pdpte_loads
    ret

# -- PDPTE loads by MOV to CR3 (a PAE guest) ------------------------------------------------------
# With EPT, MOV to CR3 in PAE mode reads the four PDPTEs through EPT. An EPT violation there has
# no guest-linear address (qualification bits 7 and 8 clear) and is a read even with EPT A/D
# flags enabled (SDM 28.2.1 Table 28-7 bit 7, 29.3.3.2, 4.4.1). With EPT, VM entry takes the
# PDPTEs from the GUEST_PDPTEn fields, not from the PDPT at CR3 (pae_pdpt, all zero here), and
# VM exit saves them there (SDM 27.3.2.4, 28.3.4). The new PDPT is at TEST_GPA + PDPT_OFF; it
# and GUEST_PDPTE0 map 0-8 MiB in 2 MiB pages.
.equ PDPT_OFF, 0x40
pdpte_loads:
    lea rax, [rip + pae_pd + PG_P]
    mov [rip + pae_pdpte0], rax             # PDPTE 0 for GUEST_PDPTE0; pae_pdpt stays zero:
    or rax, 1 << 9                          # the entry loads the PDPTEs from the VMCS
    mov [rip + test_page + PDPT_OFF], rax   # (bit 9 is ignored: it shows where they came from)
    xor ecx, ecx
1:  mov rax, rcx
    shl rax, 21
    or rax, PG_P | PG_RW | PG_A | PG_D | PG_PS
    lea rdx, [rip + pae_pd]
    mov [rdx + rcx * 8], rax
    inc ecx
    cmp ecx, 4
    jb 1b
    mov rax, [rip + init_entry]
    and eax, ~ENTRYCTL_IA32E_MODE_GUEST
    VMCS_SET VM_ENTRY_CONTROLS, rax
    VMCS_SET GUEST_CS_SELECTOR, SEL_CODE32
    VMCS_SET GUEST_CS_AR_BYTES, 0xC09B
    VMCS_SET GUEST_FS_BASE, 0
    VMCS_SET GUEST_GS_BASE, 0
    VMCS_SET EXCEPTION_BITMAP, 0xFFFFFFFF   # no 32-bit IDT: any exception exits
    mov r12, EPTP_AD                        # A/D enabled, then disabled
2:  mov rdi, r12
    call ept_enable
    VMCS_SET GUEST_CR3, "offset pae_pdpt"
    VMCS_SET GUEST_PDPTE0, [rip+pae_pdpte0]
    VMCS_SET GUEST_PDPTE1, 0
    VMCS_SET GUEST_PDPTE2, 0
    VMCS_SET GUEST_PDPTE3, 0
    VMCS_SET GUEST_RIP, "offset g_pae"
    mov rdx, [rip + ept_entry_pte]          # the new PDPT's page: not present
    and qword ptr [rdx], ~EPT_RWX
    mov edi, INVEPT_SINGLE
    call ept_invept
    call enter_guest
    CHECK "PAE: MOV to CR3, the PDPT's page not present in EPT: EPT violation", rax, EXIT_REASON_EPT_VIOLATION
    CHECK_FIELD "... guest RIP on the MOV", GUEST_RIP, "offset g_pae_mov"
    VMCS_READ rax, EXIT_QUALIFICATION
    CHECK_MASKED "... qualification: a read, no guest-linear address (bits 7, 8 clear)", rax, Q_DEFINED, Q_RD
    CHECK_FIELD "... guest-physical address: PDPTE 0", GUEST_PHYSICAL_ADDRESS, "offset test_page+TEST_REGION+PDPT_OFF"
    CHECK_FIELD "... CR3 unchanged", GUEST_CR3, "offset pae_pdpt"
    mov rdx, [rip + ept_entry_pte]          # read-only is enough for PDPTE loads
    or qword ptr [rdx], EPT_R
    mov edi, INVEPT_SINGLE
    call ept_invept
    call enter_guest
    CHECK "... the page read-only in EPT: the MOV completes (a read, also with A/D)", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... guest CR3", GUEST_CR3, "offset test_page+TEST_REGION+PDPT_OFF"
    CHECK "... the guest runs on the new PDPTEs", [rip+guest_regs+GREG_RBX], MAGIC1&0xFFFFFFFF
    CHECK_FIELD "... the exit saved them: GUEST_PDPTE0", GUEST_PDPTE0, [rip+test_page+PDPT_OFF]
    CHECK_FIELD "... GUEST_PDPTE1", GUEST_PDPTE1, 0
    mov rdx, [rip + ept_entry_pte]
    or qword ptr [rdx], EPT_RWX
    sub r12, EPTP_AD
    jz 2b
    ret

.code32
g_pae:
    mov eax, offset test_page + TEST_REGION + PDPT_OFF
g_pae_mov:
    mov cr3, eax
    mov ebx, dword ptr [test_page]
    vmcall
.code64

run_prows:
    push rax
    push rdx
    push r12
    mov r12, rdi
1:  cmp qword ptr [r12 + P_NAME], 0
    je 4f
    mov rax, [rip + g_pt + 5 * 8]           # the guest PTE's A/D flags
    and rax, ~AD
    or rax, [r12 + P_AD]
    mov [rip + g_pt + 5 * 8], rax
    mov rdx, [rip + ept_entry_gpt]
    mov [rip + c_entry], rdx
    mov rax, [rdx]
    and rax, ~(EPT_RWX | EPT_A | EPT_D)
    or rax, [r12 + P_PERM]
    mov [rip + c_value], rax
    mov rax, [r12 + P_OP]
    mov [rip + c_op], rax
    mov rax, [r12 + P_REASON]
    mov [rip + c_reason], rax
    mov rax, [r12 + P_QUAL]
    mov [rip + c_qual], rax
    mov rax, [r12 + P_NAME]
    mov [rip + c_row], rax
    lea rax, [rip + g_pt + 5 * 8]
    mov [rip + c_gpa], rax
    mov rax, TEST_GVA
    cmp qword ptr [r12 + P_OP], OP_EXEC
    jne 2f
    add rax, TEST_CODE
2:  mov [rip + c_gla], rax
    mov qword ptr [rip + c_hook], 0
    cmp qword ptr [rip + ad_on], 0
    je 3f
    cmp qword ptr [r12 + P_REASON], EXIT_REASON_VMCALL
    jne 3f
    mov qword ptr [rip + c_hook], offset check_ept_flags
    mov rax, ~(EPT_A | EPT_D)               # the entries above the leaf start clean
    and [rip + ept_pml4], rax
    and [rip + ept_pdpt], rax
    and [rip + ept_pd0], rax
3:  call run_case
    # the access completed: the guest PTE is accessed, and dirty after a write
    mov rax, [rip + g_pt + 5 * 8]
    and eax, AD
    mov rdx, [r12 + P_AD]
    or edx, PG_A
    cmp qword ptr [r12 + P_OP], OP_WRITE
    jne 5f
    or edx, PG_D
5:  lea rdi, [rip + s_pte_ad]
    call echeck
    add r12, PROW_SIZE
    jmp 1b
4:  pop r12
    pop rdx
    pop rax
    ret

# c_hook with EPT A/D flags on, after an allowed access: the EPT entries that translate g_pt's
# guest-physical address are accessed, the leaf (the entry under test) also dirty since the
# guest's paging-structure accesses count as writes; bit 9 of the entries above it is ignored
# and stays clear.
check_ept_flags:
    push rax
    push rdx
    push rdi
    mov edx, EPT_A
    mov rax, [rip + ept_pml4]
    and eax, EPT_A | EPT_D
    lea rdi, [rip + s_flags_pml4e]
    call echeck
    mov rax, [rip + ept_pdpt]
    and eax, EPT_A | EPT_D
    lea rdi, [rip + s_flags_pdpte]
    call echeck
    mov rax, [rip + ept_pd0]
    and eax, EPT_A | EPT_D
    lea rdi, [rip + s_flags_pde]
    call echeck
    mov rax, [rip + ept_entry_gpt]
    mov rax, [rax]
    and eax, EPT_A | EPT_D
    mov edx, EPT_A | EPT_D
    lea rdi, [rip + s_flags_pte]
    call echeck
    pop rdi
    pop rdx
    pop rax
    ret

.section .rodata
v_off: .asciz "EPT A/D disabled"
v_on: .asciz "EPT A/D enabled"
s_pte_ad: .asciz "the guest PTE's A/D flags after the access"
s_flags_pml4e: .asciz "EPT PML4E: accessed, bit 9 clear"
s_flags_pdpte: .asciz "EPT PDPTE: accessed, bit 9 clear"
s_flags_pde: .asciz "EPT PDE: accessed, bit 9 clear"
s_flags_pte: .asciz "EPT PTE of the guest page table: accessed and dirty"

.balign 8
rows_ad_off:
PROW "g_pt --- (PTE A/D set): read", 0, AD, OP_READ, VIOL, Q_RD|PS
PROW "g_pt --- (PTE A/D set): write", 0, AD, OP_WRITE, VIOL, Q_RD|PS
PROW "g_pt --- (PTE A/D set): fetch", 0, AD, OP_EXEC, VIOL, Q_RD|PS
PROW "g_pt -w-: read", EPT_W, AD, OP_READ, MISCONF
PROW "g_pt r--, PTE A=0: read (the A update is a write)", EPT_R, 0, OP_READ, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=0: write", EPT_R, 0, OP_WRITE, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=0: fetch", EPT_R, 0, OP_EXEC, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=1 D=0: read", EPT_R, PG_A, OP_READ, OK
PROW "g_pt r--, PTE A=1 D=0: write (the D update is a write)", EPT_R, PG_A, OP_WRITE, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=1 D=0: fetch", EPT_R, PG_A, OP_EXEC, OK
PROW "g_pt r--, PTE A/D set: read", EPT_R, AD, OP_READ, OK
PROW "g_pt r--, PTE A/D set: write", EPT_R, AD, OP_WRITE, OK
PROW "g_pt r--, PTE A/D set: fetch", EPT_R, AD, OP_EXEC, OK
PROW "g_pt --x (PTE A/D set): read (the walk reads)", EPT_X, AD, OP_READ, VIOL, Q_RD|Q_PX|PS
PROW "g_pt --x (PTE A/D set): fetch", EPT_X, AD, OP_EXEC, VIOL, Q_RD|Q_PX|PS
PROW "g_pt r-x, PTE A=0: read", EPT_R|EPT_X, 0, OP_READ, VIOL, Q_RD|Q_WR|Q_PR|Q_PX|PS
PROW "g_pt r-x, PTE A=1 D=0: read", EPT_R|EPT_X, PG_A, OP_READ, OK
PROW "g_pt r-x, PTE A=1 D=0: write", EPT_R|EPT_X, PG_A, OP_WRITE, VIOL, Q_RD|Q_WR|Q_PR|Q_PX|PS
PROW "g_pt r-x, PTE A=1 D=0: fetch", EPT_R|EPT_X, PG_A, OP_EXEC, OK
PROW "g_pt r-x, PTE A/D set: write", EPT_R|EPT_X, AD, OP_WRITE, OK
PROW "g_pt rw-, PTE A=0: read", EPT_R|EPT_W, 0, OP_READ, OK
PROW "g_pt rw-, PTE A=0: write", EPT_R|EPT_W, 0, OP_WRITE, OK
PROW "g_pt rw-, PTE A=0: fetch", EPT_R|EPT_W, 0, OP_EXEC, OK
PROW "g_pt rwx, PTE A=0: write", EPT_RWX, 0, OP_WRITE, OK
    .quad 0, 0, 0, 0, 0, 0

rows_ad_on:
PROW "g_pt --- (PTE A/D set): read", 0, AD, OP_READ, VIOL, Q_RD|Q_WR|PS
PROW "g_pt --- (PTE A/D set): write", 0, AD, OP_WRITE, VIOL, Q_RD|Q_WR|PS
PROW "g_pt --- (PTE A/D set): fetch", 0, AD, OP_EXEC, VIOL, Q_RD|Q_WR|PS
PROW "g_pt r--, PTE A=0: read", EPT_R, 0, OP_READ, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=0: write", EPT_R, 0, OP_WRITE, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=0: fetch", EPT_R, 0, OP_EXEC, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=1 D=0: read (the walk's read is a write)", EPT_R, PG_A, OP_READ, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=1 D=0: write", EPT_R, PG_A, OP_WRITE, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A=1 D=0: fetch", EPT_R, PG_A, OP_EXEC, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A/D set: read", EPT_R, AD, OP_READ, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A/D set: write", EPT_R, AD, OP_WRITE, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r--, PTE A/D set: fetch", EPT_R, AD, OP_EXEC, VIOL, Q_RD|Q_WR|Q_PR|PS
PROW "g_pt r-x, PTE A/D set: fetch", EPT_R|EPT_X, AD, OP_EXEC, VIOL, Q_RD|Q_WR|Q_PR|Q_PX|PS
PROW "g_pt rw-, PTE A=0: read", EPT_R|EPT_W, 0, OP_READ, OK
PROW "g_pt rw-, PTE A=0: write", EPT_R|EPT_W, 0, OP_WRITE, OK
PROW "g_pt rw-, PTE A=0: fetch", EPT_R|EPT_W, 0, OP_EXEC, OK
PROW "g_pt rw-, PTE A/D set: read", EPT_R|EPT_W, AD, OP_READ, OK
PROW "g_pt rwx, PTE A/D set: fetch", EPT_RWX, AD, OP_EXEC, OK
    .quad 0, 0, 0, 0, 0, 0

.section .bss
.balign 8
ept_entry_gpt: .quad 0
ad_on: .quad 0
pae_pdpte0: .quad 0
.balign 4096
pae_pd: .space 4096
pae_pdpt: .space 32
