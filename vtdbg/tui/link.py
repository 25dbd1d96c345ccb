"""The TUI's link to the engine: a command interpreter on the session, run in a worker thread,
with its output (and the guest's console) queued for the screen. Every TUI action goes through
here as a command line, so the TUI, the REPL and command files cannot disagree."""
from __future__ import annotations

import threading
from collections import deque

from ..commands.complete import complete
from ..commands.interp import CommandError, Interp, Quit
from ..errors import VtdbgError

REPEATABLE = {"stepi", "nexti", "si", "ni", "s", "n", "step", "next", "continue", "c", "x",
              "xp", "finish", "until", "u"}


class EngineLink:
    def __init__(self, session):
        self.session = session
        self.output: deque[tuple[str, str]] = deque()     # (kind, line) for the console
        self.interp = Interp(session, out=self._out, err=self._err)
        # `interrupt` comes from the screen while the worker is inside a run command; it
        # gets its own interpreter so the running one is not disturbed
        self._side = Interp(session, out=self._out, err=self._err)
        self._guest = bytearray()
        self._lock = threading.Lock()
        self.busy = False
        session.machine.console_hooks.append(self._console)

    # -- output ----------------------------------------------------------------------------
    def _out(self, line: str) -> None:
        self.output.append(("out", line))

    def _err(self, line: str) -> None:
        self.output.append(("error", line))

    def _console(self, data: bytes) -> None:
        """The guest's console, by lines (called in the worker thread while it runs)."""
        with self._lock:
            self._guest += data
            while True:
                i = self._guest.find(b"\n")
                if i < 0:
                    break
                line = self._guest[:i].decode("latin-1").replace("\r", "")
                del self._guest[:i + 1]
                self.output.append(("guest", line))

    def flush_guest(self) -> None:
        with self._lock:
            if self._guest:
                self.output.append(("guest", self._guest.decode("latin-1")))
                self._guest.clear()

    def drain(self) -> list[tuple[str, str]]:
        out = []
        q = self.output
        while q:
            out.append(q.popleft())
        return out

    # -- commands --------------------------------------------------------------------------
    @property
    def continuing(self) -> bool:
        return self.interp.continuing

    def execute(self, lines: list[str], echo: bool = True) -> bool:
        """Run command lines (in the worker thread). Returns False after `quit`."""
        it = self.interp
        for line in lines:
            if echo:
                self.output.append(("cmd", (">" if it.continuing else "(vtdbg)") + " " + line))
            try:
                it.feed(line)
            except Quit:
                it.flush()
                return False
            except CommandError as e:
                it.flush()
                self.flush_guest()
                self.output.append(("error", e.located()))
            except VtdbgError as e:
                it.flush()
                self.output.append(("error", str(e)))
            it.flush()
        self.flush_guest()
        return True

    def run_items(self, items: list[tuple[str, str]]) -> bool:
        """-x FILE and -ex CMD from the command line, in order (in the worker thread)."""
        from ..batch import run_items
        self.interp.err = self._err
        try:
            run_items(self.interp, items)
        except Quit:
            return False
        self.flush_guest()
        return True

    def interrupt(self) -> bool:
        """Stop the running machine with the `interrupt` command (from the screen's thread).
        False when the machine is not (yet) inside a run."""
        if not self.session.running:
            return False
        try:
            self._side.execute("interrupt")
        except VtdbgError:
            return False
        return True

    def complete(self, text: str) -> tuple[str, list[str]]:
        try:
            return complete(self.interp, text)
        except Exception:          # noqa: BLE001 - completion must never break typing
            return "", []
