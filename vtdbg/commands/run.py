"""Run control: run, continue, stepi, nexti, finish, until, advance, interrupt."""
from __future__ import annotations

from ..errors import VtdbgError
from .table import COMMANDS

C = COMMANDS


def count_arg(interp, args: str, what: str = "count") -> int:
    if not args:
        return 1
    n = interp.session.evaluator().eval_int(args)
    if n < 1:
        raise VtdbgError(f"the {what} must be at least 1, not {n}")
    if n > 1 << 40:
        raise VtdbgError(f"the {what} {n} is too large")
    return n


def location(interp, args: str) -> int:
    """A code location: *ADDR, ADDR (an expression) or a symbol."""
    if not args:
        raise VtdbgError("a location is needed")
    text = args.removeprefix("*")
    return interp.session.evaluator().eval_int(text) & ((1 << 64) - 1)


def _no_args(name: str, args: str) -> None:
    if args:
        raise VtdbgError(f"{name} takes no arguments")


@C.command("run", "running", "start the guest again from its loaded state and continue",
           "run", aliases=("r",),
           help="Restores the machine to the state right after loading (RAM, CPU, devices), "
                "clears the exit log, and continues.\nBreakpoints and other stop points "
                "are kept.")
def cmd_run(interp, args, fmt):
    _no_args("run", args)
    interp.resume(interp.session.run)


@C.command("starti", "running", "start the guest again and stop at its first instruction",
           "starti", aliases=("start",))
def cmd_starti(interp, args, fmt):
    _no_args("starti", args)
    s = interp.session
    s.restart()
    interp.lines(s.started().lines)


@C.command("continue", "running", "continue running until something stops the machine",
           "continue [N]", aliases=("c", "cont", "fg"),
           help="With N, ignore the breakpoint that stopped the machine N-1 more times.")
def cmd_continue(interp, args, fmt):
    n = count_arg(interp, args) if args else None
    interp.resume(lambda: interp.session.cont(n))


@C.command("stepi", "running", "execute N instructions (default 1)", "stepi [N]",
           aliases=("si", "s", "step"),
           help="A step whose instruction causes a VM exit stops in the VMM at the host RIP "
                "and says \"VM exit: REASON\".\nWith `set step-mode guest`, a step in the "
                "guest runs the VMM's exit handling through to the next VM entry.")
def cmd_stepi(interp, args, fmt):
    n = count_arg(interp, args)
    interp.resume(lambda: interp.session.stepi(n))


@C.command("nexti", "running", "step N instructions, running through called functions",
           "nexti [N]", aliases=("ni", "n", "next"))
def cmd_nexti(interp, args, fmt):
    n = count_arg(interp, args)
    interp.resume(lambda: interp.session.nexti(n))


@C.command("finish", "running", "run until the current function returns (step out)",
           "finish", aliases=("fin",),
           help="Steps (over calls) until a RET at the current stack depth executes, in the "
                "current context (host or guest).")
def cmd_finish(interp, args, fmt):
    _no_args("finish", args)
    interp.resume(interp.session.finish)


@C.command("until", "running", "run to a location, or past the current loop",
           "until [LOCATION]", aliases=("u",), complete=("symbol",),
           help="Without a location: like nexti, but at a backward jump runs until the "
                "instruction after it.\nWith a location: run until it is reached in the "
                "current context (host or guest).")
def cmd_until(interp, args, fmt):
    s = interp.session
    addr = location(interp, args) if args else None
    interp.resume(lambda: s.until(addr))


@C.command("advance", "running", "run until a location is reached", "advance LOCATION",
           complete=("symbol",))
def cmd_advance(interp, args, fmt):
    addr = location(interp, args)
    interp.resume(lambda: interp.session.advance(addr))


@C.command("interrupt", "running", "stop a running machine (what Ctrl-C does)", "interrupt")
def cmd_interrupt(interp, args, fmt):
    _no_args("interrupt", args)
    s = interp.session
    if not s.running:
        raise VtdbgError("the machine is not running")
    s.interrupt()
