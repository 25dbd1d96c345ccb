"""System-level x86 test environments: descriptors, gates, TSSs and page tables written into
guest memory the way an OS would, plus 'hlt' stubs as exception handlers so a test can see
which vector arrived and inspect the frame the CPU pushed.

Layout (physical = linear): code at CODE (0x1000), handler stubs at STUBS + 4 * vector,
GDT at GDT, IDT at IDT, TSSs and stacks where each test puts them.
"""
from __future__ import annotations

from machine.x86 import boot
from machine.x86.state import HAS_ERROR_CODE
from tests.x86util import CODE, asm, make_cpu

STUBS = 0x3000
GDT = 0x10000
IDT = 0x11000
BITS = {"real": 16, "prot32": 32, "long64": 64}


def seg_desc(base: int, limit: int, typ: int, dpl: int = 0, s: bool = True, p: bool = True,
             db: bool = True, g: bool | None = None, l: bool = False) -> int:
    """An 8-byte segment or system descriptor (SDM 3.4.5)."""
    if g is None:
        g = limit > 0xFFFFF
    if g:
        limit >>= 12
    d = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16)
    d |= (typ | (s << 4) | (dpl << 5) | (p << 7)) << 40
    d |= ((limit >> 16) & 0xF) << 48
    d |= ((l << 1) | (db << 2) | (g << 3)) << 52
    d |= ((base >> 24) & 0xFF) << 56
    return d


def gate_desc(off: int, sel: int, typ: int, dpl: int = 0, p: bool = True, params: int = 0):
    """An 8-byte call/interrupt/trap/task gate (SDM 5.8.3, 6.11)."""
    return ((off & 0xFFFF) | (sel << 16) | ((params & 0x1F) << 32)
            | ((typ | (dpl << 5) | (p << 7)) << 40) | ((off >> 16) & 0xFFFF) << 48)


def gate64(off: int, sel: int, typ: int, dpl: int = 0, p: bool = True, ist: int = 0):
    """A 16-byte IA-32e gate, as (low qword, high qword)."""
    lo = gate_desc(off & 0xFFFFFFFF, sel, typ, dpl, p) | (ist << 32)
    return lo, off >> 32


def sys64(base: int, limit: int, typ: int, dpl: int = 0, p: bool = True):
    """A 16-byte IA-32e LDT/TSS descriptor as (low qword, high qword)."""
    return seg_desc(base & 0xFFFFFFFF, limit, typ, dpl, s=False, p=p, db=False,
                    g=False), base >> 32


class Env:
    """A CPU in a mode with a roomy GDT (boot entries kept), an IDT whose every vector leads
    to a 'hlt' stub at ring 0, and helpers to add code, descriptors, gates and TSSs."""

    def __init__(self, mode: str):
        self.mode = mode
        self.bits = BITS[mode]
        self.cpu, self.bus = make_cpu(mode)
        cpu, bus = self.cpu, self.bus
        for v in range(256):
            bus.write(STUBS + 4 * v, 1, 0xF4)                    # hlt
        if mode == "real":
            for v in range(256):
                bus.write(4 * v, 4, STUBS + 4 * v)               # 0000:stub
            return
        for i, d in enumerate(boot.GDT):
            bus.write(GDT + 8 * i, 8, d)
        cpu.gdtr[:] = [GDT, 0x3FF]
        self.gsize = 16 if mode == "long64" else 8
        cpu.idtr[:] = [IDT, 256 * self.gsize - 1]
        for v in range(256):
            self.gate(v, STUBS + 4 * v)

    # -- tables ---------------------------------------------------------------------
    def desc(self, index: int, value) -> int:
        """Write GDT entry `index` (an int, or a (lo, hi) pair for 16 bytes); its selector."""
        if isinstance(value, tuple):
            self.bus.write(GDT + 8 * index, 8, value[0])
            self.bus.write(GDT + 8 * index + 8, 8, value[1])
        else:
            self.bus.write(GDT + 8 * index, 8, value)
        return index * 8

    def gate(self, vec: int, off: int, sel: int | None = None, typ: int = 0xE, dpl: int = 0,
             p: bool = True, ist: int = 0) -> None:
        if sel is None:
            sel = 0x18 if self.mode == "long64" else 0x08
        if self.mode == "long64":
            lo, hi = gate64(off, sel, typ, dpl, p, ist)
            self.bus.write(IDT + 16 * vec, 8, lo)
            self.bus.write(IDT + 16 * vec + 8, 8, hi)
        else:
            self.bus.write(IDT + 8 * vec, 8, gate_desc(off, sel, typ, dpl, p))

    def tss32(self, addr: int, index: int, **fields) -> int:
        """A 32-bit TSS at addr (fields by name: esp0, ss0, eip, eflags, eax.., es.., ldt,
        cr3, iomap) and its available-TSS descriptor at GDT `index`; returns the selector."""
        names = {"link": 0, "esp0": 4, "ss0": 8, "esp1": 12, "ss1": 16, "esp2": 20, "ss2": 24,
                 "cr3": 0x1C, "eip": 0x20, "eflags": 0x24, "eax": 0x28, "ecx": 0x2C,
                 "edx": 0x30, "ebx": 0x34, "esp": 0x38, "ebp": 0x3C, "esi": 0x40, "edi": 0x44,
                 "es": 0x48, "cs": 0x4C, "ss": 0x50, "ds": 0x54, "fs": 0x58, "gs": 0x5C,
                 "ldt": 0x60, "iomap": 0x66}
        limit = fields.pop("limit", 0x67)
        for i in range(0x68):
            self.bus.write(addr + i, 1, 0)
        fields.setdefault("eflags", 2)
        fields.setdefault("iomap", 0x68)
        for k, v in fields.items():
            size = 2 if k in ("link", "ss0", "ss1", "ss2", "es", "cs", "ss", "ds", "fs", "gs",
                              "ldt", "iomap") else 4
            self.bus.write(addr + names[k], size, v)
        return self.desc(index, seg_desc(addr, limit, 9, s=False, db=False, g=False))

    def tss16(self, addr: int, index: int, **fields) -> int:
        """A 16-bit TSS (fields: sp0, ss0, ip, flags, ax.., es, cs, ss, ds, ldt, link)."""
        names = ["link", "sp0", "ss0", "sp1", "ss1", "sp2", "ss2", "ip", "flags", "ax", "cx",
                 "dx", "bx", "sp", "bp", "si", "di", "es", "cs", "ss", "ds", "ldt"]
        fields.setdefault("flags", 2)
        for i, n in enumerate(names):
            self.bus.write(addr + 2 * i, 2, fields.get(n, 0))
        return self.desc(index, seg_desc(addr, 0x2B, 1, s=False, db=False, g=False))

    def tss64(self, addr: int, index: int, rsp=(0, 0, 0), ist=()) -> int:
        for i in range(0x68):
            self.bus.write(addr + i, 1, 0)
        for i, v in enumerate(rsp):
            self.bus.write(addr + 4 + 8 * i, 8, v)
        for i, v in enumerate(ist):
            self.bus.write(addr + 0x24 + 8 * i, 8, v)
        self.bus.write(addr + 0x66, 2, 0x68)
        return self.desc(index, sys64(addr, 0x67, 9))

    def load_tr(self, sel: int) -> None:
        """Make sel the current task as LTR would (busy descriptor, TR loaded)."""
        from machine.x86.system_state import desc_to_seg
        a = GDT + (sel & 0xFFF8)
        lo, hi = self.bus.read(a, 4), self.bus.read(a + 4, 4) | 0x200
        self.bus.write(a + 4, 4, hi)
        seg = desc_to_seg(sel, lo, hi)
        if self.mode == "long64":
            seg.base |= self.bus.read(a + 8, 4) << 32
        self.cpu.tr = seg

    # -- code and running -------------------------------------------------------------
    def code(self, src: str, at: int = CODE, bits: int | None = None) -> bytes:
        b = asm(src, bits or self.bits, origin=at)
        self.bus.load(at, b)
        return b

    def run(self, limit: int = 20000) -> str:
        return self.cpu.run(limit)

    def vector(self):
        """The vector whose stub halted the CPU, or None."""
        cpu = self.cpu
        lin = cpu.segs[1].base + cpu.rip - 1
        if STUBS <= lin < STUBS + 4 * 256 and (lin - STUBS) % 4 == 0:
            return (lin - STUBS) // 4
        return None

    def frame(self, n: int, size: int | None = None) -> list[int]:
        """n stack items from SS:ESP upwards."""
        cpu = self.cpu
        size = size or (8 if self.mode == "long64" else 4)
        sp = cpu.regs[4] & cpu.sp_mask
        return [cpu.bus.read(cpu.segs[2].base + sp + size * i, size) for i in range(n)]

    def fault(self):
        """(vector, error code or None) of the exception the stub caught."""
        v = self.vector()
        if v is None:
            return None
        return v, (self.frame(1)[0] if v in HAS_ERROR_CODE else None)
