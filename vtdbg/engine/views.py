"""What the panes and `info` commands show, as text lines built from engine data. Every front
end (command output, REPL, TUI panes) uses these, so they cannot disagree."""
from __future__ import annotations

from ..errors import VtdbgError
from .breakpoints import Breakpoint

EXIT_KINDS = ("exit", "entry-fail")


# -- exit-log records ---------------------------------------------------------------------------
def record_summary(s, r) -> str:
    return s.arch.event_title(r)


def cause_text(r) -> str:
    return r.cause or ""


def cause_field_text(s, r) -> str:
    """The control-structure field (and bit) responsible for an exit, for `info exit` and
    for the TUI to highlight."""
    if not r.cause_field:
        return ""
    if r.cause_bit is None:
        return r.cause_field
    name = s.arch.bit_name(r.cause_field, r.cause_bit)
    if name is not None:
        return f"{r.cause_field} bit {r.cause_bit} ({name})"
    return f"{r.cause_field}, bit {r.cause_bit:#x}"


def record_lines(s, r) -> list[str]:
    """A record as a stop message: one summary line, then the details that matter."""
    head = record_summary(s, r)
    lines = []
    if r.kind == "exit":
        head += f", guest RIP {s.where(r.guest_rip)}"
        q = s.arch.qualification_text(r.reason, r.qualification, r.intr_info)
        if q:
            lines.append(f"  qualification {r.qualification:#x}: {q}")
        if r.intr_info >> 31:
            lines.append(f"  interruption: {s.arch.intr_text(r.intr_info)}")
    elif r.kind == "entry":
        head += f", guest RIP {s.where(r.guest_rip)}"
    c = cause_text(r)
    if c:
        lines.append(("  failed check: " if r.kind == "entry-fail" else "  cause: ") + c)
    return [head, *lines]


def transition_lines(s, recs: list, total: int, by_name: dict | None = None) -> list[str]:
    """The VM exits and entries of one step; when there are many, a count and the last two."""
    out: list[str] = []
    if total > 4:
        n = sum((by_name or {}).values())
        what = ", ".join(f"{c} {name}" for name, c in sorted((by_name or {}).items()))
        out.append(f"({n} VM exit{'s' if n != 1 else ''} on the way: {what}; the last:)")
        recs = recs[-2:]
    for r in recs:
        lines = record_lines(s, r)
        out.extend(lines)
        if s.step_mode == "guest" and r.kind == "exit" and r.root_icount is not None:
            out.append(f"  handled by the VMM in {r.root_icount} instruction"
                       f"{'s' if r.root_icount != 1 else ''}")
    return out


def exit_row(s, r) -> str:
    """One line of `info exits` (the TUI's exit table uses the same columns)."""
    if r.kind != "exit":
        what = f"!{r.name}" if r.reason >= 0 else f"!{r.detail}"
        return f"{r.index:>6} {r.icount:>10}  {what:<22} {r.qualification:#10x}  (failed entry)"
    q = s.arch.qualification_text(r.reason, r.qualification, r.intr_info)
    return f"{r.index:>6} {r.icount:>10}  {r.name:<22} {r.qualification:#10x}  " \
        f"{s.where(r.guest_rip)}" + (f"  ({q})" if q else "")


def exits_lines(s, count=None, reasons=None, first=None, last=None, all_kinds=False):
    kinds = ("exit", "entry", "entry-fail") if all_kinds else EXIT_KINDS
    recs = s.exitlog.select(count, reasons, first, last, kinds)
    if not recs:
        return ["The exit log is empty." if not len(s.exitlog) else "No matching exits."]
    out = [f"{'#':>6} {'icount':>10}  {'reason':<22} {'qual':>10}  guest RIP"]
    for r in recs:
        if r.kind == "entry":
            out.append(f"{r.index:>6} {r.icount:>10}  -> {r.name:<19} {'':>10}  "
                       f"{s.where(r.guest_rip)}")
        else:
            out.append(exit_row(s, r))
    return out


def exit_detail_lines(s, index: int) -> list[str]:
    r = s.exitlog.get(index)
    L = s.arch.exit_labels(r)          # the adapter's words: reason, qual, rip, detail, ...
    out = [f"{L['head']} at instruction {r.icount}" +
           (f" ({L['ctl']} {r.vmcs:#x})" if r.vmcs is not None else "")]
    if r.kind == "entry":
        out.append(f"  {r.detail}, guest RIP {s.where(r.guest_rip)}")
        return out
    if r.kind == "exit" or r.reason >= 0:
        out.append(f"  {L['reason']:<18} {r.reason} {r.name}")
        q = s.arch.qualification_text(r.reason, r.qualification, r.intr_info)
        out.append(f"  {L['qual']:<18} {r.qualification:#x}" + (f"  {q}" if q else ""))
    if r.kind == "exit":
        out.append(f"  {L['rip']:<18} {s.where(r.guest_rip)}")
        if L["length"]:
            out.append(f"  instruction length {r.length}")
    if r.guest_linear is not None:
        out.append(f"  guest linear       {r.guest_linear:#x}")
    if r.guest_physical is not None:
        out.append(f"  guest physical     {r.guest_physical:#x}")
    if r.intr_info:
        out.append(f"  interruption info  {r.intr_info:#x}  {s.arch.intr_text(r.intr_info)}")
    if r.detail:
        out.append(f"  {L['detail']:<18} {r.detail}")
    if r.root_icount is not None:
        out.append(f"  the VMM ran {r.root_icount} instructions before the next "
                   f"{L['entry']}")
    c = cause_text(r)
    if c:
        out.append(("  failed check: " if r.kind == "entry-fail" else "  cause: ") + c)
    elif r.kind == "exit":
        out.append("  cause: (not recorded)")
    f = cause_field_text(s, r)
    if f:
        out.append(f"  responsible {L['ctl']} field: {f}")
    return out


def stats_lines(s) -> list[str]:
    st = s.exitlog.stats
    if not st:
        return ["No VM transitions yet."]
    n_exit = sum(v[0] for (k, _), v in st.items() if k == "exit")
    n_entry = sum(v[0] for (k, _), v in st.items() if k == "entry")
    n_fail = sum(v[0] for (k, _), v in st.items() if k == "entry-fail")
    out = [s.arch.stats_heading(n_exit, n_entry, n_fail)]
    rows = sorted(((k, r), v) for (k, r), v in st.items() if k != "entry")
    w = max([26] + [len(s.arch.reason_name(r)) + 1 for (_, r), _ in rows if r >= 0])
    out.append(f"  {'reason':<{w}} {'count':>8} {'root instructions':>18} {'average':>9}")
    for (k, reason), (count, root) in rows:
        name = s.arch.reason_name(reason) if reason >= 0 else "VMfail"
        if k == "entry-fail":
            name = f"entry failure: {name}"
        avg = f"{root / count:.1f}" if count else "-"
        out.append(f"  {name:<{w}} {count:>8} {root:>18} {avg:>9}")
    return out


# -- VM entry checklist -----------------------------------------------------------------------
def vmentry_lines(s, verbose: bool = False) -> list[str]:
    rep = s.arch.last_entry()
    if rep is None:
        return [s.arch.no_entry_text]
    out = [f"Last VM entry: {rep.instruction} at instruction {rep.icount}: {rep.outcome}"]
    passed = list(rep.passed)
    if rep.failed is not None:
        f = rep.failed
        out.append(f"  failed check: {f.name}")
        out.append(f"    SDM {f.sdm}, {f.area} area")
        out.append(f"    values: {rep.detail}")
    elif rep.detail:
        out.append(f"  {rep.detail}")
    by_area: dict[str, int] = {}
    for name in passed:
        a = s.arch.rule_area(name)
        by_area[a] = by_area.get(a, 0) + 1
    summary = ", ".join(f"{a} {n}" for a, n in by_area.items())
    out.append(f"  {len(passed)} check{'s' if len(passed) != 1 else ''} passed"
               + (f" ({summary})" if summary else ""))
    if verbose:
        for name in passed:
            out.append(f"    ok  {name}")
    return out


# -- the control structure -----------------------------------------------------------------------
def control_lines(s, what: str | None = None, show_all: bool = False) -> list[str]:
    c = s.arch.control
    out = list(c.header())
    if not c.present():
        return out
    if what and not c.is_area(what.lower()):
        f = c.lookup(what)
        v = c.value(f)
        d = c.decode(f, v)
        out.append(f"{f.name} = {v:#x}" + (f"  ({d})" if d else ""))
        out.append(f"  {f.description}; {f.width}-bit, {dict(c.areas)[f.area]}, "
                   f"{c.key_name} {f.key:#06x}"
                   + (", read-only" if f.read_only else ""))
        return out
    order = {k: i for i, (k, _) in enumerate(c.areas)}
    fields = sorted(c.fields(what.lower() if what else None), key=lambda f: order[f.area])
    area = None
    hidden = 0
    for f in fields:
        v = c.value(f)
        if not v and not show_all:
            hidden += 1
            continue
        if f.area != area:
            area = f.area
            out.append(f"{dict(c.areas)[area]}:")
        d = c.decode(f, v)
        out.append(f"  {f.name:<32} {v:#18x}" + (f"  {d}" if d else ""))
    if hidden:
        out.append(f"({hidden} fields are zero; `info {c.title.lower()} "
                   f"{what + ' ' if what else ''}all` shows them)")
    return out


# -- registers ------------------------------------------------------------------------------
def register_line(s, r, v) -> str:
    text = f"{r.name:<15}{v:<#19x}"
    if r.describe is not None:
        text += r.describe(v)
    elif r.address:
        sym = s.sym(v)
        text += f"{v:#x}" + (f" <{sym}>" if sym else "")
    else:
        text += str(v)
    return text.rstrip()


def register_lines(s, names: list[str] | None = None, groups: list[str] | None = None):
    rf = s.arch.regs
    out = []
    if names:
        for n in names:
            r = rf.lookup(n)
            out.append(register_line(s, r, r.get()))
        return out
    for key, title in rf.groups:
        if groups is not None and key not in groups:
            continue
        for r in rf.in_group(key):
            try:
                v = r.get()
            except VtdbgError as e:
                out.append(f"{r.name:<15}<{e}>")
                continue
            out.append(register_line(s, r, v))
    return out


# -- translation -------------------------------------------------------------------------------
def translate_lines(s, addr: int, context: str | None = None) -> list[str]:
    own = getattr(s.arch, "translate_lines", None)   # an adapter with its own walk (IA-64)
    if own is not None:
        return own(addr, context)
    t = s.arch.translate(addr, context)
    ctx = context or s.arch.context()
    out = [f"Linear {addr:#x} ({ctx} context):"]
    for st in t.steps:
        out.append(f"  {st.table:<10} at {st.address:#014x} = {st.value:#018x}  {st.note}")
    if t.physical is not None:
        label = "guest-physical" if t.host != t.physical or any(
            st.table.startswith("EPT") for st in t.steps) else "physical"
        size = f"{t.page_size // 1024} KiB page" if t.page_size else "paging off"
        out.append(f"  -> {label} {t.physical:#x} ({size})")
    if t.host is not None and any(st.table.startswith("EPT") for st in t.steps):
        out.append(f"  -> host-physical {t.host:#x}")
    if t.error:
        out.append(f"  fault: {t.error}")
    return out


# -- disassembly -------------------------------------------------------------------------------
def insn_text(s, ins) -> str:
    render = getattr(ins, "render", None)      # an adapter that places symbols itself
    if render is not None:
        return render(s.sym)
    text = ins.text
    if ins.target is not None:
        tsym = s.sym(ins.target)
        if tsym:
            text += f" <{tsym}>"
    return text


def disassembly_lines(s, addr: int, count: int) -> list[str]:
    pc = s.arch.pc()
    bps = {bp.address for bp in s.points.enabled(Breakpoint) if not bp.phys}
    out = []
    for ins in s.arch.disassemble(addr, count):
        sym = s.sym(ins.address)
        mark = "=>" if ins.address == pc else "  "
        bp = "*" if ins.address in bps else " "
        text = insn_text(s, ins)
        where = f"{ins.address:#x}" + (f" <{sym}>" if sym else "")
        out.append(f"{mark}{bp}{where}:  {text}")
    return out


# -- structured rows for panes (the TUI) -------------------------------------------------------
def register_rows(s, groups: list[str] | None = None) -> list[dict]:
    """group, name, value (None if unreadable), text as in `info registers`, changed."""
    rf = s.arch.regs
    out = []
    for key, _ in rf.groups:
        if groups is not None and key not in groups:
            continue
        for r in rf.in_group(key):
            try:
                v = r.get()
                text = register_line(s, r, v)
            except VtdbgError as e:
                v, text = None, f"{r.name:<15}<{e}>"
            out.append({"group": key, "name": r.name, "value": v, "text": text,
                        "changed": r.name in s.changed_regs})
    return out


def disassembly_rows(s, addr: int, count: int) -> list[dict]:
    pc = s.arch.pc()
    bps = {bp.address for bp in s.points.enabled(Breakpoint) if not bp.phys}
    return [{"address": i.address, "symbol": s.sym(i.address), "raw": i.raw,
             "text": insn_text(s, i), "pc": i.address == pc, "breakpoint": i.address in bps}
            for i in s.arch.disassemble(addr, count)]


def control_tree(s) -> list[tuple[str, str, list[dict]]]:
    """The control structure by area: (key, title, rows of name/value/decoded/changed)."""
    c = s.arch.control
    if not c.present():
        return []
    out = []
    for key, title in c.areas:
        rows = []
        for f in c.fields(key):
            v = c.value(f)
            rows.append({"name": f.name, "value": v, "decoded": c.decode(f, v),
                         "changed": f.name in s.changed_fields, "description": f.description})
        out.append((key, title, rows))
    return out


def exit_columns(s, r) -> dict:
    """One exit-log record as table cells; `field` names the VMCS field that caused it."""
    return {"index": r.index, "icount": r.icount, "kind": r.kind, "reason": r.name,
            "qualification": r.qualification,
            "decoded": s.arch.qualification_text(r.reason, r.qualification, r.intr_info)
            if r.kind == "exit" else r.detail,
            "guest_rip": s.where(r.guest_rip) if r.kind != "entry-fail" else "",
            "cause": r.cause, "field": r.cause_field}
