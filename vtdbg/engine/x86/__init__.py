"""The x86 / VT-x adapter: what the engine needs from an X86CPU, behind the neutral face of
vtdbg/engine/arch.py."""
from __future__ import annotations

from machine.x86.vmx.tables import EXIT_REASONS

from ...errors import VtdbgError
from ..arch import Insn, VirtEvent, read_phys, write_phys
from . import paging, regs, tables
from .disasm import X86Disassembler
from .vmcs import X86Vmcs, qualification

PAGE = 4096
# catchpoint kinds this architecture reports besides the virtualization events
EVENT_KINDS = ("io", "msr", "cpuid", "cr", "vmx", "interrupt", "exception")
VMX_INSTRUCTIONS = ("vmxon", "vmxoff", "vmclear", "vmptrld", "vmptrst", "vmread", "vmwrite",
                    "vmlaunch", "vmresume", "vmcall", "invept", "invvpid")
VECTOR_MAX = {"exception": 31, "interrupt": 255}
VECTOR_NAMES = {"de": 0, "db": 1, "nmi": 2, "bp": 3, "of": 4, "br": 5, "ud": 6, "nm": 7,
                "df": 8, "ts": 10, "np": 11, "ss": 12, "gp": 13, "pf": 14, "mf": 16, "ac": 17,
                "mc": 18, "xm": 19, "ve": 20, "cp": 21}


class X86Arch:
    name = "x86"
    virt_name = "VT-x"
    virt_instructions = VMX_INSTRUCTIONS      # what `catch vmx` filters by
    vector_names = VECTOR_NAMES               # `catch exception #PF`
    vector_max = VECTOR_MAX

    def __init__(self, machine):
        self.machine = machine
        self.cpu = machine.cpu
        self.regs = regs.build(self.cpu)
        self.disassembler = X86Disassembler()
        self.control = X86Vmcs(self.cpu)
        self.exit_reasons = dict(EXIT_REASONS)

    # -- where we are ---------------------------------------------------------------------
    def pc(self) -> int:
        c = self.cpu
        return (c.segs[1].base + c.rip) & c.lin_mask

    def sp(self) -> int:
        return self.cpu.regs[4]

    def segment_offset(self, lin: int) -> int | None:
        """lin as an offset in CS in real and virtual-8086 mode (else None)."""
        c = self.cpu
        base = c.segs[1].base
        if c.code_bits == 16 and base and base <= lin < base + 0x10000 and (
                not c.cr0 & 1 or c.rflags & 0x20000):
            return lin - base
        return None

    def word_size(self) -> int:
        return self.cpu.code_bits // 8 if self.cpu.code_bits > 16 else 2

    def icount(self) -> int:
        return self.cpu.icount

    def virt_on(self) -> bool:
        return self.cpu.vmx.on

    def guest_where(self) -> str | None:
        """For guest-only stepping: 'guest' in non-root operation, 'vmm' in a VMM with a
        guest to enter (a launched VMCS, or at VMLAUNCH/VMRESUME), else None."""
        v = self.cpu.vmx
        if v.nonroot:
            return "guest"
        if v.on and (v.current is not None and v.current.launched or self._at_vm_entry()):
            return "vmm"
        return None

    def _at_vm_entry(self) -> bool:
        ins = self.insn_at(self.pc())
        return ins is not None and ins.mnemonic in ("vmlaunch", "vmresume")

    def context(self) -> str:
        """'guest' in VMX non-root operation, else 'host'."""
        return "guest" if self.cpu.vmx.nonroot else "host"

    def mode_text(self) -> str:
        c = self.cpu
        parts = [c.mode_name, f"CPL {c.cpl}"]
        if c.vmx.on:
            parts.append("VMX non-root" if c.vmx.nonroot else "VMX root")
        if c.halted:
            parts.append("halted")
        return ", ".join(parts)

    def current_vmcs(self) -> int | None:
        v = self.cpu.vmx.current
        return None if v is None else v.addr

    # -- memory ---------------------------------------------------------------------------
    def paging_regs(self, context: str | None = None) -> paging.Regs:
        cpu = self.cpu
        here = self.context()
        if context is None or context == here:
            return paging.now(cpu)
        c = cpu.vmx.current
        if c is None:
            raise VtdbgError(f"no {context} context: there is no current VMCS")
        if context == "guest":
            return paging.guest_of(c)
        host64 = c["VM_EXIT_CONTROLS"] >> 9 & 1
        efer = c["HOST_IA32_EFER"] if c["VM_EXIT_CONTROLS"] >> 21 & 1 else (
            0x500 if host64 else 0)
        return paging.Regs(c["HOST_CR0"], c["HOST_CR3"], c["HOST_CR4"], efer, [0, 0, 0, 0])

    def translate(self, lin: int, context: str | None = None) -> paging.Translation:
        return paging.translate(self.cpu.bus, self.paging_regs(context), lin)

    def phys_of(self, lin: int, context: str | None = None) -> int:
        t = paging.translate(self.cpu.bus, self.paging_regs(context), lin, ept_steps=False)
        if t.host is None:
            raise VtdbgError(f"cannot access memory at {lin:#x}: {t.error or 'not mapped'}")
        return t.host

    def read_virt(self, lin: int, n: int, context: str | None = None) -> bytes:
        out = bytearray()
        r = self.paging_regs(context)
        while n > 0:
            chunk = min(n, PAGE - (lin & 0xFFF))
            t = paging.translate(self.cpu.bus, r, lin, ept_steps=False)
            if t.host is None:
                if out:
                    break
                raise VtdbgError(f"cannot access memory at {lin:#x}: {t.error or 'not mapped'}")
            out += self.read_phys(t.host, chunk)
            lin += chunk
            n -= chunk
        return bytes(out)

    def write_virt(self, lin: int, data: bytes, context: str | None = None) -> None:
        r = self.paging_regs(context)
        parts = []
        pos = 0
        while pos < len(data):        # translate everything first: all or nothing
            chunk = min(len(data) - pos, PAGE - ((lin + pos) & 0xFFF))
            t = paging.translate(self.cpu.bus, r, lin + pos, ept_steps=False)
            if t.host is None:
                raise VtdbgError(f"cannot access memory at {lin + pos:#x}: "
                                 f"{t.error or 'not mapped'}")
            parts.append((t.host, data[pos:pos + chunk]))
            pos += chunk
        for pa, b in parts:
            self.write_phys(pa, b)

    def read_phys(self, pa: int, n: int) -> bytes:
        return read_phys(self.cpu.bus, pa, n, 52)

    def write_phys(self, pa: int, data: bytes) -> None:
        write_phys(self.cpu.bus, pa, data, 52)

    def linear_pages_of(self, ppage: int) -> list[int]:
        return paging.linear_pages_of(self.cpu.bus, paging.now(self.cpu), ppage)

    # -- code -----------------------------------------------------------------------------
    def disassemble(self, lin: int, count: int, context: str | None = None) -> list[Insn]:
        code = self.read_virt(lin, 15 * count, context)
        return self.disassembler.disassemble(code, lin, count, self.cpu.code_bits)

    def insn_at(self, lin: int) -> Insn | None:
        try:
            got = self.disassemble(lin, 1)
        except VtdbgError:
            return None
        return got[0] if got else None

    # -- system tables --------------------------------------------------------------------
    def _read_int(self, lin: int, size: int) -> int:
        return int.from_bytes(self.read_virt(lin, size), "little")

    def gdt_lines(self, everything: bool = False) -> list[str]:
        c = self.cpu
        return tables.gdt(self._read_int, c.gdtr[0], c.gdtr[1], bool(c.efer & 0x400),
                          8192 if everything else 32)

    def idt_lines(self) -> list[str]:
        c = self.cpu
        return tables.idt(self._read_int, c.idtr[0], c.idtr[1], c.mode_name, 256)

    def tss_lines(self) -> list[str]:
        c = self.cpu
        return tables.tss(self._read_int, c.tr, bool(c.efer & 0x400))

    def tlb_lines(self) -> list[str]:
        return tables.tlb(self.cpu.tlb_entries())

    # -- events ---------------------------------------------------------------------------
    def virt_event(self, kind: str, payload) -> VirtEvent | None:
        """The machine's vmexit / vmentry / vmfail notification as a VirtEvent."""
        cpu = self.cpu
        c = cpu.vmx.current
        if kind == "vmexit":
            ev = payload
            raw = c["VM_EXIT_REASON"] if c is not None else ev.reason
            failed = bool(raw >> 31 & 1)
            base = ev.reason & 0xFFFF
            out = VirtEvent("entry-fail" if failed else "exit", cpu.icount, base,
                            EXIT_REASONS.get(base, f"reason {base}"), ev.qualification,
                            c["GUEST_RIP"] if c is not None and not failed else 0,
                            ev.guest_linear, ev.guest_physical, ev.instruction_length,
                            ev.intr_info, ev.cause, ev.cause_field, ev.cause_bit)
            if failed:
                rep = cpu.vmx.last_entry
                insn = rep.instruction if rep is not None else "VM entry"
                out.detail = f"{insn}: exit {base} {out.name}"
                if rep is not None and rep.failed is not None:
                    out.cause = f"{rep.failed.name} (SDM {rep.failed.sdm}): {rep.detail}"
            return out
        if kind in ("vmentry", "vmfail"):
            rep = payload
            ev = VirtEvent("entry" if kind == "vmentry" else "entry-fail", cpu.icount,
                           detail=f"{rep.instruction}: {rep.outcome}")
            ev.name = rep.instruction
            if c is not None:
                ev.guest_rip = c["GUEST_RIP"]
            if kind == "vmfail":
                ev.name = rep.outcome               # VMfailInvalid / VMfailValid(n)
                err = c["VM_INSTRUCTION_ERROR"] if c is not None and "Valid" in rep.outcome \
                    else 0
                if err:
                    from machine.x86.vmx.tables import VM_INSTRUCTION_ERRORS
                    ev.detail += f" ({VM_INSTRUCTION_ERRORS.get(err, 'error ' + str(err))})"
            if rep.failed is not None:
                ev.cause = f"{rep.failed.name} (SDM {rep.failed.sdm}): {rep.detail}"
            return ev
        return None

    no_entry_text = "No VM entry has been attempted."

    def event_title(self, r) -> str:
        """How an exit-log record reads in a stop message."""
        if r.kind == "exit":
            return f"VM exit #{r.index}: {r.name}"
        if r.kind == "entry":
            return f"VM entry #{r.index}: {r.name}"
        return f"VM-entry failure #{r.index}: {r.detail}"

    def exit_labels(self, r) -> dict:
        """The words `info exit N` uses for a record."""
        kind = {"exit": "VM exit", "entry": "VM entry", "entry-fail": "VM-entry failure"}
        return {"head": f"{kind[r.kind]} #{r.index}", "reason": "exit reason",
                "qual": "qualification", "rip": "guest RIP", "detail": "outcome",
                "ctl": "VMCS", "length": True, "entry": "entry"}

    def stats_heading(self, exits: int, entries: int, failed: int) -> str:
        return f"{exits} VM exits, {entries} VM entries, {failed} failed entries"

    def reason_label(self, reason: int) -> str:
        return str(reason)

    def qualification_text(self, reason: int, q: int, intr: int = 0) -> str:
        return qualification(reason, q, intr).text

    def intr_text(self, info: int) -> str:
        return _intr(info).text

    def msr_number(self, name: str) -> int:
        return dict(regs.MSRS)[name]

    def bit_name(self, field: str, bit: int) -> str | None:
        """The name of a control bit, None when the field has no named bits."""
        from machine.x86.vmx.tables import CONTROL_BITS
        names = CONTROL_BITS.get(field)
        return None if names is None else names.get(bit, "reserved")

    def reason_name(self, reason: int) -> str:
        return EXIT_REASONS.get(reason, f"reason {reason}")

    def reason_number(self, name: str) -> int | None:
        """An exit reason by SDM name (any case, with or without EXIT_REASON_) or number."""
        t = name.upper().replace("-", "_")
        t = t.removeprefix("EXIT_REASON_")
        for n, nm in EXIT_REASONS.items():
            if nm == t:
                return n
        try:
            n = int(name, 0)
        except ValueError:
            return None
        return n if 0 <= n <= 0xFFFF else None

    def last_entry(self):
        return self.cpu.vmx.last_entry

    def rule_area(self, name: str) -> str:
        from machine.x86.vmx.checks import RULES
        for r in RULES:
            if r.name == name:
                return r.area
        return "?"

    def exit_variables(self, ev: VirtEvent) -> dict:
        """$exit_reason, $exit_qual (with named fields) and friends for conditions."""
        return {"exit_reason": ev.reason,
                "exit_qual": qualification(ev.reason, ev.qualification, ev.intr_info),
                "exit_intr": _intr(ev.intr_info), "guest_rip": ev.guest_rip,
                "exit_len": ev.length,
                "guest_linear": ev.guest_linear or 0, "guest_physical": ev.guest_physical or 0}

    def event_text(self, kind: str, payload) -> tuple[str, dict]:
        """A one-line description of a non-VMX event and its convenience variables."""
        if kind == "io":
            port, size, is_in, v = payload
            text = (f"{'IN' if is_in else 'OUT'} port {port:#x} ({size} byte"
                    f"{'s' if size > 1 else ''}) value {v:#x}")
            return (text, {"port": port, "io_size": size, "io_in": int(is_in), "io_value": v})
        if kind == "msr":
            n, write, v = payload
            return (f"{'WRMSR' if write else 'RDMSR'} {n:#x} value {v:#x}",
                    {"msr": n, "msr_write": int(write), "msr_value": v})
        if kind == "cpuid":
            leaf, sub, a, b, c, d = payload
            text = (f"CPUID leaf {leaf:#x} subleaf {sub:#x} -> eax {a:#x} ebx {b:#x} "
                    f"ecx {c:#x} edx {d:#x}")
            return text, {"leaf": leaf, "subleaf": sub}
        if kind == "vmx":
            mnem, a, b = payload
            text = mnem.upper()
            if mnem in ("vmwrite", "vmread") and a is not None:
                from machine.x86.vmx.fields import lookup
                f = lookup(a)
                text += f" {f[0].name if f else hex(a)}"
                if b is not None:
                    text += f" = {b:#x}"
            elif a is not None:
                text += f" {a:#x}"
            return text, {"vmx_insn": mnem}
        if kind in ("exception", "interrupt"):
            vec, err = payload
            from .vmcs import EXCEPTION_NAMES
            name = EXCEPTION_NAMES.get(vec, "") if kind == "exception" else ""
            text = f"{kind} vector {vec:#x}" + (f" ({name})" if name else "")
            if err is not None and kind == "exception":
                text += f", error code {err:#x}"
            return text, {"vector": vec, "error": err or 0}
        if kind == "cr":
            return f"CR{payload} written", {"cr": payload}
        return kind, {}

    def install(self, observer, on_exception=None) -> None:
        """Hook the engine in (again after a restore, which brings back the CPU's fields)."""
        self.cpu.observer = observer
        if on_exception is None:
            self.cpu.__dict__.pop("observers_exception", None)    # the class default: None
        else:
            self.cpu.observers_exception = on_exception

    def uninstall(self) -> None:
        self.cpu.observer = None
        self.cpu.__dict__.pop("observers_exception", None)


def _intr(v: int):
    from .vmcs import intr_info
    return intr_info(v)
