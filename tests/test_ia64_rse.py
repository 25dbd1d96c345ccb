"""The register stack engine: frames across deep recursion with mandatory spills and fills,
flushrs with the NaT collection in AR.RNAT, loadrs and AR.BSPSTORE writes, cover."""
from __future__ import annotations

from machine.ia64.rse import N_STACKED, num_regs, skip
from tests.ia64util import needs_binutils, run_asm

pytestmark = needs_binutils
BS = 0x90000

REC = """
  movl r1=%(bs)#x ;;
  mov ar.rsc=0 ;;
  mov ar.bspstore=r1 ;;
  alloc r32=ar.pfs,0,2,1,0 ;;
  mov r33=0x1234
  mov r34=%(depth)d
  movl r2=rec ;;
  mov b6=r2 ;;
  br.call.sptk.many b0=b6 ;;
  mov r3=r8
  mov r6=r33 ;;
  mov r4=ar.bsp
  mov r5=ar.bspstore ;;
  break.m 1 ;;
rec:
  alloc r40=ar.pfs,1,16,1,0
  mov r41=b0
  cmp.eq p6,p7=0,r32 ;;
  (p6) mov r8=0
  (p6) br.cond.dpnt.few out ;;
  add r33=r32,r32
  adds r49=-1,r32 ;;
  br.call.sptk.many b0=rec ;;
  add r8=r8,r32
  add r42=r32,r32 ;;
  cmp.ne p8,p0=r42,r33 ;;
  (p8) break.m 0x99 ;;
out:
  mov ar.pfs=r40
  mov b0=r41 ;;
  br.ret.sptk.many b0 ;;
"""


def test_recursion_spills_and_fills():
    depth = 30                              # 30 frames of 18 registers: far beyond 96
    c, vec = run_asm(REC % {"bs": BS, "depth": depth}, limit=100_000)
    assert vec == 0x2C00 and c.cr[24] == 1, f"ISR {c.cr[17]:#x} IIP {c.cr[19]:#x}"
    assert c.gr[3] == depth * (depth + 1) // 2 and c.gr[6] == 0x1234
    assert c.gr[4] == BS                     # every frame returned: BSP is back at the base
    assert c.gr[5] <= c.gr[4]
    # the deepest spills reached well past what the ring holds
    assert any(c.ram[BS + 8 * 200:BS + 8 * 300])


def test_flushrs_writes_locals_and_nat_collection():
    c, vec = run_asm(f"""
  movl r1={BS - 16} ;;
  mov ar.rsc=0 ;;
  mov ar.bspstore=r1 ;;
  alloc r32=ar.pfs,0,5,0,0
  movl r9=0x4000000000000000 ;;
  mov r33=11
  ld8.s r34=[r9]
  mov r35=33
  mov r36=44 ;;
  movl r2=fl ;;
  mov b6=r2 ;;
  br.call.sptk.many b0=b6 ;;
  break.m 2 ;;
fl:
  flushrs ;;
  mov r3=ar.bspstore
  mov r4=ar.bsp
  mov r5=ar.rnat ;;
  break.m 1 ;;""")
    assert vec == 0x2C00 and c.cr[24] == 1
    base = BS - 16
    # 5 registers from BS-16: slots 62, 63 (the NaT collection), then 0.. in the next group
    assert c.gr[3] == c.gr[4] == skip(base, 5) == base + 48
    words = [int.from_bytes(c.ram[base + 8 * i:base + 8 * i + 8], "little") for i in range(6)]
    # r32 (the old PFS, 0) at slot 62, the NaT collection at slot 63, then r33..r36
    assert words == [0, 0, 11, 0, 33, 44]
    assert c.gr[5] & 0b11 == 0b10            # r34 (NaT) at BS+8: bit 1 of AR.RNAT
    assert num_regs(base, c.gr[4]) == 5


def test_rnat_collection_slot():
    c, vec = run_asm(f"""
  movl r1={BS - 8} ;;
  mov ar.rsc=0 ;;
  mov ar.bspstore=r1 ;;
  alloc r32=ar.pfs,0,3,0,0
  movl r9=0x4000000000000000 ;;
  ld8.s r32=[r9]
  mov r33=5
  ld8.s r34=[r9] ;;
  movl r2=fl ;;
  mov b6=r2 ;;
  br.call.sptk.many b0=b6 ;;
fl:
  flushrs ;;
  mov r5=ar.rnat ;;
  break.m 1 ;;""")
    assert vec == 0x2C00
    # BS-8 is slot 63 of its group: the (empty) collection is stored there first
    coll = int.from_bytes(c.ram[BS - 8:BS], "little")
    assert coll == 0
    # r32 -> BS (slot 0), r33 -> BS+8, r34 -> BS+16; NaT bits 0 and 2 now in AR.RNAT
    assert int.from_bytes(c.ram[BS + 8:BS + 16], "little") == 5
    assert c.gr[5] & 0b111 == 0b101


def test_loadrs_and_bspstore_switch():
    c, vec = run_asm(f"""
  movl r1={BS} ;;
  mov ar.rsc=0 ;;
  mov ar.bspstore=r1 ;;
  alloc r32=ar.pfs,0,4,0,0 ;;
  mov r32=1
  mov r33=2
  mov r34=3
  mov r35=4 ;;
  cover ;;
  flushrs ;;
  mov r6=ar.bsp ;;
  movl r7=(4 * 8) << 16 ;;
  mov ar.rsc=r7 ;;
  loadrs ;;
  mov ar.rsc=0 ;;
  movl r1={BS + 0x1000} ;;
  mov ar.bspstore=r1 ;;
  mov r8=ar.bsp ;;
  flushrs ;;
  mov r9=ar.bspstore ;;
  break.m 1 ;;""")
    assert vec == 0x2C00, hex(c.cr[17])
    assert c.gr[6] == BS + 32
    assert c.gr[8] == BS + 0x1000 + 32 == c.gr[9]
    got = [int.from_bytes(c.ram[BS + 0x1000 + 8 * i:BS + 0x1008 + 8 * i], "little")
           for i in range(4)]
    assert got == [1, 2, 3, 4]


def test_ring_size():
    assert N_STACKED == 96
