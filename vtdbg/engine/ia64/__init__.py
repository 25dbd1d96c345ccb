"""The IA-64 (Itanium) adapter: what the engine needs from an IA64CPU, behind the neutral face
of vtdbg/engine/arch.py, the counterpart of vtdbg/engine/x86.

- Addresses of instructions are bundle + slot (0x100012 is slot 2 of the bundle at
  0x100010): `$pc`, breakpoints, the disassembler and stepping all use them, so `stepi`
  executes one instruction slot.
- Memory is virtual in the current translation mode (PSR.dt for data, PSR.it for code),
  read without side effects (translate.py).
- Interruptions are the "exception" family of catchpoints (`catch exception data_tlb`,
  vectors.py); an External Interrupt is also an "interrupt" event carrying the vector the
  processor will hand out through IVR. The machine stops at the vector's first instruction.
- Virtualization events (vti.py): a virtualization fault (reason = cause, qualification =
  GR25) and every other interruption the guest takes (reason = IVT offset) are "exit"
  VirtEvents, a PAL_VPS_RESUME_* an "entry", so the exit log, `catch vmexit`/`catch vfault`
  and guest-only stepping work as for VT-x; PAL calls and vmsw are the "pal" and "vmsw"
  catch kinds. `context()` follows PSR.vm. The VPD view is vpd.py.
"""
from __future__ import annotations

from typing import ClassVar

from machine.ia64 import faults as F
from machine.ia64 import psr as P
from machine.ia64.decode import decode_slot
from machine.ia64.disasm import insn_text as slot_text

from ...errors import VtdbgError
from ..arch import Insn, VirtEvent, read_phys, write_phys
from . import regs, vectors, vti
from . import translate as tr
from .disasm import disassemble as ia64_disassemble
from .rse import rse_lines
from .vpd import IA64Vpd

PAGE = 4096
M64 = (1 << 64) - 1
VECTOR_MAX = {"exception": 0x7F00, "interrupt": 255}


class IA64Arch:
    name = "ia64"
    virt_name = "VT-i"
    virt_instructions: tuple[str, ...] = ()     # VT-i has vmsw and PAL: their own catch kinds
    catch_kinds = ("vfault", "pal", "vmsw")     # beyond the common ones
    vector_names: ClassVar[dict[str, int]] = {v: k for k, v in vectors.NAMES.items()}
    vector_max = VECTOR_MAX
    main_groups = regs.MAIN_GROUPS

    def __init__(self, machine):
        self.machine = machine
        self.cpu = machine.cpu
        self.regs = regs.build(self.cpu)
        self.control = IA64Vpd(self.cpu)
        self.exit_reasons: dict[int, str] = dict(vti.REASONS)
        self.last_event: dict | None = None        # the last interruption the CPU delivered
        self._syms = None
        self._stepping = False
        self._notes: list[str] = []

    # -- where we are ---------------------------------------------------------------------
    def pc(self) -> int:
        return self.cpu.ip | self.cpu.ri

    def sp(self) -> int:
        return self.cpu.gr[12]

    def frame_key(self) -> int:
        """Stack depth for stepping over calls and out of functions, larger = shallower:
        br.call moves AR.BSP up by the caller's locals and br.ret moves it back."""
        return M64 - self.cpu.bsp()

    def segment_offset(self, lin: int) -> int | None:
        return None

    def word_size(self) -> int:
        return 8

    def icount(self) -> int:
        return self.cpu.icount

    def virt_on(self) -> bool:
        """VT-i in use: a guest runs (PSR.vm) or a virtual processor exists."""
        return bool(self.cpu.psr & P.VM or self.cpu.vti.vps)

    def guest_where(self) -> str | None:
        """For guest-only stepping: 'guest' at PSR.vm = 1, 'vmm' while a virtual processor
        exists to resume, else None."""
        if self.cpu.psr & P.VM:
            return "guest"
        return "vmm" if self.cpu.vti.vps else None

    def context(self) -> str:
        """'guest' while PSR.vm is set (VT-i), else 'host'."""
        return "guest" if self.cpu.psr & P.VM else "host"

    def mode_text(self) -> str:
        c = self.cpu
        on = [n for n, b in (("it", P.IT), ("dt", P.DT), ("rt", P.RT)) if c.psr & b]
        mode = "physical mode" if not on else "virtual mode" if len(on) == 3 else \
            f"mixed mode ({' '.join(on)} on)"
        parts = [mode, f"cpl {c.cpl}", f"bank {(c.psr >> 44) & 1}"]
        if not c.psr & P.IC:
            parts.append("interruption collection off")
        if c.psr & P.VM:
            parts.append("PSR.vm (VT-i guest)")
        if c.halted:
            parts.append("halted (PAL_HALT_LIGHT)")
        return ", ".join(parts)

    def virt_lines(self, exits_logged: int) -> list[str]:
        return vti.state_lines(self.cpu, exits_logged)

    def current_vmcs(self) -> int | None:
        """The current virtual processor's VPD (the exit log's VMCS column)."""
        return self.control.address()


    # -- memory ---------------------------------------------------------------------------
    def _read8(self, pa: int) -> int:
        return int.from_bytes(self.read_phys(pa, 8), "little")

    def translate(self, va: int, context: str | None = None, instr: bool = False,
                  other: bool = True) -> tr.Translation:
        return tr.translate(self.cpu, self._read8, va & M64, instr, other)

    def translate_lines(self, va: int, context: str | None = None) -> list[str]:
        out = tr.translate_lines(self.translate(va, context), "data access")
        code = self.translate(va, context, instr=True, other=False)
        if code.physical is not None:
            out.append(f"  instruction fetch -> physical {code.physical:#x}")
        else:
            out.append(f"  instruction fetch: {code.error}")
        return out

    def _pa(self, va: int, instr: bool = False) -> int:
        t = self.translate(va, instr=instr)
        if t.physical is None:
            raise VtdbgError(f"cannot access memory at {va:#x}: {t.error}")
        return t.physical

    def phys_of(self, lin: int, context: str | None = None) -> int:
        return self._pa(lin, instr=True)

    def read_virt(self, lin: int, n: int, context: str | None = None,
                  instr: bool = False) -> bytes:
        out = bytearray()
        lin &= M64
        while n > 0:
            chunk = min(n, PAGE - (lin & 0xFFF))
            try:
                pa = self._pa(lin, instr)
            except VtdbgError:
                if out:
                    break
                raise
            out += self.read_phys(pa, chunk)
            lin = (lin + chunk) & M64
            n -= chunk
        return bytes(out)

    def write_virt(self, lin: int, data: bytes, context: str | None = None) -> None:
        parts, pos = [], 0
        while pos < len(data):        # translate everything first: all or nothing
            a = (lin + pos) & M64
            chunk = min(len(data) - pos, PAGE - (a & 0xFFF))
            parts.append((self._pa(a), data[pos:pos + chunk]))
            pos += chunk
        for pa, b in parts:
            self.write_phys(pa, b)

    def read_phys(self, pa: int, n: int) -> bytes:
        return read_phys(self.cpu.bus, pa, n, 50)

    def write_phys(self, pa: int, data: bytes) -> None:
        write_phys(self.cpu.bus, pa, data, 50)

    def linear_pages_of(self, ppage: int) -> list[int]:
        """The 4 KiB virtual pages whose instruction fetches reach physical page ppage."""
        cpu = self.cpu
        if not cpu.psr & P.IT:
            return [ppage, ppage | (1 << 51)]          # bit 63 (uncacheable) as a page number
        out = []
        for e in [e for e in cpu.itr if e is not None] + list(cpu.itc):
            size = 1 << e.ps
            if e.ppn <= ppage << 12 < e.ppn + size:
                for vrn in tr.region_of(cpu, e.rid):
                    out.append(((vrn << 61) | e.vbase | ((ppage << 12) - e.ppn)) >> 12)
        return out

    # -- code -----------------------------------------------------------------------------
    def disassemble(self, lin: int, count: int, context: str | None = None) -> list[Insn]:
        return ia64_disassemble(lambda a, n: self.read_virt(a, n, instr=True), lin & M64,
                                count)

    def check_code_address(self, addr: int) -> None:
        """A breakpoint address must name a slot: bundle (16-byte aligned) + 0, 1 or 2."""
        if addr & 0xF > 2:
            raise VtdbgError(f"{addr:#x} is not an instruction address: IA-64 instructions "
                             f"are at bundle + slot 0-2 ({addr & ~0xF:#x}..{addr & ~0xF | 2:#x})")

    def insn_at(self, lin: int) -> Insn | None:
        try:
            got = self.disassemble(lin, 1)
        except VtdbgError:
            return None
        return got[0] if got else None

    # -- system tables --------------------------------------------------------------------
    def gdt_lines(self, everything: bool = False) -> list[str]:
        raise VtdbgError("IA-64 has no descriptor tables: see info tlb, info ivt, info rse")

    def tss_lines(self) -> list[str]:
        raise VtdbgError("IA-64 has no task-state segment: see info rse, info registers")

    def idt_lines(self) -> list[str]:
        """The interruption vector table (the IA-64 counterpart of the IDT)."""
        def first(addr: int) -> str:
            """The entry's first bundle without its nops."""
            slots = [i for i in self.disassemble(addr, 3) if i.address < addr + 16]
            if not any(b"".join(i.raw for i in slots)):
                return "(zero bundle: break.m 0x0)"
            real = [i for i in slots if not i.mnemonic.startswith("nop")]
            return "; ".join(i.render(self._describe, columns=False) for i in real) or "nop"
        return vectors.ivt_lines(self.cpu.cr[2], first, self._describe)

    def tlb_lines(self) -> list[str]:
        return tr.tlb_lines(self.cpu)

    def rse_lines(self, everything: bool = False) -> list[str]:
        return rse_lines(self.cpu, everything)

    # -- events ---------------------------------------------------------------------------
    def parse_vector(self, kind: str, word: str) -> tuple[int, str] | None:
        """Catch filters: an IVT vector (`catch exception`) by name, entry number or offset;
        a cause (`catch vfault`); a PAL procedure or VPS service (`catch pal`)."""
        if kind == "vfault":
            return vti.parse_cause(word)
        if kind == "pal":
            return vti.parse_pal(word)
        if kind == "vmsw":
            if word not in ("0", "1"):
                raise VtdbgError("catch vmsw [0|1]: the PSR.vm value switched to")
            return int(word), f"vmsw.{word}"
        if kind != "exception":
            return None
        off = vectors.parse(word)
        return off, vectors.NAMES[off]

    def catch_completions(self, kind: str) -> list[str]:
        """Names for `catch vfault` (causes) and `catch pal` (procedures, VPS services)."""
        if kind == "vfault":
            return [n for c, n in sorted(vti.CAUSE_NAMES.items())]
        return sorted(vti.PAL_BY_NAME)

    def vector_completions(self) -> list[str]:
        return sorted(vectors.NAMES.values())

    def virt_event(self, kind: str, payload) -> VirtEvent | None:
        """VT-i's virtualization faults, virtual external interrupts and resumes."""
        def text(pc: int) -> str:
            ins = self.insn_at(pc)          # without the bundle's template column
            return ins.text.split("]", 1)[-1].strip() if ins is not None else ""
        vp = self.control.vp()
        return vti.virt_event(self.cpu, kind, payload, vp.vpd_pa if vp else None, text)

    def qualification_text(self, reason: int, q: int, intr: int = 0) -> str:
        """GR25 decoded: the faulting instruction (B unit for cover/rfi/bsw/vmsw, else M);
        for the Virtual External Interrupt, vhpi."""
        if reason == vti.VEI:
            return f"vhpi {q}"
        if reason not in vti.CAUSE_NAMES:
            return f"ISR {regs.fields(q, regs.ISR)}"
        try:
            return slot_text(decode_slot("B" if 36 <= reason <= 40 else "M", q))
        except Exception:  # noqa: BLE001 - a VMM-written GR25 may not decode
            return ""

    def intr_text(self, info: int) -> str:
        return ""

    def msr_number(self, name: str) -> int:
        raise VtdbgError("IA-64 has no MSRs")

    def bit_name(self, field: str, bit: int) -> str | None:
        names = {"vac": vti.V.VAC_BITS, "vdc": vti.V.VDC_BITS}.get(field)
        return names[bit] if names is not None and 0 <= bit < len(names) else None

    def reason_name(self, reason: int) -> str:
        return self.exit_reasons.get(reason, f"cause {reason}")

    def reason_label(self, reason: int) -> str:
        """A cause in decimal (as GR24 holds it), an interruption's IVT offset in hex."""
        return str(reason) if reason in vti.CAUSE_NAMES else f"{reason:#06x}"

    def reason_number(self, name: str) -> int | None:
        return vti.reason_number(name)

    def last_entry(self):
        return None

    def rule_area(self, name: str) -> str:
        return "?"

    def exit_variables(self, ev: VirtEvent) -> dict:
        """$exit_reason / $cause (GR24), $opcode (GR25), $guest_rip / $guest_ip."""
        return {"exit_reason": ev.reason, "cause": ev.reason, "opcode": ev.qualification,
                "guest_rip": ev.guest_rip, "guest_ip": ev.guest_rip}

    no_entry_text = ("VT-i has no VM-entry checklist: PAL_VPS_RESUME_* resumes the guest "
                     "from the VPD (the resumes are in `info exits all`).")

    def vmsw_target(self, opcode: int) -> int:
        """The PSR.vm value a faulting vmsw (GR25) asked for: 1 for vmsw.1, 0 for vmsw.0."""
        return int(decode_slot("B", opcode).sem == "vmsw_1")

    def exit_labels(self, r) -> dict:
        """The words `info exit N` uses for a record: a fault's cause and opcode, the VEI's
        vhpi, another interruption's vector and ISR."""
        if r.reason == vti.VEI:
            reason, qual = "event", "vhpi"
        elif r.reason not in vti.CAUSE_NAMES:
            reason, qual = "vector", "ISR"
        else:
            reason, qual = "cause (GR24)", "opcode (GR25)"
        return {"head": self.event_title(r), "reason": reason, "qual": qual,
                "rip": "guest IP", "detail": "instruction", "ctl": "VPD", "length": False,
                "entry": "resume"}

    def stats_heading(self, exits: int, entries: int, failed: int) -> str:
        return f"{exits} VT-i exits (virtualization faults, interruptions), {entries} resumes"

    def event_title(self, r) -> str:
        """How an exit-log record reads in a stop message."""
        if r.kind == "entry":
            return f"VT-i resume #{r.index}: {r.name}"
        if r.reason == vti.VEI:
            return f"VT-i exit #{r.index}: virtual external interrupt"
        if r.reason not in vti.CAUSE_NAMES:
            return (f"VT-i exit #{r.index}: interruption {vectors.vector_name(r.reason)} "
                    f"(IVT {r.reason:#06x})")
        return f"VT-i exit #{r.index}: virtualization fault {r.name} (cause {r.reason})"

    def _describe(self, addr: int) -> str:
        """name+off from the image's symbols (for event texts, which the arch writes)."""
        table = self.machine.symbols
        if self._syms is None or self._syms[0] is not table:
            from ..symbols import Symbols
            img = self.machine.image
            syms = Symbols()
            syms.update(table, None, list(img.segments) if img is not None else None)
            self._syms = (table, syms)
        return self._syms[1].describe(addr)

    def _where(self, addr: int) -> str:
        s = self._describe(addr)
        return f"{addr:#x}" + (f" <{s}>" if s else "")

    def event_text(self, kind: str, payload) -> tuple[str, dict]:
        """One line for an interruption or external interrupt, and its variables: $vector
        (the IVT offset, or the external interrupt's vector), $error (ISR) and $fault_pc
        (bundle + slot of the interrupted instruction)."""
        vec, err = payload
        if kind == "exception":
            ev = self.last_event if self.last_event and self.last_event["vector"] == vec \
                else {"vector": vec, "ip": 0, "slot": 0, "isr": err or 0, "ifa": None}
            at = ev["ip"] | ev["slot"]
            text = (f"interruption {vectors.vector_name(vec)} (IVT {vec:#06x}) at "
                    f"{self._where(at)}, ISR {ev['isr']:#x}")
            if ev["isr"]:
                text += f" ({regs.fields(ev['isr'], regs.ISR)})"
            if ev["ifa"] is not None:
                text += f", IFA {ev['ifa']:#x}"
            return text, {"vector": vec, "error": ev["isr"], "fault_pc": at}
        if kind == "interrupt":
            return f"external interrupt vector {vec:#x}", {"vector": vec, "error": 0}
        if kind == "pal":
            index, args = vec, err
            return (f"PAL call {vti.pal_name(index)} ({', '.join(f'{a:#x}' for a in args)})",
                    {"pal_index": index})
        if kind == "vmsw":
            to, at = vec, err
            return (f"vmsw.{to} at {self._where(at)}: PSR.vm = {to}",
                    {"vm": to, "guest_rip": at})
        return kind, {}

    def step_events(self, on: bool) -> None:
        """While the engine steps, an interruption ends the step at the vector's first
        instruction (nothing of the handler runs) and is noted for the step's report."""
        self._stepping = on

    def step_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def install(self, observer, on_exception=None) -> None:
        """Hook the engine in: interruptions go to on_exception (when exception catchpoints
        exist) and, for external interrupts, to the observer as "interrupt" events."""
        cpu = self.cpu

        def hook(kind, payload):
            if kind == "interruption":
                self.last_event = payload
                vec = payload["vector"]
                caught = False
                if on_exception is not None:
                    before = cpu.stop_request
                    on_exception(cpu, vec, payload["isr"])
                    caught = cpu.stop_request and not before      # a catchpoint said so
                if self._stepping:
                    if not caught:
                        text, _ = self.event_text("exception", (vec, payload["isr"]))
                        self._notes.append(text[0].upper() + text[1:])
                    self.machine.stop_soon()
                if vec == F.EXTERNAL_INT:
                    irq = cpu.highest_deliverable()
                    if irq is not None:
                        observer("interrupt", (irq, None))
                if payload.get("vm") and vec not in vti.OWN_EVENTS:
                    observer("vintr", payload)          # the guest's interruption: to the VMM
                return False
            if kind == "pal":                   # catch keys: (index, args)
                payload = (payload["index"], payload["args"])
            return observer(kind, payload)
        cpu.observer = hook

    def uninstall(self) -> None:
        self.cpu.observer = None
