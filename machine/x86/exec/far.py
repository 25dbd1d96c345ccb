"""Far control transfers: JMP/CALL far (direct Ap and indirect Mp), RETF [imm16] and
IRET/IRETD/IRETQ in real, virtual-8086, protected and IA-32e mode (SDM Vol. 2: CALL, JMP,
RET, IRET; Vol. 3A 5.8 call gates, 6.12-6.14 interrupt returns, 7.3 task switches).

Every path checks first and changes state after: a fault leaves RIP, RSP, the segment
registers, CPL and RFLAGS as they were. Stack contents are read in place (peek) and the stack
pointer is moved only when the transfer commits.
"""
from __future__ import annotations

from .. import flags as F
from ..state import (
    AR_DB,
    AR_L,
    AR_P,
    AR_S,
    AR_UNUSABLE,
    CS,
    DS,
    ES,
    FS,
    GP,
    GS,
    NP,
    SS,
    SS_,
    TS,
    CpuFault,
    Seg,
)
from ..system_state import canonical, desc_to_seg
from ..vmx.exitinfo import VmExit
from . import sem
from .operands import MASK, ea_fn, seg_of

LMA = 1 << 10
V86_AR = 0xF3                     # virtual-8086 segments: read/write data, DPL 3, present
CALL_GATE16, TASK_GATE, CALL_GATE32 = 4, 5, 0xC
TSS16, TSS16_BUSY, TSS32, TSS32_BUSY = 1, 3, 9, 0xB
# IRET flag updates (SDM Vol. 2, IRET): always; with a 32/64-bit operand; CPL <= IOPL; CPL 0.
IRET_ALWAYS = F.CF | F.PF | F.AF | F.ZF | F.SF | F.TF | F.DF | F.OF | F.NT
IRET_WIDE = F.RF | F.AC | F.ID
IRET_CPL0_WIDE = F.VIF | F.VIP


def protected(cpu) -> bool:
    return bool(cpu.cr0 & 1) and not cpu.rflags & F.VM


def v86_seg(sel: int) -> Seg:
    return Seg(sel, sel << 4, 0xFFFF, V86_AR)


def table_limit(cpu, sel: int) -> int:
    if sel & 4:
        return -1 if cpu.ldtr.ar & AR_UNUSABLE else cpu.ldtr.limit
    return cpu.gdtr[1]


def read_upper(cpu, sel: int, addr: int, fault=GP, ext=0):
    """The upper 8 bytes of a 16-byte IA-32e system descriptor or gate; #GP(sel) when they lie
    past the table limit."""
    if (sel & 0xFFF8) + 15 > table_limit(cpu, sel):
        raise CpuFault(fault, (sel & 0xFFFC) | ext)
    return cpu.sys_read(addr + 8, 4), cpu.sys_read(addr + 12, 4)


def long_target(cpu, seg: Seg) -> bool:
    return bool(cpu.efer & LMA and seg.ar & AR_L)


def check_ip(cpu, seg: Seg, ip: int) -> None:
    """#GP(0) unless ip lies within the new code segment (or is canonical for 64-bit code)."""
    if long_target(cpu, seg):
        if not canonical(ip):
            raise CpuFault(GP, 0)
    elif ip > seg.limit:
        raise CpuFault(GP, 0)


def set_sp(cpu, v: int) -> None:
    """Load the stack pointer after SS changed: a 16-bit stack segment takes only SP, the upper
    half of ESP staying as it was (what the hardware does; the SDM leaves it undefined)."""
    m = cpu.sp_mask
    cpu.regs[4] = (cpu.regs[4] & ~m) | (v & m)


def add_sp(cpu, n: int) -> None:
    m = cpu.sp_mask
    cpu.regs[4] = (cpu.regs[4] & ~m) | ((cpu.regs[4] + n) & m)


def peek(cpu, k: int, size: int) -> int:
    """The stack item k*size bytes above the stack pointer, read without popping."""
    m = cpu.sp_mask
    return cpu.rd(SS, (cpu.regs[4] + k) & m, size)


def snapshot(cpu):
    return list(cpu.segs), cpu.regs[4], cpu.cpl, cpu.rflags, cpu.rip


def restore(cpu, snap) -> None:
    segs, sp, cpl, fl, rip = snap
    cpu.segs[:] = segs
    cpu.regs[4], cpu.rflags, cpu.rip = sp, fl, rip
    cpu.set_cpl(cpl)
    cpu.update_mode()


def code_checks_direct(cpu, sel: int, lo: int, hi: int) -> Seg:
    """A code segment named directly by JMP/CALL far (SDM: CONFORMING-/NONCONFORMING-
    CODE-SEGMENT)."""
    seg = desc_to_seg(sel, lo, hi)
    ar, dpl, cpl = seg.ar, seg.dpl, cpu.cpl
    if cpu.efer & LMA and ar & AR_L and ar & AR_DB:
        raise CpuFault(GP, sel & 0xFFFC)
    if ar & 4:
        if dpl > cpl:
            raise CpuFault(GP, sel & 0xFFFC)
    elif (sel & 3) > cpl or dpl != cpl:
        raise CpuFault(GP, sel & 0xFFFC)
    if not ar & AR_P:
        raise CpuFault(NP, sel & 0xFFFC)
    return seg


def enter_cs(cpu, seg: Seg, cpl: int) -> None:
    """Commit a checked code segment as CS with RPL = CPL (accessed bit already set)."""
    seg.ar |= 1
    seg.sel = (seg.sel & 0xFFFC) | cpl
    cpu.load_cs(seg.sel, seg, cpl)


def push_all(cpu, values, size, ss_sel=None) -> None:
    """Push values; with ss_sel, a stack fault is reported as #SS(new SS selector)."""
    try:
        for v in values:
            cpu.push(v, size)
    except CpuFault as e:
        if ss_sel is not None and e.vector == SS_:
            raise CpuFault(SS_, ss_sel & 0xFFFC) from None
        raise


# -- JMP far / CALL far -------------------------------------------------------------------
def far_pointer(cpu, d):
    """A closure returning (selector, offset) of a far operand: ptr16:16/32 or m16:16/32/64."""
    o = d.operands[0]
    if o[0] == "far":
        sel, off = o[1], o[2]
        return lambda: (sel, off)
    size = d.opsize
    ea, s = ea_fn(cpu, d), seg_of(d)
    am = MASK[d.adsize]

    def get():
        a = ea()
        off = cpu.rd(s, a, size)
        return cpu.rd(s, (a + size) & am, 2), off
    return get


def far_transfer(cpu, sel: int, off: int, osize: int, nip: int, call: bool) -> None:
    """JMP/CALL far to sel:off; nip is the address of the next instruction."""
    sel &= 0xFFFF
    if not protected(cpu):
        ip = off & MASK[osize]
        if ip > (0xFFFF if cpu.rflags & F.VM else cpu.segs[CS].limit):
            raise CpuFault(GP, 0)
        if call:
            sp = cpu.regs[4]
            try:
                push_all(cpu, (cpu.segs[CS].sel, nip), osize)
            except CpuFault:
                cpu.regs[4] = sp
                raise
        cpu.load_cs(sel)
        cpu.rip = ip
        return
    if sel & 0xFFFC == 0:
        raise CpuFault(GP, 0)
    lo, hi, addr = cpu.read_descriptor(sel)
    ar = (hi >> 8) & 0xFF
    lma = cpu.efer & LMA
    if ar & AR_S:
        if not ar & 8:
            raise CpuFault(GP, sel & 0xFFFC)
        seg = code_checks_direct(cpu, sel, lo, hi)
        ip = off & MASK[osize]
        if not long_target(cpu, seg):
            ip &= 0xFFFFFFFF
        check_ip(cpu, seg, ip)
        cpu.set_accessed(addr, hi)
        snap = snapshot(cpu)
        if call:
            try:
                push_all(cpu, (cpu.segs[CS].sel, nip), osize)
            except CpuFault:
                restore(cpu, snap)
                raise
        enter_cs(cpu, seg, cpu.cpl)
        cpu.rip = ip
        return
    t = ar & 0xF
    if t == CALL_GATE32 or (t == CALL_GATE16 and not lma):
        return through_call_gate(cpu, sel, lo, hi, addr, nip, call)
    if not lma and t == TASK_GATE:
        dpl = (hi >> 13) & 3
        if dpl < cpu.cpl or dpl < (sel & 3):
            raise CpuFault(GP, sel & 0xFFFC)
        if not hi & 0x8000:
            raise CpuFault(NP, sel & 0xFFFC)
        return _switch(cpu, lo >> 16, call, nip)
    if not lma and t in (TSS16, TSS32, TSS16_BUSY, TSS32_BUSY):
        dpl = (hi >> 13) & 3
        if dpl < cpu.cpl or dpl < (sel & 3) or t & 2:
            raise CpuFault(GP, sel & 0xFFFC)
        if not hi & 0x8000:
            raise CpuFault(NP, sel & 0xFFFC)
        return _switch(cpu, sel, call, nip)
    raise CpuFault(GP, sel & 0xFFFC)


def _switch(cpu, tss_sel: int, call: bool, nip: int) -> None:
    from .task import task_switch
    task_switch(cpu, tss_sel, "call" if call else "jmp", None, next_eip=nip)


def through_call_gate(cpu, sel, lo, hi, addr, nip, call) -> None:
    """JMP/CALL through a 16/32-bit call gate or an IA-32e 64-bit call gate (SDM 5.8.3-5.8.6)."""
    cpl = cpu.cpl
    gdpl = (hi >> 13) & 3
    if gdpl < cpl or (sel & 3) > gdpl:
        raise CpuFault(GP, sel & 0xFFFC)
    if not hi & 0x8000:
        raise CpuFault(NP, sel & 0xFFFC)
    lma = cpu.efer & LMA
    off = (lo & 0xFFFF) | (hi & 0xFFFF0000)
    if lma:
        hi2, hi3 = read_upper(cpu, sel, addr)
        if (hi3 >> 8) & 0x1F:              # the upper half must have type 0 (SDM 5.8.3.1)
            raise CpuFault(GP, sel & 0xFFFC)
        off |= hi2 << 32
        gsize = 8
    elif (hi >> 8) & 0xF == CALL_GATE16:
        off &= 0xFFFF
        gsize = 2
    else:
        gsize = 4
    csel = lo >> 16
    if csel & 0xFFFC == 0:
        raise CpuFault(GP, 0)
    clo, chi, caddr = cpu.read_descriptor(csel)
    seg = desc_to_seg(csel, clo, chi)
    ar, dpl = seg.ar, seg.dpl
    conforming = ar & 4
    if not ar & AR_S or not ar & 8 or dpl > cpl or (
            not call and not conforming and dpl != cpl):
        raise CpuFault(GP, csel & 0xFFFC)
    if lma and (not ar & AR_L or ar & AR_DB):
        raise CpuFault(GP, csel & 0xFFFC)
    if not ar & AR_P:
        raise CpuFault(NP, csel & 0xFFFC)
    check_ip(cpu, seg, off)
    if not call:
        cpu.set_accessed(caddr, chi)
        enter_cs(cpu, seg, cpl)
        cpu.rip = off
        return
    old_cs, old_ss, old_sp = cpu.segs[CS].sel, cpu.segs[SS].sel, cpu.regs[4]
    snap = snapshot(cpu)
    if not conforming and dpl < cpl:
        # More privileged: a new stack from the TSS, the caller's SS:ESP and parameters on it.
        if lma:
            where = 4 + 8 * dpl
            if where + 7 > cpu.tr.limit:
                raise CpuFault(TS, cpu.tr.sel & 0xFFFC)
            new_sp = cpu.sys_read(cpu.tr.base + where, 8)
            ss = Seg(dpl, 0, 0, AR_UNUSABLE | (dpl << 5))
            params = []
        else:
            ss_sel, new_sp = cpu.tss_stack(dpl, 0)
            ss = cpu._tss_ss(ss_sel, dpl, 0)
            count = hi & 0x1F
            m = cpu.sp_mask
            params = [cpu.rd(SS, (old_sp + gsize * i) & m, gsize)
                      for i in range(count - 1, -1, -1)]
        cpu.set_accessed(caddr, chi)
        cpu.segs[SS] = ss
        enter_cs(cpu, seg, dpl)
        cpu.regs[4] = new_sp
        try:
            push_all(cpu, [old_ss, old_sp] + params + [old_cs, nip], gsize, ss.sel)
        except CpuFault:
            restore(cpu, snap)
            raise
    else:
        cpu.set_accessed(caddr, chi)
        enter_cs(cpu, seg, cpl)
        try:
            push_all(cpu, (old_cs, nip), gsize)
        except CpuFault:
            restore(cpu, snap)
            raise
    cpu.rip = off


@sem("jmpf", "callf")
def jmpf(cpu, d):
    get = far_pointer(cpu, d)
    size, n = d.opsize, d.length
    call = d.mnem == "callf"
    ipm = MASK[8] if d.bits == 64 else MASK[4 if d.bits == 32 else 2]

    def f():
        sel, off = get()
        far_transfer(cpu, sel, off, size, (cpu.rip + n) & ipm, call)
    return f


# -- RETF ---------------------------------------------------------------------------------
def check_return_cs(cpu, csel: int):
    """The code segment a RETF/IRET returns to (SDM Vol. 2, RET and IRET)."""
    if csel & 0xFFFC == 0:
        raise CpuFault(GP, 0)
    lo, hi, addr = cpu.read_descriptor(csel)
    seg = desc_to_seg(csel, lo, hi)
    ar, dpl, rpl = seg.ar, seg.dpl, csel & 3
    err = csel & 0xFFFC
    if not ar & AR_S or not ar & 8:
        raise CpuFault(GP, err)
    if cpu.efer & LMA and ar & AR_L and ar & AR_DB:
        raise CpuFault(GP, err)
    if rpl < cpu.cpl or (ar & 4 and dpl > rpl) or (not ar & 4 and dpl != rpl):
        raise CpuFault(GP, err)
    if not ar & AR_P:
        raise CpuFault(NP, err)
    return seg, addr, hi


def check_return_ss(cpu, ssel: int, rpl: int, cseg: Seg):
    """The stack segment of a return to another privilege level (or of a 64-bit IRET)."""
    if ssel & 0xFFFC == 0:
        # IA-32e: a null SS is allowed when returning to 64-bit code at CPL < 3.
        if long_target(cpu, cseg) and rpl != 3:
            return Seg(ssel, 0, 0, AR_UNUSABLE | (rpl << 5)), None, 0
        raise CpuFault(GP, 0)
    lo, hi, addr = cpu.read_descriptor(ssel)
    ss = desc_to_seg(ssel, lo, hi)
    t = ss.ar & 0xF
    if (ssel & 3) != rpl or not ss.ar & AR_S or t & 8 or not t & 2 or ss.dpl != rpl:
        raise CpuFault(GP, ssel & 0xFFFC)
    if not ss.ar & AR_P:
        raise CpuFault(SS_, ssel & 0xFFFC)
    return ss, addr, hi


def null_outer_segments(cpu) -> None:
    """After a return to an outer level, ES/DS/FS/GS that the new CPL may not use become null
    (data or non-conforming code with DPL < CPL; SDM Vol. 2, RET step and IRET)."""
    cpl = cpu.cpl
    for s in (ES, DS, FS, GS):
        seg = cpu.segs[s]
        if seg.ar & AR_UNUSABLE:
            continue
        if not (seg.ar & 8 and seg.ar & 4) and seg.dpl < cpl:
            base = seg.base if s >= FS and cpu.efer & LMA else 0
            cpu.segs[s] = Seg(0, base, 0, AR_UNUSABLE)
            cpu.segs[s].derive(cpu.code_bits == 64)


def far_return(cpu, size: int, imm: int) -> None:
    ip = peek(cpu, 0, size)
    csel = peek(cpu, size, size) & 0xFFFF
    if not protected(cpu):
        if ip > (0xFFFF if cpu.rflags & F.VM else cpu.segs[CS].limit):
            raise CpuFault(GP, 0)
        cpu.load_cs(csel)
        cpu.rip = ip
        add_sp(cpu, 2 * size + imm)
        return
    cseg, caddr, chi = check_return_cs(cpu, csel)
    rpl = csel & 3
    if not long_target(cpu, cseg):
        ip &= 0xFFFFFFFF
    if rpl == cpu.cpl:
        check_ip(cpu, cseg, ip)
        cpu.set_accessed(caddr, chi)
        enter_cs(cpu, cseg, rpl)
        cpu.rip = ip
        add_sp(cpu, 2 * size + imm)
        return
    new_sp = peek(cpu, 2 * size + imm, size)
    ssel = peek(cpu, 3 * size + imm, size) & 0xFFFF
    ss, saddr, shi = check_return_ss(cpu, ssel, rpl, cseg)
    check_ip(cpu, cseg, ip)
    cpu.set_accessed(caddr, chi)
    if saddr is not None:
        cpu.set_accessed(saddr, shi)
        ss.ar |= 1
    cpu.segs[SS] = ss
    enter_cs(cpu, cseg, rpl)
    set_sp(cpu, new_sp)
    add_sp(cpu, imm)
    cpu.rip = ip
    null_outer_segments(cpu)


@sem("retf")
def retf(cpu, d):
    size = d.opsize
    imm = d.operands[0][1] if d.operands else 0

    def f():
        far_return(cpu, size, imm)
    return f


# -- IRET ---------------------------------------------------------------------------------
def iret_flags(cpu, cur: int, new: int, size: int) -> int:
    """RFLAGS after a protected-mode IRET at the current CPL (VM never changes here)."""
    cpl = cpu.cpl
    mask = IRET_ALWAYS
    if size >= 4:
        mask |= IRET_WIDE
    if cpl <= (cur >> 12) & 3:
        mask |= F.IF
    if cpl == 0:
        mask |= F.IOPL | (IRET_CPL0_WIDE if size >= 4 else 0)
    if size == 2:
        mask &= 0xFFFF
    return (cur & ~mask) | (new & mask) | 2


def set_rflags(cpu, v: int) -> None:
    cpu.lazy = None
    cpu.rflags = (v & 0x3F7FD5) | 2
    cpu.pending = True


def iret_real(cpu, size: int) -> None:
    ip, csel, fl = peek(cpu, 0, size), peek(cpu, size, size) & 0xFFFF, peek(cpu, 2 * size, size)
    if ip > cpu.segs[CS].limit:
        raise CpuFault(GP, 0)
    cur = F.materialize(cpu)
    if size == 4:
        new = (fl & 0x257FD5) | (cur & 0x1A0000)
    else:
        new = (cur & ~0xFFFF) | fl
    set_rflags(cpu, new)
    cpu.load_cs(csel)
    cpu.rip = ip
    add_sp(cpu, 3 * size)


def iret_v86(cpu, size: int) -> None:
    """IRET inside virtual-8086 mode: allowed only with IOPL 3 (no VME; SDM 20.2.7)."""
    cur = F.materialize(cpu)
    if (cur >> 12) & 3 != 3:
        raise CpuFault(GP, 0)
    ip, csel, fl = peek(cpu, 0, size), peek(cpu, size, size) & 0xFFFF, peek(cpu, 2 * size, size)
    if ip > 0xFFFF:
        raise CpuFault(GP, 0)
    if size == 4:
        keep = F.VM | F.IOPL | F.VIP | F.VIF
        new = (fl & ~keep) | (cur & keep)
    else:
        new = (cur & ~0xFFFF) | (fl & ~F.IOPL & 0xFFFF) | (cur & F.IOPL)
    set_rflags(cpu, new)
    cpu.load_cs(csel)
    cpu.rip = ip
    add_sp(cpu, 3 * size)


def iret_to_v86(cpu, ip: int, csel: int, fl: int) -> None:
    """A 32-bit IRET at CPL 0 whose EFLAGS image has VM=1: back to virtual-8086 mode."""
    vals = [peek(cpu, 4 * k, 4) for k in range(3, 9)]      # ESP SS ES DS FS GS
    if ip > 0xFFFF:
        raise CpuFault(GP, 0)
    set_rflags(cpu, fl)
    esp, ss, es, ds, fs, gs = vals
    for s, v in ((CS, csel), (SS, ss), (ES, es), (DS, ds), (FS, fs), (GS, gs)):
        cpu.segs[s] = v86_seg(v & 0xFFFF)
    cpu.regs[4] = esp & 0xFFFFFFFF
    cpu.rip = ip
    cpu.set_cpl(3)
    cpu.update_mode()


def iret_protected(cpu, size: int, nip: int) -> None:
    cur = F.materialize(cpu)
    lma = cpu.efer & LMA
    if cur & F.NT:
        if lma:
            raise CpuFault(GP, 0)
        from .task import task_switch
        link = cpu.sys_read(cpu.tr.base, 2)
        task_switch(cpu, link, "iret", None, next_eip=nip)
        return
    ip = peek(cpu, 0, size)
    csel = peek(cpu, size, size) & 0xFFFF
    fl = peek(cpu, 2 * size, size)
    if not lma and fl & F.VM and cpu.cpl == 0:
        return iret_to_v86(cpu, ip, csel, fl)
    cseg, caddr, chi = check_return_cs(cpu, csel)
    rpl = csel & 3
    outer = rpl > cpu.cpl
    if not long_target(cpu, cseg):
        ip &= 0xFFFFFFFF
    ss = None
    if outer or cpu.code_bits == 64:
        new_sp = peek(cpu, 3 * size, size)
        ssel = peek(cpu, 4 * size, size) & 0xFFFF
        ss, saddr, shi = check_return_ss(cpu, ssel, rpl, cseg)
    check_ip(cpu, cseg, ip)
    cpu.set_accessed(caddr, chi)
    if ss is not None and saddr is not None:
        cpu.set_accessed(saddr, shi)
        ss.ar |= 1
    set_rflags(cpu, iret_flags(cpu, cur, fl, size))
    if ss is None:
        enter_cs(cpu, cseg, rpl)
        add_sp(cpu, 3 * size)
    else:
        cpu.segs[SS] = ss
        enter_cs(cpu, cseg, rpl)
        set_sp(cpu, new_sp)
    cpu.rip = ip
    if outer:
        null_outer_segments(cpu)


@sem("iret")
def iret(cpu, d):
    size, n = d.opsize, d.length
    ipm = MASK[8] if d.bits == 64 else MASK[4 if d.bits == 32 else 2]

    def f():
        # IRET ends NMI blocking even when it faults (SDM 6.7.1; Vol. 3C 28.2.3) -- in VMX
        # non-root operation with NMI exiting and no virtual NMIs it leaves it alone (26.3).
        unblocked = False
        if not (cpu.vmx.nonroot and cpu.vctl.pin(3) and not cpu.vctl.pin(5)):
            unblocked = cpu.nmi_blocked
            cpu.nmi_blocked = False
        if cpu.nmi_pending:
            cpu.pending = True
        try:
            if not cpu.cr0 & 1:
                iret_real(cpu, size)
            elif cpu.rflags & F.VM:
                iret_v86(cpu, size)
            else:
                iret_protected(cpu, size, (cpu.rip + n) & ipm)
        except CpuFault:
            # An exit for this fault reports the unblocking (SDM 28.2.2, bit 12).
            cpu.iret_unblocked_nmi = unblocked and cpu.vmx.nonroot
            raise
        except VmExit as e:
            # An EPT violation on the frame reports it in qualification bit 12 (SDM 28.2.1,
            # Table 28-7); the blocking is already gone when the exit happens.
            if unblocked and e.reason == 48:
                e.qualification |= 1 << 12
            raise
    return f
