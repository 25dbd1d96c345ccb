"""Near control transfers (JMP/Jcc/CALL/RET/LOOP/JCXZ), INT n/INT3/INTO/INT1, HLT, CLI/STI.

Far transfers and IRET live in far.py."""
from __future__ import annotations

from .. import flags as F
from ..state import BP, GP, OF_, CpuFault
from ..vmx.exitinfo import instruction_exit
from . import sem
from .operands import MASK, next_ip, reader


def _ipm(d):
    if d.bits == 64:
        return MASK[8]
    return 0xFFFFFFFF if d.opsize == 4 else 0xFFFF


def _check_target(cpu, d, target):
    """A near branch target must lie within CS's limit, or be canonical in 64-bit mode."""
    if d.bits == 64:
        if (target >> 47) not in (0, 0x1FFFF):
            raise CpuFault(GP, 0)
    elif target > cpu.segs[1].limit:
        raise CpuFault(GP, 0)


@sem("jmp")
def jmp(cpu, d):
    o = d.operands[0]
    ipm = _ipm(d)
    n = d.length
    if o[0] == "j":
        rel = o[1]
        if d.bits == 64:
            def f():
                t = (cpu.rip + n + rel) & ipm
                if (t >> 47) not in (0, 0x1FFFF):
                    raise CpuFault(GP, 0)
                cpu.rip = t
            return f

        def f():
            t = (cpu.rip + n + rel) & ipm
            if t > cpu.segs[1].limit:
                raise CpuFault(GP, 0)
            cpu.rip = t
        return f
    get = reader(cpu, d, o)

    def f():
        t = get() & ipm
        _check_target(cpu, d, t)
        cpu.rip = t
    return f


@sem(*[f"j{c}" for c in F.CC_NAMES])
def jcc(cpu, d):
    cc = F.CC_NAMES.index(d.mnem[1:])
    rel = d.operands[0][1]
    n = d.length
    ipm = _ipm(d)
    cond = F.cond
    if cc in (4, 5) and d.bits != 64:
        want_zero = cc == 4
        segs = cpu.segs

        def f():
            lz = cpu.lazy
            z = (lz[4] == 0) if lz is not None else bool(cpu.rflags & F.ZF)
            if z == want_zero:
                t = (cpu.rip + n + rel) & ipm
                if t > segs[1].limit:
                    raise CpuFault(GP, 0)
                cpu.rip = t
            else:
                cpu.rip = (cpu.rip + n) & ipm
        return f

    def f():
        if cond(cpu, cc):
            t = (cpu.rip + n + rel) & ipm
            _check_target(cpu, d, t)
            cpu.rip = t
        else:
            cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("loop", "loope", "loopne", "jcxz")
def loop(cpu, d):
    rel = d.operands[0][1]
    n = d.length
    ipm = _ipm(d)
    cm = MASK[d.adsize]
    m = d.mnem
    regs = cpu.regs

    def f():
        if m == "jcxz":
            taken = (regs[1] & cm) == 0
        else:
            c = (regs[1] - 1) & cm
            regs[1] = (regs[1] & ~cm) | c if cm != MASK[4] else c
            taken = c != 0
            if m == "loope":
                taken = taken and F.cond(cpu, 4)
            elif m == "loopne":
                taken = taken and not F.cond(cpu, 4)
        if taken:
            t = (cpu.rip + n + rel) & ipm
            _check_target(cpu, d, t)
            cpu.rip = t
        else:
            cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("call")
def call(cpu, d):
    o = d.operands[0]
    ipm = _ipm(d)
    n = d.length
    size = d.opsize
    if o[0] == "j":
        rel = o[1]

        def f():
            ret = (cpu.rip + n) & ipm
            t = (ret + rel) & ipm
            _check_target(cpu, d, t)
            cpu.push(ret, size)
            cpu.rip = t
        return f
    get = reader(cpu, d, o)

    def f():
        t = get() & ipm
        _check_target(cpu, d, t)
        cpu.push((cpu.rip + n) & ipm, size)
        cpu.rip = t
    return f


@sem("ret")
def ret(cpu, d):
    ipm = _ipm(d)
    size = d.opsize
    extra = d.operands[0][1] if d.operands else 0
    regs = cpu.regs

    def f():
        sp0 = regs[4]
        t = cpu.pop(size) & ipm
        try:
            _check_target(cpu, d, t)
        except CpuFault:
            regs[4] = sp0
            raise
        if extra:
            sm = cpu.sp_mask
            regs[4] = (regs[4] & ~sm) | ((regs[4] + extra) & sm)
        cpu.rip = t
    return f


# -- software interrupts ----------------------------------------------------------------
@sem("int", "int3", "into", "int1")
def int_n(cpu, d):
    m = d.mnem
    vec = {"int3": BP, "into": OF_, "int1": 1}.get(m, d.operands[0][1] if d.operands else 0)
    adv = next_ip(cpu, d)
    n = d.length
    # VMX interruption types (SDM 25.8.3): INT n 4, INT1 5, INT3/INTO 6
    kind = {"int": 4, "int1": 5}.get(m, 6)

    def f():
        if m == "into" and not F.cond(cpu, 0):
            adv()
            return
        if m == "int" and cpu.rflags & F.VM and (cpu.rflags >> 12) & 3 != 3:
            raise CpuFault(GP, 0)
        rip0 = cpu.rip
        adv()
        # INT3/INTO/INT n are traps: delivered with RIP after the instruction. INT1 (ICEBP)
        # is delivered like a hardware event (no DPL check).
        if cpu.vmx.nonroot:
            cpu.vmx_deliver(vec, None, soft=(m != "int1"), exc=False, kind=kind, length=n)
            return
        cpu.interrupt(vec, soft=(m != "int1"), insn_rip=rip0)
    return f


@sem("hlt")
def hlt(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        if cpu.cpl:
            raise CpuFault(GP, 0)
        if cpu.vmx.nonroot and cpu.vctl.proc(7):
            instruction_exit(cpu, d, 12, 0, 0, cause="bit 7 of primary processor-based "
                             "controls: HLT exiting", field="CPU_BASED_VM_EXEC_CONTROL", bit=7)
        adv()
        cpu.halted = True
        cpu.pending = True
    return f


@sem("cli", "sti")
def cli_sti(cpu, d):
    adv = next_ip(cpu, d)
    sti = d.mnem == "sti"

    def f():
        if cpu.cr0 & 1 and cpu.cpl > (cpu.rflags >> 12) & 3:
            raise CpuFault(GP, 0)     # (VME/PVI virtual-interrupt flags are not modelled)
        if sti:
            if not cpu.rflags & F.IF:
                cpu.rflags |= F.IF
                cpu.shadow = 1        # STI blocking: one more instruction first
            cpu.pending = True
        else:
            cpu.rflags &= ~F.IF
        adv()
    return f



