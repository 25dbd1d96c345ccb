"""System instructions: I/O, CPUID, MSRs, TSC, control/debug registers, descriptor tables."""
from __future__ import annotations

from .. import flags as F
from ..state import GP, UD, CpuFault
from . import sem
from .operands import MASK, ea_fn, next_ip, reader, seg_of, writer
from ..cpuid import cpuid


def _need_cpl0(cpu):
    if cpu.cpl:
        raise CpuFault(GP, 0)


# -- I/O (SDM Vol. 1, 19.5: IOPL and the TSS I/O permission bitmap) ---------------------
def io_allowed(cpu, port: int, size: int) -> None:
    if not cpu.cr0 & 1:
        return
    if not cpu.rflags & F.VM and cpu.cpl <= (cpu.rflags >> 12) & 3:
        return
    tr = cpu.tr
    if (tr.ar & 0xF) not in (0x9, 0xB) or tr.limit < 0x67:
        raise CpuFault(GP, 0)
    base = cpu.sys_read(tr.base + 0x66, 2)
    off = base + (port >> 3)
    if off + 1 > tr.limit:
        raise CpuFault(GP, 0)
    bits = cpu.sys_read(tr.base + off, 2)
    if (bits >> (port & 7)) & ((1 << size) - 1):
        raise CpuFault(GP, 0)


@sem("in")
def in_(cpu, d):
    dst, src = d.operands
    size = dst[2]
    port_of = reader(cpu, d, src)
    put = writer(cpu, d, dst)
    adv = next_ip(cpu, d)

    def f():
        port = port_of() & 0xFFFF
        io_allowed(cpu, port, size)
        put(cpu.io.io_read(port, size) & MASK[size])
        adv()
    return f


@sem("out")
def out(cpu, d):
    dst, src = d.operands
    size = src[2]
    port_of = reader(cpu, d, dst)
    get = reader(cpu, d, src)
    adv = next_ip(cpu, d)

    def f():
        port = port_of() & 0xFFFF
        io_allowed(cpu, port, size)
        v = get()
        adv()                      # the device may stop the machine; the OUT has completed
        cpu.io.io_write(port, size, v)
    return f


@sem("cpuid")
def cpuid_(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        a, b, c, dd = cpuid(cpu, regs[0] & 0xFFFFFFFF, regs[1] & 0xFFFFFFFF)
        regs[0], regs[3], regs[1], regs[2] = a, b, c, dd
        adv()
    return f


@sem("rdmsr", "wrmsr")
def msr(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    write = d.mnem == "wrmsr"

    def f():
        _need_cpl0(cpu)
        n = regs[1] & 0xFFFFFFFF
        if write:
            cpu.write_msr(n, ((regs[2] & 0xFFFFFFFF) << 32) | (regs[0] & 0xFFFFFFFF))
        else:
            v = cpu.read_msr(n)
            regs[0], regs[2] = v & 0xFFFFFFFF, v >> 32
        adv()
    return f


@sem("rdtsc", "rdtscp")
def rdtsc(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    p = d.mnem == "rdtscp"

    def f():
        if cpu.cr4 & 4 and cpu.cpl and cpu.cr0 & 1:      # CR4.TSD
            raise CpuFault(GP, 0)
        t = cpu.tsc()
        regs[0], regs[2] = t & 0xFFFFFFFF, t >> 32
        if p:
            regs[1] = cpu.read_msr(0xC0000103) & 0xFFFFFFFF
        adv()
    return f


@sem("movcr")
def movcr(cpu, d):
    dst, src = d.operands
    adv = next_ip(cpu, d)
    regs = cpu.regs
    if dst[0] == "cr":
        n = dst[1]
        r = src[1]
        m = MASK[src[2]]

        def f():
            _need_cpl0(cpu)
            if n not in (0, 2, 3, 4, 8):
                raise CpuFault(UD)
            cpu.write_cr(n, regs[r] & m)
            adv()
        return f
    n = src[1]
    r = dst[1]
    m = MASK[dst[2]]

    def f():
        _need_cpl0(cpu)
        if n not in (0, 2, 3, 4, 8):
            raise CpuFault(UD)
        regs[r] = cpu.read_cr(n) & m
        adv()
    return f


@sem("movdr")
def movdr(cpu, d):
    dst, src = d.operands
    adv = next_ip(cpu, d)
    regs = cpu.regs
    to_dr = dst[0] == "dr"
    n = dst[1] if to_dr else src[1]
    r = src[1] if to_dr else dst[1]
    m = MASK[src[2] if to_dr else dst[2]]

    def f():
        _need_cpl0(cpu)
        k = n
        if k in (4, 5):
            if cpu.cr4 & 8:                    # CR4.DE: DR4/DR5 are reserved
                raise CpuFault(UD)
            k += 2
        if k > 7:
            raise CpuFault(UD)
        if to_dr:
            v = regs[r] & m
            if k >= 6 and v >> 32:
                raise CpuFault(GP, 0)
            if k == 6:
                v = (v | 0xFFFF0FF0) & 0xFFFFFFFF
            elif k == 7:
                v = (v | 0x400) & ~0xD000
            cpu.dr[k] = v
        else:
            regs[r] = cpu.dr[k] & m
        adv()
    return f


@sem("lgdt", "lidt")
def lgdt(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)
    idt = d.mnem == "lidt"
    bsize = 8 if d.bits == 64 else 4
    osize = d.opsize

    def f():
        _need_cpl0(cpu)
        a = ea()
        limit = cpu.rd(s, a, 2)
        base = cpu.rd(s, (a + 2) & MASK[d.adsize], bsize)
        if bsize == 4 and osize == 2:
            base &= 0xFFFFFF
        if d.bits == 64 and (base >> 47) not in (0, 0x1FFFF):
            raise CpuFault(GP, 0)
        (cpu.idtr if idt else cpu.gdtr)[:] = [base, limit]
        adv()
    return f


@sem("sgdt", "sidt")
def sgdt(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)
    idt = d.mnem == "sidt"
    bsize = 8 if d.bits == 64 else 4

    def f():
        base, limit = cpu.idtr if idt else cpu.gdtr
        a = ea()
        cpu.wr(s, a, 2, limit)
        cpu.wr(s, (a + 2) & MASK[d.adsize], bsize, base & MASK[bsize])
        adv()
    return f


@sem("clts")
def clts(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        _need_cpl0(cpu)
        cpu.cr0 &= ~8
        adv()
    return f


@sem("lmsw")
def lmsw(cpu, d):
    get = reader(cpu, d, d.operands[0])
    adv = next_ip(cpu, d)

    def f():
        _need_cpl0(cpu)
        v = get() & 0xF
        # LMSW can set PE but never clear it (SDM Vol. 2, LMSW).
        cpu.write_cr0((cpu.cr0 & ~0xE) | v | (cpu.cr0 & 1))
        adv()
    return f


@sem("smsw")
def smsw(cpu, d):
    o = d.operands[0]
    put = writer(cpu, d, o if o[0] == "r" else ("m", 2))
    m = MASK[o[2]] if o[0] == "r" else 0xFFFF
    adv = next_ip(cpu, d)

    def f():
        put(cpu.cr0 & m)
        adv()
    return f


@sem("invlpg")
def invlpg(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)

    def f():
        _need_cpl0(cpu)
        cpu.invlpg((cpu.segs[s].base + ea()) & cpu.lin_mask)
        adv()
    return f


@sem("invd", "wbinvd")
def wbinvd(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        _need_cpl0(cpu)
        adv()
    return f
