"""Watchpoints: memory (through the MMU's slow path), registers and VMCS fields.

- Memory: the watched pages are kept out of the CPU's fast TLB (`cpu.mem_watch`), so every
  access to them reaches MemWatch.read/write, which compares against the watched range.
- System registers (CR0, CR2, CR3, CR4, CR8, EFER) change only in a few places the machine
  reports (MOV CR, LMSW, CLTS, WRMSR, exceptions, VM entry and exit): they are compared at
  each such notification. Other registers are software watchpoints, checked after every
  instruction by single-stepping (as gdb does).
- VMCS fields: VMWRITE/VMREAD of the field, and a changed value at VM exit or entry.
"""
from __future__ import annotations

from ..errors import VtdbgError
from .breakpoints import Watchpoint

SYSTEM_REGS = {"cr0", "cr2", "cr3", "cr4", "cr8", "efer"}
PAGE = 4096


def fmt_value(v: int | None) -> str:
    return "<unreadable>" if v is None else f"{v:#x}"


class MemWatch:
    """Installed as cpu.mem_watch while memory watchpoints exist."""

    def __init__(self, session):
        self.s = session
        self.lin_pages: dict[int, int] = {}
        self.phys_pages: dict[int, int] = {}
        self.points: list[Watchpoint] = []

    def rebuild(self, points: list[Watchpoint]) -> bool:
        """Recompute the page sets; True when there is anything to watch."""
        old_l, old_p = set(self.lin_pages), set(self.phys_pages)
        self.points = points
        self.lin_pages, self.phys_pages = {}, {}
        for w in points:
            mask = 2 if w.access == "write" else 3
            pages = self.phys_pages if w.phys else self.lin_pages
            for pg in range(w.address >> 12, (w.address + w.size - 1 >> 12) + 1):
                pages[pg] = pages.get(pg, 0) | mask
        cpu = self.s.arch.cpu
        new_l, new_p = set(self.lin_pages) - old_l, set(self.phys_pages) - old_p
        if new_l or new_p:
            cpu.forget_pages(new_l, new_p)
        return bool(points)

    def _matches(self, cpu, lin, paddr, size):
        ctx = self.s.arch.context()
        for w in self.points:
            if w.context != "any" and w.context != ctx:
                continue
            a = paddr if w.phys else lin
            if a is None:                   # the processor's own physical access
                continue
            if a < w.address + w.size and w.address < a + size:
                yield w, a

    def read(self, cpu, lin, paddr, size, value) -> None:
        try:
            self._read(cpu, lin, paddr, size)
        except Exception as e:  # noqa: BLE001 - the hook must not break the instruction
            self.s._internal_error(e)

    def write(self, cpu, lin, paddr, size, value) -> None:
        try:
            self._write(cpu, lin, paddr, size)
        except Exception as e:  # noqa: BLE001
            self.s._internal_error(e)

    def _read(self, cpu, lin, paddr, size) -> None:
        if not self.points:
            return
        for w, _ in list(self._matches(cpu, lin, paddr, size)):
            if w.access == "write":
                continue
            cur = self._value_now(w)
            self.s.watch_fired(w, [f"Value = {fmt_value(cur)}"])

    def _write(self, cpu, lin, paddr, size) -> None:
        if not self.points:
            return
        for w, _ in list(self._matches(cpu, lin, paddr, size)):
            if w.access == "read":
                continue
            self.s.watch_fired(w, None, old=self._value_now(w), mem_write=True)

    def _value_now(self, w: Watchpoint) -> int | None:
        return self.s.watch_value(w)


class RegVmcsWatch:
    """Register and VMCS-field watchpoints, checked at machine notifications."""

    def __init__(self, session):
        self.s = session
        self.sys_points: list[Watchpoint] = []
        self.vmcs_points: list[Watchpoint] = []
        self.soft_points: list[Watchpoint] = []

    def rebuild(self, points: list[Watchpoint]) -> None:
        self.sys_points = [w for w in points if w.target == "reg" and not w.software]
        self.soft_points = [w for w in points if w.target == "reg" and w.software]
        self.vmcs_points = [w for w in points if w.target == "vmcs"]

    def check_regs(self, points) -> None:
        ctx = self.s.arch.context()
        for w in points:
            if w.context != "any" and w.context != ctx:
                continue
            try:
                new = self.s.arch.regs.get(w.name)
            except VtdbgError:          # an unreadable MSR reads as no change
                new = w.old
            if new != w.old:
                old, w.old = w.old, new
                self.s.watch_fired(w, [f"Old value = {fmt_value(old)}",
                                       f"New value = {fmt_value(new)}"])

    def check_vmcs(self, kind: str, payload) -> None:
        cur = self.s.arch.cpu.vmx.current
        for w in self.vmcs_points:
            enc = self.s.arch.control.lookup(w.name).key
            new = cur.values[enc] if cur is not None else None
            if kind == "vmx":
                mnem, a, _ = payload
                if mnem in ("vmptrld", "vmclear", "vmxon", "vmxoff"):
                    w.old = new                     # another VMCS: a new baseline
                    continue
                f = self.s.arch.control.by_encoding(a) if mnem in ("vmwrite", "vmread") \
                    and a is not None else None
                if f is None or f.key != enc:
                    continue
                if mnem == "vmread" and w.access != "write":
                    self.s.watch_fired(w, [f"VMREAD {w.name}: value = {fmt_value(new)}"])
                elif mnem == "vmwrite" and w.access != "read":
                    old, w.old = w.old, new
                    self.s.watch_fired(w, [f"VMWRITE {w.name}", f"Old value = {fmt_value(old)}",
                                           f"New value = {fmt_value(new)}"])
                continue
            if w.access != "read" and new != w.old:  # the processor updated it (exit/entry)
                old, w.old = w.old, new
                what = "VM exit" if kind == "vmexit" else "VM entry"
                self.s.watch_fired(w, [f"{what} updated {w.name}", f"Old value = {fmt_value(old)}",
                                       f"New value = {fmt_value(new)}"])
