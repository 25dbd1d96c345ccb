# flags_touch: VMREAD and VMWRITE report through RFLAGS only (SDM 31.2): VMsucceed clears CF,
# PF, AF, ZF, SF and OF; VMfailValid sets ZF and clears the other five; VMfailInvalid sets CF
# and clears the other five; DF and the other flags are untouched. A VMREAD or VMWRITE whose
# memory operand faults (#PF) leaves RFLAGS as it was. Each case runs from three sentinel flag
# patterns (SF/AF/CF; ZF/PF/CF/OF; OF alone) and is checked with LAHF and PUSHFQ.
.include "lib.inc"
SCENARIO flags_touch

# RUN name, sentinel, expected_ah, expected_of, insn: load SF/ZF/AF/PF/CF from the sentinel
# (bits 7, 6, 4, 2, 0, as SAHF would), OF from sentinel bit 3 and DF = 1; run insn (under TRY);
# check LAHF, OF and DF. RAX is preserved for the next RUN.
.macro RUN name, sentinel, exp_ah, exp_of, insn:vararg
    pushfq
    and qword ptr [rsp], ~FL_ARITH
    or qword ptr [rsp], ((\sentinel)&0xD5)|(((\sentinel)&8)<<8)|FL_DF
    popfq
    TRY \insn
    pushfq
    push rax
    lahf
    movzx edx, ah
    pop rax
    CHECK "\name: LAHF", rdx, \exp_ah
    pop rdx
    cld
    CHECK_MASKED "\name: OF", rdx, FL_OF, \exp_of
    CHECK_MASKED "\name: DF untouched", rdx, FL_DF, FL_DF
.endm

# CASES sentinel: every outcome of VMREAD and VMWRITE from one sentinel pattern.
.macro CASES s
    mov eax, GUEST_RIP
    RUN "VMREAD succeeds (\s)", \s, 0x02, 0, vmread rbx, rax
    RUN "VMWRITE succeeds (\s)", \s, 0x02, 0, vmwrite rax, rbx
    mov eax, GUEST_RIP | 0x1000
    RUN "VMREAD fails valid (\s)", \s, 0x42, 0, vmread rbx, rax
    RUN "VMWRITE fails valid (\s)", \s, 0x42, 0, vmwrite rax, rbx
    mov eax, VM_EXIT_REASON
    RUN "VMWRITE to a read-only field fails valid (\s)", \s, 0x42, 0, vmwrite rax, rbx
    mov eax, GUEST_RIP
    mov rcx, NOT_PRESENT_ADDR
    RUN "VMREAD to a not-present operand: #PF (\s)", \s, ((\s)&0xD5)|2, ((\s)<<8)&FL_OF, vmread [rcx], rax
    CHECK_FAULT "VMREAD to a not-present operand (\s)", VEC_PF
    RUN "VMWRITE from a not-present operand: #PF (\s)", \s, ((\s)&0xD5)|2, ((\s)<<8)&FL_OF, vmwrite rax, [rcx]
    CHECK_FAULT "VMWRITE from a not-present operand (\s)", VEC_PF
    vmclear [rip + vmcs0_ptr]
    mov eax, GUEST_RIP
    RUN "VMREAD without a current VMCS fails invalid (\s)", \s, 0x03, 0, vmread rbx, rax
    RUN "VMWRITE without a current VMCS fails invalid (\s)", \s, 0x03, 0, vmwrite rax, rbx
    vmptrld [rip + vmcs0_ptr]
.endm

test_main:
    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_load
    CASES 0x91                              # SF, AF, CF set; OF clear
    CASES 0x4D                              # ZF, PF, CF set; OF set (bit 3 of the sentinel)
    CASES 0x08                              # only OF set
    ret
