"""Command files without a terminal: `vtdbg --batch -x FILE [-ex CMD]... GUEST`.

Items run in command-line order. Output (the guest's console included) goes to `out`; an
error is one line on `err`, as FILE:LINE: message for a command file, and ends that file.
The exit status is 1 when any command failed, else 0."""
from __future__ import annotations

from .commands.interp import CommandError, Interp, Quit
from .engine.session import Session
from .errors import VtdbgError


def make_session(guest: str | None, ram_mib: int = 64) -> Session:
    from machine.board import Machine
    if guest is None:
        return Session(Machine(ram_mib=ram_mib))
    from machine.ia64.board import board_for

    from .cli import resolve_guest
    path = resolve_guest(guest)
    s = Session(board_for(path)(ram_mib=ram_mib))       # the PC or the IA-64 board
    s.load(path)
    return s


def run_items(interp: Interp, items: list[tuple[str, str]]) -> int:
    status = 0
    for kind, value in items:
        try:
            if kind == "x":
                interp.source(value)
            else:
                interp.feed(value, None)
                if interp.continuing:
                    interp.cancel_block()
                    raise VtdbgError(f"-ex {value!r}: a block needs its lines and 'end'; put "
                                     "it in a command file")
        except Quit:
            break
        except CommandError as e:
            interp.flush()
            interp.err(e.located())
            status = 1
        except VtdbgError as e:
            interp.flush()
            interp.err(str(e))
            status = 1
    interp.flush()
    return status


def run_batch(guest: str, items: list[tuple[str, str]], out, err, ram_mib: int = 64) -> int:
    """out/err: callables taking one line. Returns the exit status. Ctrl-C interrupts a
    running guest (the command then reports "Interrupted." and the file goes on)."""
    import signal
    s = make_session(guest, ram_mib)
    interp = Interp(s, out=out, err=err)
    s.machine.console_hooks.append(interp.guest_output)
    old = None
    try:
        old = signal.signal(signal.SIGINT, lambda *_: s.interrupt())
    except ValueError:                    # not the main thread
        pass
    try:
        return run_items(interp, items)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
