# cr_shadowing: CR0/CR4 guest/host masks and read shadows (reads of owned bits come from the shadow; MOV to CR0/CR4 exits with reason 28 when an owned bit differs from the shadow, else writes the unowned bits and keeps the owned ones; fixed bits still #GP), CLTS and LMSW rules, MOV to CR3 against the CR3-target list
#
# SDM Vol. 3C 25.6.6 (guest/host masks and read shadows), 25.6.7 (CR3-target controls), 26.1.3
# (MOV to CR0/CR4, CLTS, LMSW, MOV to CR3 exit conditions), 26.3 (behaviour without an exit),
# 28.2.1 Table 28-3 (CR-access qualification), 28.2.1 guest-linear address for LMSW m16;
# VMX restrictions on CR0/CR4 (24.8 / A.7, A.8). Digest 7.6.
.include "lib.inc"
SCENARIO cr_shadowing

.equ CR0_MP, 1 << 1
.equ CR0_EM, 1 << 2
.equ CR0_TS, 1 << 3
.equ CR0_WP, 1 << 16
.equ CR0_CD, 1 << 30
.equ CR4_PCE, 1 << 8
.equ CR4_OSXSAVE, 1 << 18
.equ OWN0, CR0_MP | CR0_TS | CR0_NE | CR0_CD
.equ OWN4, CR4_VMXE | CR4_OSXSAVE

# ENTER label: run the guest from label
.macro ENTER label
    VMCS_SET GUEST_RIP, "offset \label"
    call enter_guest
.endm

# EXPECT_CR_EXIT name, label, qualification, length: the exit on guest instruction `label`
.macro EXPECT_CR_EXIT name, label, qual, len
    CHECK "\name: exit reason 28", rax, EXIT_REASON_CR_ACCESS
    CHECK_FIELD "\name: guest RIP on the instruction", GUEST_RIP, "offset \label"
    CHECK_FIELD "\name: qualification", EXIT_QUALIFICATION, "\qual"
    CHECK_FIELD "\name: instruction length", VM_EXIT_INSTRUCTION_LEN, "\len"
.endm

test_main:
    lea rdi, [rip + g_read]
    call vmx_setup
    mov rax, [rip + hs_cr0]
    mov [rip + real_cr0], rax
    mov rax, [rip + hs_cr4]
    mov [rip + real_cr4], rax
    mov rax, [rip + hs_cr3]
    mov [rip + real_cr3], rax

    # -- reads through the shadows --------------------------------------------------------
    call reset_crs
    VMCS_SET CR0_GUEST_HOST_MASK, OWN0
    mov rax, [rip + real_cr0]
    xor rax, OWN0                           # every owned bit reads inverted
    mov [rip + shadow0], rax
    VMCS_SET CR0_READ_SHADOW, rax
    VMCS_SET CR4_GUEST_HOST_MASK, OWN4
    mov rax, [rip + real_cr4]
    xor rax, OWN4
    mov [rip + shadow4], rax
    VMCS_SET CR4_READ_SHADOW, rax
    ENTER g_read
    CHECK "reads: no exit for MOV from CR0/CR4 and SMSW", rax, EXIT_REASON_VMCALL
    CHECK "MOV from CR0: owned bits from the shadow, others from CR0", [rip+rd_cr0], [rip+shadow0]
    CHECK "MOV from CR4: owned bits from the shadow, others from CR4", [rip+rd_cr4], [rip+shadow4]
    mov rax, [rip + shadow0]
    and eax, 0xFFFF
    CHECK "SMSW: the shadowed CR0", [rip+rd_msw], rax
    CHECK_FIELD "reads: CR0 unchanged", GUEST_CR0, [rip+real_cr0]
    CHECK_FIELD "reads: CR4 unchanged", GUEST_CR4, [rip+real_cr4]

    # -- writes of owned bits that differ from the shadow exit ------------------------------
    # Writing the real CR0 value exits: owned bits compare against the shadow, not CR0.
    mov rax, [rip + real_cr0]
    mov [rip + guest_regs + GREG_RBX], rax
    mov rax, [rip + real_cr4]
    mov [rip + guest_regs + GREG_R11], rax
    ENTER g_write_owned
    EXPECT_CR_EXIT "MOV to CR0 (RBX) of the real value", g_mov_cr0_rbx, 0x300, 3
    CHECK_FIELD "MOV to CR0 exit: CR0 unchanged", GUEST_CR0, [rip+real_cr0]
    CHECK_FIELD "MOV to CR0 exit: no instruction information", VMX_INSTRUCTION_INFO, 0
    call skip_guest_insn
    call enter_guest
    EXPECT_CR_EXIT "MOV to CR4 (R11) of the real value", g_mov_cr4_r11, 0xB04, 4
    CHECK_FIELD "MOV to CR4 exit: CR4 unchanged", GUEST_CR4, [rip+real_cr4]
    call skip_guest_insn
    call enter_guest
    # One owned bit (TS) differs from the shadow, the rest match: still an exit.
    EXPECT_CR_EXIT "MOV to CR0 (RSP) differing from the shadow in TS only", g_mov_cr0_rsp, 0x400, 3
    call skip_guest_insn
    call enter_guest
    CHECK "owned writes: the guest ends with VMCALL", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "owned writes: CR0 unchanged", GUEST_CR0, [rip+real_cr0]

    # -- writes that agree with the shadow: unowned bits written, owned bits kept ----------
    ENTER g_write_unowned
    CHECK "unowned writes: no exit", rax, EXIT_REASON_VMCALL
    mov rax, [rip + real_cr0]
    xor rax, CR0_WP
    CHECK_FIELD "MOV to CR0: WP (unowned) toggled, owned bits keep CR0's values", GUEST_CR0, rax
    mov rax, [rip + real_cr4]
    xor rax, CR4_PCE
    CHECK_FIELD "MOV to CR4: PCE (unowned) toggled, VMXE/OSXSAVE keep CR4's values", GUEST_CR4, rax
    mov rax, [rip + shadow0]
    xor rax, CR0_WP
    CHECK "MOV from CR0 after the write", [rip+rd_cr0], rax
    mov rax, [rip + shadow4]
    xor rax, CR4_PCE
    CHECK "MOV from CR4 after the write", [rip+rd_cr4], rax

    # -- unowned bits still obey the VMX fixed bits: #GP(0) in the guest -------------------
    call reset_crs
    VMCS_SET CR0_GUEST_HOST_MASK, CR0_TS
    VMCS_SET CR4_GUEST_HOST_MASK, CR4_OSXSAVE
    ENTER g_fixed
    CHECK "fixed bits: no exit", rax, EXIT_REASON_VMCALL
    CHECK "MOV to CR0 clearing NE (unowned, fixed to 1): #GP", [rip+fault_a], VEC_GP
    CHECK "... error code 0", [rip+fault_a_err], 0
    CHECK "MOV to CR4 clearing VMXE (unowned, fixed to 1): #GP", [rip+fault_b], VEC_GP
    CHECK_FIELD "fixed bits: CR0 unchanged", GUEST_CR0, [rip+real_cr0]
    CHECK_FIELD "fixed bits: CR4 unchanged", GUEST_CR4, [rip+real_cr4]
    # Owned, the same bits are just kept: clearing NE and VMXE in the shadows' terms is fine.
    VMCS_SET CR0_GUEST_HOST_MASK, CR0_NE
    mov rax, [rip + real_cr0]
    and rax, ~CR0_NE
    VMCS_SET CR0_READ_SHADOW, rax
    VMCS_SET CR4_GUEST_HOST_MASK, CR4_VMXE
    mov rax, [rip + real_cr4]
    and rax, ~CR4_VMXE
    VMCS_SET CR4_READ_SHADOW, rax
    ENTER g_fixed
    CHECK "owned NE/VMXE: no exit", rax, EXIT_REASON_VMCALL
    CHECK "MOV to CR0 clearing NE (owned, shadow NE = 0): no fault", [rip+fault_a], NO_FAULT
    CHECK "MOV to CR4 clearing VMXE (owned, shadow VMXE = 0): no fault", [rip+fault_b], NO_FAULT
    CHECK_FIELD "owned NE: CR0.NE kept", GUEST_CR0, [rip+real_cr0]
    CHECK_FIELD "owned VMXE: CR4.VMXE kept", GUEST_CR4, [rip+real_cr4]

    # -- CLTS --------------------------------------------------------------------------------
    call reset_crs
    VMCS_SET CR0_GUEST_HOST_MASK, CR0_TS
    mov rax, [rip + real_cr0]
    or rax, CR0_TS
    VMCS_SET CR0_READ_SHADOW, rax
    ENTER g_clts
    EXPECT_CR_EXIT "CLTS, TS owned and set in the shadow", g_clts, 0x20, 2
    CHECK_FIELD "CLTS exit: CR0 unchanged", GUEST_CR0, [rip+real_cr0]
    mov rax, [rip + real_cr0]
    or rax, CR0_TS
    VMCS_SET GUEST_CR0, rax                 # TS = 1 in CR0, 0 in the shadow
    and rax, ~CR0_TS
    VMCS_SET CR0_READ_SHADOW, rax
    ENTER g_clts
    CHECK "CLTS, TS owned and clear in the shadow: no exit", rax, EXIT_REASON_VMCALL
    mov rax, [rip + real_cr0]
    or rax, CR0_TS
    CHECK_FIELD "... CR0.TS left set", GUEST_CR0, rax
    VMCS_SET CR0_GUEST_HOST_MASK, 0
    ENTER g_clts
    CHECK "CLTS, TS not owned: no exit", rax, EXIT_REASON_VMCALL
    CHECK_FIELD "... CR0.TS cleared", GUEST_CR0, [rip+real_cr0]

    # -- LMSW --------------------------------------------------------------------------------
    # Owned MP/EM/TS; the shadow says MP = EM = 0, TS = 1 (CR0 has TS = 0).
    call reset_crs
    VMCS_SET CR0_GUEST_HOST_MASK, CR0_MP | CR0_EM | CR0_TS
    mov rax, [rip + real_cr0]
    and rax, ~(CR0_MP | CR0_EM | CR0_TS)
    or rax, CR0_TS
    VMCS_SET CR0_READ_SHADOW, rax
    mov qword ptr [rip + guest_regs + GREG_RAX], 0xFF09    # PE, TS: what the shadow says
    mov qword ptr [rip + guest_regs + GREG_RCX], 0xFF0B    # MP differs from the shadow
    ENTER g_lmsw
    EXPECT_CR_EXIT "LMSW ax changing owned MP", g_lmsw_cx, 0x30 | (0xFF0B<<16), 3
    CHECK_FIELD "LMSW ax agreeing with the shadow ran, owned bits kept", GUEST_CR0, [rip+real_cr0]
    call skip_guest_insn
    call enter_guest
    EXPECT_CR_EXIT "LMSW m16 (memory operand, bit 6)", g_lmsw_mem, 0x30 | 0x40 | (0x0005<<16), 4
    CHECK_FIELD "LMSW m16: guest-linear address of the operand", GUEST_LINEAR_ADDRESS, "offset lmsw_word+6"
    call skip_guest_insn
    call enter_guest
    CHECK "LMSW: the guest ends with VMCALL", rax, EXIT_REASON_VMCALL
    # PE owned and clear in the shadow: LMSW setting PE exits; LMSW with PE = 0 does not
    # (and cannot clear PE).
    VMCS_SET CR0_GUEST_HOST_MASK, CR0_PE
    mov rax, [rip + real_cr0]
    and rax, ~CR0_PE
    VMCS_SET CR0_READ_SHADOW, rax
    mov rax, [rip + real_cr0]
    and eax, 0xE
    mov [rip + guest_regs + GREG_RAX], rax          # PE = 0, MP/EM/TS as they are
    or eax, 1
    mov [rip + guest_regs + GREG_RCX], rax          # PE = 1
    ENTER g_lmsw_pe
    CHECK_FIELD "LMSW with PE = 0 (PE owned): no exit, CR0.PE stays 1", GUEST_CR0, [rip+real_cr0]
    mov rdx, [rip + guest_regs + GREG_RCX]
    shl rdx, 16
    or rdx, 0x30
    EXPECT_CR_EXIT "LMSW setting PE (PE owned, clear in the shadow)", g_lmsw_pe_cx, rdx, 3
    # Shadow PE = 1: setting PE matches, no exit.
    VMCS_SET CR0_READ_SHADOW, [rip+real_cr0]
    ENTER g_lmsw_pe
    CHECK "LMSW setting PE (shadow PE = 1): no exit", rax, EXIT_REASON_VMCALL
    # TS owned only: LMSW changes MP (unowned) without an exit.
    VMCS_SET CR0_GUEST_HOST_MASK, CR0_TS
    VMCS_SET CR0_READ_SHADOW, [rip+real_cr0]
    mov rax, [rip + real_cr0]
    xor eax, CR0_MP
    and eax, 0xF
    mov [rip + guest_regs + GREG_RAX], rax
    mov [rip + guest_regs + GREG_RCX], rax
    ENTER g_lmsw_pe
    CHECK "LMSW changing unowned MP: no exit", rax, EXIT_REASON_VMCALL
    mov rax, [rip + real_cr0]
    xor rax, CR0_MP
    CHECK_FIELD "LMSW changing unowned MP: CR0.MP toggled", GUEST_CR0, rax

    # -- MOV to CR3 and the CR3-target list ------------------------------------------------
    call reset_crs
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_CR3_LOAD_EXITING
    mov rax, [rip + real_cr3]
    VMCS_SET CR3_TARGET_VALUE0, rax
    mov [rip + guest_regs + GREG_RBX], rax
    or rax, 0x18                            # PWT | PCD: another value, the same tables
    VMCS_SET CR3_TARGET_VALUE1, rax
    mov [rip + guest_regs + GREG_RAX], rax
    xor rax, 0x08
    VMCS_SET CR3_TARGET_VALUE2, rax
    mov [rip + guest_regs + GREG_RDX], rax
    xor rax, 0x18
    VMCS_SET CR3_TARGET_VALUE3, rax
    mov [rip + guest_regs + GREG_RSI], rax
    VMCS_SET CR3_TARGET_COUNT, 2
    ENTER g_cr3
    EXPECT_CR_EXIT "MOV to CR3 of target 2 with count 2", g_cr3_rdx, 0x203, 3
    CHECK_FIELD "targets 0 and 1 loaded without exits: CR3 = target 0", GUEST_CR3, [rip+real_cr3]
    mov rax, [rip + real_cr3]
    or rax, 0x18
    CHECK "MOV from CR3 read target 1 (loaded without an exit)", [rip+rd_cr3], rax
    call skip_guest_insn
    call enter_guest
    EXPECT_CR_EXIT "MOV to CR3 of target 3 with count 2", g_cr3_rsi, 0x603, 3
    VMCS_SET CR3_TARGET_COUNT, 4            # now it is in the list: re-execute it
    call enter_guest
    CHECK "MOV to CR3 of target 3 with count 4: no exit", rax, EXIT_REASON_VMCALL
    mov rax, [rip + real_cr3]
    or rax, 0x08
    CHECK_FIELD "... CR3 loaded", GUEST_CR3, rax
    VMCS_SET CR3_TARGET_COUNT, 0
    ENTER g_cr3
    EXPECT_CR_EXIT "MOV to CR3 of target 1 with count 0", g_cr3_rax, 0x003, 3
    VMCS_CLRBITS CPU_BASED_VM_EXEC_CONTROL, PROC_CR3_LOAD_EXITING
    VMCS_SET CR3_TARGET_COUNT, 1
    ENTER g_cr3
    CHECK "CR3-load exiting clear: no exit for values outside the list", rax, EXIT_REASON_VMCALL
    ret

# reset_crs: the guest's CR0/CR4 as the host's, nothing owned
reset_crs:
    VMCS_SET GUEST_CR0, [rip+real_cr0]
    VMCS_SET GUEST_CR4, [rip+real_cr4]
    VMCS_SET GUEST_CR3, [rip+real_cr3]
    VMCS_SET CR0_GUEST_HOST_MASK, 0
    VMCS_SET CR4_GUEST_HOST_MASK, 0
    VMCS_SET CR0_READ_SHADOW, [rip+real_cr0]
    VMCS_SET CR4_READ_SHADOW, [rip+real_cr4]
    ret

# -- the guest -----------------------------------------------------------------------------
g_read:
    mov rax, cr0
    mov [rip + rd_cr0], rax
    mov rax, cr4
    mov [rip + rd_cr4], rax
    xor eax, eax
    smsw ax
    mov [rip + rd_msw], rax
    vmcall

g_write_owned:
g_mov_cr0_rbx:
    mov cr0, rbx
g_mov_cr4_r11:
    mov cr4, r11
    mov rax, cr0                            # the shadowed value with TS flipped
    xor rax, CR0_TS
    mov rcx, rsp
    mov rsp, rax
g_mov_cr0_rsp:
    mov cr0, rsp
    mov rsp, rcx
    vmcall

g_write_unowned:
    mov rax, cr0
    xor rax, CR0_WP
    mov cr0, rax
    mov rax, cr0
    mov [rip + rd_cr0], rax
    mov rax, cr4
    xor rax, CR4_PCE
    mov cr4, rax
    mov rax, cr4
    mov [rip + rd_cr4], rax
    vmcall

g_fixed:
    mov rax, cr0
    and rax, ~CR0_NE
    TRY mov cr0, rax
    mov rax, [rip + fault_vector]
    mov [rip + fault_a], rax
    mov rax, [rip + fault_error]
    mov [rip + fault_a_err], rax
    mov rax, cr4
    and rax, ~CR4_VMXE
    TRY mov cr4, rax
    mov rax, [rip + fault_vector]
    mov [rip + fault_b], rax
    vmcall

g_clts:
    clts
    vmcall

g_lmsw:
    lmsw ax
g_lmsw_cx:
    lmsw cx
    lea rbx, [rip + lmsw_word]
g_lmsw_mem:
    lmsw [rbx + 6]
    vmcall

g_lmsw_pe:
    lmsw ax
g_lmsw_pe_cx:
    lmsw cx
    vmcall

g_cr3:
g_cr3_rax:
    mov cr3, rax                            # target 1
    mov rcx, cr3
    mov [rip + rd_cr3], rcx
    mov cr3, rbx                            # target 0
g_cr3_rdx:
    mov cr3, rdx                            # target 2
g_cr3_rsi:
    mov cr3, rsi                            # target 3
    vmcall

.section .data
.balign 8
lmsw_word: .word 0, 0, 0, 0x0005            # +6: PE | EM: EM and TS differ from the shadow

.section .bss
.balign 8
real_cr0: .quad 0
real_cr4: .quad 0
real_cr3: .quad 0
shadow0: .quad 0
shadow4: .quad 0
rd_cr0: .quad 0
rd_cr4: .quad 0
rd_cr3: .quad 0
rd_msw: .quad 0
fault_a: .quad 0
fault_a_err: .quad 0
fault_b: .quad 0
