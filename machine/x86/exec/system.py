"""System instructions: I/O, CPUID, MSRs, TSC, control/debug registers, descriptor tables."""
from __future__ import annotations

from .. import flags as F
from ..cpuid import cpuid
from ..state import GP, UD, CpuFault
from ..vmx.exitinfo import instruction_exit
from . import sem
from .operands import MASK, ea_fn, next_ip, reader, seg_of, writer

PRIMARY, SECONDARY = "CPU_BASED_VM_EXEC_CONTROL", "SECONDARY_VM_EXEC_CONTROL"


def io_qualification(port: int, size: int, is_in: bool, string: bool = False, rep: bool = False,
                     imm: bool = False) -> int:
    """Exit qualification of an I/O instruction (SDM 28.2.1, Table 28-5)."""
    return ((size - 1) | (is_in << 3) | (string << 4) | (rep << 5) | (imm << 6)
            | (port << 16))


def io_exit(cpu, d, port: int, size: int, is_in: bool, string: bool = False,
            rep: bool = False, imm: bool = False, linear: int | None = None) -> None:
    """In non-root operation, exit if the I/O bitmaps or unconditional I/O exiting say so."""
    why = cpu.io_exits(port, size)
    if why is not None:
        from ..vmx.exitinfo import VmExit, mem_info
        info = 0
        if string:
            info = (mem_info(d) & (7 << 7)) | ((d.seg if d.seg is not None and not is_in
                                                else (0 if is_in else 3)) << 15)
        raise VmExit(30, io_qualification(port, size, is_in, string, rep, imm), d.length, info,
                     guest_linear=linear, cause=why,
                     cause_field="IO_BITMAP_A" if "bitmap A" in why else (
                         "IO_BITMAP_B" if "bitmap B" in why else PRIMARY),
                     cause_bit=port if "bitmap" in why else 24)


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
    imm = src[0] == "i"
    port_of = reader(cpu, d, src)
    put = writer(cpu, d, dst)
    adv = next_ip(cpu, d)

    def f():
        port = port_of() & 0xFFFF
        io_allowed(cpu, port, size)
        if cpu.vmx.nonroot:
            io_exit(cpu, d, port, size, True, imm=imm)
        v = cpu.io.io_read(port, size) & MASK[size]
        put(v)
        adv()
        if cpu.observer is not None:
            cpu.notify("io", (port, size, True, v))
    return f


@sem("out")
def out(cpu, d):
    dst, src = d.operands
    size = src[2]
    imm = dst[0] == "i"
    port_of = reader(cpu, d, dst)
    get = reader(cpu, d, src)
    adv = next_ip(cpu, d)

    def f():
        port = port_of() & 0xFFFF
        io_allowed(cpu, port, size)
        if cpu.vmx.nonroot:
            io_exit(cpu, d, port, size, False, imm=imm)
        v = get()
        adv()                      # the device may stop the machine; the OUT has completed
        cpu.io.io_write(port, size, v)
        if cpu.observer is not None:
            cpu.notify("io", (port, size, False, v))
    return f


@sem("cpuid")
def cpuid_(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        if cpu.vmx.nonroot:
            instruction_exit(cpu, d, 10, 0, 0)
        leaf, sub = regs[0] & 0xFFFFFFFF, regs[1] & 0xFFFFFFFF
        a, b, c, dd = cpuid(cpu, leaf, sub)
        regs[0], regs[3], regs[1], regs[2] = a, b, c, dd
        adv()
        if cpu.observer is not None:
            cpu.notify("cpuid", (leaf, sub, a, b, c, dd))
    return f


@sem("rdmsr", "wrmsr")
def msr(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    write = d.mnem == "wrmsr"

    def f():
        _need_cpl0(cpu)
        n = regs[1] & 0xFFFFFFFF
        if cpu.vmx.nonroot:
            why = cpu.msr_exits(n, write)
            if why is not None:
                instruction_exit(cpu, d, 32 if write else 31, 0, 0, cause=why,
                                 field="MSR_BITMAP" if "bitmap bit" in why else PRIMARY,
                                 bit=28 if "bitmap bit" not in why else n & 0x1FFF)
        if write:
            v = ((regs[2] & 0xFFFFFFFF) << 32) | (regs[0] & 0xFFFFFFFF)
            cpu.write_msr(n, v)
        else:
            v = cpu.read_msr(n)
            regs[0], regs[2] = v & 0xFFFFFFFF, v >> 32
        adv()
        if cpu.observer is not None:
            cpu.notify("msr", (n, write, v))
    return f


@sem("rdtsc", "rdtscp")
def rdtsc(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    p = d.mnem == "rdtscp"

    def f():
        if p and cpu.vmx.nonroot and not cpu.vctl.proc2(3):
            raise CpuFault(UD)                           # "enable RDTSCP" = 0
        if cpu.cr4 & 4 and cpu.cpl and cpu.cr0 & 1:      # CR4.TSD
            raise CpuFault(GP, 0)
        if cpu.vmx.nonroot and cpu.vctl.proc(12):
            instruction_exit(cpu, d, 51 if p else 16, 0, 0,
                             cause="bit 12 of primary processor-based controls: RDTSC exiting",
                             field=PRIMARY, bit=12)
        t = cpu.tsc()
        regs[0], regs[2] = t & 0xFFFFFFFF, t >> 32
        if p:
            regs[1] = cpu.read_msr(0xC0000103) & 0xFFFFFFFF
        adv()
    return f


def cr_qualification(cr: int, access: int, gpr: int = 0, lmsw_mem: bool = False,
                     lmsw_src: int = 0) -> int:
    """Exit qualification of a control-register access (SDM 28.2.1, Table 28-3)."""
    return cr | (access << 4) | (lmsw_mem << 6) | (gpr << 8) | (lmsw_src << 16)


def _cr_exit(cpu, d, qual, why, field, bit=None):
    instruction_exit(cpu, d, 28, qual, 0, cause=why, field=field, bit=bit)


def guest_cr_write(cpu, d, n: int, v: int, gpr: int) -> int:
    """MOV to CR in non-root operation: exit, or the value the real register receives
    (SDM 26.3: bits owned by the host keep their value; digest 7.6)."""
    c, ctl = cpu.vmcs, cpu.vctl
    if n in (0, 4):
        mask, shadow = c[f"CR{n}_GUEST_HOST_MASK"], c[f"CR{n}_READ_SHADOW"]
        if (v ^ shadow) & mask:
            _cr_exit(cpu, d, cr_qualification(n, 0, gpr),
                     f"MOV to CR{n} changes bits {((v ^ shadow) & mask):#x} owned by the host "
                     f"(CR{n} guest/host mask)", f"CR{n}_GUEST_HOST_MASK")
        return (cpu.read_cr(n) & mask) | (v & ~mask)
    if n == 3 and ctl.proc(15):
        count = c["CR3_TARGET_COUNT"]
        if v not in [c[f"CR3_TARGET_VALUE{i}"] for i in range(min(count, 4))]:
            _cr_exit(cpu, d, cr_qualification(3, 0, gpr), "bit 15 of primary processor-based "
                     "controls: CR3-load exiting (value not in the CR3-target list)", PRIMARY, 15)
    if n == 8 and ctl.proc(19):
        _cr_exit(cpu, d, cr_qualification(8, 0, gpr),
                 "bit 19 of primary processor-based controls: CR8-load exiting", PRIMARY, 19)
    return v


def guest_cr_read(cpu, d, n: int, gpr: int) -> int:
    c, ctl = cpu.vmcs, cpu.vctl
    if n in (0, 4):
        mask = c[f"CR{n}_GUEST_HOST_MASK"]
        return (cpu.read_cr(n) & ~mask) | (c[f"CR{n}_READ_SHADOW"] & mask)
    if n == 3 and ctl.proc(16):
        _cr_exit(cpu, d, cr_qualification(3, 1, gpr),
                 "bit 16 of primary processor-based controls: CR3-store exiting", PRIMARY, 16)
    if n == 8 and ctl.proc(20):
        _cr_exit(cpu, d, cr_qualification(8, 1, gpr),
                 "bit 20 of primary processor-based controls: CR8-store exiting", PRIMARY, 20)
    return cpu.read_cr(n)


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
            v = regs[r] & m
            if cpu.vmx.nonroot:
                v = guest_cr_write(cpu, d, n, v, r)
            cpu.write_cr(n, v)
            adv()
            if cpu.observer is not None:
                cpu.notify("cr", n)
        return f
    n = src[1]
    r = dst[1]
    m = MASK[dst[2]]

    def f():
        _need_cpl0(cpu)
        if n not in (0, 2, 3, 4, 8):
            raise CpuFault(UD)
        v = guest_cr_read(cpu, d, n, r) if cpu.vmx.nonroot else cpu.read_cr(n)
        regs[r] = v & m
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
        if cpu.vmx.nonroot and cpu.vctl.proc(23):
            instruction_exit(cpu, d, 29, n | ((0 if to_dr else 1) << 4) | (r << 8), 0,
                             cause="bit 23 of primary processor-based controls: MOV-DR exiting",
                             field=PRIMARY, bit=23)
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


def _dt_exit(cpu, d, identity: int) -> None:
    """Descriptor-table exiting for LGDT/LIDT/SGDT/SIDT (exit 46, SDM 28.2.5 Table 28-10)."""
    from ..vmx.exitinfo import mem_info
    info = mem_info(d) | ((1 if d.opsize != 2 else 0) << 11) | (identity << 28)
    instruction_exit(cpu, d, 46, None, info, cause="bit 2 of secondary processor-based "
                     "controls: descriptor-table exiting", field=SECONDARY, bit=2)


@sem("lgdt", "lidt")
def lgdt(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)
    idt = d.mnem == "lidt"
    bsize = 8 if d.bits == 64 else 4
    osize = d.opsize

    def f():
        _need_cpl0(cpu)
        if cpu.vmx.nonroot and cpu.vctl.proc2(2):
            _dt_exit(cpu, d, 3 if idt else 2)
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
        if cpu.vmx.nonroot and cpu.vctl.proc2(2):
            _dt_exit(cpu, d, 1 if idt else 0)
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
        if cpu.vmx.nonroot:
            mask, shadow = cpu.vmcs["CR0_GUEST_HOST_MASK"], cpu.vmcs["CR0_READ_SHADOW"]
            if mask & shadow & 8:
                _cr_exit(cpu, d, cr_qualification(0, 2), "CLTS with CR0.TS owned by the host "
                         "and set in the CR0 read shadow", "CR0_GUEST_HOST_MASK", 3)
            if mask & 8:                       # host owns TS: CLTS leaves CR0.TS alone
                adv()
                return
        cpu.cr0 &= ~8
        adv()
        if cpu.observer is not None:
            cpu.notify("cr", 0)
    return f


@sem("lmsw")
def lmsw(cpu, d):
    get = reader(cpu, d, d.operands[0])
    adv = next_ip(cpu, d)

    mem = d.mod != 3
    ea, s = (ea_fn(cpu, d), seg_of(d)) if mem else (None, None)

    def f():
        _need_cpl0(cpu)
        src = get() & 0xFFFF
        v = src & 0xF
        new = (cpu.cr0 & ~0xE) | v | (cpu.cr0 & 1)   # LMSW can set PE, never clear it
        if cpu.vmx.nonroot:
            mask, shadow = cpu.vmcs["CR0_GUEST_HOST_MASK"] & 0xF, cpu.vmcs["CR0_READ_SHADOW"]
            if (mask & 1 and v & 1 and not shadow & 1) or (v ^ shadow) & mask & 0xE:
                # LMSW m16 also reports the operand's linear address (SDM 28.2.1).
                lin = (cpu.segs[s].base + ea()) & cpu.lin_mask if mem else None
                from ..vmx.exitinfo import VmExit
                raise VmExit(28, cr_qualification(0, 3, 0, mem, src), d.length,
                             guest_linear=lin, cause="LMSW changes CR0 bits owned by the host "
                             "(CR0 guest/host mask)", cause_field="CR0_GUEST_HOST_MASK")
            new = (cpu.cr0 & mask) | (new & ~mask)
        cpu.write_cr0(new)
        adv()
        if cpu.observer is not None:
            cpu.notify("cr", 0)
    return f


@sem("smsw")
def smsw(cpu, d):
    o = d.operands[0]
    put = writer(cpu, d, o if o[0] == "r" else ("m", 2))
    m = MASK[o[2]] if o[0] == "r" else 0xFFFF
    adv = next_ip(cpu, d)

    def f():
        v = cpu.cr0
        if cpu.vmx.nonroot:
            # Bits the host owns read from the CR0 read shadow, as for MOV from CR0 (SDM 26.3).
            mask = cpu.vmcs["CR0_GUEST_HOST_MASK"]
            v = (v & ~mask) | (cpu.vmcs["CR0_READ_SHADOW"] & mask)
        put(v & m)
        adv()
    return f


@sem("invlpg")
def invlpg(cpu, d):
    ea, s = ea_fn(cpu, d), seg_of(d)
    adv = next_ip(cpu, d)

    def f():
        _need_cpl0(cpu)
        lin = (cpu.segs[s].base + ea()) & cpu.lin_mask
        if cpu.vmx.nonroot and cpu.vctl.proc(9):
            instruction_exit(cpu, d, 14, lin, 0, cause="bit 9 of primary processor-based "
                             "controls: INVLPG exiting", field=PRIMARY, bit=9)
        cpu.invlpg(lin)
        adv()
    return f


@sem("invd", "wbinvd")
def wbinvd(cpu, d):
    adv = next_ip(cpu, d)
    invd = d.mnem == "invd"

    def f():
        _need_cpl0(cpu)
        if cpu.vmx.nonroot:
            if invd:
                instruction_exit(cpu, d, 13, 0, 0)
            if cpu.vctl.proc2(6):
                instruction_exit(cpu, d, 54, 0, 0, cause="bit 6 of secondary processor-based "
                                 "controls: WBINVD exiting", field=SECONDARY, bit=6)
        adv()
    return f
