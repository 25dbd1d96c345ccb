"""Integer loads and stores (M1-M5), semaphores (M16/M17), speculation and advanced-load
checks (chk.s, chk.a).

ld.s defers every fault (the architecture allows spontaneous deferral): r1 gets NaT.  ld.a
and ld.sa allocate an ALAT entry keyed by the target register; any frame change or
interruption empties the ALAT, which the architecture allows.  chk.s with a NaT source
branches to its recovery target directly (no Speculation fault).
"""
from __future__ import annotations

from .. import faults as F
from .. import psr as P
from ..faults import Interruption, illegal_op, nat_consumption
from . import illegal, sem

M64 = (1 << 64) - 1


def _kind(mnem: str) -> str:
    parts = mnem.split(".")[1:]
    parts = [p for p in parts if p not in ("nt1", "nta", "acq", "bias", "rel")]
    return ".".join(parts)


@sem("ld")
def build_ld(cpu, insn, ip):
    v = insn.v
    r1, r3 = v["r1"], v["r3"]
    size = int(insn.mnem[2])
    kind = _kind(insn.mnem)
    upd_r2 = v.get("r2") if insn.row.fmt == "M2" else None
    upd_imm = v.get("imm9") if insn.row.fmt == "M3" else None
    if r1 == 0 or ((upd_r2 is not None or upd_imm is not None) and r1 == r3):
        return illegal
    gr, nat, ar, alat = cpu.gr, cpu.nat, cpu.ar, cpu.alat
    rmap, ram, read = cpu.rmap, cpu.ram, cpu.data_read
    spec = kind in ("s", "sa")
    fill = kind == "fill"
    check = kind.startswith("c.")
    advanced = kind in ("a", "sa") or kind == "c.nc"
    clear = kind in ("c.clr",)

    def update():
        if upd_r2 is not None:
            gr[r3] = (gr[r3] + gr[upd_r2]) & M64
            nat[r3] = nat[r3] | nat[upd_r2]
        elif upd_imm is not None:
            gr[r3] = (gr[r3] + upd_imm) & M64

    if kind == "" and upd_r2 is None and upd_imm is None and r1 < 32:
        def f():                                     # the common case, inlined fast path
            if nat[r3]:
                raise nat_consumption(F.ISR_R)
            a = gr[r3]
            o = rmap.get(a >> 12)
            if o is not None and not a & (size - 1):
                o += a & 0xFFF
                gr[r1] = int.from_bytes(ram[o:o + size], "little")
            else:
                gr[r1] = read(a, size)
            nat[r1] = 0
        return f

    def f():
        if r1 >= cpu.frame_top:
            raise illegal_op()
        a = gr[r3]
        if check and r1 in alat:
            if clear:
                del alat[r1]
            update()
            return
        if nat[r3]:
            if not spec:
                raise nat_consumption(F.ISR_R)
            val, nt = 0, 1
        elif spec:
            try:
                val, nt = read(a, size, spec=True), 0
            except Interruption:
                val, nt = 0, 1
        else:
            val = read(a, size)
            nt = (ar[36] >> ((a >> 3) & 0x3F)) & 1 if fill else 0
        update()
        gr[r1], nat[r1] = val, nt
        if advanced and not nt:
            alat[r1] = (a, size)
        elif r1 in alat:
            del alat[r1]
    return f


@sem("st")
def build_st(cpu, insn, ip):
    v = insn.v
    r2, r3 = v["r2"], v["r3"]
    size = 8 if "spill" in insn.mnem else int(insn.mnem[2])
    spill = "spill" in insn.mnem
    inc = v.get("imm9")
    gr, nat, ar = cpu.gr, cpu.nat, cpu.ar
    wmap, ram, write = cpu.wmap, cpu.ram, cpu.data_write
    mask = (1 << (8 * size)) - 1

    def f():
        if nat[r3] or (nat[r2] and not spill):
            raise nat_consumption(F.ISR_W)
        a = gr[r3]
        val = gr[r2] & mask
        o = wmap.get(a >> 12)
        if o is not None and not a & (size - 1) and not cpu.alat:
            o += a & 0xFFF
            ram[o:o + size] = val.to_bytes(size, "little")
        else:
            write(a, size, val)
        if spill:
            bit = 1 << ((a >> 3) & 0x3F)
            ar[36] = (ar[36] | bit) if nat[r2] else (ar[36] & ~bit)
        if inc is not None:
            gr[r3] = (a + inc) & M64
    return f


def _sema(cpu, insn, op):
    v = insn.v
    r1, r2, r3 = v["r1"], v.get("r2", 0), v["r3"]
    size = int("".join(c for c in insn.mnem.split(".")[0] if c.isdigit()))
    mask = (1 << (8 * size)) - 1
    gr, nat = cpu.gr, cpu.nat
    if r1 == 0:
        return illegal

    def f():
        if r1 >= cpu.frame_top:
            raise illegal_op()
        if nat[r3] or (op != "fetchadd" and nat[r2]):
            raise nat_consumption(F.ISR_R | F.ISR_W)
        a = gr[r3]
        if a & (size - 1):
            raise Interruption(F.UNALIGNED, F.ISR_R | F.ISR_W, a)
        if cpu.entry_ma(a, False) != 0 or (a >> 63 and not cpu.psr & P.DT):
            cpu.probe_pa(a, 6, F.ISR_R | F.ISR_W)           # translation faults come first
            raise Interruption(F.UNSUPPORTED_DATA, F.ISR_R | F.ISR_W, a)
        old = cpu.data_read(a, size)
        if op == "cmpxchg":
            new = gr[r2] & mask if old == cpu.ar[32] & mask else None
        elif op == "xchg":
            new = gr[r2] & mask
        else:
            new = (old + v["inc3"]) & mask
        if new is not None:
            cpu.data_write(a, size, new)
        gr[r1], nat[r1] = old, 0
    return f


@sem("cmpxchg", "xchg", "fetchadd")
def build_sema(cpu, insn, ip):
    return _sema(cpu, insn, insn.sem)


def _check_failed(cpu, off: int, t: int):
    """A failed chk branches to its recovery code, or (cpu.chk_faults) raises the Speculation
    fault with IIM = the target offset, for software to take the branch (both allowed)."""
    if cpu.chk_faults:
        raise Interruption(F.SPECULATION, 0, iim=off)
    return t


@sem("chk_s")
def build_chk_s(cpu, insn, ip):
    off = insn.v["target"]
    t, r2, nat = (ip + off) & M64, insn.v["r2"], cpu.nat

    def f():
        if nat[r2]:
            return _check_failed(cpu, off, t)
    return f


@sem("chk_a")
def build_chk_a(cpu, insn, ip):
    off = insn.v["target"]
    t, r1, alat = (ip + off) & M64, insn.v["r1"], cpu.alat
    clear = insn.mnem.endswith(".clr")

    def f():
        if r1 not in alat:
            return _check_failed(cpu, off, t)
        if clear:
            del alat[r1]
    return f


@sem("fp")
def build_fp(cpu, insn, ip):
    def f():
        dis = (cpu.psr >> 18) & 3                # PSR.dfl, PSR.dfh
        if dis:
            raise Interruption(F.DISABLED_FP, dis)
        raise illegal_op()
    return f
