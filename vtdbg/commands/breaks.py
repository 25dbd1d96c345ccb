"""Breakpoints, catchpoints and watchpoints: break, tbreak, catch, tcatch, watch, rwatch,
awatch, delete, enable, disable, condition, ignore, commands."""
from __future__ import annotations

import re

from ..engine.breakpoints import ARCH_KINDS, CATCH_KINDS, Breakpoint, Catchpoint, Watchpoint
from ..engine.watch import SYSTEM_REGS
from ..errors import VtdbgError
from . import expr as E
from .run import location
from .table import COMMANDS, Command, CommandTable

C = COMMANDS
CATCH = CommandTable("catch kinds")


def _options(args: str, allowed: tuple[str, ...]):
    opts = set()
    words = args.split()
    while words and words[0].startswith("-") and words[0][1:] in allowed:
        opts.add(words.pop(0)[1:])
    return opts, " ".join(words)


def _context(opts) -> str:
    if "host" in opts and "guest" in opts:
        raise VtdbgError("-host and -guest exclude each other")
    return "host" if "host" in opts else ("guest" if "guest" in opts else "any")


def _check_condition(interp, cond: str | None) -> None:
    if cond:
        E.parse(cond)                      # a syntax error is reported now, not at the stop


def _add_break(interp, args: str, temporary: bool) -> None:
    s = interp.session
    args, cond = E.split_condition(args)
    opts, rest = _options(args, ("host", "guest", "phys"))
    ctx = _context(opts)
    addr = location(interp, rest) if rest else s.arch.pc()
    check = getattr(s.arch, "check_code_address", None)     # IA-64: bundle + slot 0-2
    if check is not None:
        check(addr)
    _check_condition(interp, cond)
    bp = Breakpoint(0, temporary=temporary, condition=cond, context=ctx, address=addr,
                    phys="phys" in opts, spec=rest,
                    symbol="" if "phys" in opts else s.sym(addr))
    s.points.add(bp)
    s.changed()
    interp.out(f"{'Temporary breakpoint' if temporary else 'Breakpoint'} {bp.number} at "
               f"{bp.what()}")


@C.command("break", "breakpoints", "set a breakpoint at a location",
           "break [-host|-guest] [-phys] [LOCATION] [if CONDITION]", aliases=("b", "br"),
           complete=("symbol",),
           help="LOCATION is a symbol, an address expression or *ADDRESS; without it, the "
                "current instruction.\nAddresses are linear (guest-virtual in the guest); "
                "-phys takes a physical address.\n-host / -guest make the breakpoint apply "
                "only in VMX root / non-root operation.")
def cmd_break(interp, args, fmt):
    _add_break(interp, args, False)


@C.command("tbreak", "breakpoints", "set a temporary breakpoint (deleted when hit)",
           "tbreak [-host|-guest] [-phys] [LOCATION] [if CONDITION]", aliases=("tb",),
           complete=("symbol",))
def cmd_tbreak(interp, args, fmt):
    _add_break(interp, args, True)


def _numbers(interp, args: str) -> list[int]:
    out = []
    for w in args.replace(",", " ").split():
        m = re.fullmatch(r"(\d+)-(\d+)", w)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if b < a or b - a > 10000:
                raise VtdbgError(f"bad range {w}")
            out.extend(range(a, b + 1))
        elif w.isdigit():
            out.append(int(w))
        else:
            raise VtdbgError(f"not a breakpoint number: {w}")
    return out


def _points(interp, args: str):
    s = interp.session
    if not args.strip():
        return s.points.all()
    return [s.points.get(n) for n in _numbers(interp, args)]


@C.command("delete", "breakpoints", "delete breakpoints (all without numbers)",
           "delete [N|N-M]...", aliases=("d",),
           help="`delete display N` deletes auto-display expressions.")
def cmd_delete(interp, args, fmt):
    if args.split()[:1] == ["display"]:
        from .data import undisplay
        undisplay(interp, args.split(None, 1)[1] if len(args.split()) > 1 else "")
        return
    s = interp.session
    pts = _points(interp, args)
    for p in pts:
        s.points.delete(p.number)
    s.changed()


def _enable(interp, args: str, on: bool) -> None:
    s = interp.session
    if args.split()[:1] == ["display"]:
        from .data import enable_display
        enable_display(interp, args.split(None, 1)[1] if len(args.split()) > 1 else "", on)
        return
    pts = _points(interp, args)
    for p in pts:
        p.enabled = on
        if on and isinstance(p, Watchpoint):
            p.old = s.watch_value(p)
    s.changed()


@C.command("enable", "breakpoints", "enable breakpoints (all without numbers)",
           "enable [N|N-M]...")
def cmd_enable(interp, args, fmt):
    _enable(interp, args, True)


@C.command("disable", "breakpoints", "disable breakpoints (all without numbers)",
           "disable [N|N-M]...", aliases=("dis",))
def cmd_disable(interp, args, fmt):
    _enable(interp, args, False)


@C.command("condition", "breakpoints", "set or remove a stop point's condition",
           "condition N [EXPRESSION]")
def cmd_condition(interp, args, fmt):
    parts = args.split(None, 1)
    if not parts or not parts[0].isdigit():
        raise VtdbgError("usage: condition N [EXPRESSION]")
    p = interp.session.points.get(int(parts[0]))
    cond = parts[1] if len(parts) > 1 else None
    _check_condition(interp, cond)
    p.condition = cond
    interp.out(f"Breakpoint {p.number} now unconditional." if cond is None else
               f"Breakpoint {p.number} stops only if {cond}")


@C.command("ignore", "breakpoints", "ignore a stop point's next COUNT hits",
           "ignore N COUNT")
def cmd_ignore(interp, args, fmt):
    parts = args.split(None, 1)
    if len(parts) != 2 or not parts[0].isdigit():
        raise VtdbgError("usage: ignore N COUNT")
    p = interp.session.points.get(int(parts[0]))
    n = interp.session.evaluator().eval_int(parts[1])
    if n < 0:
        raise VtdbgError("the ignore count cannot be negative")
    p.ignore_count = n
    interp.out(f"Will ignore next {n} crossings of breakpoint {p.number}." if n else
               f"Will stop next time breakpoint {p.number} is reached.")


@C.command("commands", "breakpoints", "commands to run when a stop point stops the machine",
           "commands [N...]\n  COMMANDS\nend",
           help="Without N, the last stop point set. A first line `silent` suppresses the "
                "usual stop message.\nThe commands may end with `continue`.")
def cmd_commands(interp, args, fmt):
    raise VtdbgError("commands must be followed by lines ending with 'end'")


def set_commands(interp, args: str, lines: list[str]) -> None:
    s = interp.session
    if args.strip():
        pts = [s.points.get(n) for n in _numbers(interp, args)]
    else:
        if not s.points.points:
            raise VtdbgError("no breakpoints set")
        pts = [s.points.get(max(s.points.points))]
    for p in pts:
        p.commands = list(lines)


# -- catchpoints -----------------------------------------------------------------------------------
def _catch(interp, args: str, temporary: bool) -> None:
    s = interp.session
    args, cond = E.split_condition(args)
    opts, rest = _options(args, ("host", "guest"))
    words = rest.replace(",", " ").split()
    mine = [k for k in CATCH_KINDS if ARCH_KINDS.get(k, s.arch.name) == s.arch.name]
    if not words:
        raise VtdbgError(f"catch what? ({', '.join(mine)})")
    try:
        kind = CATCH.find(words[0], "catch kind").name
    except VtdbgError:
        raise VtdbgError(f"catch what? {words[0]!r} is not one of "
                         f"{', '.join(mine)}") from None
    arch = ARCH_KINDS.get(kind)
    if arch is not None and arch != s.arch.name:
        hint = "catch vfault, pal, vmsw" if s.arch.name == "ia64" else "catch vmexit, vmx"
        raise VtdbgError(f"catch {kind} is for {arch} machines; this one is {s.arch.name} "
                         f"({hint})")
    filters, names, text = _catch_filters(s, kind, words[1:])
    _check_condition(interp, cond)
    c = Catchpoint(0, temporary=temporary, condition=cond, context=_context(opts), event=kind,
                   filters=filters, filter_text=text, names=names)
    s.points.add(c)
    s.changed()
    interp.out(f"Catchpoint {c.number} ({c.what()})")


def _catch_filters(s, kind: str, words: list[str]):
    if kind in ("vmentry", "vmentry-fail"):
        if words:
            raise VtdbgError(f"catch {kind} takes no arguments (use a condition)")
        return None, [], ""
    if not words:
        return None, [], ""
    if kind == "vmx":
        insns = s.arch.virt_instructions
        bad = [w for w in words if w.lower() not in insns]
        if bad:
            raise VtdbgError(f"not a VMX instruction: {bad[0]} ({' '.join(insns)})")
        return None, [w.lower() for w in words], ""
    vals, shown = set(), []
    parse_vector = getattr(s.arch, "parse_vector", None)   # IA-64: IVT vector names
    for w in words:
        got = parse_vector(kind, w) if parse_vector is not None else None
        if got is not None:
            vals.add(got[0])
            shown.append(got[1])
            continue
        if kind == "vmexit":
            n = s.arch.reason_number(w)
            if n is None:
                raise VtdbgError(f"no VM-exit reason {w} (see `info exit-reasons`)")
            vals.add(n)
            shown.append(s.arch.reason_name(n))
            continue
        if kind in ("exception", "interrupt") and w.lower().lstrip("#") in s.arch.vector_names:
            n = s.arch.vector_names[w.lower().lstrip("#")]
            vals.add(n)
            shown.append(f"#{w.lower().lstrip('#').upper()}")
            continue
        elif kind == "msr" and s.is_register(w) and s.arch.regs.lookup(w).group == "msr":
            n = s.arch.msr_number(s.arch.regs.lookup(w).name)
        else:
            n = s.evaluator().eval_int(w)
        limit = {**s.arch.vector_max, "io": 0xFFFF, "msr": 0xFFFFFFFF,
                 "cpuid": 0xFFFFFFFF}[kind]
        if not 0 <= n <= limit:
            raise VtdbgError(f"{w} is out of range for catch {kind} (0..{limit:#x})")
        vals.add(n)
        shown.append(f"{n:#x}")
    return vals, [], " ".join(dict.fromkeys(shown))


for _k, _d in CATCH_KINDS.items():
    CATCH.add(Command(_k, "breakpoints", _d, f"catch {_k}", lambda *a: None))


@C.command("catch", "breakpoints", "stop on an event: VM exits and entries, VMX instructions, "
           "exceptions, interrupts, I/O, MSRs, CPUID",
           "catch KIND [FILTER...] [if CONDITION]", complete=("catch", "reason"),
           sub=CATCH,
           help="catch vmexit [REASON...]   by SDM name (CPUID, cr_access) or number\n"
                "catch vmentry | vmentry-fail\n"
                "catch vmx [INSTRUCTION...]\n"
                "catch exception [VECTOR...] (numbers or #PF, gp, ...)\n"
                "catch interrupt [VECTOR...]\n"
                "catch io [PORT...] | msr [MSR...] | cpuid [LEAF...]\n"
                "VT-i (IA-64): catch vfault [CAUSE...] (MOV_TO_CR, thash, 4, ...) | "
                "catch pal [PROC...]\n(PAL_VP_CREATE, vps_resume_normal, 265, ...) | "
                "catch vmsw [0|1]; catch vmexit also\ntakes VIRTUAL_EXTERNAL_INTERRUPT, "
                "catch vmentry stops at each resume.\n"
                "Conditions see the event: $exit_reason, $exit_qual (fields such as "
                "$exit_qual.cr,\n.access, .gpr, .port, .size, .in), $exit_intr.vector, "
                "$guest_rip, $port, $io_value,\n$msr, $msr_value, $leaf, $vector, $error, "
                "$vmx_insn;\nVT-i: $cause, $opcode, $guest_ip, $pal_index, $vm.")
def cmd_catch(interp, args, fmt):
    _catch(interp, args, False)


@C.command("tcatch", "breakpoints", "set a temporary catchpoint", "tcatch KIND [FILTER...]",
           complete=("catch", "reason"))
def cmd_tcatch(interp, args, fmt):
    _catch(interp, args, True)


# -- watchpoints -------------------------------------------------------------------------------------
def _watch(interp, args: str, access: str) -> None:
    s = interp.session
    args, cond = E.split_condition(args)
    opts, rest = _options(args, ("host", "guest", "phys"))
    if not rest:
        raise VtdbgError("watch what? ($REG, vmcs.FIELD, {TYPE}ADDR, *ADDR or a symbol)")
    node = E.parse(rest)
    w = Watchpoint(0, condition=cond, context=_context(opts), access=access, expr=rest)
    if node[0] == "reg" and s.is_register(node[1]):
        if "phys" in opts:
            raise VtdbgError("-phys applies to memory")
        if access != "write":
            raise VtdbgError("registers can only be watched for changes (watch)")
        w.target, w.name = "reg", s.arch.regs.lookup(node[1]).name
        w.software = w.name not in SYSTEM_REGS
    elif node[0] == "vmcs":
        c = s.arch.control
        f = c.lookup(node[1])
        where = getattr(c, "field_address", None)       # the VPD: a field is memory
        if where is not None:
            w.target, w.size, w.address, w.phys = "mem", f.width // 8, where(f), True
        else:
            w.target, w.name = "vmcs", f.name
    elif node[0] == "mem":
        w.target, w.size = "mem", node[1]
        w.address = s.evaluator().eval_int(node[3]) & ((1 << 64) - 1)
        w.phys = "phys" in opts
    elif node[0] == "sym":
        w.target, w.size, w.address = "mem", 8, s.symbols.address(node[1])
        w.phys = "phys" in opts
    else:
        raise VtdbgError("watch needs $REG, vmcs.FIELD, {TYPE}ADDR, *ADDR or a symbol")
    _check_condition(interp, cond)
    w.old = s.watch_value(w)
    s.points.add(w)
    s.changed()
    label = "Software watchpoint" if w.software else w.title
    interp.out(f"{label} {w.number}: {w.expr}")


WATCH_HELP = ("EXPR is $REG (CR0/CR2/CR3/CR4/CR8/EFER are checked where the machine changes "
              "them;\nother registers single-step), vmcs.FIELD (VMWRITE, and the processor "
              "updating it\nat VM exit or entry; on IA-64 vpd.FIELD, the VPD's memory), "
              "{TYPE}ADDR or *ADDR\n(8 bytes) or a symbol. -phys: physical address.")


@C.command("watch", "breakpoints", "stop when a register, VMCS field or memory changes",
           "watch [-phys] [-host|-guest] EXPR [if CONDITION]", complete=("register", "vmcs"),
           help=WATCH_HELP)
def cmd_watch(interp, args, fmt):
    _watch(interp, args, "write")


@C.command("rwatch", "breakpoints", "stop when memory is read (or a VMCS field by VMREAD)",
           "rwatch [-phys] EXPR [if CONDITION]", complete=("vmcs",), help=WATCH_HELP)
def cmd_rwatch(interp, args, fmt):
    _watch(interp, args, "read")


@C.command("awatch", "breakpoints", "stop when memory (or a VMCS field) is read or written",
           "awatch [-phys] EXPR [if CONDITION]", complete=("vmcs",), help=WATCH_HELP)
def cmd_awatch(interp, args, fmt):
    _watch(interp, args, "access")


def breakpoint_lines(s) -> list[str]:
    pts = s.points.all()
    if not pts:
        return ["No breakpoints, catchpoints or watchpoints."]
    out = [f"{'Num':<5}{'Type':<18}{'Disp':<5}{'Enb':<4}What"]
    for p in pts:
        out.append(f"{p.number:<5}{p.type_text():<18}{'del' if p.temporary else 'keep':<5}"
                   f"{'y' if p.enabled else 'n':<4}{p.what()}")
        if p.condition:
            out.append(f"        stop only if {p.condition}")
        if p.hits:
            out.append(f"        {p.kind_name} already hit {p.hits} time"
                       f"{'s' if p.hits != 1 else ''}")
        if p.ignore_count:
            out.append(f"        ignore next {p.ignore_count} hits")
        for c in p.commands:
            out.append(f"        {c}")
    return out
