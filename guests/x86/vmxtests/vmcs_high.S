# vmcs_high: a 64-bit field's full (even) and high (odd) encodings are one field: VMREAD of the
# high encoding gives bits 63:32, VMWRITE of it replaces bits 63:32 with bits 31:0 of the source
# and keeps bits 31:0, VMWRITE of the full encoding replaces all 64 bits (SDM 25.11.2). With
# "use TSC offsetting" the guest's RDTSC sees the offset written through the high encoding.
.include "lib.inc"
SCENARIO vmcs_high

test_main:
    lea rdi, [rip + guest]
    call vmx_setup

    VMCS_SET TSC_OFFSET, 0x1122334455667788
    CHECK_FIELD "TSC_OFFSET (full)", TSC_OFFSET, 0x1122334455667788
    CHECK_FIELD "TSC_OFFSET_HIGH", TSC_OFFSET_HIGH, 0x11223344
    VMCS_SET TSC_OFFSET_HIGH, 0xAABBCCDD
    CHECK_FIELD "TSC_OFFSET after writing the high half", TSC_OFFSET, 0xAABBCCDD55667788
    CHECK_FIELD "TSC_OFFSET_HIGH after writing it", TSC_OFFSET_HIGH, 0xAABBCCDD
    VMCS_SET TSC_OFFSET_HIGH, 0xFFFFFFFF00000001
    CHECK_FIELD "VMWRITE of the high half uses bits 31:0 of the source", TSC_OFFSET, 0x0000000155667788
    VMCS_SET TSC_OFFSET, 0xCAFE
    CHECK_FIELD "VMWRITE of the full encoding clears the high half", TSC_OFFSET_HIGH, 0
    CHECK_FIELD "TSC_OFFSET (full) after writing it", TSC_OFFSET, 0xCAFE

    # VMREAD of the high half into memory stores it zero-extended.
    mov qword ptr [rip + scratch0], -1
    VMCS_SET GUEST_IA32_PAT, 0x8070605040302010
    mov eax, GUEST_IA32_PAT_HIGH
    vmread [rip + scratch0], rax
    CHECK "GUEST_IA32_PAT_HIGH read into memory", [rip+scratch0], 0x80706050
    VMCS_SET HOST_IA32_EFER, 0xD01
    VMCS_SET HOST_IA32_EFER_HIGH, 0x12345678
    CHECK_FIELD "HOST_IA32_EFER after writing only the high half", HOST_IA32_EFER, 0x1234567800000D01
    mov ecx, MSR_EFER
    call rdmsr64
    VMCS_SET HOST_IA32_EFER, rax
    VMCS_SET VMCS_LINK_POINTER_HIGH, 0x9ABC
    CHECK_FIELD "VMCS_LINK_POINTER after writing only the high half", VMCS_LINK_POINTER, 0x00009ABCFFFFFFFF
    VMCS_SET VMCS_LINK_POINTER, -1

    # The guest's RDTSC = host TSC + offset, the offset written as high half 0x100 only.
    VMCS_SET TSC_OFFSET, 0
    VMCS_SET TSC_OFFSET_HIGH, 0x100
    VMCS_SETBITS CPU_BASED_VM_EXEC_CONTROL, PROC_USE_TSC_OFFSETTING
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rbx, rax                            # host TSC before the entry
    call enter_guest
    CHECK "exit reason", rax, EXIT_REASON_VMCALL
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rcx, 0x100
    shl rcx, 32
    mov rdx, [rip + guest_regs + GREG_RAX]
    sub rdx, rcx                            # the guest's TSC minus the offset
    cmp rdx, rbx
    setae sil
    cmp rdx, rax
    setbe dil
    and esi, edi
    movzx esi, sil
    CHECK "guest RDTSC = host TSC + (0x100 << 32)", rsi, 1
    ret

guest:
    rdtsc
    shl rdx, 32
    or rax, rdx
    vmcall
