"""The memory pane: a hexdump at an address you type (an expression, linear in the current
context; `p ADDR` or `phys ADDR` for physical memory), bytes changed since the previous stop
highlighted. PageUp/PageDown move through memory."""
from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from ..errors import VtdbgError
from .lines import set_text

ADDR = Style(color="#7f8fa6")
BYTE = Style(color="#d0d0d0")
ZERO = Style(color="#6c6c6c")
CHANGED = Style(color="#1c1c1c", bgcolor="#ffd75f", bold=True)
ASCII = Style(color="#87afd7")
ERR = Style(color="#ff8787", italic=True)
HINT = Style(color="#8a8a8a", italic=True)


def parse_target(text: str) -> tuple[str, bool]:
    """'p 0x1000' / 'phys 0x1000' / '-phys 0x1000' -> ('0x1000', True)."""
    t = text.strip()
    for pre in ("phys ", "-phys ", "p ", "-p "):
        if t.lower().startswith(pre):
            return t[len(pre):].strip(), True
    return t, False


class HexDump(Static, can_focus=True):
    BINDINGS: ClassVar[list[Binding]] = [Binding("pageup", "page(-1)", "Page up", show=False),
                Binding("pagedown", "page(1)", "Page down", show=False),
                Binding("up", "line(-1)", "Up", show=False),
                Binding("down", "line(1)", "Down", show=False)]

    def __init__(self, pane: MemoryPane, **kw):
        super().__init__("", **kw)
        self.pane = pane

    def action_page(self, d: int) -> None:
        self.pane.move(d * self.pane.per_line * max(1, self.size.height))

    def action_line(self, d: int) -> None:
        self.pane.move(d * self.pane.per_line)

    def on_mouse_scroll_down(self, event) -> None:
        event.stop()
        self.pane.move(3 * self.pane.per_line)

    def on_mouse_scroll_up(self, event) -> None:
        event.stop()
        self.pane.move(-3 * self.pane.per_line)


class MemoryPane(Vertical):
    ALLOW_MAXIMIZE = True

    def __init__(self, session, **kw):
        super().__init__(**kw)
        self.s = session
        self.addr: int | None = None
        self.phys = False
        self.expr: str | None = None           # None: not chosen yet ($rsp)
        self.delta = 0                         # PageUp/PageDown moves from the expression
        self.per_line = 16
        self._old: tuple[int, bool, bytes] | None = None     # what the previous stop showed
        self._shown: tuple[int, bool, bytes] | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="address: expression ($rsp, symbol, 0x1000) or p ADDR for "
                    "physical", id="mem-addr")
        yield HexDump(self, id="mem-dump")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "mem-addr":
            return
        event.stop()
        self.goto(event.value)

    def goto(self, text: str) -> None:
        """Show memory at an expression, evaluated again at every stop ($rsp follows)."""
        self.expr, self.phys = parse_target(text)
        self.delta = 0
        self._old = None
        self.show()

    def move(self, delta: int) -> None:
        if self.expr:
            self.delta += delta
            self.show()

    def stopped(self) -> None:
        """A stop: what is on screen becomes the reference for change highlighting."""
        self._old = self._shown
        self.show()

    def show(self) -> None:
        dump = self.query_one(HexDump)
        if getattr(self.app, "engine_busy", False):
            self.border_title = "Memory (shown when the machine stops)"
            return
        if self.expr is None:                  # something useful before an address is typed
            self.expr = next((f"${r}" for r in ("rsp", "r12", "sp") if self.s.is_register(r)),
                             "$pc")
            self.query_one("#mem-addr", Input).value = self.expr
        width = dump.size.width or self.size.width or 80
        self.per_line = 16 if width >= 76 else 8
        if not self.expr:
            set_text(dump, Text("Type an address above (Enter shows it).", HINT))
            return
        try:
            base = self.s.evaluator().eval_int(self.expr)
        except VtdbgError as e:
            set_text(dump, Text(str(e), ERR))
            self._shown = None
            return
        self.addr = max(0, base + self.delta) & ((1 << 64) - 1)
        n = self.per_line * max(4, dump.size.height or 16)
        arch = self.s.arch
        try:
            data = arch.read_phys(self.addr, n) if self.phys else arch.read_virt(self.addr, n)
        except VtdbgError as e:
            set_text(dump, Text(str(e), ERR))
            self._shown = None
            return
        old = None
        if self._old is not None and self._old[0] == self.addr and self._old[1] == self.phys:
            old = self._old[2]
        self._shown = (self.addr, self.phys, data)
        set_text(dump, self.render_dump(self.addr, data, old))
        self.border_title = f"Memory: {'physical' if self.phys else 'linear'} {self.addr:#x}"

    def render_dump(self, addr: int, data: bytes, old: bytes | None) -> Text:
        per = self.per_line
        wide = 8 if addr + len(data) <= 1 << 32 else 16
        t = Text(no_wrap=True)
        for off in range(0, len(data), per):
            if off:
                t.append("\n")
            t.append(f"{addr + off:0{wide}x} ", ADDR)
            chunk = data[off:off + per]
            for i, b in enumerate(chunk):
                j = off + i
                changed = old is not None and j < len(old) and old[j] != b
                if i == 8:
                    t.append(" ")
                t.append(f" {b:02x}", CHANGED if changed else (ZERO if b == 0 else BYTE))
            t.append("   " * (per - len(chunk)) + ("  " if per > 8 else " "))
            t.append("".join(chr(b) if 32 <= b < 127 else "." for b in chunk), ASCII)
        return t
