# vmcs_lifecycle: several VMCSs active at once keep their own contents and launch states
# across VMPTRLD switches, VMCLEAR of the current or of another VMCS, and re-loading
# (SDM 25.1, 25.11.3): VMLAUNCH needs "clear" (else error 4), VMRESUME "launched" (else 5),
# switching away does not clear a launched VMCS, VMCLEAR does.
.include "lib.inc"
SCENARIO vmcs_lifecycle

# LOAD ptr: VMPTRLD [ptr], checked
.macro LOAD ptr
    vmptrld [rip + \ptr]
    CHECK_VMSUCCEED "VMPTRLD \ptr"
.endm

# STAMP: write the marker values n (1, 2, 3) into three fields of different widths
.macro STAMP n
    VMCS_SET GUEST_ES_SELECTOR, 0x100+\n
    VMCS_SET EXCEPTION_BITMAP, 0x10000+\n
    VMCS_SET TSC_OFFSET, 0x1000000000+\n
.endm

.macro STAMPED name, n
    CHECK_FIELD "\name: 16-bit field", GUEST_ES_SELECTOR, 0x100+\n
    CHECK_FIELD "\name: 32-bit field", EXCEPTION_BITMAP, 0x10000+\n
    CHECK_FIELD "\name: 64-bit field", TSC_OFFSET, 0x1000000000+\n
.endm

.macro CURRENT name, region
    vmptrst [rip + vmx_operand]
    CHECK "\name: current VMCS", [rip+vmx_operand], "\region"
.endm

test_main:
    call vmx_enable
    lea rdi, [rip + vmcs0]
    call vmcs_load
    STAMP 1
    lea rdi, [rip + vmcs1]
    call vmcs_load
    STAMP 2
    lea rdi, [rip + vmcs2]
    call vmcs_load
    STAMP 3
    CURRENT "after loading three", "offset vmcs2"

    LOAD vmcs0_ptr
    STAMPED "vmcs0 after switching back", 1
    LOAD vmcs1_ptr
    STAMPED "vmcs1 after switching back", 2
    LOAD vmcs2_ptr
    STAMPED "vmcs2 after switching back", 3

    # Clearing another VMCS keeps the current one; the cleared one keeps its data.
    LOAD vmcs0_ptr
    vmclear [rip + vmcs1_ptr]
    CHECK_VMSUCCEED "VMCLEAR vmcs1 while vmcs0 is current"
    CURRENT "after clearing vmcs1", "offset vmcs0"
    STAMPED "vmcs0 after clearing vmcs1", 1
    LOAD vmcs1_ptr
    STAMPED "vmcs1 after VMCLEAR and VMPTRLD", 2
    # Clearing the current VMCS: no current VMCS, the data survives.
    vmclear [rip + vmcs1_ptr]
    CURRENT "after clearing the current VMCS", -1
    LOAD vmcs2_ptr
    STAMPED "vmcs2 after clearing vmcs1", 3
    LOAD vmcs1_ptr
    STAMPED "vmcs1 after clearing it while current", 2

    # Launch states: vmcs0 and vmcs1 runnable; vmcs0 is launched first.
    LOAD vmcs0_ptr
    lea rdi, [rip + guest]
    call init_vmcs
    LOAD vmcs1_ptr
    lea rdi, [rip + guest]
    call init_vmcs
    LOAD vmcs0_ptr
    call launch_guest
    CHECK "VMLAUNCH vmcs0", rax, EXIT_REASON_VMCALL
    LOAD vmcs1_ptr
    call resume_guest
    CHECK "VMRESUME of clear vmcs1 fails", rax, VMFAILED
    CHECK_FIELD "VMRESUME of clear vmcs1: error", VM_INSTRUCTION_ERROR, VMERR_VMRESUME_NOT_LAUNCHED
    call launch_guest
    CHECK "VMLAUNCH vmcs1", rax, EXIT_REASON_VMCALL
    LOAD vmcs0_ptr
    call launch_guest
    CHECK "VMLAUNCH of vmcs0, launched before the switch, fails", rax, VMFAILED
    CHECK_FIELD "VMLAUNCH of launched vmcs0: error", VM_INSTRUCTION_ERROR, VMERR_VMLAUNCH_NOT_CLEAR
    call skip_guest_insn
    call resume_guest
    CHECK "VMRESUME vmcs0 after switching away and back", rax, EXIT_REASON_VMCALL
    CHECK "the guest ran twice on vmcs0 and once on vmcs1", [rip+guest_runs], 3
    CHECK_FIELD "guest RIP on vmcs0 is the second VMCALL", GUEST_RIP, "offset guest_second_vmcall"

    # VMCLEAR makes vmcs0 clear again: VMRESUME fails, VMLAUNCH works.
    vmclear [rip + vmcs0_ptr]
    LOAD vmcs0_ptr
    call resume_guest
    CHECK "VMRESUME after VMCLEAR fails", rax, VMFAILED
    CHECK_FIELD "VMRESUME after VMCLEAR: error", VM_INSTRUCTION_ERROR, VMERR_VMRESUME_NOT_LAUNCHED
    call launch_guest
    CHECK "VMLAUNCH after VMCLEAR", rax, EXIT_REASON_VMCALL
    LOAD vmcs2_ptr
    STAMPED "vmcs2 untouched by all this", 3
    ret

guest:
    inc qword ptr [rip + guest_runs]
    vmcall
    inc qword ptr [rip + guest_runs]
guest_second_vmcall:
    vmcall
    FAIL "the guest ran past its second VMCALL"
    vmcall

.section .bss
guest_runs: .quad 0
