"""Page walks for the debugger: the guest's paging structures, then EPT, read without side
effects (no accessed/dirty bits, no TLB fills, no CR2, no exits) and reported step by step
(SDM Vol. 3A 4.3-4.5 for the guest walk, Vol. 3C 29.3 for EPT)."""
from __future__ import annotations

from dataclasses import dataclass, field

PHYS = ((1 << 52) - 1) & ~0xFFF
P, RW, US, PS, G = 1, 2, 4, 0x80, 0x100
XD = 1 << 63


@dataclass
class Regs:
    """The registers a page walk depends on, for one context (host or guest)."""
    cr0: int
    cr3: int
    cr4: int
    efer: int
    pdptes: list
    eptp: int | None = None          # the EPT pointer when EPT translates guest-physical


@dataclass
class Step:
    table: str                       # "PML4E", "PDE", "EPT PTE", ...
    address: int                     # where the entry is (host-physical)
    value: int
    note: str = ""


@dataclass
class Translation:
    linear: int
    physical: int | None = None      # (guest-)physical after the guest walk
    host: int | None = None          # host-physical after EPT (== physical without EPT)
    steps: list = field(default_factory=list)
    error: str = ""
    page_size: int = 4096


def now(cpu) -> Regs:
    """The current context's paging registers."""
    eptp = cpu.vmcs["EPT_POINTER"] if getattr(cpu, "ept_on", False) and cpu.vmcs else None
    return Regs(cpu.cr0, cpu.cr3, cpu.cr4, cpu.efer, list(cpu.pdptes), eptp)


def guest_of(vmcs) -> Regs:
    """The guest context described by a VMCS (used while the VMM runs)."""
    proc = vmcs["CPU_BASED_VM_EXEC_CONTROL"]
    sec = vmcs["SECONDARY_VM_EXEC_CONTROL"] if proc >> 31 else 0
    efer = vmcs["GUEST_IA32_EFER"] if vmcs["VM_ENTRY_CONTROLS"] >> 15 & 1 else (
        0x500 if vmcs["VM_ENTRY_CONTROLS"] >> 9 & 1 else 0)
    return Regs(vmcs["GUEST_CR0"], vmcs["GUEST_CR3"], vmcs["GUEST_CR4"], efer,
                [vmcs[f"GUEST_PDPTE{i}"] for i in range(4)],
                vmcs["EPT_POINTER"] if sec >> 1 & 1 else None)


def _flags(e: int) -> str:
    out = ["P" if e & P else "-", "W" if e & RW else "R", "U" if e & US else "S"]
    if e & 0x20:
        out.append("A")
    if e & 0x40:
        out.append("D")
    if e & PS:
        out.append("PS")
    if e & G:
        out.append("G")
    if e & XD:
        out.append("XD")
    return " ".join(out)


def _ept_flags(e: int) -> str:
    perms = "".join(c if e >> i & 1 else "-" for i, c in enumerate("rwx"))
    extra = f" mt={(e >> 3) & 7}" if e & 0x80 else ""
    return perms + extra + (" A" if e & 0x100 else "") + (" D" if e & 0x200 else "")


def ept_walk(bus, eptp: int, gpa: int, steps: list | None = None):
    """Guest-physical -> host-physical through EPT; (hpa or None, why not)."""
    table = eptp & PHYS
    names = ("EPT PML4E", "EPT PDPTE", "EPT PDE", "EPT PTE")
    for level, shift in enumerate((39, 30, 21, 12)):
        ea = table + ((gpa >> shift) & 0x1FF) * 8
        e = bus.read(ea, 8)
        if steps is not None:
            steps.append(Step(names[level], ea, e, _ept_flags(e)))
        if e & 7 == 0:
            return None, f"{names[level]} at {ea:#x} is not present (EPT violation)"
        if (level in (1, 2) and e & 0x80) or level == 3:
            size = 1 << shift
            return (e & PHYS & ~(size - 1)) | (gpa & (size - 1)), ""
        table = e & PHYS
    return None, "EPT walk ended without a leaf"


class _Phys:
    """Reads guest-physical memory, through EPT when a pointer is given."""

    def __init__(self, bus, eptp, steps):
        self.bus, self.eptp, self.steps = bus, eptp, steps

    def read(self, gpa: int, size: int) -> int:
        if self.eptp is None:
            return self.bus.read(gpa, size)
        hpa, why = ept_walk(self.bus, self.eptp, gpa)
        if hpa is None:
            raise LookupError(f"guest-physical {gpa:#x} of a paging structure: {why}")
        return self.bus.read(hpa, size)


def translate(bus, r: Regs, lin: int, ept_steps: bool = True) -> Translation:
    """The full walk of one linear address in context r."""
    t = Translation(lin)
    mem = _Phys(bus, r.eptp, t.steps)
    try:
        pa, size = _guest_walk(mem, r, lin, t)
    except LookupError as e:
        t.error = str(e)
        return t
    if pa is None:
        return t
    t.physical, t.page_size = pa, size
    if r.eptp is None:
        t.host = pa
        return t
    hpa, why = ept_walk(bus, r.eptp, pa, t.steps if ept_steps else None)
    if hpa is None:
        t.error = why
    t.host = hpa
    return t


def _guest_walk(mem, r: Regs, lin: int, t: Translation):
    if not r.cr0 & 0x80000000:
        return (lin & 0xFFFFFFFF if not r.efer & 0x400 else lin), 0      # paging off
    if r.efer & 0x400:
        if (lin >> 47) not in (0, 0x1FFFF):
            t.error = f"{lin:#x} is not canonical"
            return None, 0
        levels = (("PML4E", 39), ("PDPTE", 30), ("PDE", 21), ("PTE", 12))
        table = r.cr3 & PHYS
        for name, shift in levels:
            ea = table + ((lin >> shift) & 0x1FF) * 8
            e = mem.read(ea, 8)
            t.steps.append(Step(name, ea, e, _flags(e)))
            if not e & P:
                t.error = f"{name} at {ea:#x} is not present (#PF)"
                return None, 0
            if e & PS and shift in (30, 21):
                size = 1 << shift
                return (e & PHYS & ~(size - 1)) | (lin & (size - 1)), size
            table = e & PHYS
        return (table | (lin & 0xFFF)), 4096
    if r.cr4 & 0x20:                                     # PAE
        pdpte = r.pdptes[(lin >> 30) & 3]
        t.steps.append(Step("PDPTE", (r.cr3 & 0xFFFFFFE0) + 8 * ((lin >> 30) & 3), pdpte,
                            _flags(pdpte)))
        if not pdpte & P:
            t.error = "PDPTE is not present (#PF)"
            return None, 0
        table = pdpte & PHYS
        for name, shift in (("PDE", 21), ("PTE", 12)):
            ea = table + ((lin >> shift) & 0x1FF) * 8
            e = mem.read(ea, 8)
            t.steps.append(Step(name, ea, e, _flags(e)))
            if not e & P:
                t.error = f"{name} at {ea:#x} is not present (#PF)"
                return None, 0
            if e & PS and shift == 21:
                return (e & PHYS & ~0x1FFFFF) | (lin & 0x1FFFFF), 1 << 21
            table = e & PHYS
        return table | (lin & 0xFFF), 4096
    lin &= 0xFFFFFFFF                                    # 32-bit paging
    ea = (r.cr3 & 0xFFFFF000) + (lin >> 22) * 4
    e = mem.read(ea, 4)
    t.steps.append(Step("PDE", ea, e, _flags(e)))
    if not e & P:
        t.error = f"PDE at {ea:#x} is not present (#PF)"
        return None, 0
    if e & PS and r.cr4 & 0x10:
        return (e & 0xFFC00000) | (((e >> 13) & 0xFF) << 32) | (lin & 0x3FFFFF), 1 << 22
    ea = (e & 0xFFFFF000) + ((lin >> 12) & 0x3FF) * 4
    e = mem.read(ea, 4)
    t.steps.append(Step("PTE", ea, e, _flags(e)))
    if not e & P:
        t.error = f"PTE at {ea:#x} is not present (#PF)"
        return None, 0
    return (e & 0xFFFFF000) | (lin & 0xFFF), 4096


def host_address(bus, r: Regs, lin: int) -> int | None:
    t = translate(bus, r, lin, ept_steps=False)
    return t.host


def linear_pages_of(bus, r: Regs, ppage: int, limit: int = 64) -> list[int]:
    """Linear page numbers that map to host-physical page `ppage` in context r (for
    physical breakpoints); without paging and EPT that is the page itself."""
    if not r.cr0 & 0x80000000 and r.eptp is None:
        return [ppage]
    out: list[int] = []
    mem = _Phys(bus, r.eptp, [])

    def hit(lin_base: int, phys_base: int, size: int):
        hp = phys_base
        if r.eptp is not None:
            hp, _ = ept_walk(bus, r.eptp, phys_base)
            if hp is None:
                return
        target = ppage << 12
        if hp <= target < hp + size:
            out.append((lin_base + (target - hp)) >> 12)

    if not r.cr0 & 0x80000000:
        hit(ppage << 12, ppage << 12, 4096)
        return out
    try:
        if r.efer & 0x400:
            _scan64(mem, r.cr3 & PHYS, 39, 0, hit, out, limit)
        elif r.cr4 & 0x20:
            for i, pdpte in enumerate(r.pdptes):
                if pdpte & P:
                    _scan64(mem, pdpte & PHYS, 21, i << 30, hit, out, limit)
        else:
            for i in range(1024):
                e = mem.read((r.cr3 & 0xFFFFF000) + 4 * i, 4)
                if not e & P:
                    continue
                if e & PS and r.cr4 & 0x10:
                    hit(i << 22, e & 0xFFC00000, 1 << 22)
                    continue
                for j in range(1024):
                    pte = mem.read((e & 0xFFFFF000) + 4 * j, 4)
                    if pte & P:
                        hit((i << 22) | (j << 12), pte & 0xFFFFF000, 4096)
    except LookupError:
        pass
    return out[:limit]


def _scan64(mem, table, shift, base, hit, out, limit):
    for i in range(512):
        if len(out) >= limit:
            return
        e = mem.read(table + 8 * i, 8)
        if not e & P:
            continue
        lin = base | (i << shift)
        if shift == 39 and lin >> 47:
            lin |= 0xFFFF000000000000                 # sign-extend the upper half
        if shift == 12 or (e & PS and shift in (30, 21)):
            size = 1 << shift
            hit(lin, e & PHYS & ~(size - 1), size)
        else:
            _scan64(mem, e & PHYS, shift - 9, lin, hit, out, limit)
