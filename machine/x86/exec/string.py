"""String instructions: MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS with REP/REPE/REPNE (SDM Vol. 2,
"REP/REPE/REPZ/REPNE/REPNZ" and each instruction; Vol. 1, 7.3.9).

rSI/rDI/rCX are the address-size registers (SI/DI/CX with a 16-bit address size: the upper bits
stay, ESI/EDI/ECX in 64-bit mode: zero-extended). The source segment is DS or the override,
the destination is always ES. A repeated instruction runs its iterations in a loop inside one
closure and writes rSI/rDI/rCX back after every iteration, so a fault in iteration k leaves the
state of k-1 completed iterations with RIP still on the instruction, and restarting it carries
on (SDM Vol. 1, 7.3.9.2: "interrupts ... between iterations"). After CHUNK iterations the
closure returns early with RIP unchanged (BlockEnd) so that pending interrupts and stop
requests are seen, as hardware takes interrupts between iterations.

Large REP MOVS/STOS with DF=0 on plain RAM copy a page-sized run at a time straight through
the TLB's host offsets when nothing in the run can fault.
"""
from __future__ import annotations

from .. import flags as F
from ..mmu import WRITE
from ..state import DS, ES, BlockEnd
from . import sem
from .operands import MASK
from .system import io_allowed, io_exit

DF = F.DF
CHUNK = 1 << 14
SRC = {"movs", "cmps", "lods", "outs"}          # use rSI
DST = {"movs", "cmps", "stos", "scas", "ins"}   # use rDI


def _probe_write(cpu, s: int, off: int, size: int) -> None:
    """Raise now the fault a later write of `size` bytes at s:off would raise (INS reads the
    port only once the destination is known to be writable)."""
    seg = cpu.segs[s]
    if off + size - 1 > seg.wlim:
        off = cpu.seg_check(s, off, size, True)
    lin = (seg.base + off) & cpu.lin_mask
    if cpu.tlb_w.get(lin >> 12) is None or (lin & 0xFFF) + size > 4096:
        cpu.translate(lin, WRITE)
        end = (lin + size - 1) & cpu.lin_mask
        if end >> 12 != lin >> 12:
            cpu.translate(end, WRITE)


def _step(cpu, d, kind, size, sseg):
    """One iteration at offsets (si, di); CMPS/SCAS return whether the operands were equal."""
    rd, wr = cpu.rd, cpu.wr
    regs = cpu.regs
    mask = MASK[size]
    bits = size * 8
    SUB = F.SUB
    if kind == "movs":
        def step(si, di):
            wr(ES, di, size, rd(sseg, si, size))
    elif kind == "stos":
        def step(si, di):
            wr(ES, di, size, regs[0] & mask)
    elif kind == "lods":
        if size >= 4:
            def step(si, di):
                regs[0] = rd(sseg, si, size)
        else:
            keep = ~mask

            def step(si, di):
                regs[0] = (regs[0] & keep) | rd(sseg, si, size)
    elif kind == "cmps":
        def step(si, di):
            a = rd(sseg, si, size)
            b = rd(ES, di, size)
            cpu.lazy = (SUB, bits, a, b, (a - b) & mask, 0)
            return a == b
    elif kind == "scas":
        def step(si, di):
            a = regs[0] & mask
            b = rd(ES, di, size)
            cpu.lazy = (SUB, bits, a, b, (a - b) & mask, 0)
            return a == b
    elif kind == "ins":
        io = cpu.io

        def step(si, di):
            _probe_write(cpu, ES, di, size)
            v = io.io_read(regs[2] & 0xFFFF, size) & mask
            wr(ES, di, size, v)
            if cpu.observer is not None:
                cpu.notify("io", (regs[2] & 0xFFFF, size, True, v))
    else:  # outs
        io = cpu.io

        def step(si, di):
            v = rd(sseg, si, size)
            io.io_write(regs[2] & 0xFFFF, size, v)
            if cpu.observer is not None:
                cpu.notify("io", (regs[2] & 0xFFFF, size, False, v))
    return step


def _fast(cpu, kind, size, sseg, am):
    """For REP MOVS/STOS with DF=0: f(si, di, count) -> elements done in one block copy that
    cannot fault (0 when the run is not entirely in TLB-mapped RAM within the limits)."""
    segs, regs, ram = cpu.segs, cpu.regs, cpu.ram
    mask = MASK[size]
    top = am + 1
    if kind == "movs":
        def fast(si, di, cnt):
            s, e = segs[sseg], segs[ES]
            lm = cpu.lin_mask
            slin = (s.base + si) & lm
            dlin = (e.base + di) & lm
            nb = min(cnt * size, top - si, top - di, s.rlim + 1 - si, e.wlim + 1 - di,
                     4096 - (slin & 0xFFF), 4096 - (dlin & 0xFFF))
            k = nb // size
            if k < 2:
                return 0
            os_ = cpu.tlb_r.get(slin >> 12)
            od = cpu.tlb_w.get(dlin >> 12)
            if os_ is None or od is None:
                return 0
            ps = os_ + (slin & 0xFFF)
            pd = od + (dlin & 0xFFF)
            if 0 < pd - ps < k * size:
                # A forward copy onto its own source repeats the pattern element by element.
                k = (pd - ps) // size
                if not k:
                    return 0
            nb = k * size
            ram[pd:pd + nb] = ram[ps:ps + nb]
            return k
        return fast
    if kind == "stos":
        def fast(si, di, cnt):
            e = segs[ES]
            dlin = (e.base + di) & cpu.lin_mask
            nb = min(cnt * size, top - di, e.wlim + 1 - di, 4096 - (dlin & 0xFFF))
            k = nb // size
            if k < 2:
                return 0
            od = cpu.tlb_w.get(dlin >> 12)
            if od is None:
                return 0
            pd = od + (dlin & 0xFFF)
            ram[pd:pd + k * size] = (regs[0] & mask).to_bytes(size, "little") * k
            return k
        return fast
    return None


@sem("movsb", "movsv", "cmpsb", "cmpsv", "stosb", "stosv", "lodsb", "lodsv", "scasb", "scasv",
     "insb", "insv", "outsb", "outsv")
def string(cpu, d):
    kind = d.mnem[:-1]
    size = 1 if d.mnem[-1] == "b" else (4 if kind in ("ins", "outs") and d.opsize == 8
                                        else d.opsize)
    sseg = d.seg if d.seg is not None else DS
    am = MASK[d.adsize]
    keep = ~0xFFFF if d.adsize == 2 else 0
    use_si, use_di = kind in SRC, kind in DST
    step = _step(cpu, d, kind, size, sseg)
    regs = cpu.regs
    n = d.length
    ipm = MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)
    io = kind in ("ins", "outs")

    def _io_exit(si, di):
        """VMX non-root: INS/OUTS exit before any access (SDM 26.1.3); the guest-linear
        address is that of the memory operand (28.2.1)."""
        lin = (cpu.segs[ES].base + di) if kind == "ins" else (cpu.segs[sseg].base + si)
        io_exit(cpu, d, regs[2] & 0xFFFF, size, kind == "ins", string=True,
                rep=d.rep is not None, linear=lin & cpu.lin_mask)

    if d.rep is None:
        def f():
            si = regs[6] & am
            di = regs[7] & am
            if io:
                io_allowed(cpu, regs[2] & 0xFFFF, size)
                if cpu.vmx.nonroot:
                    _io_exit(si, di)
            step(si, di)
            delta = -size if cpu.rflags & DF else size
            if use_si:
                regs[6] = (regs[6] & keep) | ((si + delta) & am)
            if use_di:
                regs[7] = (regs[7] & keep) | ((di + delta) & am)
            cpu.rip = (cpu.rip + n) & ipm
        return f

    # REPE/REPNE end on ZF for CMPS/SCAS; with the others F2 and F3 both mean REP.
    until = -1                                  # never equals True/False/None
    if kind in ("cmps", "scas"):
        until = d.rep == 0xF2                   # stop when "equal" becomes this
    fast = _fast(cpu, kind, size, sseg, am)

    def f():
        cnt = regs[1] & am
        if not cnt:
            cpu.rip = (cpu.rip + n) & ipm
            return
        if io:
            io_allowed(cpu, regs[2] & 0xFFFF, size)
            if cpu.vmx.nonroot:
                _io_exit(regs[6] & am, regs[7] & am)
        delta = -size if cpu.rflags & DF else size
        once = cpu.rep_once                     # monitor trap flag: one iteration (26.5.2)
        quick = fast if delta > 0 and not once else None
        si = regs[6] & am
        di = regs[7] & am
        for _ in range(1 if once else CHUNK):
            k = quick(si, di, cnt) if quick is not None else 0
            if k:
                si = (si + k * size) & am
                di = (di + k * size) & am
                cnt -= k
                eq = None
            else:
                eq = step(si, di)
                si = (si + delta) & am
                di = (di + delta) & am
                cnt -= 1
            if use_si:
                regs[6] = (regs[6] & keep) | si
            if use_di:
                regs[7] = (regs[7] & keep) | di
            regs[1] = (regs[1] & keep) | cnt
            if not cnt or eq == until:
                cpu.rip = (cpu.rip + n) & ipm
                return
        raise BlockEnd                          # resume here after a look at pending events
    return f
