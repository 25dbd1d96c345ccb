"""System instructions: TLB insert/purge (itc/itr/ptc/ptr), tpa/tak/probe/thash/ttag, region
and protection-key registers, the PSR moves, bsw, the indirect register files and CPUID."""
from __future__ import annotations

from machine.ia64 import faults as F
from machine.ia64 import psr as P
from machine.ia64.mmu import rights
from tests.ia64util import needs_binutils, run_asm

pytestmark = needs_binutils
END = "\n  break.m 0x1 ;;\n"
M = (1 << 64) - 1


def run(body, setup=None, expect=F.BREAK):
    c, vec = run_asm(body + END, setup=setup)
    assert vec == expect, f"vector {vec!r} ISR={c.cr[17]:#x} IIP={c.cr[19]:#x}"
    if c.cr[16] & P.BN and not c.psr & P.BN:
        c.switch_bank()
        c.psr |= P.BN
    return c


def test_itc_itr_purges_and_translation_instructions():
    c = run("""
  movl r1=0x200000
  movl r2=0x60000 | 0x661
  mov r3=(12 << 2) | (0x55 << 8) ;;
  rsm 0x2000 ;;
  srlz.d ;;
  mov cr.ifa=r1
  mov cr.itir=r3 ;;
  itc.d r2 ;;
  ssm 0x2000 ;;
  srlz.d ;;
  tpa r4=r1
  tak r5=r1
  probe.r r6=r1,r0
  mov r9=3 ;;
  probe.w r7=r1,r9 ;;
  ptc.l r1,r3 ;;
  probe.r r8=r0,r0 ;;""", setup=lambda cpu: (cpu.set_psr(cpu.psr | P.DT),
                                           cpu.insert_tr(False, 0, 0, 0x661, 20 << 2)))
    assert c.gr[4] == 0x60000 and c.gr[5] == 0x55 and c.gr[6] == 1 and c.gr[7] == 0
    assert not any(e.vbase == 0x200000 for e in c.dtc) and c.gr[8] == 1


def test_itc_needs_psr_ic_off_and_cpl0():
    c = run("itc.d r2 ;;", expect=F.GENERAL_EXCEPTION)
    assert c.cr[17] & 0xF0 == F.GE_ILLEGAL_OP


def test_itr_ptr_and_region_ids():
    def setup(cpu):
        cpu.set_psr(cpu.psr | P.DT)
        cpu.insert_tr(False, 0, 0, 0x661, 20 << 2)
    c = run("""
  movl r1=0x200000
  movl r2=0x60000 | 0x661
  mov r3=12 << 2
  mov r4=2 ;;
  rsm 0x2000 ;;
  srlz.d ;;
  mov cr.ifa=r1
  mov cr.itir=r3 ;;
  itr.d dtr[r4]=r2 ;;
  ssm 0x2000 ;;
  srlz.d ;;
  probe.r r5=r1,r0
  mov r6=rr[r0]
  movl r7=(0x99 << 8) | (12 << 2) ;;
  mov rr[r0]=r7 ;;
  srlz.d ;;
  mov r8=rr[r0] ;;
  mov rr[r0]=r6 ;;
  srlz.d ;;
  ptr.d r1,r3 ;;""", setup)
    assert c.gr[5] == 1 and c.gr[6] == 0x38 and c.gr[8] == (0x99 << 8) | (12 << 2)
    assert c.dtr[2] is None


def test_thash_ttag_and_nat():
    def setup(cpu):
        cpu.cr[8] = 0x300000 | 15 << 2 | 1
    c = run("""
  movl r1=0x2000000000123456
  movl r9=0x4000000000000000 ;;
  thash r2=r1
  ttag r3=r1
  ld8.s r4=[r9] ;;
  thash r5=r4 ;;""", setup)
    assert c.gr[2] == c.thash(0x2000000000123456) == (1 << 61) | 0x300000 | ((0x123456 >> 14) << 3)
    assert c.gr[3] == c.ttag(0x2000000000123456) and c.nat[5] == 1


def test_psr_moves():
    c = run("""
  sum 0x8 ;;
  mov r1=psr.um ;;
  rum 0x8 ;;
  mov r2=psr.um
  mov r3=psr ;;
  ssm 0x4000 ;;
  mov r4=psr ;;
  rsm 0x4000 ;;
  movl r5=0x2000 | 0x20000 ;;
  mov psr.l=r5 ;;
  srlz.d ;;
  mov r6=psr ;;""")
    assert c.gr[1] == 0x8 and c.gr[2] == 0
    assert c.gr[3] == P.IC and c.gr[4] == P.IC | P.I and c.gr[6] == P.IC | P.DT


def test_bank_switch():
    c = run("""
  mov r16=1 ;;
  bsw.0 ;;
  mov r16=2 ;;
  mov r17=r16 ;;
  bsw.1 ;;
  mov r18=r16 ;;""")
    assert c.gr[18] == 1 and c.bank_regs(0)[0][:2] == [2, 2]


def test_indirect_files_and_cpuid():
    c = run("""
  mov r1=3 ;;
  mov r2=cpuid[r1]
  mov r3=cpuid[r0]
  movl r4=(0x77 << 8) | 1 ;;
  mov pkr[r1]=r4 ;;
  mov r5=pkr[r1]
  mov dbr[r0]=r4
  mov ibr[r1]=r4
  mov pmc[r1]=r4
  mov pmd[r1]=r4 ;;
  mov r6=dbr[r0]
  mov r7=ibr[r1]
  mov r8=pmc[r1]
  mov r9=pmd[r1]
  mov r10=ar.itc ;;
  mov r11=ar.itc ;;""")
    assert c.gr[2] & 0xFF == 4 and c.gr[3] == int.from_bytes(b"GenuineI", "little")
    assert c.gr[5] == c.gr[6] == c.gr[7] == c.gr[8] == c.gr[9] == (0x77 << 8) | 1
    assert c.gr[11] > c.gr[10]
    c = run("mov r1=5 ;;\n  mov r2=cpuid[r1] ;;", expect=F.GENERAL_EXCEPTION)
    assert c.cr[17] & 0xF0 == F.GE_RESERVED
    c = run("mov r1=psr ;;\n  mov cr.iip=r1 ;;", expect=F.GENERAL_EXCEPTION)
    assert c.cr[17] & 0xF0 == F.GE_ILLEGAL_OP      # interruption CR with PSR.ic = 1


def test_access_rights_table():
    assert rights(7, 3, 0) == 5 and rights(7, 0, 3) == 1
    assert rights(4, 2, 2) == 4 and rights(4, 2, 1) == 6 and rights(4, 2, 3) == 0
    assert rights(6, 2, 2) == 7 and rights(6, 2, 0) == 6 and rights(3, 0, 1) == 0

