"""Interruption delivery through the IVT for each reachable vector (vti.md 2.1), with the
interruption registers as vti.md 2.2 describes them; PSR.ic = 0 leaves IIP/IPSR/IFA alone;
rfi returns with the bank, the PSR and (IFS.v) the register frame restored."""
from __future__ import annotations

import pytest

from machine.ia64 import faults as F
from machine.ia64 import psr as P
from tests.ia64util import CODE, IVA, asm_bundles, make_cpu, needs_binutils, run_until_vector

pytestmark = needs_binutils
RID, PS = 0x42, 12
ITIR = PS << 2 | RID << 8
SENTINEL = 0x5EB7


def pte(pa, ar=3, pl=0, a=1, d=1, p=1, ma=0):
    return pa | p | ma << 2 | a << 5 | d << 6 | pl << 7 | ar << 9


def machine(body: str, virt_data=True, virt_code=False, setup=None):
    cpu = make_cpu(asm_bundles(body + "\n  break.m 0x7 ;;\n"))
    cpu.rr = [RID << 8 | PS << 2] * 8
    for n in (19, 20, 21, 22, 24, 25):
        cpu.cr[n] = SENTINEL
    if virt_code:
        cpu.insert_tr(True, 0, CODE, pte(CODE), 16 << 2)       # 64 KiB of code
    if virt_data or virt_code:
        cpu.insert_tr(False, 0, CODE, pte(CODE), 16 << 2)
    psr = cpu.psr | (P.DT if virt_data else 0) | (P.IT if virt_code else 0)
    cpu.set_psr(psr)
    if setup is not None:
        setup(cpu)
    return cpu


def go(cpu, expect):
    vec = run_until_vector(cpu, 5000)
    assert vec == expect, (f"vector {vec!r} (wanted {expect:#x}) ISR={cpu.cr[17]:#x} "
                           f"IIP={cpu.cr[19]:#x} IFA={cpu.cr[20]:#x}")
    assert cpu.psr & (P.IC | P.I | P.BN | P.CPL_MASK) == 0      # interruption PSR
    return cpu


def test_alternate_data_tlb_and_registers():
    c = go(machine("""
  movl r2=0x200008 ;;
  nop.m 0
  ld8 r3=[r2] ;;"""), F.ALT_DTLB)
    assert c.cr[20] == 0x200008 and c.cr[21] == ITIR and c.cr[25] == SENTINEL
    assert c.cr[19] == CODE + 0x10 and (c.cr[17] >> 41) & 3 == 1 and c.cr[17] & F.ISR_R
    assert c.cr[16] & P.DT and (c.cr[16] >> 41) & 3 == 1 and c.cr[16] & P.BN
    assert c.cr[22] == CODE + 0x10 and c.cr[23] == 0 and c.ip == IVA + 0x1000


def test_alternate_instruction_tlb():
    c = go(machine("  movl r2=0x300000 ;;\n  mov b1=r2 ;;\n  br.sptk.many b1 ;;",
                   virt_code=True), F.ALT_ITLB)
    assert c.cr[19] == 0x300000 and c.cr[20] == 0x300000 and c.cr[17] & F.ISR_X
    assert c.cr[16] & P.IT


def test_data_nested_tlb_with_ic_off():
    c = go(machine("""
  rsm 0x2000 ;;
  srlz.d
  movl r2=0x200000 ;;
  st8 [r2]=r0 ;;"""), F.DATA_NESTED_TLB)
    assert c.cr[19] == SENTINEL and c.cr[20] == SENTINEL and c.cr[16] == 0
    assert c.cr[17] & F.ISR_NI and c.cr[17] & F.ISR_W


def _vhpt(cpu, present: bool, map_vhpt: bool = True):
    cpu.cr[8] = 0x100000 | 15 << 2 | 1                      # PTA: base, 32 KiB, ve
    cpu.rr = [RID << 8 | PS << 2 | 1] * 8
    va = 0x200000
    iha = cpu.thash(va)
    if map_vhpt:
        cpu.insert_tr(False, 1, 0x100000, pte(0x100000), 16 << 2)
        cpu.bus.write(iha, 8, pte(0x50000) if present else 0)
    return iha


def test_dtlb_fault_when_the_walker_finds_no_entry():
    c = machine("movl r2=0x200000 ;;\n  ld8 r3=[r2] ;;")
    iha = _vhpt(c, present=False)
    go(c, F.DTLB)
    assert c.cr[25] == iha and c.cr[20] == 0x200000 and c.cr[21] == ITIR
    assert iha == 0x100000 | ((0x200000 >> 12) << 3)


def test_vhpt_translation_fault():
    c = machine("movl r2=0x200000 ;;\n  ld8 r3=[r2] ;;")
    iha = _vhpt(c, present=False, map_vhpt=False)
    go(c, F.VHPT_TRANS)
    assert c.cr[25] == iha and c.cr[20] == 0x200000


def test_walker_inserts_a_translation():
    c = machine("movl r2=0x200010 ;;\n  ld8 r3=[r2] ;;")
    _vhpt(c, present=True)
    c.bus.write(0x50010, 8, 0xABCDEF)
    go(c, F.BREAK)
    c.switch_bank()
    assert c.gr[3] == 0xABCDEF and any(e.vbase == 0x200000 for e in c.dtc)


def test_instruction_tlb_fault_from_the_walker():
    c = machine("  movl r2=0x200000 ;;\n  mov b1=r2 ;;\n  br.sptk.many b1 ;;", virt_code=True)
    _vhpt(c, present=False)
    go(c, F.ITLB)
    assert c.cr[17] & F.ISR_X and c.cr[25] == c.thash(0x200000)


@pytest.mark.parametrize("kw,store,vector", [
    ({"p": 0}, False, F.PAGE_NOT_PRESENT),
    ({"a": 0}, False, F.DACCESS_BIT),
    ({"d": 0}, True, F.DIRTY_BIT),
    ({"ar": 0}, True, F.DACCESS_RIGHTS),
    ({"ma": 7}, False, F.NAT_CONSUMPTION),
])
def test_page_faults(kw, store, vector):
    op = "st8 [r2]=r0" if store else "ld8 r3=[r2]"
    c = machine(f"movl r2=0x200000 ;;\n  {op} ;;",
                setup=lambda cpu: cpu.insert_tr(False, 2, 0x200000, pte(0x60000, **kw), ITIR))
    go(c, vector)
    assert c.cr[20] == 0x200000
    if vector == F.NAT_CONSUMPTION:
        assert c.cr[17] & 0xF0 == F.NAT_PAGE
    else:
        assert c.cr[21] == ITIR


def test_protection_keys():
    def setup(cpu, pkr):
        cpu.insert_tr(False, 2, 0x200000, pte(0x60000), PS << 2 | 0x77 << 8)
        cpu.pkr[0] = pkr
        cpu.set_psr(cpu.psr | P.PK)
    body = "movl r2=0x200000 ;;\n  ld8 r3=[r2] ;;"
    go(machine(body, setup=lambda c: setup(c, 0)), F.DKEY_MISS)
    go(machine(body, setup=lambda c: setup(c, 0x77 << 8 | 1 | 4)), F.KEY_PERMISSION)
    go(machine(body, setup=lambda c: setup(c, 0x77 << 8 | 1 | 2)), F.BREAK)   # wd only


def test_instruction_side_page_faults():
    body = "  movl r2=0x200000 ;;\n  mov b1=r2 ;;\n  br.sptk.many b1 ;;"
    for kw, vector in (({"ar": 0}, F.IACCESS_RIGHTS), ({"a": 0}, F.IACCESS_BIT)):
        c = machine(body, virt_code=True,
                    setup=lambda cpu, kw=kw: cpu.insert_tr(True, 2, 0x200000,
                                                           pte(0x60000, **kw), ITIR))
        go(c, vector)
        assert c.cr[20] == 0x200000 and c.cr[17] & F.ISR_X

    def key(cpu):
        cpu.insert_tr(True, 2, 0x200000, pte(0x60000), PS << 2 | 0x99 << 8)
        cpu.pkr[0] = 1                                        # key 0 only (the code TR's)
        cpu.set_psr(cpu.psr | P.PK)
    go(machine(body, virt_code=True, setup=key), F.IKEY_MISS)


def test_break_immediates():
    c = go(machine("break.i 0x1abcd ;;", virt_data=False), F.BREAK)
    assert c.cr[24] == 0x1ABCD and c.cr[19] == CODE
    c = go(machine("{ .mlx\n  nop.m 0\n  break.x 0x123456789 ;; }", virt_data=False), F.BREAK)
    assert c.cr[24] == 0x123456789 and (c.cr[16] >> 41) & 3 == 1


@pytest.mark.parametrize("body,code", [
    ("mov r1=cr.iva ;;", F.GE_PRIV_OP),
    ("mov ar.k0=r1 ;;", F.GE_PRIV_REG),
    ("ssm 0x1 ;;", F.GE_PRIV_OP),
    ("mov r1=ar.itc ;;", None),
])
def test_privilege_faults_at_cpl3(body, code):
    c = machine(body, virt_data=False)
    c.set_psr(c.psr | 3 << 32 | P.SI)
    if code is None:
        code = F.GE_PRIV_REG
    go(c, F.GENERAL_EXCEPTION)
    assert c.cr[17] & 0xF0 == code and (c.cr[16] >> 32) & 3 == 3


def test_reserved_field_and_disabled_fp():
    c = go(machine("sum 0x40 ;;", virt_data=False), F.GENERAL_EXCEPTION)
    assert c.cr[17] & 0xF0 == F.GE_RESERVED
    c = machine("fma.s0 f6=f7,f8,f9 ;;", virt_data=False)
    c.set_psr(c.psr | P.DFL)
    go(c, F.DISABLED_FP)
    assert c.cr[17] & 3 == 1


def test_speculation_fault_when_chk_is_done_by_software():
    c = machine("""
  movl r9=0x4000000000000000 ;;
  ld8.s r2=[r9] ;;
  chk.s r2,rec ;;
  break.m 0x1 ;;
rec:
  break.m 0x2 ;;""", virt_data=False)
    c.chk_faults = True
    go(c, F.SPECULATION)
    assert c.cr[19] + c.cr[24] == CODE + 0x30 and c.cr[24] & 0xF == 0


def test_debug_breakpoints():
    c = machine("movl r2=0x10100 ;;\n  ld8 r3=[r2] ;;")
    c.dbr[0], c.dbr[1] = 0x10100, (1 << 62) | (0xF << 56) | ((1 << 56) - 8)
    c.set_psr(c.psr | P.DB)
    go(c, F.DEBUG)
    assert c.cr[20] == 0x10100 and c.cr[17] & F.ISR_R
    c = machine("nop.m 0 ;;\n  nop.m 0 ;;\n  nop.m 0 ;;", virt_data=False)
    c.ibr[0], c.ibr[1] = CODE + 0x10, (1 << 63) | (0xF << 56) | ((1 << 56) - 16)
    c.set_psr(c.psr | P.DB)
    go(c, F.DEBUG)
    assert c.cr[19] == CODE + 0x10 and c.cr[17] & F.ISR_X


def test_unsupported_data_reference():
    go(machine("movl r2=0x8000000000010000 ;;\n  xchg8 r3=[r2],r0 ;;", virt_data=False),
       F.UNSUPPORTED_DATA)


def test_traps_taken_branch_single_step_lower_privilege():
    c = machine("br.sptk.many t ;;\n  nop.m 0 ;;\nt:\n  nop.m 0 ;;", virt_data=False)
    c.set_psr(c.psr | P.TB)
    go(c, F.TAKEN_BRANCH)
    assert c.cr[19] == CODE + 0x20 and c.cr[22] == CODE and c.cr[17] & 0xFF == 0x4
    c = machine("add r1=r0,r0,1 ;;\n  add r2=r0,r0,1 ;;", virt_data=False)
    c.set_psr(c.psr | P.SS)
    go(c, F.SINGLE_STEP)
    assert c.cr[19] == CODE and (c.cr[16] >> 41) & 3 == 1 and c.icount == 1
    assert c.cr[17] & 0xFF == 0x8
    c = machine("movl r2=t ;;\n  mov b0=r2\n  movl r3=3 << 62 ;;\n  mov ar.pfs=r3 ;;\n"
                "  br.ret.sptk.many b0 ;;\nt:\n  nop.m 0 ;;", virt_data=False)
    c.set_psr(c.psr | P.LP)
    go(c, F.LOWER_PRIV_TRANSFER)
    assert (c.cr[16] >> 32) & 3 == 3 and c.cr[17] & 0xFF == 0x2


def test_virtualization_fault_for_vmsw_outside_an_epc_page():
    c = go(machine("vmsw.1 ;;", virt_data=False), F.VIRTUALIZATION)
    assert c.cr[19] == CODE and not c.cr[16] & P.VM


def test_external_interrupt_from_the_interval_timer():
    c = machine("""
  mov r1=ar.itc ;;
  adds r1=20,r1
  mov r2=0x31 ;;
  mov cr.itv=r2
  mov cr.itm=r1
  mov r3=0 ;;
  mov cr.tpr=r3 ;;
  ssm 0x4000 ;;
loop:
  br.sptk.many loop ;;""", virt_data=False)
    go(c, F.EXTERNAL_INT)
    assert c.cr[16] & P.I and c.read_ivr() == 0x31 and c.read_ivr() == 15
    c.write_eoi()
    assert not c.isr_stack


def test_rfi_restores_psr_bank_frame_and_slot():
    """The break handler covers the interrupted frame (PSR.ic is 0 there, so IFS gets it),
    skips the break bundle and returns with rfi: bank 1, PSR and the frame come back."""
    c = machine("""
  alloc r32=ar.pfs,0,3,0,0 ;;
  mov r33=5
  mov r16=16 ;;
{ .mii
  break.m 0x30
  nop.i 0
  nop.i 0 ;; }
  add r34=r33,r33
  mov r17=r16 ;;
  add r0=r1,r1 ;;""", virt_data=False)
    handler = asm_bundles("""
  mov r16=99
  cover ;;
  mov r20=cr.iip
  mov r21=cr.ifs ;;
  adds r20=16,r20 ;;
  mov cr.iip=r20 ;;
  rfi ;;""", base=IVA + F.BREAK)
    c.bus.load(IVA + F.BREAK, handler)
    c.breakpoints.discard(IVA + F.BREAK)
    go(c, F.GENERAL_EXCEPTION)
    assert c.cr[17] & 0xF0 == F.GE_ILLEGAL_OP
    bank0, _ = c.bank_regs(0)
    assert bank0[0] == 99 and bank0[5] == (1 << 63 | 3 | 3 << 7)    # r16 and IFS in bank 0
    c.switch_bank()
    assert c.gr[34] == 10 and c.gr[17] == 16 and c.sof == 3 and c.sol == 3
