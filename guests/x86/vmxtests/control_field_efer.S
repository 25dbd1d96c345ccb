# control_field_efer: the VM-entry control "load IA32_EFER" and the VM-exit controls "save IA32_EFER" / "load IA32_EFER" (SDM Vol. 3C 27.3.2.1, 28.3.1, 28.5.1): the guest runs with GUEST_IA32_EFER (NXE toggled from the host's: execute-disable takes effect, and without NXE the XD bit is reserved), the exit saves the guest's EFER only with "save", loads HOST_IA32_EFER only with "load" and otherwise changes only LMA/LME, so the guest's NXE stays in the host.
.include "lib.inc"
SCENARIO control_field_efer

.equ EFER_64, 0x500                         # LMA | LME
.equ EFER_NXE, 0x800
.equ EFER_SCE, 0x1
.equ PTE_XD, 1 << 63

test_main:
    lea rdi, [rip + guest_nx]
    call vmx_setup
    mov rax, [rip + hs_efer]
    CHECK "premise: the host's EFER is LMA | LME (NXE clear)", rax, EFER_64
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_USE_MSR_BITMAPS
    VMCS_SET MSR_BITMAP, "offset msr_bitmap"  # all zero: RDMSR/WRMSR of EFER do not exit
    # nx_page: a RET, then marked execute-disable (the host must not touch it from now on)
    mov byte ptr [rip + nx_page], 0xC3
    lea rdi, [rip + nx_page]
    call pt0_entry
    mov rdx, PTE_XD
    or [rax], rdx
    invlpg [rdi]

    # 1: load EFER on entry with NXE set; save and load EFER on exit.
    VMCS_SETBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    VMCS_SETBITS VM_EXIT_CONTROLS, EXITCTL_SAVE_IA32_EFER|EXITCTL_LOAD_IA32_EFER
    VMCS_SET GUEST_IA32_EFER, EFER_64|EFER_NXE
    VMCS_SET HOST_IA32_EFER, EFER_64
    call enter_guest
    CHECK "load EFER: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "load EFER: the guest's EFER is GUEST_IA32_EFER", [rip+g_efer1], EFER_64|EFER_NXE
    CHECK "guest NXE = 1: fetch from an XD page faults", [rip+g_vec1], VEC_PF
    CHECK "guest NXE = 1: #PF error code P | I/D", [rip+g_err1], 0x11
    CHECK "guest NXE = 0: fetch from an XD page faults", [rip+g_vec2], VEC_PF
    CHECK "guest NXE = 0: #PF error code P | RSVD (XD is reserved)", [rip+g_err2], 0x9
    CHECK "guest NXE = 0: EFER after the guest's WRMSR", [rip+g_efer2], EFER_64
    CHECK_FIELD "save EFER: GUEST_IA32_EFER holds the guest's EFER", GUEST_IA32_EFER, EFER_64
    mov ecx, MSR_EFER
    call rdmsr64
    CHECK "load EFER on exit: the host's EFER is HOST_IA32_EFER", rax, EFER_64

    # 2: no load on entry (the guest inherits the host's NXE, LMA/LME from IA-32e mode guest);
    # save but no load on exit: the guest's NXE stays in the host.
    VMCS_CLRBITS VM_ENTRY_CONTROLS, ENTRYCTL_LOAD_IA32_EFER
    VMCS_CLRBITS VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    VMCS_SET GUEST_IA32_EFER, 0                 # not used by this entry
    VMCS_SET GUEST_RIP, "offset guest_rw"
    mov qword ptr [rip + g_new], EFER_64|EFER_NXE
    call enter_guest
    CHECK "no load EFER: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "no load EFER: the guest's EFER is the host's", [rip+g_seen], EFER_64
    CHECK_FIELD "save EFER without load: GUEST_IA32_EFER holds the guest's EFER", GUEST_IA32_EFER, EFER_64|EFER_NXE
    mov ecx, MSR_EFER
    call rdmsr64
    CHECK "no load EFER on exit: the guest's NXE stays in the host", rax, EFER_64|EFER_NXE

    # 3: host NXE = 1 now; the guest clears it; neither save nor load on exit.
    VMCS_CLRBITS VM_EXIT_CONTROLS, EXITCTL_SAVE_IA32_EFER
    mov qword ptr [rip + g_new], EFER_64|EFER_SCE
    call skip_guest_insn
    call enter_guest
    CHECK "no save EFER: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "no load EFER: the guest inherits the host's NXE", [rip+g_seen], EFER_64|EFER_NXE
    CHECK_FIELD "no save EFER: GUEST_IA32_EFER unchanged", GUEST_IA32_EFER, EFER_64|EFER_NXE
    mov ecx, MSR_EFER
    call rdmsr64
    CHECK "no load EFER on exit: the guest's SCE and NXE stay in the host", rax, EFER_64|EFER_SCE

    # 4: load on exit only: HOST_IA32_EFER with SCE and NXE.
    VMCS_SETBITS VM_EXIT_CONTROLS, EXITCTL_LOAD_IA32_EFER
    VMCS_SET HOST_IA32_EFER, EFER_64|EFER_NXE|EFER_SCE
    mov qword ptr [rip + g_new], EFER_64
    call skip_guest_insn
    call enter_guest
    CHECK "load EFER on exit only: exit reason", rax, EXIT_REASON_VMCALL
    CHECK "the guest saw the host's EFER", [rip+g_seen], EFER_64|EFER_SCE
    mov ecx, MSR_EFER
    call rdmsr64
    CHECK "load EFER on exit: HOST_IA32_EFER with SCE and NXE", rax, EFER_64|EFER_NXE|EFER_SCE

    mov ecx, MSR_EFER                           # back to the host's own EFER
    mov eax, EFER_64
    xor edx, edx
    wrmsr
    lea rdi, [rip + nx_page]
    call pt0_entry
    mov rdx, PTE_XD
    not rdx
    and [rax], rdx
    invlpg [rdi]
    ret

# Guest 1: read EFER, fetch from nx_page with NXE = 1, clear NXE, fetch again.
guest_nx:
    mov ecx, MSR_EFER
    rdmsr
    mov [rip + g_efer1], rax
    lea rdx, [rip + nx_page]
    mov rbx, rsp
    TRY call rdx
    mov rsp, rbx
    mov rax, [rip + fault_vector]
    mov [rip + g_vec1], rax
    mov rax, [rip + fault_error]
    mov [rip + g_err1], rax
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~EFER_NXE
    wrmsr
    lea rdx, [rip + nx_page]
    TRY call rdx
    mov rsp, rbx
    mov rax, [rip + fault_vector]
    mov [rip + g_vec2], rax
    mov rax, [rip + fault_error]
    mov [rip + g_err2], rax
    mov ecx, MSR_EFER
    rdmsr
    mov [rip + g_efer2], rax
    vmcall
    FAIL "guest_nx ran past its VMCALL"
    vmcall

# Guest 2: read EFER into g_seen, write g_new, exit; again after each resume.
guest_rw:
    mov ecx, MSR_EFER
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov [rip + g_seen], rax
    mov rax, [rip + g_new]
    mov rdx, rax
    shr rdx, 32
    wrmsr
    vmcall
    jmp guest_rw

.section .bss
.balign 4096
msr_bitmap: .space 4096
nx_page: .space 4096
.balign 8
g_efer1: .quad 0
g_efer2: .quad 0
g_vec1: .quad 0
g_err1: .quad 0
g_vec2: .quad 0
g_err2: .quad 0
g_seen: .quad 0
g_new: .quad 0
