"""Status inquiries: info SUBCOMMAND and show SETTING."""
from __future__ import annotations

import os

from .. import __version__
from ..engine import views
from ..errors import VtdbgError
from .breaks import breakpoint_lines
from .data import SETTINGS, show_setting
from .table import COMMANDS, INFO, SHOW

C = COMMANDS
MAIN_GROUPS = ["general", "flags", "segment", "control"]


@C.command("info", "status", "show things about the machine and the debugger",
           "info SUBCOMMAND [ARGS]", aliases=("i", "inf"), complete=("info",), sub=INFO)
def cmd_info(interp, args, fmt):
    words = args.split(None, 1)
    if not words:
        interp.lines(C.commands["info"].help_text())
        return
    sub = INFO.find(words[0], "info command")
    sub.handler(interp, words[1] if len(words) > 1 else "", fmt)


@C.command("show", "status", "show a setting", "show SETTING", complete=("setting",), sub=SHOW)
def cmd_show(interp, args, fmt):
    words = args.split(None, 1)
    if not words:
        for name in SETTINGS:
            interp.out(show_setting(interp.session, name))
        return
    if words[0] in SETTINGS:
        interp.out(show_setting(interp.session, words[0]))
        return
    SHOW.find(words[0], "show command").handler(interp, words[1] if len(words) > 1 else "",
                                                 fmt)


def _names(args: str) -> list[str]:
    return [w.lstrip("$") for w in args.replace(",", " ").split()]


@INFO.command("registers", "status", "registers (general, flags, segment, control; or NAMEs "
              "or a GROUP)", "info registers [NAME...|GROUP]", aliases=("r", "reg"),
              complete=("register",))
def info_registers(interp, args, fmt):
    s = interp.session
    names = _names(args)
    groups = [k for k, _ in s.arch.regs.groups]
    if len(names) == 1 and names[0] in groups:
        interp.lines(views.register_lines(s, groups=[names[0]]))
    elif names:
        interp.lines(views.register_lines(s, names=names))
    else:
        interp.lines(views.register_lines(s, groups=getattr(s.arch, "main_groups",
                                                            MAIN_GROUPS)))


@INFO.command("all-registers", "status", "every register, including debug, descriptor "
              "tables and MSRs", "info all-registers")
def info_all_registers(interp, args, fmt):
    interp.lines(views.register_lines(interp.session))


@INFO.command("breakpoints", "status", "breakpoints, catchpoints and watchpoints",
              "info breakpoints", aliases=("b", "break", "watchpoints"))
def info_breakpoints(interp, args, fmt):
    interp.lines(breakpoint_lines(interp.session))


@INFO.command("display", "status", "expressions shown at each stop", "info display")
def info_display(interp, args, fmt):
    ds = interp.session.displays
    if not ds:
        interp.out("There are no auto-display expressions now.")
        return
    interp.out("Auto-display expressions now in effect:")
    for num, f, text, on in ds:
        interp.out(f"{num}:   {'y' if on else 'n'}  {'/' + f + ' ' if f else ''}{text}")


@INFO.command("symbol", "status", "the symbol at an address", "info symbol ADDRESS",
              complete=("symbol",))
def info_symbol(interp, args, fmt):
    s = interp.session
    a = s.evaluator().eval_int(args) if args else s.arch.pc()
    d = s.sym(a)
    interp.out(f"{d} ({a:#x})" if d else f"No symbol matches {a:#x}.")


@INFO.command("vmcs", "vmx", "the current VMCS, decoded (an area, a field, or all)",
              "info vmcs [AREA|FIELD] [all]", complete=("vmcs",), aliases=("vpd",),
              help="Areas: exec, exit-ctls, entry-ctls, exit-info, guest, host; controls = "
                   "the three control areas.\nOn IA-64 (`info vpd`): control, interrupt, psr, "
                   "vcr, banked, cpuid; fields such as\nvac, vdc, vpsr, vtpr (or tpr).\n"
                   "Zero fields are left out unless `all` is given.")
def info_vmcs(interp, args, fmt):
    words = args.split()
    show_all = "all" in words
    words = [w.removeprefix("vmcs.") for w in words if w != "all"]
    if len(words) > 1:
        raise VtdbgError("usage: info vmcs [AREA|FIELD] [all]")
    interp.lines(views.control_lines(interp.session, words[0] if words else None, show_all))


def _exit_filters(s, args: str):
    count, reasons, first, last, all_kinds = None, None, None, None, False
    for w in args.replace(",", " ").split():
        if w == "all":
            all_kinds = True
        elif "-" in w[1:] or ".." in w:
            a, b = w.split("..") if ".." in w else w.split("-", 1)
            try:
                first, last = int(a, 0), int(b, 0)
            except ValueError:
                raise VtdbgError(f"bad range {w} (FROM-TO)") from None
        elif w.isdigit():
            count = int(w)
        else:
            n = s.arch.reason_number(w)
            if n is None:
                raise VtdbgError(f"no VM-exit reason {w}")
            reasons = (reasons or set()) | {n}
    return count, reasons, first, last, all_kinds


@INFO.command("exits", "vmx", "the exit log: last N, by reason, a range; or stats",
              "info exits [N] [REASON...] [FROM-TO] [all] | info exits stats",
              complete=("reason",),
              help="Without N, the last 20. `all` includes VM entries. `stats` shows counts and "
                   "the root-mode\ninstructions the VMM ran per exit reason.")
def info_exits(interp, args, fmt):
    s = interp.session
    if args.strip() == "stats":
        interp.lines(views.stats_lines(s))
        return
    count, reasons, first, last, all_kinds = _exit_filters(s, args)
    if count is None and first is None:
        count = 20
    interp.lines(views.exits_lines(s, count, reasons, first, last, all_kinds))


@INFO.command("exit", "vmx", "one exit in full, with its cause (default: the last)",
              "info exit [N]")
def info_exit(interp, args, fmt):
    s = interp.session
    if args.strip():
        n = s.evaluator().eval_int(args)
    else:
        r = s.exitlog.last()
        if r is None:
            raise VtdbgError("no VM exit yet")
        n = r.index
    interp.lines(views.exit_detail_lines(s, n))


@INFO.command("vmentry", "vmx", "the last VM entry's checklist: the failed check and its "
              "values", "info vmentry [-v]")
def info_vmentry(interp, args, fmt):
    if args.strip() not in ("", "-v", "verbose"):
        raise VtdbgError("usage: info vmentry [-v]")
    interp.lines(views.vmentry_lines(interp.session, verbose=bool(args.strip())))


@INFO.command("vmx", "vmx", "VMX operation: root/non-root, VMXON region, VMCSs (on IA-64: "
              "VT-i's environment and virtual processors)", "info vmx", aliases=("vti",))
def info_vmx(interp, args, fmt):
    s = interp.session
    virt = getattr(s.arch, "virt_lines", None)           # IA-64: VT-i's state
    if virt is not None:
        interp.lines(virt(len(s.exitlog)))
        return
    v = s.arch.cpu.vmx
    if not v.on:
        interp.out("VMX operation is off.")
        return
    interp.out(f"VMX {'non-root' if v.nonroot else 'root'} operation; VMXON region "
               f"{v.vmxon_ptr:#x}")
    cur = v.current
    interp.out(f"Current VMCS: {cur.addr:#x}" if cur else "No current VMCS.")
    for addr, vm in sorted(v.active.items()):
        interp.out(f"  active VMCS {addr:#x}: {'launched' if vm.launched else 'clear'}")
    interp.out(f"{v.exit_count} VM exits so far; the exit log holds {len(s.exitlog)}.")


@INFO.command("exit-reasons", "vmx", "the basic exit reasons by number and SDM name",
              "info exit-reasons")
def info_exit_reasons(interp, args, fmt):
    arch = interp.session.arch
    for n, name in sorted(arch.exit_reasons.items()):
        interp.out(f"{arch.reason_label(n):>6}  {name}")


@INFO.command("translate", "data", "walk an address: guest page tables, then EPT",
              "info translate [-guest|-host] ADDRESS", complete=("symbol",))
def info_translate(interp, args, fmt):
    s = interp.session
    words = args.split()
    ctx = None
    if words and words[0] in ("-guest", "-host"):
        ctx = words.pop(0)[1:]
    if not words:
        raise VtdbgError("an address is needed")
    addr = s.evaluator().eval_int(" ".join(words)) & ((1 << 64) - 1)
    interp.lines(views.translate_lines(s, addr, ctx))


def _all(args: str, cmd: str) -> bool:
    if args.strip() not in ("", "all"):
        raise VtdbgError(f"usage: info {cmd} [all]")
    return args.strip() == "all"


@INFO.command("gdt", "data", "the global descriptor table (first 32 slots, or all)",
              "info gdt [all]")
def info_gdt(interp, args, fmt):
    interp.lines(interp.session.arch.gdt_lines(_all(args, "gdt")))


@INFO.command("idt", "data", "the interrupt descriptor table (the IVT in real mode; on "
              "IA-64 the interruption vector table)", "info idt", aliases=("ivt",))
def info_idt(interp, args, fmt):
    if args.strip():
        raise VtdbgError("info idt takes no arguments")
    interp.lines(interp.session.arch.idt_lines())


@INFO.command("tss", "data", "the current task-state segment", "info tss")
def info_tss(interp, args, fmt):
    interp.lines(interp.session.arch.tss_lines())


@INFO.command("tlb", "data", "the translations the CPU has cached", "info tlb")
def info_tlb(interp, args, fmt):
    interp.lines(interp.session.arch.tlb_lines())


@INFO.command("rse", "data", "IA-64: the register stack (frame, dirty registers, backing "
              "store)", "info rse [all]")
def info_rse(interp, args, fmt):
    lines = getattr(interp.session.arch, "rse_lines", None)
    if lines is None:
        raise VtdbgError("info rse: the register stack engine is IA-64's")
    interp.lines(lines(_all(args, "rse")))


@INFO.command("program", "status", "the guest, where it stopped and why", "info program")
def info_program(interp, args, fmt):
    s = interp.session
    name = os.path.basename(s.path) if s.path else "(none loaded)"
    interp.out(f"Guest {name}: {s.arch.mode_text()}, "
               f"{s.arch.icount()} instructions retired.")
    if s.last_report is not None:
        interp.out(f"It stopped: {s.last_report.summary}")
    interp.out(s.location_line())


@INFO.command("console", "status", "everything the guest wrote to its serial console",
              "info console")
def info_console(interp, args, fmt):
    text = interp.session.machine.console_output().decode("latin-1")
    if not text:
        interp.out("(no console output)")
    for ln in text.splitlines():
        interp.out(ln)


@SHOW.command("version", "status", "vtdbg's version", "show version")
def show_version(interp, args, fmt):
    interp.out(f"vtdbg {__version__}")


@SHOW.command("convenience", "status", "convenience variables", "show convenience",
              aliases=("conv",))
def show_convenience(interp, args, fmt):
    s = interp.session
    items = {**s.variables, **s.event_vars}
    if not items:
        interp.out("No convenience variables now.")
    for k in sorted(items):
        v = items[k]
        interp.out(f"${k} = {v!r}" if isinstance(v, str) else f"${k} = {v:#x}")


@SHOW.command("values", "status", "the value history of print", "show values")
def show_values(interp, args, fmt):
    for i, v in enumerate(interp.session.values[-10:], max(1, len(interp.session.values) - 9)):
        interp.out(f"${i} = {v}")
