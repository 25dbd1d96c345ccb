# ept_ad: EPT accessed and dirty flags (EPTP bit 6): guest reads, writes and fetches set the accessed flag (bit 8) in every EPT entry used to translate the guest-physical address, the dirty flag (bit 9) only in the leaf of a written one (4 KiB, 2 MiB and 1 GiB leaves), also for the guest's own page tables (their accesses count as writes), never bit 9 of an entry that references a table; a read then a write in one run sets the dirty flag; cleared flags are set again after INVEPT; without EPTP bit 6 no EPT entry is written
#
# SDM Vol. 3C 29.3.5 (accessed and dirty flags for EPT: "whenever the processor uses an EPT
# paging-structure entry as part of guest-physical-address translation, it sets the accessed
# flag"; the dirty flag in the entry that maps the final physical address of a write; guest
# paging-structure accesses are writes when the flags are enabled; bit 9 of an entry that
# references a table is ignored), 29.3.2 (bits 8 and 9 ignored when EPTP[6] = 0), 29.4.3
# (software clearing a flag must invalidate), IA32_VMX_EPT_VPID_CAP[21].
.include "lib.inc"
.include "ept_common.inc"
SCENARIO ept_ad

.equ AD_, EPT_A | EPT_D

# FLAGS name, entry address (a register or "offset x"), expected A/D bits
.macro FLAGS name, entry, expected
    push rax
    mov rax, \entry
    mov rax, [rax]
    and eax, AD_
    CHECK "\name", rax, \expected
    pop rax
.endm

test_main:
    lea rdi, [rip + g_op_read]
    call vmx_setup
    mov rax, [rip + vmx_ept_vpid_cap]
    CHECK_MASKED "EPT_VPID_CAP[21]: EPT accessed and dirty flags", rax, 1<<21, 1<<21
    call ept_build
    lea rax, [rip + g_pt]
    shr rax, 12
    lea rdx, [rip + ept_pt0]
    lea rax, [rdx + rax * 8]
    mov [rip + e_gpt], rax                  # the EPT leaves of the guest's page table,
    lea rax, [rip + g_pml4]
    shr rax, 12
    lea rax, [rdx + rax * 8]
    mov [rip + e_gpml4], rax                # of its PML4,
    lea rax, [rip + g_op_read]
    shr rax, 12
    lea rax, [rdx + rax * 8]
    mov [rip + e_code], rax                 # of the guest's code,
    lea rax, [rip + guest_stack_top - 8]
    shr rax, 12
    lea rax, [rdx + rax * 8]
    mov [rip + e_stack], rax                # of its stack,
    lea rax, [rip + scratch1]
    shr rax, 12
    lea rax, [rdx + rax * 8]
    mov [rip + e_unused], rax               # and of a page it never touches

    # -- A/D disabled: bits 8 and 9 are left alone everywhere ---------------------------------
    xor edi, edi
    call ept_enable
    mov r12, offset g_all
    call run
    CHECK "A/D disabled: read, write, fetch, push", rax, EXIT_REASON_VMCALL
    call count_flags
    CHECK "A/D disabled: no EPT entry has bit 8 or 9 set", rax, 0

    # -- A/D enabled -------------------------------------------------------------------------
    mov edi, EPTP_AD
    call ept_enable
    mov r12, offset g_op_read
    call run
    CHECK "A/D enabled, read: VMCALL", rax, EXIT_REASON_VMCALL
    FLAGS "read: PML4E accessed", "offset ept_pml4", EPT_A
    FLAGS "read: PDPTE of the test region accessed", [rip+ept_entry_pdpte], EPT_A
    FLAGS "read: PDE of the test page accessed", [rip+ept_entry_pde], EPT_A
    FLAGS "read: PTE of the test page accessed, not dirty", [rip+ept_entry_pte], EPT_A
    FLAGS "read: PDPTE 0 (low memory) accessed", "offset ept_pdpt", EPT_A
    FLAGS "read: PDE 0 (-> ept_pt0) accessed", "offset ept_pd0", EPT_A
    FLAGS "read: leaf of the guest PT accessed and dirty (walks count as writes)", [rip+e_gpt], AD_
    FLAGS "read: leaf of the guest PML4 accessed and dirty", [rip+e_gpml4], AD_
    FLAGS "read: leaf of the guest's code accessed (fetches)", [rip+e_code], EPT_A
    FLAGS "read: leaf of the stack untouched", [rip+e_stack], 0
    FLAGS "read: leaf of an unused page untouched", [rip+e_unused], 0
    FLAGS "read: 2 MiB leaf of an unused region untouched", "offset ept_pd0+8", 0

    mov r12, offset g_op_write
    call run
    CHECK "A/D enabled, write: VMCALL", rax, EXIT_REASON_VMCALL
    FLAGS "write: PTE of the test page accessed and dirty", [rip+ept_entry_pte], AD_
    FLAGS "write: PDE (references a table): bit 9 clear", [rip+ept_entry_pde], EPT_A
    FLAGS "write: PDPTE (references a table): bit 9 clear", [rip+ept_entry_pdpte], EPT_A
    FLAGS "write: PML4E: bit 9 clear", "offset ept_pml4", EPT_A

    call clear_flags
    mov r12, offset g_op_exec
    call run
    CHECK "A/D enabled, fetch from the test page: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... the code ran", [rip+guest_regs+GREG_RAX], 42
    FLAGS "fetch after clearing the flags and INVEPT: PTE accessed again, not dirty", [rip+ept_entry_pte], EPT_A
    FLAGS "fetch: PDE accessed again", [rip+ept_entry_pde], EPT_A
    FLAGS "fetch: leaf of the guest PT dirty again", [rip+e_gpt], AD_

    call clear_flags
    mov r12, offset g_read_write
    call run
    CHECK "A/D enabled, read then write in one run: VMCALL", rax, EXIT_REASON_VMCALL
    FLAGS "read then write: PTE accessed and dirty", [rip+ept_entry_pte], AD_

    call clear_flags
    mov r12, offset g_push
    call run
    CHECK "A/D enabled, push/pop: VMCALL", rax, EXIT_REASON_VMCALL
    FLAGS "push: leaf of the stack accessed and dirty", [rip+e_stack], AD_
    FLAGS "push: the test page untouched", [rip+ept_entry_pte], 0

    # the test page through a 2 MiB leaf, then a 1 GiB leaf
    mov rdx, [rip + ept_entry_pde]
    mov rax, [rdx]
    mov [rip + saved], rax
    lea rax, [rip + test_page]
    and rax, ~0x1FFFFF
    or rax, EPT_LARGE | EPT_LEAF
    mov [rdx], rax
    call clear_flags
    mov r12, offset g_op_read
    call run
    CHECK "2 MiB leaf, read: VMCALL", rax, EXIT_REASON_VMCALL
    FLAGS "2 MiB leaf, read: accessed, not dirty", [rip+ept_entry_pde], EPT_A
    FLAGS "2 MiB leaf, read: the PTE no longer used stays clear", [rip+ept_entry_pte], 0
    mov r12, offset g_op_write
    call run
    CHECK "2 MiB leaf, write: VMCALL", rax, EXIT_REASON_VMCALL
    FLAGS "2 MiB leaf, write: accessed and dirty", [rip+ept_entry_pde], AD_
    FLAGS "2 MiB leaf, write: PDPTE bit 9 clear", [rip+ept_entry_pdpte], EPT_A
    mov rdx, [rip + ept_entry_pde]
    mov rax, [rip + saved]
    mov [rdx], rax

    mov rdx, [rip + ept_entry_pdpte]
    mov rax, [rdx]
    mov [rip + saved], rax
    mov qword ptr [rdx], EPT_LARGE | EPT_LEAF   # frame 0: TEST_GPA -> test_page
    call clear_flags
    mov r12, offset g_op_write
    call run
    CHECK "1 GiB leaf, write: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "... the write reached test_page", [rip+test_page], MAGIC2
    FLAGS "1 GiB leaf, write: accessed and dirty", [rip+ept_entry_pdpte], AD_
    FLAGS "1 GiB leaf, write: the PDE no longer used stays clear", [rip+ept_entry_pde], 0
    mov rdx, [rip + ept_entry_pdpte]
    mov rax, [rip + saved]
    mov [rdx], rax

    # the flags do not matter for permissions: an entry with A/D set already works
    mov rdx, [rip + ept_entry_pte]
    or qword ptr [rdx], AD_
    mov edi, INVEPT_ALL
    call ept_invept
    mov r12, offset g_op_write
    call run
    CHECK "A/D already set: write works", rax, EXIT_REASON_VMCALL
    FLAGS "... and the flags stay set", [rip+ept_entry_pte], AD_
    ret

# run: the guest from r12 with RBX = MAGIC2, test_page = MAGIC1; rax = the exit reason
run:
    mov rax, MAGIC1
    mov [rip + test_page], rax
    mov rax, MAGIC2
    mov [rip + guest_regs + GREG_RBX], rax
    VMCS_SET GUEST_RIP, r12
    VMCS_SET GUEST_RSP, "offset guest_stack_top"
    jmp enter_guest

# clear_flags: bits 8 and 9 of every EPT entry := 0, then INVEPT (single-context)
clear_flags:
    push rax
    push rcx
    push rdi
    lea rdi, [rip + ept_pml4]
    mov ecx, (g_pml4 - ept_pml4) / 8
    mov rax, ~AD_
1:  and [rdi], rax
    add rdi, 8
    loop 1b
    mov edi, INVEPT_SINGLE
    call ept_invept
    pop rdi
    pop rcx
    pop rax
    ret

# count_flags: rax = how many EPT entries have bit 8 or 9 set
count_flags:
    push rcx
    push rdi
    xor eax, eax
    lea rdi, [rip + ept_pml4]
    mov ecx, (g_pml4 - ept_pml4) / 8
1:  test qword ptr [rdi], AD_
    jz 2f
    inc rax
2:  add rdi, 8
    loop 1b
    pop rdi
    pop rcx
    ret

g_all:
    mov rax, qword ptr [TEST_GVA]
    mov qword ptr [TEST_GVA], rbx
    push rax
    pop rax
    lea rcx, [rip + 1f]
    mov eax, TEST_GVA + TEST_CODE
    jmp rax
1:  vmcall
g_read_write:
    mov rax, qword ptr [TEST_GVA]
    mov qword ptr [TEST_GVA], rbx
    vmcall
g_push:
    push rax
    pop rax
    vmcall

.section .bss
.balign 8
e_gpt: .quad 0
e_gpml4: .quad 0
e_code: .quad 0
e_stack: .quad 0
e_unused: .quad 0
saved: .quad 0
