"""Fast system calls and small system instructions: SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS,
XGETBV/XSETBV, RDPMC, and the instructions of features this CPU does not report (MONITOR/MWAIT,
GETSEC, RSM), which are #UD as the SDM requires when CPUID says so (SDM Vol. 2)."""
from __future__ import annotations

from .. import flags as F
from ..state import GP, GS, SS, UD, CpuFault, Seg
from ..system_state import (
    IA32_FMASK,
    IA32_KERNEL_GS_BASE,
    IA32_LSTAR,
    IA32_STAR,
    IA32_SYSENTER_CS,
    IA32_SYSENTER_EIP,
    IA32_SYSENTER_ESP,
    canonical,
)
from . import fault, sem
from .operands import next_ip

LMA, SCE = 1 << 10, 1
FLAT = 0xFFFFFFFF
# The flat descriptors these instructions load without reading the GDT (access-rights layout of
# state.py): 64-bit code, 32-bit code, data; ring 3 adds DPL 3 (0x60).
AR_CODE64, AR_CODE32, AR_DATA = 0xA09B, 0xC09B, 0xC093
XCR0_SUPPORTED = 0x1             # x87 only, as CPUID.(EAX=0DH,ECX=0):EAX reports
PMC_COUNTERS = 2                 # RDPMC counters 0-1; they do not count and read 0


def _flat(sel: int, ar: int) -> Seg:
    return Seg(sel, 0, FLAT, ar)


def _enter(cpu, cs: Seg, ss: Seg, cpl: int) -> None:
    cpu.segs[SS] = ss
    cpu.load_cs(cs.sel, cs, cpl)


def _in64(cpu) -> bool:
    return cpu.code_bits == 64


@sem("syscall")
def syscall(cpu, d):
    n = d.length

    def f():
        # Intel: #UD outside 64-bit mode, compatibility mode included (IA32_CSTAR is unused).
        if not _in64(cpu) or not cpu.efer & SCE:
            raise CpuFault(UD)
        star = cpu.read_msr(IA32_STAR)
        sel = (star >> 32) & 0xFFFC
        fl = F.materialize(cpu) & ~F.RF
        cpu.regs[1] = (cpu.rip + n) & 0xFFFFFFFFFFFFFFFF
        cpu.regs[11] = fl
        cpu.rflags = (fl & ~cpu.read_msr(IA32_FMASK)) | 2
        cpu.pending = True
        _enter(cpu, _flat(sel, AR_CODE64), _flat(sel + 8, AR_DATA), 0)
        cpu.rip = cpu.read_msr(IA32_LSTAR)
    return f


@sem("sysret")
def sysret(cpu, d):
    to64 = d.opsize == 8

    def f():
        if not _in64(cpu) or not cpu.efer & SCE:
            raise CpuFault(UD)
        if cpu.cpl:
            raise CpuFault(GP, 0)
        rcx = cpu.regs[1]
        if to64 and not canonical(rcx):
            raise CpuFault(GP, 0)       # Intel checks RCX at CPL 0 (SDM Vol. 2, SYSRET)
        base = (cpu.read_msr(IA32_STAR) >> 48) & 0xFFFF
        cpu.lazy = None
        cpu.rflags = (cpu.regs[11] & 0x3C7FD7) | 2
        cpu.pending = True
        if to64:
            cs = _flat(((base + 16) & 0xFFFF) | 3, AR_CODE64 | 0x60)
        else:
            cs = _flat(base | 3, AR_CODE32 | 0x60)
        _enter(cpu, cs, _flat(((base + 8) & 0xFFFF) | 3, AR_DATA | 0x60), 3)
        cpu.rip = rcx if to64 else rcx & 0xFFFFFFFF
    return f


@sem("sysenter")
def sysenter(cpu, d):
    def f():
        cs_sel = cpu.read_msr(IA32_SYSENTER_CS) & 0xFFFF
        if not cpu.cr0 & 1 or cs_sel & 0xFFFC == 0:
            raise CpuFault(GP, 0)
        lma = cpu.efer & LMA
        F.materialize(cpu)
        cpu.rflags &= ~(F.VM | F.IF | F.RF)
        cpu.pending = True
        cs_sel &= 0xFFFC
        _enter(cpu, _flat(cs_sel, AR_CODE64 if lma else AR_CODE32),
               _flat((cs_sel + 8) & 0xFFFF, AR_DATA), 0)
        m = 0xFFFFFFFFFFFFFFFF if lma else 0xFFFFFFFF
        cpu.regs[4] = cpu.read_msr(IA32_SYSENTER_ESP) & m
        cpu.rip = cpu.read_msr(IA32_SYSENTER_EIP) & m
    return f


@sem("sysexit")
def sysexit(cpu, d):
    to64 = d.opsize == 8

    def f():
        base = cpu.read_msr(IA32_SYSENTER_CS) & 0xFFFF
        if not cpu.cr0 & 1 or base & 0xFFFC == 0 or cpu.cpl:
            raise CpuFault(GP, 0)
        rcx, rdx = cpu.regs[1], cpu.regs[2]
        if to64:
            if not canonical(rcx) or not canonical(rdx):
                raise CpuFault(GP, 0)
            cs = _flat(((base + 32) & 0xFFFF) | 3, AR_CODE64 | 0x60)
        else:
            rcx, rdx = rcx & 0xFFFFFFFF, rdx & 0xFFFFFFFF
            cs = _flat(((base + 16) & 0xFFFF) | 3, AR_CODE32 | 0x60)
        _enter(cpu, cs, _flat(((cs.sel & 0xFFFC) + 8) | 3, AR_DATA | 0x60), 3)
        cpu.regs[4] = rcx
        cpu.rip = rdx
    return f


@sem("swapgs")
def swapgs(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        if cpu.cpl:
            raise CpuFault(GP, 0)
        gs = cpu.segs[GS]
        kernel = cpu.read_msr(IA32_KERNEL_GS_BASE)
        cpu.write_msr(IA32_KERNEL_GS_BASE, gs.base)
        gs.base = kernel
        adv()
    return f


def _osxsave(cpu) -> None:
    if not cpu.cr4 & (1 << 18):
        raise CpuFault(UD)


@sem("xgetbv")
def xgetbv(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        _osxsave(cpu)
        if regs[1] & 0xFFFFFFFF != 0:       # XCR0 only: XINUSE (ECX=1) is not reported
            raise CpuFault(GP, 0)
        regs[0], regs[2] = cpu.xcr0 & 0xFFFFFFFF, cpu.xcr0 >> 32
        adv()
    return f


@sem("xsetbv")
def xsetbv(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        _osxsave(cpu)
        if cpu.vmx.nonroot:                  # XSETBV exits unconditionally (SDM 26.1.2)
            from ..vmx.exitinfo import instruction_exit
            instruction_exit(cpu, d, 55, 0, 0)
        if cpu.cpl or cpu.rflags & F.VM or regs[1] & 0xFFFFFFFF != 0:
            raise CpuFault(GP, 0)
        v = ((regs[2] & 0xFFFFFFFF) << 32) | (regs[0] & 0xFFFFFFFF)
        if not v & 1 or v & ~XCR0_SUPPORTED:
            raise CpuFault(GP, 0)
        cpu.xcr0 = v
        adv()
    return f


@sem("rdpmc")
def rdpmc(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        allowed = cpu.cr4 & 0x100 or cpu.cpl == 0 or not cpu.cr0 & 1
        if not allowed:
            raise CpuFault(GP, 0)
        if cpu.vmx.nonroot and cpu.vctl.proc(11):
            from ..vmx.exitinfo import instruction_exit
            instruction_exit(cpu, d, 15, 0, 0, cause="bit 11 of primary processor-based "
                             "controls: RDPMC exiting", field="CPU_BASED_VM_EXEC_CONTROL", bit=11)
        if regs[1] & 0xFFFFFFFF >= PMC_COUNTERS:
            raise CpuFault(GP, 0)
        regs[0] = regs[2] = 0
        adv()
    return f


@sem("monitor", "mwait", "getsec", "rsm")
def unsupported(cpu, d):
    # CPUID.1:ECX.MONITOR and .SMX are 0 and the CPU never enters SMM: all #UD.
    return fault(UD)

