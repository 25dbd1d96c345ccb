# ept_remap: EPT translates every guest-physical access: a guest page remapped to another host page (reads and writes land there, the host page it names stays untouched), remapped again after INVEPT, code fetched from the remapped page, the guest's own page tables read through EPT (a remapped guest page table changes the guest's linear mapping), a 2 MiB EPT page aliasing low memory, and guest-physical addresses with no memory behind them mapped to RAM
#
# SDM Vol. 3C 29.3 (EPT: with "enable EPT" guest-physical addresses, including those of the
# guest's paging structures and CR3, are translated through the EPT paging structures),
# 29.3.2 (4 KiB and 2 MiB leaves), 29.4.3.1 (INVEPT after changing a mapping), the basic stages
# of kvm-unit-tests' ept_common.
.include "lib.inc"
.include "ept_common.inc"
SCENARIO ept_remap

.equ MAGIC_P1, 0xA1A1A1A1
.equ MAGIC_P2, 0xB2B2B2B2
.equ MAGIC_P3, 0xC3C3C3C3
.equ MAGIC_W, 0xD4D4D4D4
.equ ALIAS_2M, 0x200000                     # guest-physical 2-4 MiB aliases host 0-2 MiB

test_main:
    lea rdi, [rip + g_stage1]
    call vmx_setup
    call ept_build
    xor edi, edi
    call ept_enable
    mov dword ptr [rip + page1], MAGIC_P1
    mov dword ptr [rip + page2], MAGIC_P2
    mov dword ptr [rip + page3], MAGIC_P3

    # GPA page2 -> HPA page1
    lea rdi, [rip + page2]
    lea rsi, [rip + page1]
    call map4k
    call enter_guest
    CHECK "stage 1: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "guest reads page1 (identity): page1's data", [rip+guest_regs+GREG_RBX], MAGIC_P1
    CHECK "guest reads page2 (remapped to page1): page1's data", [rip+guest_regs+GREG_RCX], MAGIC_P1
    CHECK "the guest's write to page2 landed in page1", [rip+page1], MAGIC_W
    CHECK "host page2 untouched", [rip+page2], MAGIC_P2
    CHECK "the guest reads its write back through page2", [rip+guest_regs+GREG_RDX], MAGIC_W

    # GPA page2 -> HPA page3, INVEPT
    lea rdi, [rip + page2]
    lea rsi, [rip + page3]
    call map4k
    call skip_guest_insn
    call enter_guest
    CHECK "stage 2: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "after the remap and INVEPT page2 reads page3's data", [rip+guest_regs+GREG_RBX], MAGIC_P3
    CHECK "page1 reads its own data", [rip+guest_regs+GREG_RCX], MAGIC_W

    # code: GPA code_a -> HPA code_b
    lea rdi, [rip + code_a]
    lea rsi, [rip + code_b]
    call map4k
    call skip_guest_insn
    call enter_guest
    CHECK "stage 3: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "a jump to code_a ran code_b's code", [rip+guest_regs+GREG_RAX], 0x22

    # the guest's page table g_pt (GPA) -> alt_pt: TEST_GVA -> GPA page3 instead of TEST_GPA
    lea rax, [rip + page3 + PG_P + PG_RW]
    mov [rip + alt_pt + 5 * 8], rax
    and qword ptr [rip + g_pt + 5 * 8], ~PG_A
    lea rdi, [rip + g_pt]
    lea rsi, [rip + alt_pt]
    call map4k
    call skip_guest_insn
    call enter_guest
    CHECK "stage 4: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "the guest PT read through EPT (alt_pt): TEST_GVA -> page3", [rip+guest_regs+GREG_RBX], MAGIC_P3
    CHECK "... and the guest's accessed-flag update went to alt_pt", [rip+alt_pt+5*8], "offset page3+PG_P+PG_RW+PG_A"
    CHECK_MASKED "... not to g_pt", [rip+g_pt+5*8], PG_A, 0
    lea rdi, [rip + g_pt]
    lea rsi, [rip + g_pt]
    call map4k
    call skip_guest_insn
    call enter_guest
    CHECK "stage 5: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "g_pt mapped back: TEST_GVA -> TEST_GPA (1 GiB + test_page, no RAM there) -> test_page", [rip+guest_regs+GREG_RBX], MAGIC1

    # a 2 MiB leaf: GPA 2-4 MiB -> HPA 0-2 MiB
    mov qword ptr [rip + ept_pd0 + 8], EPT_LARGE | EPT_LEAF
    mov edi, INVEPT_SINGLE
    call ept_invept
    call skip_guest_insn
    call enter_guest
    CHECK "stage 6: VMCALL", rax, EXIT_REASON_VMCALL
    CHECK "GPA 2 MiB + page1 reads page1 (2 MiB EPT page)", [rip+guest_regs+GREG_RBX], MAGIC_W
    CHECK "a write through the alias lands in page3", [rip+page3], MAGIC_W+1
    ret

# map4k(rdi = guest-physical page < 2 MiB, rsi = host page): its EPT PTE := rsi | RWX | WB; INVEPT
map4k:
    push rax
    push rdx
    push rdi
    mov rax, rdi
    shr rax, 12
    lea rdx, [rip + ept_pt0]
    lea rdx, [rdx + rax * 8]
    lea rax, [rsi + EPT_LEAF]
    mov [rdx], rax
    mov edi, INVEPT_SINGLE
    call ept_invept
    pop rdi
    pop rdx
    pop rax
    ret

# -- the guest (linear = guest-physical below 1 GiB) -----------------------------------------
g_stage1:
    mov ebx, dword ptr [rip + page1]
    mov ecx, dword ptr [rip + page2]
    mov dword ptr [rip + page2], MAGIC_W
    mov edx, dword ptr [rip + page2]
    vmcall
    mov ebx, dword ptr [rip + page2]
    mov ecx, dword ptr [rip + page1]
    vmcall
    lea rcx, [rip + 1f]
    xor eax, eax
    lea rdx, [rip + code_a]
    jmp rdx
1:  vmcall
    mov rbx, qword ptr [TEST_GVA]
    vmcall
    mov rbx, qword ptr [TEST_GVA]
    vmcall
    lea rax, [rip + page1 + ALIAS_2M]
    mov ebx, dword ptr [rax]
    lea rax, [rip + page3 + ALIAS_2M]
    mov dword ptr [rax], MAGIC_W + 1
    vmcall

.section .data
.balign 4096
page1: .space 4096
page2: .space 4096
page3: .space 4096
code_a:
    mov eax, 0x11
    jmp rcx
.balign 4096
code_b:
    mov eax, 0x22
    jmp rcx
.balign 4096
alt_pt: .space 4096
