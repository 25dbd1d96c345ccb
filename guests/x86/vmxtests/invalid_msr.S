# invalid_msr: VM-entry MSR-load entries that fail (SDM Vol. 3C 27.4; digest 6.6): FS_BASE, GS_BASE, x2APIC MSRs 800H-8FFH, IA32_SMM_MONITOR_CTL, a non-zero reserved dword, and values or MSRs that WRMSR would #GP on; each is a VM-entry failure with exit reason 34 | bit 31 and the 1-based number of the failing entry as qualification, the host resuming at HOST_RIP; the entries before it stay loaded, the failing one and those after it are not.
.include "lib.inc"
.include "entry_rows.inc"
SCENARIO invalid_msr

.equ KGS, 0xC0000102                        # IA32_KERNEL_GS_BASE: guest-only, host ignores it
.equ STAR, 0xC0000081
.equ LSTAR, 0xC0000082
.equ BAD, 0xBAD00000                        # written by entries that must not be reached

test_main:
    lea rdi, [rip + rows_guest]
    call vmx_setup
    call rows_setup
    call zero_msrs
    lea rax, [rip + after_row]
    mov [rip + rows_after], rax
    lea rdi, [rip + table]
    call run_rows
    ret

# After each row: KERNEL_GS_BASE and STAR hold what the row expects (the entries before the
# failing one were loaded), LSTAR was never loaded; then all three go back to 0.
after_row:
    push rax
    push rcx
    push rdx
    push rsi
    mov ecx, KGS
    call rdmsr64
    mov rdx, [rip + expect_kgs]
    lea rsi, [rip + s_kgs]
    call rows_check
    mov ecx, STAR
    call rdmsr64
    mov rdx, [rip + expect_star]
    lea rsi, [rip + s_star]
    call rows_check
    mov ecx, LSTAR
    call rdmsr64
    xor edx, edx
    lea rsi, [rip + s_lstar]
    call rows_check
    call zero_msrs
    pop rsi
    pop rdx
    pop rcx
    pop rax
    ret

zero_msrs:
    push rax
    push rcx
    push rdx
    xor eax, eax
    xor edx, edx
    mov ecx, KGS
    wrmsr
    mov ecx, STAR
    wrmsr
    mov ecx, LSTAR
    wrmsr
    pop rdx
    pop rcx
    pop rax
    ret

.section .rodata
s_kgs: .asciz "IA32_KERNEL_GS_BASE after the entry (entries before the failing one are loaded)"
s_star: .asciz "IA32_STAR after the entry"
s_lstar: .asciz "IA32_LSTAR after the entry (entries from the failing one on are not loaded)"

# MSR-load entries: index, reserved dword, value
.macro E index, value, reserved=0
    .long \index, \reserved
    .quad \value
.endm
# A row: the list at \list with \n entries; KGS and STAR expected afterwards
.macro LIST list, n, kgs, star=0
    WSET VM_ENTRY_MSR_LOAD_ADDR, \list
    WSET VM_ENTRY_MSR_LOAD_COUNT, \n
    WMEM expect_kgs, \kgs
    WMEM expect_star, \star
.endm

.balign 8
table:
ROW "no MSR-load entries", EXP_OK
ENDROW
ROW "two valid entries", EXP_OK
    LIST list_ok, 2, 0x1001, 0x2001
ENDROW
ROW "count 0: nothing loaded", EXP_OK
    LIST list_ok, 0, 0
ENDROW
ROW "FS_BASE at entry 2", OUT_EXIT|(2<<32)|0x80000022
    LIST list_fs, 3, 0x1002
ENDROW
ROW "GS_BASE at entry 1", OUT_EXIT|(1<<32)|0x80000022
    LIST list_gs, 2, 0
ENDROW
ROW "x2APIC MSR 0x800 at entry 3", OUT_EXIT|(3<<32)|0x80000022
    LIST list_x2apic800, 4, 0x1003, 0x2003
ENDROW
ROW "x2APIC MSR 0x808 (TPR) at entry 1", OUT_EXIT|(1<<32)|0x80000022
    LIST list_x2apic808, 2, 0
ENDROW
ROW "x2APIC MSR 0x8FF at entry 2", OUT_EXIT|(2<<32)|0x80000022
    LIST list_x2apic8ff, 3, 0x1004
ENDROW
ROW "IA32_SMM_MONITOR_CTL (9BH) at entry 2", OUT_EXIT|(2<<32)|0x80000022
    LIST list_smm, 3, 0x1005
ENDROW
ROW "reserved dword (bits 63:32 of the first qword) 1 at entry 2", OUT_EXIT|(2<<32)|0x80000022
    LIST list_rsvd1, 3, 0x1006
ENDROW
ROW "reserved dword 0x80000000 at entry 1", OUT_EXIT|(1<<32)|0x80000022
    LIST list_rsvd2, 2, 0
ENDROW
ROW "an MSR that does not exist at entry 2 (WRMSR #GP)", OUT_EXIT|(2<<32)|0x80000022
    LIST list_nomsr, 3, 0x1007
ENDROW
ROW "IA32_KERNEL_GS_BASE not canonical at entry 2 (WRMSR #GP)", OUT_EXIT|(2<<32)|0x80000022
    LIST list_noncanon, 3, 0x1008
ENDROW
ROW "IA32_EFER with reserved bit 1 at entry 2 (WRMSR #GP)", OUT_EXIT|(2<<32)|0x80000022
    LIST list_efer, 3, 0x1009
ENDROW
ROW "IA32_PAT with memory type 2 at entry 2 (WRMSR #GP)", OUT_EXIT|(2<<32)|0x80000022
    LIST list_pat, 3, 0x100A
ENDROW
ROW "read-only IA32_VMX_BASIC at entry 2 (WRMSR #GP)", OUT_EXIT|(2<<32)|0x80000022
    LIST list_vmxbasic, 3, 0x100B
ENDROW
ROW "locked IA32_FEATURE_CONTROL at entry 2 (WRMSR #GP)", OUT_EXIT|(2<<32)|0x80000022
    LIST list_fc, 3, 0x100C
ENDROW
ROW "the fifth of five entries fails", OUT_EXIT|(5<<32)|0x80000022
    LIST list_five, 5, 0x100E, 0x200E
ENDROW
ROW "a bad entry beyond the count is not read", EXP_OK
    LIST list_five, 4, 0x100E, 0x200E
ENDROW
ROW "bad guest state comes first: exit 33, nothing loaded", EXP_GUEST
    LIST list_fs, 3, 0
    WSET GUEST_RFLAGS, 0
ENDROW
ENDTABLE

.section .data
.balign 16
list_ok:        E KGS, 0x1001
                E STAR, 0x2001
list_fs:        E KGS, 0x1002
                E MSR_FS_BASE, 0x12340000
                E LSTAR, BAD
list_gs:        E MSR_GS_BASE, 0x12340000
                E LSTAR, BAD
list_x2apic800: E KGS, 0x1003
                E STAR, 0x2003
                E 0x800, 0
                E LSTAR, BAD
list_x2apic808: E 0x808, 0
                E LSTAR, BAD
list_x2apic8ff: E KGS, 0x1004
                E 0x8FF, 0
                E LSTAR, BAD
list_smm:       E KGS, 0x1005
                E 0x9B, 0
                E LSTAR, BAD
list_rsvd1:     E KGS, 0x1006
                E STAR, 0x2006, 1
                E LSTAR, BAD
list_rsvd2:     E KGS, 0x1106, 0x80000000
                E LSTAR, BAD
list_nomsr:     E KGS, 0x1007
                E 0x4B564D00, 0
                E LSTAR, BAD
list_noncanon:  E KGS, 0x1008
                E KGS, 0x0000800000000000
                E LSTAR, BAD
list_efer:      E KGS, 0x1009
                E MSR_EFER, 0x502
                E LSTAR, BAD
list_pat:       E KGS, 0x100A
                E MSR_PAT, 0x0007040600070402
                E LSTAR, BAD
list_vmxbasic:  E KGS, 0x100B
                E MSR_VMX_BASIC, 0
                E LSTAR, BAD
list_fc:        E KGS, 0x100C
                E MSR_FEATURE_CONTROL, 0
                E LSTAR, BAD
list_five:      E KGS, 0x100D
                E STAR, 0x200E
                E KGS, 0x100E
                E STAR, 0x200E
                E MSR_GS_BASE, 0
                E LSTAR, BAD

.section .bss
.balign 8
expect_kgs: .quad 0
expect_star: .quad 0
.section .text
