"""The `vtdbg` command.

    vtdbg [GUEST] [-x FILE] [-ex CMD]...
                                 the debugger's full-screen TUI on GUEST (default: the bundled
                                 demo, minivmm: a VMM and its guest); without a terminal it
                                 runs GUEST headless, as `vtdbg run GUEST`
    vtdbg run GUEST [options]    boot GUEST headless; its serial/0xE9 output goes to stdout
    vtdbg guests                 list the bundled guests
    vtdbg repl GUEST [-x FILE] [-ex CMD]...
                                 the debugger's command line (prompt-toolkit)
    vtdbg --batch [-x FILE] [-ex CMD]... GUEST
                                 run debugger commands without a terminal (exit status 1
                                 when a command failed; errors as FILE:LINE: message)

GUEST is an image file (ELF32/ELF64, or a raw image) or the name of a bundled guest.
After the run, one line says why it stopped and how many instructions retired. Exit status:
0 when the guest halted or wrote exit code 0, the guest's exit code (255 when larger) when it
wrote another one, 3 on shutdown (triple fault), 4 when the instruction limit was reached,
130 when interrupted with Ctrl-C, 2 for user errors (one line on stderr).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys

from . import __version__
from .errors import VtdbgError

STATUS_SHUTDOWN, STATUS_LIMIT, STATUS_INTERRUPTED, STATUS_ERROR = 3, 4, 130, 2


def _int(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="vtdbg", description="A debugger for virtual machines on a software model of "
        "Intel VT-x and VT-i. `vtdbg [GUEST] [-x FILE] [-ex CMD]` opens the full-screen TUI "
        f"(GUEST defaults to the bundled demo, {DEMO}).")
    ap.add_argument("--version", action="version", version=f"vtdbg {__version__}")
    sub = ap.add_subparsers(dest="cmd")
    run = sub.add_parser("run", help="boot a guest headless and show its console output")
    run.add_argument("guest", help="an image file or the name of a bundled guest")
    run.add_argument("--limit", type=_int, default=None, metavar="N",
                     help="stop after N retired instructions")
    run.add_argument("--ram", type=_int, default=64, metavar="MIB",
                     help="RAM size in MiB (default 64)")
    run.add_argument("--load-address", type=_int, default=None, metavar="ADDR",
                     help="load a raw image into RAM at ADDR and start it in real mode "
                          "(without it a raw image is a ROM started from the reset vector)")
    sub.add_parser("guests", help="list the bundled guests")
    repl = sub.add_parser("repl", help="the debugger's command line on a guest")
    repl.add_argument("guest", help="an image file or the name of a bundled guest")
    _debug_options(repl)
    return ap


class _Ordered(argparse.Action):
    """-x and -ex run in the order given, so both append to one list."""

    def __call__(self, parser, ns, value, option=None):
        items = getattr(ns, "items", None) or []
        items.append(("x" if option == "-x" else "ex", value))
        ns.items = items


def _debug_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-x", action=_Ordered, metavar="FILE", dest="items",
                   help="run the commands in FILE")
    p.add_argument("-ex", action=_Ordered, metavar="CMD", dest="items",
                   help="run one command")
    p.add_argument("--ram", type=_int, default=64, metavar="MIB",
                   help="RAM size in MiB (default 64)")


SUBCOMMANDS = ("run", "guests", "repl")
DEMO = "minivmm"


def _tui_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vtdbg", description="The debugger's full-screen TUI on "
                                 f"a guest (default: the bundled demo, {DEMO}).")
    _debug_options(ap)
    ap.add_argument("guest", nargs="?", default=DEMO,
                    help="an image file or the name of a bundled guest")
    return ap


def _wants_tui(argv: list[str]) -> bool:
    """Plain `vtdbg` and `vtdbg GUEST [-x/-ex/--ram]` open the TUI; subcommands and
    --help/--version do not."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return False
    return not any(a in SUBCOMMANDS for a in argv[:1]) and "--batch" not in argv


def cmd_tui(args) -> int:
    if args.ram < 1 or args.ram > 3072:
        raise VtdbgError(f"--ram must be between 1 and 3072 MiB, not {args.ram}")
    resolve_guest(args.guest)                  # a bad name is an error before anything starts
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # no terminal (a pipe, CI): the guest runs headless instead of a screen
        print("vtdbg: not a terminal: running the guest headless (the TUI needs a terminal)",
              file=sys.stderr)
        sys.stdout.flush()
        return cmd_run(args.guest, None, args.ram, None, sys.stdout.buffer)
    from .tui import run_tui
    return run_tui(args.guest, args.items or [], args.ram)


def _batch_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vtdbg --batch", description="Run debugger commands "
                                 "on a guest without a terminal.")
    ap.add_argument("--batch", action="store_true", required=True)
    _debug_options(ap)
    ap.add_argument("guest", help="an image file or the name of a bundled guest")
    return ap


def cmd_batch(args) -> int:
    from .batch import run_batch
    if args.ram < 1 or args.ram > 3072:
        raise VtdbgError(f"--ram must be between 1 and 3072 MiB, not {args.ram}")

    def out(line: str) -> None:
        sys.stdout.write(line + "\n")

    def err(line: str) -> None:
        sys.stdout.flush()
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    return run_batch(args.guest, args.items or [], out, err, args.ram)


def cmd_repl(args) -> int:
    from .repl import run_repl
    if args.ram < 1 or args.ram > 3072:
        raise VtdbgError(f"--ram must be between 1 and 3072 MiB, not {args.ram}")
    return run_repl(args.guest, args.items or [], args.ram)


def resolve_guest(name: str) -> str:
    """An existing file, else a bundled guest's image."""
    if os.path.exists(name):
        return name
    from guests import find
    g = find(name)
    if g is not None:
        return str(g.elf)
    raise VtdbgError(f"no such file or bundled guest: {name} (see `vtdbg guests`)")


def _shown(path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def cmd_guests(out) -> int:
    from guests import GUESTS, IA64_GUESTS
    width = max(len(g.name) for g in GUESTS + IA64_GUESTS)
    for g in GUESTS + IA64_GUESTS:
        out.write(f"{g.name:<{width}}  {_shown(g.elf)}\n{'':<{width}}  {g.description}\n")
    return 0


def stop_line(stop) -> str:
    from machine.events import StopKind
    n = f"after {stop.icount} instruction{'s' if stop.icount != 1 else ''}"
    if stop.kind is StopKind.EXIT:
        return f"guest exit code {stop.code} {n}"
    if stop.kind is StopKind.HALTED and stop.detail:
        return f"halted {n} ({stop.detail})"
    if stop.kind is StopKind.SHUTDOWN:
        return f"{stop.kind.value} {n}: {stop.detail}" if stop.detail else f"{stop.kind.value} {n}"
    return f"{stop.kind.value} {n}"


def exit_status(stop) -> int:
    from machine.events import StopKind
    if stop.kind is StopKind.EXIT:
        return min(stop.code, 255)
    return {StopKind.HALTED: 0, StopKind.SHUTDOWN: STATUS_SHUTDOWN, StopKind.LIMIT: STATUS_LIMIT,
            StopKind.INTERRUPTED: STATUS_INTERRUPTED}.get(stop.kind, 1)


def cmd_run(guest: str, limit: int | None, ram: int, address: int | None, out) -> int:
    from machine.ia64.board import board_for
    from machine.loader import LoadError
    if ram < 1 or ram > 3072:
        raise VtdbgError(f"--ram must be between 1 and 3072 MiB, not {ram}")
    if limit is not None and limit < 0:
        raise VtdbgError("--limit must not be negative")
    path = resolve_guest(guest)
    m = board_for(path)(ram_mib=ram)               # the PC or the IA-64 board

    try:
        m.load(path, address)
    except LoadError as e:
        raise VtdbgError(str(e)) from None
    last = [b"\n"]

    def show(data: bytes) -> None:
        out.write(data)
        last[0] = data
        if data == b"\n":
            out.flush()
    m.console_hooks.append(show)
    old = None
    try:
        old = signal.signal(signal.SIGINT, lambda *_: m.request_stop())
    except ValueError:                      # not the main thread: no Ctrl-C handling
        pass
    try:
        stop = m.run(limit)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
    if not last[0].endswith(b"\n"):
        out.write(b"\n")
    out.write(f"[vtdbg] stopped: {stop_line(stop)}\n".encode())
    out.flush()
    return exit_status(stop)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    batch = "--batch" in argv
    tui = not batch and _wants_tui(argv)
    args = (_batch_parser() if batch else _tui_parser() if tui else _parser()).parse_args(argv)
    try:
        if batch:
            return cmd_batch(args)
        if tui:
            return cmd_tui(args)
        if args.cmd == "repl":
            return cmd_repl(args)
        if args.cmd == "guests":
            return cmd_guests(sys.stdout)
        sys.stdout.flush()
        out = sys.stdout.buffer
        return cmd_run(args.guest, args.limit, args.ram, args.load_address, out)
    except VtdbgError as e:
        sys.stdout.flush()
        print(f"vtdbg: {e}", file=sys.stderr)
        return STATUS_ERROR
    except BrokenPipeError:                 # e.g. `vtdbg guests | head -1`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
