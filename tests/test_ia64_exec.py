"""IA-64 instruction groups against hand-computed results: integer ALU, compares and
predicates, shifts/deposit/extract and multimedia, moves, branches and loops, loads and
stores with post-increment, speculation and advanced loads, semaphores."""
from __future__ import annotations

import pytest

from machine.ia64 import faults as F
from machine.ia64 import psr as P
from tests.ia64util import DATA, needs_binutils, run_asm

pytestmark = needs_binutils
M = (1 << 64) - 1
END = "\n  break.m 0x1 ;;\n"


def run(body: str, setup=None, expect=F.BREAK):
    cpu, vec = run_asm(body + END, setup=setup)
    assert vec == expect, f"stopped at vector {vec!r}, ISR={cpu.cr[17]:#x} IIP={cpu.cr[19]:#x}"
    if cpu.cr[16] & P.BN and not cpu.psr & P.BN:     # show GR16-31 as the program saw them
        cpu.switch_bank()
        cpu.psr |= P.BN
    return cpu


def test_alu():
    c = run("""
  mov r1=100
  mov r2=-3
  movl r3=0xF0F0F0F0F0F0F0F0 ;;
  add r4=r1,r2
  add r5=r1,r2,1
  sub r6=r1,r2
  sub r7=r1,r2,1
  and r8=r3,r1
  andcm r9=r3,r1 ;;
  or r10=r3,r1
  xor r11=r3,r3
  shladd r12=r1,3,r2
  sub r13=5,r1
  and r14=0x7f,r3
  adds r15=-8000,r1 ;;
  addl r16=2000000,r1
  addp4 r17=r1,r3
  mov r18=r1
  xor r19=-1,r1 ;;""")
    g = c.gr
    assert g[4] == 97 and g[5] == 98 and g[6] == 103 and g[7] == 102
    assert g[8] == 0xF0F0F0F0F0F0F0F0 & 100 and g[9] == 0xF0F0F0F0F0F0F0F0 & ~100 & M
    assert g[10] == 0xF0F0F0F0F0F0F0F0 | 100 and g[11] == 0
    assert g[12] == 797 and g[13] == -95 & M and g[14] == 0x70 and g[15] == -7900 & M
    assert g[16] == 2000100 and g[17] == ((0xF0F0F0F0 + 100) & 0xFFFFFFFF) | 3 << 61
    assert g[18] == 100 and g[19] == ~100 & M


def test_compare_types_and_predicates():
    c = run("""
  mov r1=5
  mov r2=-1
  mov pr=r0,0x1fffe ;;
  cmp.lt p1,p2=r2,r1
  cmp.ltu p3,p4=r2,r1
  cmp4.eq p5,p6=r1,r1 ;;
  cmp.eq p7,p8=r0,r0 ;;
  (p8) cmp.eq.unc p9,p10=r1,r1
  cmp.gt p11,p12=r1,r2 ;;
  cmp.ne.and p7,p8=r1,r1
  cmp.eq.or p13,p14=5,r1
  tbit.nz p15,p16=r1,2
  tnat.z p17,p18=r1 ;;""")
    p = c.pr
    assert (p[1], p[2], p[3], p[4], p[5], p[6]) == (1, 0, 0, 1, 1, 0)
    assert (p[7], p[8]) == (0, 0)              # the .and compare cleared both
    assert (p[9], p[10]) == (0, 0)             # unc with a false predicate clears
    assert (p[11], p[12], p[13], p[14]) == (1, 0, 1, 1)
    assert (p[15], p[16], p[17], p[18]) == (1, 0, 1, 0)
    assert p[0] == 1


def test_compare_with_nat_source():
    c = run("""
  mov r1=1
  movl r9=0x4000000000000000 ;;
  ld8.s r2=[r9]
  mov pr=r0,0x1fffe ;;
  cmp.eq p1,p2=r2,r1
  cmp.eq p3,p4=r0,r0 ;;
  cmp.eq.or p3,p4=r2,r2
  chk.s r2,recover ;;
  mov r20=1 ;;
  break.m 0x1 ;;
recover:
  mov r21=1 ;;""")
    assert c.nat[2] == 1 and c.gr[2] == 0
    assert (c.pr[1], c.pr[2], c.pr[3], c.pr[4]) == (0, 0, 1, 0)
    assert c.gr[21] == 1 and c.gr[20] == 0


def test_shifts_deposit_extract_multimedia():
    c = run("""
  movl r1=0x8000000000000081
  mov r2=4
  mov r3=70 ;;
  shl r4=r1,r2
  shr r5=r1,r2
  shr.u r6=r1,r2
  shl r7=r1,r3
  shr r8=r1,r3 ;;
  extr r9=r1,60,8
  extr.u r10=r1,0,8
  dep.z r11=r1,8,8
  dep r12=-1,r0,4,4
  shrp r13=r1,r2,8 ;;
  mux1 r14=r1,@rev
  mux2 r15=r1,0x1b
  popcnt r16=r1
  zxt2 r17=r1
  sxt1 r18=r1
  pshl2 r19=r1,1 ;;
  pshr4.u r20=r1,4
  czx1.r r21=r1 ;;""")
    g = c.gr
    assert g[4] == 0x810 and g[5] == 0xF800000000000008 and g[6] == 0x0800000000000008
    assert g[7] == 0 and g[8] == M
    assert g[9] == -8 & M and g[10] == 0x81 and g[11] == 0x8100 and g[12] == 0xF0
    assert g[13] == (((0x8000000000000081 << 64) | 4) >> 8) & M
    assert g[14] == 0x8100000000000080 and g[15] == 0x0081000000008000 and g[16] == 3
    assert g[17] == 0x81 and g[18] == -127 & M and g[19] == 0x0000000000000102
    assert g[20] == 0x0800000000000008 and g[21] == 1


def test_moves_ip_predicates_branch_registers():
    c = run("""
  mov r1=ip
  movl r2=0x5555555555555555 ;;
  mov pr=r2,0x1fffe
  mov b3=r1 ;;
  mov r3=pr
  mov r4=b3
  mov pr.rot=0x30000 ;;
  mov r5=pr ;;""")
    assert c.gr[1] == 0x10000 and c.gr[4] == 0x10000
    assert c.gr[3] == 0x5555555555555555 & ~1 | 1
    assert c.gr[5] == (0x5555 & ~1 | 1) | 0x30000


def test_branches_call_return_and_frames():
    c = run("""
  alloc r35=ar.pfs,0,4,2,0
  mov r32=11
  mov r33=22
  mov r34=33
  mov r36=44 ;;
  mov r37=55
  movl r20=func ;;
  mov b6=r20 ;;
  br.call.sptk.many b0=b6 ;;
  mov r21=r32
  mov r22=r33
  mov r23=r8 ;;
  mov r24=r35 ;;
  br.sptk.many done ;;
func:
  alloc r35=ar.pfs,2,3,0,0 ;;
  add r8=r32,r33
  mov r36=ar.pfs ;;
  mov ar.pfs=r35 ;;
  br.ret.sptk.many b0 ;;
done:
  (p0) br.cond.sptk.few after ;;
  mov r25=1 ;;
after:
  brl.sptk.many last ;;
  mov r26=1 ;;
last:""")
    g = c.gr
    assert (g[21], g[22], g[23]) == (11, 22, 99)
    assert c.sof == 6 and c.sol == 4 and g[25] == 0 and g[26] == 0
    assert c.br[0] == 0x10050 or c.br[0] & 0xF == 0


def test_counted_and_modulo_loops():
    c = run("""
  mov r1=0
  mov ar.lc=4 ;;
loop:
  add r1=r1,r0,1
  br.cloop.sptk.few loop ;;
  alloc r40=ar.pfs,0,24,0,8
  mov ar.lc=3
  mov ar.ec=2
  mov pr.rot=0x10000
  mov r50=0 ;;
  mov r2=10 ;;
mloop:
  (p16) add r32=r2,r0
  (p17) add r50=r50,r33
  add r2=r2,r0,1
  br.ctop.sptk.few mloop ;;""")
    assert c.gr[1] == 5 and c.ar[65] == 0
    assert c.gr[50] == 10 + 11 + 12 + 13 and c.ar[66] == 0


def test_loads_stores_post_increment():
    d = DATA

    def setup(cpu):
        cpu.ram[d:d + 16] = bytes(range(0x11, 0x21))
    c = run(f"""
  movl r1={d} ;;
  ld1 r2=[r1],2 ;;
  ld2 r3=[r1],2 ;;
  mov r9=4 ;;
  ld4 r4=[r1],r9 ;;
  ld8 r5=[r1] ;;
  movl r6=0x1122334455667788
  movl r7={d + 0x100} ;;
  st1 [r7]=r6,2 ;;
  st2 [r7]=r6,2 ;;
  st4 [r7]=r6,4 ;;
  st8 [r7]=r6,-8 ;;
  ld8 r8=[r7] ;;""", setup)
    g = c.gr
    assert g[2] == 0x11 and g[3] == 0x1413 and g[4] == 0x18171615 and g[5] == 0x201F1E1D1C1B1A19
    assert g[1] == d + 8
    assert bytes(c.ram[d + 0x100:d + 0x110]) == bytes.fromhex("8800887788776655"
                                                            "8877665544332211")
    assert g[8] == 0x5566778877880088 and g[7] == d + 0x100


def test_unaligned_and_nat_consumption_faults():
    c = run(f"movl r1={DATA + 1} ;;\n  ld4 r2=[r1] ;;", expect=F.UNALIGNED)
    assert c.cr[20] == DATA + 1 and c.cr[17] & F.ISR_R
    c = run("movl r9=0x4000000000000000 ;;\n  ld8.s r2=[r9] ;;\n  st8 [r2]=r0 ;;",
            expect=F.NAT_CONSUMPTION)
    assert c.cr[17] & 0xF0 == F.NAT_REG and c.cr[17] & F.ISR_W


def test_spill_fill_and_unat():
    c = run(f"""
  movl r1={DATA}
  movl r9=0x4000000000000000 ;;
  ld8.s r2=[r9]
  mov r3=77 ;;
  st8.spill [r1]=r2,8 ;;
  st8.spill [r1]=r3,-8 ;;
  ld8.fill r4=[r1],8 ;;
  ld8.fill r5=[r1] ;;
  mov r6=ar.unat ;;""")
    assert c.nat[4] == 1 and c.nat[5] == 0 and c.gr[5] == 77
    assert c.gr[6] == 1 << ((DATA >> 3) & 63)


def test_advanced_loads():
    c = run(f"""
  movl r1={DATA} ;;
  ld8.a r2=[r1] ;;
  ld8.c.clr r3=[r1]
  mov r4=5 ;;
  st8 [r1]=r4 ;;
  ld8.c.nc r2=[r1] ;;
  chk.a.clr r2,recov ;;
  mov r10=1 ;;
  break.m 0x1 ;;
recov:
  mov r11=1 ;;""", lambda cpu: cpu.ram.__setitem__(slice(DATA, DATA + 8), b"\x07" + bytes(7)))
    assert c.gr[2] == 5 and c.gr[10] == 1 and c.gr[11] == 0


def test_semaphores():
    c = run(f"""
  movl r1={DATA}
  mov r2=10
  mov r3=20 ;;
  st8 [r1]=r2
  mov ar.ccv=10 ;;
  cmpxchg8.acq r4=[r1],r3,ar.ccv ;;
  cmpxchg8.acq r5=[r1],r2,ar.ccv ;;
  xchg4 r6=[r1],r2 ;;
  fetchadd8.rel r7=[r1],-16 ;;
  ld8 r8=[r1] ;;""")
    g = c.gr
    assert g[4] == 10 and g[5] == 20 and g[6] == 20 and g[7] == 10 and g[8] == (-6) & M


@pytest.mark.parametrize("src,vector", [
    ("add r0=r1,r2 ;;", F.GENERAL_EXCEPTION),
    ("alloc r32=ar.pfs,0,2,0,0 ;;\n  mov r40=1 ;;", F.GENERAL_EXCEPTION),
    ("mov r1=ar.bsp ;;\n  mov ar.bsp=r1 ;;", F.GENERAL_EXCEPTION),
])
def test_illegal_operations(src, vector):
    c = run(src, expect=vector)
    assert c.cr[17] & 0xF0 == F.GE_ILLEGAL_OP
