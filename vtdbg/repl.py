"""`vtdbg repl GUEST`: the debugger's command line, with prompt-toolkit.

History is saved (in $VTDBG_HISTORY, default ~/.vtdbg_history); Tab completes commands,
registers, VMCS field names, exit-reason names and symbols from the command table. An empty
line repeats the last stepping or examining command, as in gdb. Ctrl-C at the prompt drops
the line; while the guest runs, Ctrl-C interrupts it (the machine stops at an instruction
boundary, consistent)."""
from __future__ import annotations

import os
import signal

from .batch import make_session, run_items
from .commands.complete import complete
from .commands.interp import CommandError, Interp, Quit
from .errors import VtdbgError

REPEATABLE = {"stepi", "nexti", "si", "ni", "s", "n", "step", "next", "continue", "c", "x",
              "xp", "finish", "until", "u"}


def history_path() -> str:
    return os.environ.get("VTDBG_HISTORY") or os.path.expanduser("~/.vtdbg_history")


def make_completer(interp):
    from prompt_toolkit.completion import Completer, Completion

    class _C(Completer):
        def get_completions(self, document, complete_event):
            word, cands = complete(interp, document.text_before_cursor)
            for c in cands[:500]:
                yield Completion(c, start_position=-len(word))
    return _C()


def run_line(interp, line: str) -> None:
    """Feed one line with Ctrl-C wired to the session's interrupt."""
    s = interp.session
    old = None
    try:
        old = signal.signal(signal.SIGINT, lambda *_: s.interrupt())
    except ValueError:                    # not the main thread
        pass
    try:
        interp.feed(line)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def run_repl(guest: str, items, ram_mib: int = 64, input=None, output=None) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    s = make_session(guest, ram_mib)

    def out(line: str) -> None:
        print(line, flush=True)
    interp = Interp(s, out=out)
    s.machine.console_hooks.append(interp.guest_output)
    run_items(interp, items)
    try:
        history = FileHistory(history_path())
    except OSError:
        history = InMemoryHistory()
    ps = PromptSession(history=history, completer=make_completer(interp),
                       complete_while_typing=False, input=input, output=output)
    print(f"vtdbg: {s.path} loaded ({s.arch.mode_text()}). Type \"help\" for help.")
    print(s.location_line())
    last = ""
    while True:
        try:
            line = ps.prompt(">" if interp.continuing else "(vtdbg) ")
        except KeyboardInterrupt:
            interp.cancel_block()
            continue
        except EOFError:
            break
        if not line.strip() and not interp.continuing:
            if not last:
                continue
            line = last
        elif not interp.continuing:
            word = line.split()[0].split("/")[0] if line.split() else ""
            last = line if word in REPEATABLE else ""
        try:
            run_line(interp, line)
        except Quit:
            break
        except CommandError as e:
            interp.flush()
            print(e.located(), flush=True)
        except VtdbgError as e:
            interp.flush()
            print(str(e), flush=True)
        interp.flush()
    return 0
