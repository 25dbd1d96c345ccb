"""The VMCS as a control structure for the engine: fields from machine/x86/vmx/fields.py
grouped by the SDM's areas, each value decoded (control bits by name, exit reasons,
qualifications, access rights, interruption information) (SDM Vol. 3C, chapter 25)."""
from __future__ import annotations

from machine.x86.vmx.fields import BY_NAME, FIELDS, lookup
from machine.x86.vmx.tables import (
    ACTIVITY_STATES,
    CONTROL_BITS,
    EXIT_REASONS,
    INTERRUPTION_TYPES,
    VM_INSTRUCTION_ERRORS,
)
from machine.x86.vmx.vmcs import mask_of

from ...errors import VtdbgError
from ..arch import CtlField
from .regs import CR0_BITS, CR4_BITS, EFER_BITS, bit_names, describe_ar

AREAS = [("exec", "VM-execution controls"), ("exit-ctls", "VM-exit controls"),
         ("entry-ctls", "VM-entry controls"), ("exit-info", "VM-exit information"),
         ("guest", "Guest-state area"), ("host", "Host-state area")]
AREA_ALIASES = {"controls": ["exec", "exit-ctls", "entry-ctls"], "control": ["exec", "exit-ctls",
                "entry-ctls"], "execution": ["exec"], "exit": ["exit-info"],
                "entry": ["entry-ctls"], "info": ["exit-info"], "guest-state": ["guest"],
                "host-state": ["host"]}
EXCEPTION_NAMES = {0: "#DE", 1: "#DB", 2: "NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD",
                   7: "#NM", 8: "#DF", 10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP", 14: "#PF",
                   16: "#MF", 17: "#AC", 18: "#MC", 19: "#XM", 20: "#VE", 21: "#CP"}
GPR_NAMES = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]


def _area(enc: int, name: str) -> str:
    kind = (enc >> 10) & 3
    if kind == 1:
        return "exit-info"
    if kind == 2:
        return "guest"
    if kind == 3:
        return "host"
    if name.startswith("VM_EXIT_"):
        return "exit-ctls"
    if name.startswith("VM_ENTRY_"):
        return "entry-ctls"
    return "exec"


def _fields() -> list[CtlField]:
    seen, out = set(), []
    for enc, name, desc in FIELDS:
        if name in seen:
            continue
        seen.add(name)
        width = {0: 16, 1: 64, 2: 32, 3: 64}[(enc >> 13) & 3]
        out.append(CtlField(name, width, _area(enc, name), desc, enc, (enc >> 10) & 3 == 1))
    return out


ALL_FIELDS = _fields()
FIELD_BY_NAME = {f.name: f for f in ALL_FIELDS}


class Decoded(int):
    """An integer with named bit fields (`$exit_qual.cr`) and a one-line text."""

    fields: dict
    text: str

    def __new__(cls, value: int, fields: dict | None = None, text: str = ""):
        o = super().__new__(cls, value)
        o.fields = fields or {}
        o.text = text
        return o


# -- exit qualifications (SDM 28.2.1, Tables 28-1 .. 28-7) -------------------------------------
def qualification(reason: int, q: int, intr: int = 0) -> Decoded:
    """The exit qualification of `reason` with named fields; intr: the exit's interruption
    information (exception exits: the qualification depends on the vector)."""
    reason &= 0xFFFF
    f: dict[str, int] = {}
    text = ""
    if reason == 28:
        acc = (q >> 4) & 3
        f = {"cr": q & 15, "access": acc, "lmsw_mem": q >> 6 & 1, "gpr": (q >> 8) & 15,
             "lmsw_data": (q >> 16) & 0xFFFF}
        what = ("MOV to CR", "MOV from CR", "CLTS", "LMSW")[acc]
        text = f"{what}{f['cr']}" if acc < 2 else what
        if acc < 2:
            text += f", {'from' if acc == 0 else 'to'} {GPR_NAMES[f['gpr']]}"
        elif acc == 3:
            text += f" {f['lmsw_data']:#x} ({'memory' if f['lmsw_mem'] else 'register'})"
    elif reason == 29:
        f = {"dr": q & 7, "direction": q >> 4 & 1, "gpr": (q >> 8) & 15}
        text = (f"MOV {'from' if f['direction'] else 'to'} DR{f['dr']}, "
                f"{GPR_NAMES[f['gpr']]}")
    elif reason == 30:
        f = {"size": (q & 7) + 1, "in": q >> 3 & 1, "string": q >> 4 & 1, "rep": q >> 5 & 1,
             "imm": q >> 6 & 1, "port": (q >> 16) & 0xFFFF}
        ins = ("IN" if f["in"] else "OUT") + ("S" if f["string"] else "")
        text = f"{'REP ' if f['rep'] else ''}{ins} port {f['port']:#x}, {f['size']} byte" + (
            "s" if f["size"] > 1 else "") + (", immediate port" if f["imm"] else ", port in DX")
    elif reason in (48, 49):
        f = {"read": q & 1, "write": q >> 1 & 1, "fetch": q >> 2 & 1, "readable": q >> 3 & 1,
             "writable": q >> 4 & 1, "executable": q >> 5 & 1, "linear_valid": q >> 7 & 1,
             "final": q >> 8 & 1}
        if reason == 48:
            acc = "/".join(k for k in ("read", "write", "fetch") if f[k]) or "access"
            perm = "".join(c if f[k] else "-" for c, k in (("r", "readable"), ("w", "writable"),
                                                          ("x", "executable")))
            text = f"{acc} of a page mapped {perm}"
            if f["linear_valid"]:
                text += ", to the final page" if f["final"] else ", to a paging structure"
    elif reason == 9:
        f = {"selector": q & 0xFFFF, "source": (q >> 30) & 3}
        text = f"task switch to {f['selector']:#x} by " + (
            "CALL", "IRET", "JMP", "a task gate in the IDT")[f["source"]]
    elif reason == 33:
        text = {0: "guest-state check", 2: "PDPTE load", 3: "NMI injection",
                4: "VMCS link pointer"}.get(q, f"{q}")
    elif reason == 34:
        f = {"entry": q}
        text = f"MSR-load entry {q}"
    elif reason == 14:
        f = {"address": q}
        text = f"INVLPG {q:#x}"
    elif reason == 0:
        vec = intr & 0xFF if intr >> 31 else -1
        if vec == 14:
            f = {"address": q}
            text = "the page-fault linear address"
        elif vec == 1:
            f = {"b0": q & 1, "b1": q >> 1 & 1, "b2": q >> 2 & 1, "b3": q >> 3 & 1,
                 "bd": q >> 13 & 1, "bs": q >> 14 & 1}
            text = "pending debug exceptions (DR6 bits)" if q else ""
    f["value"] = q
    return Decoded(q, f, text)


def intr_info(v: int) -> Decoded:
    """VM-exit / IDT-vectoring / VM-entry interruption information (SDM 25.9.2, 25.8.3)."""
    f = {"vector": v & 0xFF, "type": (v >> 8) & 7, "error_valid": v >> 11 & 1,
         "nmi_unblocking": v >> 12 & 1, "valid": v >> 31 & 1, "value": v}
    if not f["valid"]:
        return Decoded(v, f, "not valid")
    vec = f["vector"]
    name = EXCEPTION_NAMES.get(vec, "") if f["type"] in (2, 3, 5, 6) else ""
    text = f"vector {vec}{' (' + name + ')' if name else ''}, " + \
        INTERRUPTION_TYPES.get(f["type"], "reserved type")
    if f["error_valid"]:
        text += ", error code"
    return Decoded(v, f, text)


def reason_text(v: int) -> str:
    base = v & 0xFFFF
    name = EXIT_REASONS.get(base, f"reason {base}")
    return name + (" (VM-entry failure)" if v >> 31 & 1 else "")


def _control_bits(name: str, v: int) -> str:
    table = CONTROL_BITS.get(name, {})
    on = [table[b] for b in range(32) if v >> b & 1 and b in table]
    other = [str(b) for b in range(32) if v >> b & 1 and b not in table]
    if other:
        on.append(f"reserved bit{'s' if len(other) > 1 else ''} {','.join(other)}")
    return ", ".join(on) if on else "none"


def decode(name: str, v: int, vmcs=None) -> str:
    """What a field's value means; '' when there is nothing to add to the number."""
    if name in CONTROL_BITS:
        return _control_bits(name, v)
    if name == "VM_EXIT_REASON":
        return reason_text(v)
    if name == "EXIT_QUALIFICATION" and vmcs is not None:
        return qualification(vmcs["VM_EXIT_REASON"], v).text
    if name == "VM_INSTRUCTION_ERROR":
        return VM_INSTRUCTION_ERRORS.get(v, "") if v else "none"
    if name.endswith("_AR_BYTES"):
        return describe_ar(v)
    if name in ("VM_EXIT_INTR_INFO", "IDT_VECTORING_INFO_FIELD", "VM_ENTRY_INTR_INFO_FIELD"):
        return intr_info(v).text
    if name == "GUEST_INTERRUPTIBILITY_INFO":
        return ", ".join(n for b, n in ((0, "blocking by STI"), (1, "blocking by MOV SS"),
                                        (2, "blocking by SMI"), (3, "blocking by NMI"))
                         if v >> b & 1) or "none"
    if name == "GUEST_ACTIVITY_STATE":
        return ACTIVITY_STATES.get(v, "reserved")
    if name == "EXCEPTION_BITMAP":
        return " ".join(EXCEPTION_NAMES.get(b, f"#{b}") for b in range(32) if v >> b & 1) or "none"
    if name in ("GUEST_CR0", "HOST_CR0", "CR0_GUEST_HOST_MASK", "CR0_READ_SHADOW"):
        return bit_names(v, CR0_BITS)
    if name in ("GUEST_CR4", "HOST_CR4", "CR4_GUEST_HOST_MASK", "CR4_READ_SHADOW"):
        return bit_names(v, CR4_BITS)
    if name in ("GUEST_IA32_EFER", "HOST_IA32_EFER"):
        return bit_names(v, EFER_BITS)
    if name == "EPT_POINTER":
        if not v:
            return ""
        return (f"memory type {v & 7}, {((v >> 3) & 7) + 1}-level walk"
                f"{', A/D flags' if v >> 6 & 1 else ''}, PML4 at {v & ~0xFFF:#x}")
    if name == "VMCS_LINK_POINTER":
        return "none" if v == (1 << 64) - 1 else ""
    return ""


class X86Vmcs:
    """The current VMCS of an x86 CPU as the engine's control structure."""

    title = "VMCS"
    key_name = "encoding"
    areas = AREAS

    def __init__(self, cpu):
        self.cpu = cpu

    @property
    def current(self):
        return self.cpu.vmx.current

    def present(self) -> bool:
        return self.current is not None

    def require(self):
        c = self.current
        if c is None:
            raise VtdbgError("no current VMCS (VMPTRLD has not made one current)")
        return c

    def header(self) -> list[str]:
        v = self.cpu.vmx
        if not v.on:
            return ["VMX operation is off (no VMXON)"]
        c = v.current
        if c is None:
            return [f"VMX root operation, VMXON region {v.vmxon_ptr:#x}; no current VMCS"]
        mode = "non-root (guest running)" if v.nonroot else "root"
        state = "launched" if c.launched else "clear"
        lines = [f"Current VMCS {c.addr:#x}, launch state {state}; VMX {mode} operation"]
        if v.nonroot:
            lines.append("(guest-state fields hold the values of the last VM entry; the "
                         "live guest state is in the registers until the next VM exit)")
        return lines

    def fields(self, area: str | None = None) -> list[CtlField]:
        if area is None:
            return list(ALL_FIELDS)
        keys = AREA_ALIASES.get(area, [area])
        if not all(k in dict(AREAS) for k in keys):
            raise VtdbgError(f"no VMCS area {area!r} (areas: "
                             f"{', '.join(k for k, _ in AREAS)}, controls)")
        return [f for f in ALL_FIELDS if f.area in keys]

    def is_area(self, name: str) -> bool:
        return name in dict(AREAS) or name in AREA_ALIASES

    def lookup(self, name: str) -> CtlField:
        f = FIELD_BY_NAME.get(name.upper())
        if f is None:
            raise VtdbgError(f"no VMCS field named {name}")
        return f

    def value(self, f: CtlField) -> int:
        return self.require().values[f.key]

    def decode(self, f: CtlField, value: int) -> str:
        return decode(f.name, value, self.current)

    def write(self, f: CtlField, value: int) -> None:
        c = self.require()
        if value < 0 or value & ~mask_of(f.key):
            raise VtdbgError(f"{value:#x} does not fit in {f.name} ({f.width} bits)")
        c.write(f.key, value)

    def names(self) -> list[str]:
        return [f.name for f in ALL_FIELDS]

    def by_encoding(self, enc: int) -> CtlField | None:
        """The field a VMREAD/VMWRITE encoding names (either half of a 64-bit field)."""
        f = lookup(enc)
        return FIELD_BY_NAME[f[0].name] if f is not None else None


def field_encoding(name: str) -> int:
    return BY_NAME[name].encoding
