# ept_access_test_bits: reserved and ignored bits of EPT entries at every level: bits 51:MAXPHYADDR (39) in any present entry, bits 7:3 of a PML4E and of a PDE/PDPTE that references a table, bits 20:12 of a 2 MiB page and 29:12 of a 1 GiB page, leaf memory types 2, 3, 7 give an EPT misconfiguration (49) with the guest-physical address, for reads, writes and fetches, and are ignored in a not-present entry (EPT violation); memory types 0, 1, 4, 5, 6, ignore-PAT, bit 7 of a PTE, bits 8-11 and 52-63 (A/D flags disabled, no #VE) change nothing; a misconfigured PTE under a restricting PDE is still a misconfiguration, under a not-present PDE never read
#
# SDM Vol. 3C 29.3.2 (Tables 29-1 to 29-6: the EPT entry formats, which bits are reserved and
# which ignored), 29.3.3.1 (EPT misconfigurations: a present entry with a reserved bit set or a
# leaf with memory type 2, 3 or 7), 29.3.3.2 (a not-present entry is a violation whatever its
# other bits), 29.3.7 (memory types). The cases run as in ept_access_test (ept_common.inc):
# after the misconfiguration the entry is restored, INVEPT, and the access completes.
.include "lib.inc"
.include "ept_common.inc"
SCENARIO ept_access_test_bits

.equ NP_READ, Q_RD | FIN                    # a read through a not-present entry

test_main:
    lea rdi, [rip + g_op_read]
    call vmx_setup
    CHECK "MAXPHYADDR (the rows use 39)", [rip+maxphyaddr], 39
    call ept_build
    xor edi, edi
    call ept_enable
    lea rdi, [rip + rows_all]
    lea rsi, [rip + variants]
    mov edx, 5
    call run_rows
    lea rdi, [rip + rows_nonleaf]
    lea rsi, [rip + variants_nonleaf]
    mov edx, 2
    call run_rows
    lea rdi, [rip + rows_leaf]
    lea rsi, [rip + variants_leaf]
    mov edx, 3
    call run_rows
    lea rdi, [rip + rows_pte]
    lea rsi, [rip + variants_leaf]          # its first variant: the PTE
    mov edx, 1
    call run_rows
    lea rdi, [rip + rows_2m]
    lea rsi, [rip + variants_leaf + 24]     # the 2 MiB PDE
    mov edx, 1
    call run_rows
    lea rdi, [rip + rows_1g]
    lea rsi, [rip + variants_leaf + 48]     # the 1 GiB PDPTE
    mov edx, 1
    call run_rows
    lea rdi, [rip + rows_pml4e]
    lea rsi, [rip + variant_pml4e]
    mov edx, 1
    call run_rows
    # across levels: the PDE above the PTE r--, then not present (restored with the PTE)
    mov rax, [rip + ept_entry_pde]
    mov rax, [rax]
    mov [rip + pde_saved], rax
    and eax, ~(EPT_W | EPT_X)
    mov [rip + pde_value], rax
    mov qword ptr [rip + c_prep], offset set_pde
    mov qword ptr [rip + c_fixup], offset restore_pde
    lea rdi, [rip + rows_under_r]
    lea rsi, [rip + variants_leaf]          # the PTE
    mov edx, 1
    call run_rows
    and qword ptr [rip + pde_value], ~EPT_RWX
    lea rdi, [rip + rows_under_np]
    lea rsi, [rip + variants_leaf]
    mov edx, 1
    call run_rows
    call restore_pde
    mov qword ptr [rip + c_prep], 0
    mov qword ptr [rip + c_fixup], 0
    ret

set_pde:
    push rax
    push rdx
    mov rdx, [rip + ept_entry_pde]
    mov rax, [rip + pde_value]
    mov [rdx], rax
    pop rdx
    pop rax
    ret
restore_pde:
    push rax
    push rdx
    mov rdx, [rip + ept_entry_pde]
    mov rax, [rip + pde_saved]
    mov [rdx], rax
    pop rdx
    pop rax
    ret

.section .rodata
.balign 8
# every level (the PML4E has its own table: a misconfigured PML4E stops the guest's first fetch)
rows_all:
.irp b, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51
ROW "reserved bit \b (51:MAXPHYADDR)", 0, 1<<\b, OP_READ, MISCONF
ROW "reserved bit \b in a not-present entry", EPT_RWX, 1<<\b, OP_READ, VIOL, NP_READ
.endr
ROW "reserved bit 39, write", 0, 1<<39, OP_WRITE, MISCONF
ROW "reserved bit 51, fetch", 0, 1<<51, OP_EXEC, MISCONF
ROW "reserved bit 51 with --x (misconfiguration before violation)", EPT_RWX, (1<<51)|EPT_X, OP_READ, MISCONF
.irp b, 8, 9, 10, 11, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
ROW "ignored bit \b", 0, 1<<\b, OP_READ, OK
.endr
.irp b, 8, 9, 11, 52, 63
ROW "ignored bit \b, write", 0, 1<<\b, OP_WRITE, OK
ROW "ignored bit \b, fetch", 0, 1<<\b, OP_EXEC, OK
.endr
ENDROWS

# PDE and PDPTE that reference a table: bits 7:3 reserved (bit 7 would make a large page)
rows_nonleaf:
.irp b, 3, 4, 5, 6
ROW "reserved bit \b of an entry that references a table", 0, 1<<\b, OP_READ, MISCONF
ROW "reserved bit \b of a not-present entry", EPT_RWX, 1<<\b, OP_READ, VIOL, NP_READ
.endr
ROW "reserved bit 5, write", 0, 1<<5, OP_WRITE, MISCONF
ROW "reserved bit 3, fetch", 0, 1<<3, OP_EXEC, MISCONF
ENDROWS

# the leaves (PTE, 2 MiB PDE, 1 GiB PDPTE): the memory type in bits 5:3
rows_leaf:
ROW "memory type 0 (UC)", 7<<3, 0<<3, OP_READ, OK
ROW "memory type 1 (WC)", 7<<3, 1<<3, OP_READ, OK
ROW "memory type 2 (reserved)", 7<<3, 2<<3, OP_READ, MISCONF
ROW "memory type 3 (reserved)", 7<<3, 3<<3, OP_READ, MISCONF
ROW "memory type 4 (WT)", 7<<3, 4<<3, OP_READ, OK
ROW "memory type 5 (WP)", 7<<3, 5<<3, OP_WRITE, OK
ROW "memory type 6 (WB)", 7<<3, 6<<3, OP_EXEC, OK
ROW "memory type 7 (reserved)", 7<<3, 7<<3, OP_READ, MISCONF
ROW "memory type 7, write", 7<<3, 7<<3, OP_WRITE, MISCONF
ROW "memory type 2, fetch", 7<<3, 2<<3, OP_EXEC, MISCONF
ROW "memory type 3 with r-- (misconfiguration before violation)", (7<<3)|EPT_RWX, (3<<3)|EPT_R, OP_WRITE, MISCONF
ROW "memory type 7 in a not-present entry", (7<<3)|EPT_RWX, 7<<3, OP_READ, VIOL, NP_READ
ROW "ignore-PAT (bit 6)", 0, EPT_IPAT, OP_READ, OK
ENDROWS

rows_pte:
ROW "bit 7 of a PTE (ignored)", 0, EPT_LARGE, OP_READ, OK
ENDROWS

rows_2m:
.irp b, 12, 13, 14, 15, 16, 17, 18, 19, 20
ROW "reserved bit \b (20:12 of a 2 MiB page)", 0, 1<<\b, OP_READ, MISCONF
ROW "reserved bit \b of a not-present 2 MiB page", EPT_RWX, 1<<\b, OP_READ, VIOL, NP_READ
.endr
ROW "reserved bit 20, fetch", 0, 1<<20, OP_EXEC, MISCONF
ENDROWS

rows_1g:
.irp b, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29
ROW "reserved bit \b (29:12 of a 1 GiB page)", 0, 1<<\b, OP_READ, MISCONF
.endr
ROW "reserved bit 29 of a not-present 1 GiB page", EPT_RWX, 1<<29, OP_READ, VIOL, NP_READ
ROW "reserved bit 12 of a not-present 1 GiB page", EPT_RWX, 1<<12, OP_READ, VIOL, NP_READ
ROW "reserved bit 21, write", 0, 1<<21, OP_WRITE, MISCONF
ENDROWS

# the PTE under an r-- PDE: a misconfigured PTE is a misconfiguration even where the PDE alone
# forbids the access; the PDE's permissions limit a good PTE
rows_under_r:
ROW "PTE -w- under an r-- PDE, write (misconfiguration first)", EPT_RWX, EPT_W, OP_WRITE, MISCONF
ROW "PTE memory type 7 under an r-- PDE, fetch", (7<<3), 7<<3, OP_EXEC, MISCONF
ROW "PTE rwx under an r-- PDE, write", 0, 0, OP_WRITE, VIOL, Q_WR|Q_PR|FIN
ROW "PTE rwx under an r-- PDE, read", 0, 0, OP_READ, OK
ROW "PTE --x under an r-- PDE, read (effective ---)", EPT_RWX, EPT_X, OP_READ, VIOL, Q_RD|FIN
ENDROWS

# the PTE under a not-present PDE: the walk stops at the PDE, the PTE is never read
rows_under_np:
ROW "PTE -w- under a not-present PDE, read (violation)", EPT_RWX, EPT_W, OP_READ, VIOL, Q_RD|FIN
ROW "PTE reserved bit 51 under a not-present PDE, write", 0, 1<<51, OP_WRITE, VIOL, Q_WR|FIN
ENDROWS

# The PML4E governs every guest-physical address: a misconfiguration shows on the guest's
# first access, the read of g_pml4[0] in the walk for its first fetch.
rows_pml4e:
.irp b, 3, 4, 5, 6, 7
ROW "reserved bit \b (7:3 of a PML4E)", 0, 1<<\b, OP_READ, MISCONF, 0, AT_PML4
ROW "reserved bit \b of a not-present PML4E", EPT_RWX, 1<<\b, OP_READ, VIOL, Q_RD|Q_GLA, AT_PML4
.endr
.irp b, 39, 45, 51
ROW "reserved bit \b (51:MAXPHYADDR)", 0, 1<<\b, OP_READ, MISCONF, 0, AT_PML4
ROW "reserved bit \b of a not-present PML4E", EPT_RWX, 1<<\b, OP_READ, VIOL, Q_RD|Q_GLA, AT_PML4
.endr
.irp b, 8, 9, 10, 11, 52, 58, 62, 63
ROW "ignored bit \b", 0, 1<<\b, OP_WRITE, OK
.endr
ENDROWS

.section .bss
.balign 8
pde_saved: .quad 0
pde_value: .quad 0
