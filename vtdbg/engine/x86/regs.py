"""The x86 register file as data: general, flags, segment (with hidden parts), descriptor
tables, control, debug and selected MSRs.

Writes by the debugger are raw (no #GP checks, as Bochs and Simics do), followed by what keeps
the model consistent: the mode is recomputed and the TLB dropped after CR/EFER changes.
"""
from __future__ import annotations

from machine.x86 import flags as F
from machine.x86.state import CpuFault

from ...errors import VtdbgError
from ..arch import RegDesc, RegisterFile

GPR = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + [f"r{i}d" for i in range(8, 16)]
R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + [f"r{i}w" for i in range(8, 16)]
R8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + [f"r{i}b" for i in range(8, 16)]
DISPLAY_ORDER = [0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15]
SEGS = ["es", "cs", "ss", "ds", "fs", "gs"]
GROUPS = [("general", "General registers"), ("flags", "Flags"),
          ("segment", "Segment registers"), ("system", "Descriptor tables"),
          ("control", "Control registers"), ("debug", "Debug registers"),
          ("msr", "Model-specific registers")]
FLAG_BITS = [(0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"), (8, "TF"), (9, "IF"),
             (10, "DF"), (11, "OF"), (14, "NT"), (16, "RF"), (17, "VM"), (18, "AC"),
             (19, "VIF"), (20, "VIP"), (21, "ID")]
CR0_BITS = [(0, "PE"), (1, "MP"), (2, "EM"), (3, "TS"), (4, "ET"), (5, "NE"), (16, "WP"),
            (18, "AM"), (29, "NW"), (30, "CD"), (31, "PG")]
CR4_BITS = [(0, "VME"), (1, "PVI"), (2, "TSD"), (3, "DE"), (4, "PSE"), (5, "PAE"), (6, "MCE"),
            (7, "PGE"), (8, "PCE"), (9, "OSFXSR"), (10, "OSXMMEXCPT"), (11, "UMIP"),
            (13, "VMXE"), (14, "SMXE"), (16, "FSGSBASE"), (17, "PCIDE"), (18, "OSXSAVE"),
            (20, "SMEP"), (21, "SMAP"), (22, "PKE")]
EFER_BITS = [(0, "SCE"), (8, "LME"), (10, "LMA"), (11, "NXE")]
MSRS = [("ia32_feature_control", 0x3A), ("ia32_apic_base", 0x1B), ("ia32_tsc", 0x10),
        ("ia32_sysenter_cs", 0x174), ("ia32_sysenter_esp", 0x175),
        ("ia32_sysenter_eip", 0x176), ("ia32_debugctl", 0x1D9), ("ia32_pat", 0x277),
        ("ia32_star", 0xC0000081), ("ia32_lstar", 0xC0000082), ("ia32_cstar", 0xC0000083),
        ("ia32_fmask", 0xC0000084), ("ia32_kernel_gs_base", 0xC0000102)]
SEG_TYPES = {0: "data r/o", 1: "data r/o, accessed", 2: "data r/w", 3: "data r/w, accessed",
             4: "data r/o, expand-down", 5: "data r/o, expand-down, accessed",
             6: "data r/w, expand-down", 7: "data r/w, expand-down, accessed",
             8: "code x/o", 9: "code x/o, accessed", 10: "code x/r", 11: "code x/r, accessed",
             12: "code x/o, conforming", 13: "code x/o, conforming, accessed",
             14: "code x/r, conforming", 15: "code x/r, conforming, accessed"}
SYS_TYPES = {1: "16-bit TSS (available)", 2: "LDT", 3: "16-bit TSS (busy)",
             4: "16-bit call gate", 5: "task gate", 6: "16-bit interrupt gate",
             7: "16-bit trap gate", 9: "TSS (available)", 11: "TSS (busy)", 12: "call gate",
             14: "interrupt gate", 15: "trap gate"}


def bit_names(value: int, table) -> str:
    return " ".join(n for b, n in table if value >> b & 1)


def bracket(value: int, table) -> str:
    names = bit_names(value, table)
    return f"[ {names} ]" if names else "[ ]"


def describe_ar(ar: int) -> str:
    """A segment's access rights in the VMX layout (SDM 25.4.1, Table 25-2)."""
    if ar & 0x10000:
        return "unusable"
    typ = ar & 0xF
    parts = [SEG_TYPES[typ] if ar & 0x10 else SYS_TYPES.get(typ, f"system type {typ}"),
             f"DPL {(ar >> 5) & 3}", "present" if ar & 0x80 else "not present"]
    for bit, name in ((13, "L"), (14, "D/B"), (15, "G"), (12, "AVL")):
        if ar >> bit & 1:
            parts.append(name)
    return ", ".join(parts)


def build(cpu) -> RegisterFile:
    regs: list[RegDesc] = []

    def changed_mode():
        cpu.update_mode()
        cpu.flush_tlb()
        cpu._select_tlb()

    # general purpose, with their 32/16/8-bit parts as aliases of the expression language
    for i in DISPLAY_ORDER:
        name = GPR[i]
        regs.append(RegDesc(name, 64, "general", _gpr_get(cpu, i, 64), _gpr_set(cpu, i, 64),
                            address=name in ("rsp", "rbp")))
    for i, name in enumerate(GPR):
        for sub, bits in ((R32[i], 32), (R16[i], 16), (R8[i], 8)):
            regs.append(RegDesc(sub, bits, "sub", _gpr_get(cpu, i, bits), _gpr_set(cpu, i, bits)))
    for i, hb in enumerate(("ah", "ch", "dh", "bh")):
        regs.append(RegDesc(hb, 8, "sub", (lambda i=i: cpu.regs[i] >> 8 & 0xFF),
                            (lambda v, i=i: _set_bits(cpu, i, v, 8, 8))))
    regs.append(RegDesc("rip", 64, "general", lambda: cpu.rip, _set_rip(cpu),
                        aliases=("eip", "ip"), address=True))
    regs.append(RegDesc("pc", 64, "sub", lambda: (cpu.segs[1].base + cpu.rip) & cpu.lin_mask,
                        None))

    def set_flags(v):
        F.materialize(cpu)
        cpu.set_flags(v)
        cpu.update_mode()
    regs.append(RegDesc("rflags", 64, "flags", lambda: F.materialize(cpu), set_flags,
                        aliases=("eflags", "flags"),
                        describe=lambda v: f"{bracket(v, FLAG_BITS)} IOPL={(v >> 12) & 3}"))

    for s, name in enumerate(SEGS):
        regs.append(RegDesc(name, 16, "segment", (lambda s=s: cpu.segs[s].sel), None,
                            describe=(lambda v, s=s: _seg_text(cpu.segs[s]))))
        regs.append(RegDesc(name + "_base", 64, "sub", (lambda s=s: cpu.segs[s].base),
                            _seg_base_set(cpu, s) if name in ("fs", "gs") else None))
        regs.append(RegDesc(name + "_limit", 32, "sub", (lambda s=s: cpu.segs[s].limit), None))
        regs.append(RegDesc(name + "_ar", 32, "sub", (lambda s=s: cpu.segs[s].ar), None))
    regs.append(RegDesc("ldtr", 16, "segment", lambda: cpu.ldtr.sel, None,
                        describe=lambda v: _seg_text(cpu.ldtr)))
    regs.append(RegDesc("tr", 16, "segment", lambda: cpu.tr.sel, None,
                        describe=lambda v: _seg_text(cpu.tr)))
    for tname, attr in (("gdtr", "gdtr"), ("idtr", "idtr")):
        regs.append(RegDesc(tname + "_base", 64, "system", (lambda a=attr: getattr(cpu, a)[0]),
                            (lambda v, a=attr: _tbl_set(cpu, a, 0, v)), address=True))
        regs.append(RegDesc(tname + "_limit", 16, "system", (lambda a=attr: getattr(cpu, a)[1]),
                            (lambda v, a=attr: _tbl_set(cpu, a, 1, v))))

    def cr_set(attr):
        def f(v):
            setattr(cpu, attr, v)
            changed_mode()
        return f
    regs.append(RegDesc("cr0", 64, "control", lambda: cpu.cr0, cr_set("cr0"),
                        describe=lambda v: bracket(v, CR0_BITS)))
    regs.append(RegDesc("cr2", 64, "control", lambda: cpu.cr2, cr_set("cr2"), address=True))
    regs.append(RegDesc("cr3", 64, "control", lambda: cpu.cr3, cr_set("cr3")))
    regs.append(RegDesc("cr4", 64, "control", lambda: cpu.cr4, cr_set("cr4"),
                        describe=lambda v: bracket(v, CR4_BITS)))
    regs.append(RegDesc("cr8", 4, "control", lambda: cpu.cr8, cr_set("cr8")))
    regs.append(RegDesc("efer", 64, "control", lambda: cpu.efer, cr_set("efer"),
                        describe=lambda v: bracket(v, EFER_BITS)))
    regs.append(RegDesc("xcr0", 64, "control", lambda: cpu.xcr0, cr_set("xcr0")))
    for n in (0, 1, 2, 3, 6, 7):
        regs.append(RegDesc(f"dr{n}", 64, "debug", (lambda n=n: cpu.dr[n]),
                            (lambda v, n=n: cpu.dr.__setitem__(n, v))))
    for name, num in MSRS:
        regs.append(RegDesc(name, 64, "msr", _msr_get(cpu, num), _msr_set(cpu, num)))
    groups = GROUPS
    return RegisterFile(regs, groups)


def _seg_text(s) -> str:
    return f"base {s.base:#x} limit {s.limit:#x} ar {s.ar:#x} ({describe_ar(s.ar)})"


def _gpr_get(cpu, i, bits):
    m = (1 << bits) - 1
    return lambda: cpu.regs[i] & m


def _set_bits(cpu, i, v, shift, bits):
    m = ((1 << bits) - 1) << shift
    cpu.regs[i] = (cpu.regs[i] & ~m) | ((v << shift) & m)


def _gpr_set(cpu, i, bits):
    if bits == 64:
        def f(v):
            cpu.regs[i] = v
        return f
    if bits == 32:                       # a 32-bit write zero-extends, as MOV r32 does
        def g(v):
            cpu.regs[i] = v & 0xFFFFFFFF
        return g
    return lambda v: _set_bits(cpu, i, v, 0, bits)


def _set_rip(cpu):
    def f(v):
        cpu.rip = v
        cpu.pending = True
    return f


def _seg_base_set(cpu, s):
    def f(v):
        cpu.segs[s].base = v
        cpu.update_mode()
    return f


def _tbl_set(cpu, attr, idx, v):
    getattr(cpu, attr)[idx] = v


def _msr_get(cpu, num):
    def f():
        try:
            return cpu.read_msr(num)
        except CpuFault:
            raise VtdbgError(f"MSR {num:#x} cannot be read (#GP)") from None
    return f


def _msr_set(cpu, num):
    def f(v):
        try:
            cpu.write_msr(num, v)
        except CpuFault:
            raise VtdbgError(f"MSR {num:#x} refuses {v:#x} (#GP)") from None
    return f
