"""System-descriptor instructions: LLDT, LTR, SLDT, STR, LAR, LSL, VERR, VERW, ARPL
(SDM Vol. 2; Vol. 3A 3.5 and 7.2). All are #UD in real and virtual-8086 mode."""
from __future__ import annotations

from .. import flags as F
from ..state import AR_S, AR_UNUSABLE, GP, NP, UD, CpuFault, Seg
from ..system_state import canonical, desc_to_seg
from . import fault, sem
from .far import LMA, read_upper, table_limit
from .operands import MASK, next_ip, reader, rmw, writer

# System types LAR/LSL accept (SDM Vol. 2, LAR Table 3-62 and LSL Table 3-63).
LAR_TYPES = (frozenset({1, 2, 3, 4, 5, 9, 0xB, 0xC}), frozenset({2, 9, 0xB, 0xC}))
LSL_TYPES = (frozenset({1, 2, 3, 9, 0xB}), frozenset({2, 9, 0xB}))


def _pm_only(cpu) -> None:
    if not cpu.cr0 & 1 or cpu.rflags & F.VM:
        raise CpuFault(UD)


def _set_zf(cpu, on: bool) -> None:
    fl = F.materialize(cpu)
    cpu.rflags = fl | F.ZF if on else fl & ~F.ZF


def _system_seg(cpu, sel: int, want) -> tuple[Seg, int, int]:
    """LLDT/LTR: a GDT system descriptor of an accepted type; 16 bytes in IA-32e mode."""
    err = sel & 0xFFFC
    if sel & 4:
        raise CpuFault(GP, err)
    lo, hi, addr = cpu.read_descriptor(sel)
    if (hi >> 8) & 0x1F not in want:
        raise CpuFault(GP, err)
    seg = desc_to_seg(sel, lo, hi)
    if cpu.efer & LMA:
        hi2, hi3 = read_upper(cpu, sel, addr)
        if (hi3 >> 8) & 0x1F:
            raise CpuFault(GP, err)
        seg.base |= hi2 << 32
        if not canonical(seg.base):
            raise CpuFault(GP, err)
    if not hi & 0x8000:
        raise CpuFault(NP, err)
    return seg, addr, hi


def _dt_exit(cpu, d, identity: int) -> None:
    """Descriptor-table exiting for SLDT/STR/LLDT/LTR (exit 47, SDM 28.2.5 Table 28-11)."""
    if cpu.vmx.nonroot and cpu.vctl.proc2(2):
        from ..vmx.exitinfo import instruction_exit, mem_info
        instruction_exit(cpu, d, 47, None, mem_info(d) | (identity << 28),
                         cause="bit 2 of secondary processor-based controls: descriptor-table "
                         "exiting", field="SECONDARY_VM_EXEC_CONTROL", bit=2)


@sem("lldt")
def lldt(cpu, d):
    get = reader(cpu, d, d.operands[0])
    adv = next_ip(cpu, d)

    def f():
        _pm_only(cpu)
        if cpu.cpl:
            raise CpuFault(GP, 0)
        _dt_exit(cpu, d, 2)
        sel = get() & 0xFFFF
        if sel & 0xFFFC == 0:
            cpu.ldtr = Seg(sel, 0, 0, AR_UNUSABLE)     # a null LDTR: LDT references #GP
        else:
            seg, _, _ = _system_seg(cpu, sel, (2,))
            cpu.ldtr = seg
        adv()
    return f


@sem("ltr")
def ltr(cpu, d):
    get = reader(cpu, d, d.operands[0])
    adv = next_ip(cpu, d)

    def f():
        _pm_only(cpu)
        if cpu.cpl:
            raise CpuFault(GP, 0)
        _dt_exit(cpu, d, 3)
        sel = get() & 0xFFFF
        if sel & 0xFFFC == 0:
            raise CpuFault(GP, 0)
        seg, addr, hi = _system_seg(cpu, sel, (9,) if cpu.efer & LMA else (1, 9))
        cpu.sys_write(addr + 4, 4, hi | 0x200)          # mark the TSS busy
        seg.ar |= 2
        cpu.tr = seg
        adv()
    return f


@sem("sldt", "str")
def sldt(cpu, d):
    o = d.operands[0]
    put = writer(cpu, d, o if o[0] == "r" else ("m", 2))
    adv = next_ip(cpu, d)
    tr = d.mnem == "str"

    def f():
        _pm_only(cpu)
        _dt_exit(cpu, d, 1 if tr else 0)
        put((cpu.tr if tr else cpu.ldtr).sel)          # zero-extended into a register
        adv()
    return f


def _visible(cpu, sel: int):
    """The descriptor a selector names if LAR/LSL/VERR/VERW may look at it, else None."""
    if sel & 0xFFFC == 0 or (sel & 0xFFF8) + 7 > table_limit(cpu, sel):
        return None
    lo, hi, _ = cpu.read_descriptor(sel)
    seg = desc_to_seg(sel, lo, hi)
    conforming_code = seg.ar & AR_S and seg.ar & 0xC == 0xC
    if not conforming_code and (seg.dpl < cpu.cpl or seg.dpl < (sel & 3)):
        return None
    return seg, hi


@sem("lar", "lsl")
def lar(cpu, d):
    dst, src = d.operands
    get = reader(cpu, d, src)
    put = writer(cpu, d, dst)
    size = dst[2]
    adv = next_ip(cpu, d)
    is_lar = d.mnem == "lar"
    types = LAR_TYPES if is_lar else LSL_TYPES

    def f():
        _pm_only(cpu)
        r = _visible(cpu, get() & 0xFFFF)
        ok = r is not None and (r[0].ar & AR_S or (r[0].ar & 0xF) in types[bool(cpu.efer & LMA)])
        if ok:
            seg, hi = r
            if is_lar:
                v = hi & (0xFF00 if size == 2 else 0xF0FF00)
            else:
                v = seg.limit & MASK[min(size, 4)]
            put(v)
        _set_zf(cpu, ok)
        adv()
    return f


@sem("verr", "verw")
def verr(cpu, d):
    get = reader(cpu, d, d.operands[0])
    adv = next_ip(cpu, d)
    write = d.mnem == "verw"

    def f():
        _pm_only(cpu)
        r = _visible(cpu, get() & 0xFFFF)
        ok = False
        if r is not None and r[0].ar & AR_S:
            t = r[0].ar & 0xF
            ok = (not t & 8 and bool(t & 2)) if write else (not t & 8 or bool(t & 2))
        _set_zf(cpu, ok)
        adv()
    return f


@sem("arpl")
def arpl(cpu, d):
    dst, src = d.operands
    if d.bits == 64:
        return fault(UD)
    load, store = rmw(cpu, d, dst)
    get = reader(cpu, d, src)
    adv = next_ip(cpu, d)

    def f():
        _pm_only(cpu)
        v = load()
        rpl = get() & 3
        if v & 3 < rpl:
            store((v & ~3) | rpl)
            _set_zf(cpu, True)
        else:
            _set_zf(cpu, False)
        adv()
    return f

