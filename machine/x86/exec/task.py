"""Hardware task switching with 32-bit and 16-bit TSSs (SDM Vol. 3A, 7.3).

task_switch(cpu, sel, reason, error_code) is the one entry: reason is "jmp" or "call" (far
JMP/CALL to a TSS or task gate; far.py has checked the gate/TSS DPL), "iret" (IRET with NT=1;
sel is the back link) or "int" (an interrupt or exception through a task gate).

Checks before the commit point fault in the old task with nothing changed; once the new
task's state is loaded, faults while qualifying its segments are delivered in the new task's
context (SDM 7.3, step 14), with the checks of SDM Table 7-1.
"""
from __future__ import annotations

from .. import flags as F
from ..mmu import WRITE
from ..state import AR_P, AR_S, AR_UNUSABLE, CS, DS, ES, FS, GP, GS, NP, SS, SS_, TS, CpuFault, Seg
from ..system_state import desc_to_seg

BUSY = 0x200                     # busy bit of a TSS descriptor's type, in its high dword
# Offsets of the dynamic fields of 32- and 16-bit TSSs (SDM 7.2.1, 7.6); save_end is the
# last byte written when the state of a task is saved.
LAYOUT32 = {"eip": 0x20, "eflags": 0x24, "regs": 0x28, "step": 4,
            "segs": (0x48, 0x4C, 0x50, 0x54, 0x58, 0x5C), "ldt": 0x60,
            "min_limit": 0x67, "save_end": 0x5F}
LAYOUT16 = {"eip": 0x0E, "eflags": 0x10, "regs": 0x12, "step": 2,
            "segs": (0x22, 0x24, 0x26, 0x28, None, None), "ldt": 0x2A,
            "min_limit": 0x2B, "save_end": 0x29}


def _layout(ar: int) -> dict:
    return LAYOUT32 if ar & 8 else LAYOUT16


def _probe_write(cpu, base: int, end: int) -> None:
    """Make sure a TSS area can be written before anything is (a #PF here changes nothing)."""
    if cpu.cr0 & (1 << 31):
        cpu.translate(base & cpu.lin_mask, WRITE, False)
        cpu.translate((base + end) & cpu.lin_mask, WRITE, False)


def task_switch(cpu, sel: int, reason: str, error_code=None, next_eip=None, ext: int = 0):
    sel &= 0xFFFF
    if cpu.vmx.nonroot:
        # Task switches always exit in VMX non-root operation, before any check of the new
        # TSS (SDM 26.4.2); the qualification names the selector and the source (28.2.1).
        from ..vmx.exitinfo import VmExit
        source = {"call": 0, "iret": 1, "jmp": 2, "int": 3}[reason]
        length = (next_eip - cpu.rip) & 0xFFFF if next_eip is not None else 0
        raise VmExit(9, sel | (source << 30), length if length <= 15 else 0,
                     cause="task switches always exit in VMX non-root operation")
    err = (sel & 0xFFFC) | ext
    bad = TS if reason == "iret" else GP
    if sel & 4:
        raise CpuFault(bad, err)
    lo, hi, addr = cpu.read_descriptor(sel, bad, ext)
    t = (hi >> 8) & 0x1F                         # type with the S bit: system types only
    if t not in ((3, 0xB) if reason == "iret" else (1, 9)):
        raise CpuFault(bad, err)
    if not hi & 0x8000:
        raise CpuFault(NP, err)
    new = desc_to_seg(sel, lo, hi)
    nl = _layout(new.ar)
    if new.limit < nl["min_limit"]:
        raise CpuFault(TS, err)
    old = cpu.tr
    ol = _layout(old.ar)
    if old.limit < ol["save_end"]:
        raise CpuFault(TS, (old.sel & 0xFFFC) | ext)

    # Read the new task's state first: a fault here leaves the old task untouched.
    nb = new.base
    rd = cpu.sys_read
    step = nl["step"]
    n_eip = rd(nb + nl["eip"], step)
    n_fl = rd(nb + nl["eflags"], step)
    n_regs = [rd(nb + nl["regs"] + step * i, step) for i in range(8)]
    n_segs = [rd(nb + o, 2) if o is not None else 0 for o in nl["segs"]]
    n_ldt = rd(nb + nl["ldt"], 2)
    n_cr3 = rd(nb + 0x1C, 4) if step == 4 and cpu.cr0 & (1 << 31) else None
    ob = old.base
    _probe_write(cpu, ob + ol["eip"], ol["save_end"] - ol["eip"])
    if reason in ("call", "int"):
        _probe_write(cpu, nb, 1)

    # Save the old task (SDM 7.3 steps 6-8); IRET clears NT in the saved image.
    fl = F.materialize(cpu)
    if reason == "iret":
        fl &= ~F.NT
    eip = cpu.rip if next_eip is None else next_eip
    wr = cpu.sys_write
    ostep = ol["step"]
    m = (1 << (8 * ostep)) - 1
    wr(ob + ol["eip"], ostep, eip & m)
    wr(ob + ol["eflags"], ostep, fl & m)
    for i in range(8):
        wr(ob + ol["regs"] + ostep * i, ostep, cpu.regs[i] & m)
    for s, o in enumerate(ol["segs"]):
        if o is not None:
            wr(ob + o, 2, cpu.segs[s].sel)
    gdt = cpu.gdtr[0]
    if reason in ("jmp", "iret"):
        a = gdt + (old.sel & 0xFFF8) + 4
        wr(a, 4, rd(a, 4) & ~BUSY)
    if reason in ("call", "int"):
        wr(nb, 2, old.sel)
        n_fl |= F.NT
    if reason != "iret":
        wr(addr + 4, 4, hi | BUSY)

    # Commit: the new task's TSS, flags, registers and selectors.
    new.ar |= 2
    cpu.tr = new
    cpu.cr0 |= 8                                  # CR0.TS (SDM 2.5)
    cpu.dr[7] &= ~0x155                           # local breakpoint enables (SDM 17.2.4)
    cpu.lazy = None
    cpu.rflags = (n_fl & 0x3F7FD5) | 2
    cpu.pending = True
    if step == 2:
        # A 16-bit TSS holds only the low words; the upper halves read as ones, as on the
        # processors Bochs was checked against (the SDM leaves them undefined).
        n_regs = [0xFFFF0000 | v for v in n_regs]
    for i, v in enumerate(n_regs):
        cpu.regs[i] = v
    cpu.rip = n_eip
    for s, v in enumerate(n_segs):
        cpu.segs[s] = Seg(v, 0, 0, AR_UNUSABLE)
    cpu.ldtr = Seg(n_ldt, 0, 0, AR_UNUSABLE)
    vm = cpu.rflags & F.VM
    cpu.set_cpl(3 if vm else n_segs[CS] & 3)
    cpu.update_mode()
    try:
        if n_cr3 is not None:
            cpu.write_cr3(n_cr3)
        _load_new_segments(cpu, n_segs, n_ldt, ext)
        cpu.update_mode()
        if error_code is not None:
            try:
                cpu.push(error_code, step)
            except CpuFault as e:
                if e.vector == SS_:
                    raise CpuFault(SS_, ext) from None
                raise
        if cpu.rip > cpu.segs[CS].limit:
            raise CpuFault(GP, ext)
    finally:
        cpu.update_mode()


def _load_new_segments(cpu, sels, ldt: int, ext: int) -> None:
    """Qualify the new task's LDT and segments with the checks of SDM Table 7-1. The order is
    model specific (the table's note); SS goes before CS and the data segments so that a fault
    on those can be delivered on the new task's stack."""
    if ldt & 4:
        raise CpuFault(TS, (ldt & 0xFFFC) | ext)
    if ldt & 0xFFFC:
        lo, hi, addr = cpu.read_descriptor(ldt, TS, ext)
        if (hi >> 8) & 0x1F != 2:
            raise CpuFault(TS, (ldt & 0xFFFC) | ext)
        if not hi & 0x8000:
            raise CpuFault(TS, (ldt & 0xFFFC) | ext)
        cpu.ldtr = desc_to_seg(ldt, lo, hi)
    if cpu.rflags & F.VM:
        for s, v in enumerate(sels):
            cpu.segs[s] = Seg(v, v << 4, 0xFFFF, 0xF3)
        return
    cpl = cpu.cpl

    def fetch(s):
        sel = sels[s]
        e = (sel & 0xFFFC) | ext
        if sel & 0xFFFC == 0:
            raise CpuFault(TS, e)
        lo, hi, addr = cpu.read_descriptor(sel, TS, ext)
        return desc_to_seg(sel, lo, hi), addr, hi, e

    def commit(s, seg, addr, hi):
        cpu.set_accessed(addr, hi)
        seg.ar |= 1
        cpu.segs[s] = seg

    seg, addr, hi, e = fetch(SS)
    t = seg.ar & 0xF
    if not seg.ar & AR_S or t & 8 or not t & 2:
        raise CpuFault(TS, e)
    if not seg.ar & AR_P:
        raise CpuFault(SS_, e)
    if seg.dpl != cpl or (sels[SS] & 3) != cpl:
        raise CpuFault(TS, e)
    commit(SS, seg, addr, hi)
    seg, addr, hi, e = fetch(CS)
    if not seg.ar & AR_S or not seg.ar & 8:
        raise CpuFault(TS, e)
    if not seg.ar & AR_P:
        raise CpuFault(NP, e)
    if (seg.ar & 4 and seg.dpl > cpl) or (not seg.ar & 4 and seg.dpl != cpl):
        raise CpuFault(TS, e)
    commit(CS, seg, addr, hi)
    for s in (DS, ES, FS, GS):
        sel = sels[s]
        if sel & 0xFFFC == 0:
            continue                               # a null data selector is fine
        seg, addr, hi, e = fetch(s)
        t = seg.ar & 0xF
        if not seg.ar & AR_S or (t & 8 and not t & 2):
            raise CpuFault(TS, e)
        if not seg.ar & AR_P:
            raise CpuFault(NP, e)
        if not (t & 8 and t & 4) and max(cpl, sel & 3) > seg.dpl:
            raise CpuFault(TS, e)
        commit(s, seg, addr, hi)
