"""The VMX instructions: instruction-level checks in the SDM's order (Vol. 2, "VMX Instruction
Reference": #UD, then the VM exit in non-root operation, then #GP for CPL > 0), then the
operation in machine/x86/vmx/root.py or, for VMLAUNCH/VMRESUME, machine/x86/vmx/entry.py."""
from __future__ import annotations

from ..state import GP, UD, CpuFault
from ..vmx.exitinfo import instruction_exit
from ..vmx.fields import lookup
from . import sem
from .operands import MASK, ea_fn, next_ip, reader, seg_of, writer

EXIT_REASON = {"vmcall": 18, "vmclear": 19, "vmlaunch": 20, "vmptrld": 21, "vmptrst": 22,
               "vmread": 23, "vmresume": 24, "vmwrite": 25, "vmxoff": 26, "vmxon": 27,
               "invept": 50, "invvpid": 53}


def _mode_ud(cpu) -> bool:
    """Real mode, virtual-8086 mode and compatibility mode do not recognise VMX instructions."""
    return not cpu.cr0 & 1 or cpu.rflags & 0x20000 or (cpu.efer & 0x400 and cpu.code_bits != 64)


def _checks(cpu, d, mnem):
    """#UD / VM exit / #GP, shared by every VMX instruction but VMXON and VMCALL."""
    if not cpu.vmx.on or _mode_ud(cpu):
        raise CpuFault(UD)
    if cpu.vmx.nonroot:
        instruction_exit(cpu, d, EXIT_REASON[mnem])
    if cpu.cpl:
        raise CpuFault(GP, 0)


def _m64(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)

    def read():
        return cpu.rd(s, ea(), 8)
    return read


@sem("vmxon")
def vmxon(cpu, d):
    read = _m64(cpu, d)
    adv = next_ip(cpu, d)

    def f():
        if not cpu.cr4 & (1 << 13) or _mode_ud(cpu):
            raise CpuFault(UD)
        if cpu.vmx.nonroot:
            instruction_exit(cpu, d, 27)
        if cpu.vmx.on:
            if cpu.cpl:
                raise CpuFault(GP, 0)
            addr = 0
        else:
            cpu.vmxon_check()          # #GP(0) comes before the operand is read
            addr = read()
        cpu.vmxon(addr)
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", ("vmxon", addr, None))
    return f


@sem("vmxoff")
def vmxoff(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        _checks(cpu, d, "vmxoff")
        cpu.vmxoff()
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", ("vmxoff", None, None))
    return f


@sem("vmclear", "vmptrld")
def vmclear_vmptrld(cpu, d):
    read = _m64(cpu, d)
    adv = next_ip(cpu, d)
    m = d.mnem

    def f():
        _checks(cpu, d, m)
        addr = read()
        if m == "vmclear":
            cpu.vmclear(addr)
        else:
            cpu.vmptrld(addr)
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", (m, addr, None))
    return f


@sem("vmptrst")
def vmptrst(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)

    def f():
        _checks(cpu, d, "vmptrst")
        a = ea()
        cpu.wr(s, a, 8, cpu.vmx.current.addr if cpu.vmx.current else (1 << 64) - 1)
        cpu.vmptrst()
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", ("vmptrst", None, None))
    return f


@sem("vmread")
def vmread(cpu, d):
    dst, src = d.operands                 # Ey, Gy
    size = 8 if d.bits == 64 else 4
    enc_of = reader(cpu, d, src)
    put = writer(cpu, d, dst if dst[0] == "r" else ("m", size))
    adv = next_ip(cpu, d)

    def f():
        _checks(cpu, d, "vmread")
        enc = enc_of()
        c = cpu.vmx.current
        if c is not None:
            found = lookup(enc)
            if found is not None:
                # The store happens (and may fault) before RFLAGS is touched.
                put(c.read(found[0].encoding, found[1]) & MASK[size])
        cpu.vmread(enc)
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", ("vmread", enc, None))
    return f


@sem("vmwrite")
def vmwrite(cpu, d):
    dst, src = d.operands                 # Gy, Ey
    size = 8 if d.bits == 64 else 4
    enc_of = reader(cpu, d, dst)
    val_of = reader(cpu, d, src if src[0] == "r" else ("m", size))
    adv = next_ip(cpu, d)

    def f():
        _checks(cpu, d, "vmwrite")
        value = val_of()
        enc = enc_of()
        cpu.vmwrite(enc, value)
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", ("vmwrite", enc, value))
    return f


@sem("vmcall")
def vmcall(cpu, d):
    adv = next_ip(cpu, d)

    def f():
        if not cpu.vmx.on:
            raise CpuFault(UD)
        if cpu.vmx.nonroot:
            instruction_exit(cpu, d, 18)
        if _mode_ud(cpu):                  # virtual-8086 or compatibility mode, in root
            raise CpuFault(UD)
        if cpu.cpl:
            raise CpuFault(GP, 0)
        cpu.vmcall_root()
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", ("vmcall", None, None))
    return f


@sem("vmlaunch", "vmresume")
def vmlaunch(cpu, d):
    resume = d.mnem == "vmresume"
    n = d.length

    def f():
        _checks(cpu, d, d.mnem)
        cpu.vm_entry(resume, n)
        if cpu.observer is not None:
            cpu.notify("vmx", (d.mnem, None, None))
    return f


@sem("invept", "invvpid")
def invept(cpu, d):
    reg, mem = d.operands
    kind_of = reader(cpu, d, reg)
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)
    m = d.mnem

    def f():
        _checks(cpu, d, m)
        a = ea()
        desc = cpu.rd(s, a, 8).to_bytes(8, "little") + cpu.rd(
            s, (a + 8) & MASK[d.adsize], 8).to_bytes(8, "little")
        kind = kind_of()
        if m == "invept":
            cpu.invept(kind, desc)
        else:
            cpu.invvpid(kind, desc)
        adv()
        if cpu.observer is not None:
            cpu.notify("vmx", (m, kind, None))
    return f
