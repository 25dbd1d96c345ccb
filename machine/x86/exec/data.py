"""Data movement: MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, stack (PUSH/POP/PUSHA/POPA/ENTER/LEAVE),
flag moves (PUSHF/POPF/LAHF/SAHF/CLC/STC/CMC/CLD/STD), CBW/CWD, SETcc, CMOVcc, BSWAP, XLAT."""
from __future__ import annotations

from .. import flags as F
from ..state import CS, DS, GP, SS, UD, BlockEnd, CpuFault
from . import fault, sem
from .operands import MASK, SIGN, ea_fn, next_ip, reader, seg_of, size_of, writer


@sem("mov")
def mov(cpu, d):
    dst, src = d.operands
    n = d.length
    ipm = MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)
    regs = cpu.regs
    if dst[0] == "r" and dst[2] >= 4:
        r = dst[1]
        if src[0] == "r":
            s = src[1]
            m = MASK[dst[2]]

            def f():
                regs[r] = regs[s] & m
                cpu.rip = (cpu.rip + n) & ipm
            return f
        if src[0] == "i":
            v = src[1]

            def f():
                regs[r] = v
                cpu.rip = (cpu.rip + n) & ipm
            return f
        if src[0] == "m":
            ea, sg, size, rd = ea_fn(cpu, d), seg_of(d), src[1], cpu.rd

            def f():
                regs[r] = rd(sg, ea(), size)
                cpu.rip = (cpu.rip + n) & ipm
            return f
    get = reader(cpu, d, src)
    put = writer(cpu, d, dst)

    def f():
        put(get())
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("movzx", "movsx", "movsxd")
def movx(cpu, d):
    dst, src = d.operands
    get = reader(cpu, d, src)
    put = writer(cpu, d, dst)
    adv = next_ip(cpu, d)
    dmask = MASK[size_of(dst, d)]
    if d.mnem == "movzx":
        def f():
            put(get())
            adv()
    else:
        sbit = SIGN[size_of(src, d)]

        def f():
            v = get()
            put(((v ^ sbit) - sbit) & dmask)
            adv()
    return f


@sem("lea")
def lea(cpu, d):
    dst = d.operands[0]
    ea = ea_fn(cpu, d)
    put = writer(cpu, d, dst)
    m = MASK[dst[2]]
    adv = next_ip(cpu, d)

    def f():
        put(ea() & m)
        adv()
    return f


@sem("xchg")
def xchg(cpu, d):
    a, b = d.operands
    from .operands import rmw
    la, sa = rmw(cpu, d, a)
    lb, sb = rmw(cpu, d, b)
    adv = next_ip(cpu, d)

    def f():
        x = la()
        y = lb()
        sa(y)
        sb(x)
        adv()
    return f


@sem("nop", "wait")
def nop(cpu, d):
    return next_ip(cpu, d)


@sem("pause")
def pause(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        if cpu.vmx.nonroot and cpu.vctl.proc(30):
            from ..vmx.exitinfo import instruction_exit
            instruction_exit(cpu, d, 40, 0, 0, cause="bit 30 of primary processor-based "
                             "controls: PAUSE exiting", field="CPU_BASED_VM_EXEC_CONTROL", bit=30)
        adv()
    return f


# -- stack ------------------------------------------------------------------------------
@sem("push")
def push(cpu, d):
    o = d.operands[0]
    size = d.opsize
    if o[0] == "s":
        # Segment pushes: a 32-bit push writes 2 or 4 bytes; we write the zero-extended selector.
        segs, n = cpu.segs, o[1]

        def get():
            return segs[n].sel
    else:
        get = reader(cpu, d, o)
    adv = next_ip(cpu, d)
    push_ = cpu.push

    def f():
        push_(get(), size)
        adv()
    return f


@sem("pop")
def pop(cpu, d):
    o = d.operands[0]
    size = d.opsize
    adv = next_ip(cpu, d)
    if o[0] == "s":
        s = o[1]

        def f():
            sp = cpu.regs[4]
            v = cpu.pop(size)
            try:
                cpu.load_seg(s, v & 0xFFFF)
            except CpuFault:
                cpu.regs[4] = sp
                raise
            adv()
            if s == SS:
                cpu.shadow, cpu.pending = 2, True      # MOV-SS blocking
        return f
    regs = cpu.regs
    if o[0] == "r":
        put = writer(cpu, d, o)

        def f():
            put(cpu.pop(size))
            adv()
        return f
    # POP to memory: the address uses RSP after the pop (SDM Vol. 2, POP).
    put = writer(cpu, d, o)

    def f():
        sp = regs[4]
        v = cpu.pop(size)
        try:
            put(v)
        except CpuFault:
            regs[4] = sp
            raise
        adv()
    return f


@sem("pusha")
def pusha(cpu, d):
    size = d.opsize
    adv = next_ip(cpu, d)
    m = MASK[size]

    def f():
        regs = cpu.regs
        sp0 = regs[4]
        vals = [regs[i] & m for i in (0, 1, 2, 3)] + [sp0 & m] + [regs[i] & m for i in (5, 6, 7)]
        try:
            for v in vals:
                cpu.push(v, size)
        except CpuFault:
            regs[4] = sp0
            raise
        adv()
    return f


@sem("popa")
def popa(cpu, d):
    size = d.opsize
    adv = next_ip(cpu, d)

    def f():
        regs = cpu.regs
        sp0 = regs[4]
        try:
            vals = [cpu.pop(size) for _ in range(8)]
        except CpuFault:
            regs[4] = sp0
            raise
        for i, v in zip((7, 6, 5, 4, 3, 2, 1, 0), vals):
            if i != 4:
                cpu.set_reg(i, size, v)
        adv()
    return f


@sem("enter")
def enter(cpu, d):
    size = d.opsize
    alloc = d.operands[0][1]
    level = d.operands[1][1] & 31
    adv = next_ip(cpu, d)

    def f():
        regs = cpu.regs
        sp0, bp0 = regs[4], regs[5]
        smask = cpu.sp_mask
        try:
            cpu.push(regs[5], size)
            frame = regs[4]                  # pushed as is: ESP's upper half included
            bp = regs[5]
            for _ in range(1, level):
                bp = (bp - size) & smask if smask != 0xFFFF else (bp - size) & 0xFFFF
                cpu.push(cpu.rd(SS, bp, size), size)
            if level:
                cpu.push(frame, size)
            new_sp = ((regs[4] & smask) - alloc) & smask
            cpu.rd(SS, new_sp, 1) if alloc else None
        except CpuFault:
            regs[4], regs[5] = sp0, bp0
            raise
        # rBP takes the frame at the stack's address size, whatever the operand size
        # (BP with a 16-bit stack, EBP with a 32-bit one), as Bochs and QEMU do.
        regs[5] = (regs[5] & ~smask) | (frame & smask)
        regs[4] = (regs[4] & ~smask) | new_sp
        adv()
    return f


@sem("leave")
def leave(cpu, d):
    size = d.opsize
    adv = next_ip(cpu, d)

    def f():
        regs = cpu.regs
        smask = cpu.sp_mask
        sp0 = regs[4]
        regs[4] = (regs[4] & ~smask) | (regs[5] & smask)
        try:
            v = cpu.pop(size)
        except CpuFault:
            regs[4] = sp0
            raise
        cpu.set_reg(5, size, v)
        adv()
    return f


# -- flags -------------------------------------------------------------------------------
def _iopl_ok(cpu) -> bool:
    return cpu.cpl <= ((cpu.rflags >> 12) & 3)


@sem("pushf")
def pushf(cpu, d):
    size = d.opsize
    adv = next_ip(cpu, d)

    def f():
        if cpu.rflags & F.VM and (cpu.rflags >> 12) & 3 != 3:
            raise CpuFault(GP, 0)
        fl = F.materialize(cpu) & ~(F.VM | F.RF)
        cpu.push(fl & MASK[size], size)
        adv()
    return f


@sem("popf")
def popf(cpu, d):
    size = d.opsize
    adv = next_ip(cpu, d)

    def f():
        old = F.materialize(cpu)
        if old & F.VM and (old >> 12) & 3 != 3:
            raise CpuFault(GP, 0)
        v = cpu.pop(size)
        # Which bits POPF may change depends on CPL and IOPL (SDM Vol. 2, POPF).
        changeable = 0x3F7FD5 & ~(F.VM | F.VIP | F.VIF | F.RF)
        if cpu.cr0 & 1:
            if cpu.cpl > 0:
                changeable &= ~F.IOPL
            if cpu.cpl > (old >> 12) & 3:
                changeable &= ~F.IF
        if size == 2:
            changeable &= 0xFFFF
        cpu.set_flags((old & ~changeable) | (v & changeable))
        adv()
    return f


@sem("lahf")
def lahf(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        fl = F.materialize(cpu) & 0xD7 | 2
        regs[0] = (regs[0] & ~0xFF00) | (fl << 8)
        adv()
    return f


@sem("sahf")
def sahf(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        fl = F.materialize(cpu)
        cpu.rflags = (fl & ~0xD5) | ((regs[0] >> 8) & 0xD5)
        adv()
    return f


def _flagop(mnem):
    if mnem == "clc":
        return lambda fl: fl & ~F.CF
    if mnem == "stc":
        return lambda fl: fl | F.CF
    if mnem == "cmc":
        return lambda fl: fl ^ F.CF
    if mnem == "cld":
        return lambda fl: fl & ~F.DF
    return lambda fl: fl | F.DF


@sem("clc", "stc", "cmc", "cld", "std")
def flagop(cpu, d):
    op = _flagop(d.mnem)
    adv = next_ip(cpu, d)

    def f():
        cpu.rflags = op(F.materialize(cpu))
        adv()
    return f


@sem("cbw")
def cbw(cpu, d):
    size = d.opsize
    half = size // 2
    sb, m = SIGN[half], MASK[size]
    adv = next_ip(cpu, d)

    def f():
        v = cpu.regs[0] & MASK[half]
        cpu.set_reg(0, size, ((v ^ sb) - sb) & m)
        adv()
    return f


@sem("cwd")
def cwd(cpu, d):
    size = d.opsize
    sb = SIGN[size]
    adv = next_ip(cpu, d)

    def f():
        v = cpu.regs[0] & MASK[size]
        cpu.set_reg(2, size, MASK[size] if v & sb else 0)
        adv()
    return f


@sem(*[f"set{c}" for c in F.CC_NAMES])
def setcc(cpu, d):
    cc = F.CC_NAMES.index(d.mnem[3:])
    put = writer(cpu, d, d.operands[0])
    adv = next_ip(cpu, d)
    cond = F.cond

    def f():
        put(1 if cond(cpu, cc) else 0)
        adv()
    return f


@sem(*[f"cmov{c}" for c in F.CC_NAMES])
def cmovcc(cpu, d):
    cc = F.CC_NAMES.index(d.mnem[4:])
    dst, src = d.operands
    get = reader(cpu, d, src)
    put = writer(cpu, d, dst)
    adv = next_ip(cpu, d)
    cond = F.cond
    size = dst[2]

    def f():
        v = get()                            # the source is read (and may fault) either way
        if cond(cpu, cc):
            put(v)
        elif size == 4:
            put(cpu.regs[dst[1]] & 0xFFFFFFFF)   # 32-bit CMOV zero-extends even when false
        adv()
    return f


@sem("bswap")
def bswap(cpu, d):
    o = d.operands[0]
    size = o[2]
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        if size == 2:
            cpu.set_reg(o[1], 2, 0)          # undefined by the SDM; hardware gives zero
        else:
            v = regs[o[1]] & MASK[size]
            regs[o[1]] = int.from_bytes(v.to_bytes(size, "little"), "big")
        adv()
    return f


@sem("xlat")
def xlat(cpu, d):
    s = d.seg if d.seg is not None else DS
    am = MASK[d.adsize]
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        v = cpu.rd(s, (regs[3] + (regs[0] & 0xFF)) & am, 1)
        regs[0] = (regs[0] & ~0xFF) | v
        adv()
    return f


@sem("movsr")
def movsr(cpu, d):
    dst, src = d.operands
    adv = next_ip(cpu, d)
    if dst[0] == "s":
        s = dst[1]
        if s == CS or s > 5:
            return fault(UD)
        get = reader(cpu, d, src)

        def f():
            cpu.load_seg(s, get() & 0xFFFF)
            adv()
            if s == SS:
                cpu.shadow, cpu.pending = 2, True      # MOV-SS blocking
                raise BlockEnd
        return f
    s = src[1]
    if s > 5:
        return fault(UD)
    if dst[0] == "m":
        put = writer(cpu, d, ("m", 2))
    else:
        put = writer(cpu, d, dst)

    def f():
        put(cpu.segs[s].sel)
        adv()
    return f


@sem("les", "lds", "lss", "lfs", "lgs")
def load_far_pointer(cpu, d):
    """LDS/LES/LFS/LGS/LSS: a far pointer m16:16/32/64 from memory (SDM Vol. 2, LDS...)."""
    dst = d.operands[0]
    size = dst[2]
    s = {"les": 0, "lss": 2, "lds": 3, "lfs": 4, "lgs": 5}[d.mnem]
    ea, sg = ea_fn(cpu, d), seg_of(d)
    put = writer(cpu, d, dst)
    adv = next_ip(cpu, d)
    am = MASK[d.adsize]

    def f():
        a = ea()
        off = cpu.rd(sg, a, size)
        sel = cpu.rd(sg, (a + size) & am, 2)
        cpu.load_seg(s, sel)                 # may fault; the register is written after it
        put(off)
        adv()
    return f


@sem("bound")
def bound(cpu, d):
    """BOUND: #BR when the signed index lies outside [lower, upper] (SDM Vol. 2, BOUND)."""
    dst = d.operands[0]
    size = dst[2]
    ea, sg = ea_fn(cpu, d), seg_of(d)
    get = reader(cpu, d, dst)
    adv = next_ip(cpu, d)
    am = MASK[d.adsize]
    sb = SIGN[size]

    def f():
        a = ea()
        lo = cpu.rd(sg, a, size)
        hi = cpu.rd(sg, (a + size) & am, size)
        idx = get()
        signed = [(v ^ sb) - sb for v in (idx, lo, hi)]
        if not signed[1] <= signed[0] <= signed[2]:
            raise CpuFault(5)
        adv()
    return f
