"""The help screen (keys, mouse, where the commands are) and the command palette's provider,
which lists every command of the debugger's command table and the TUI's own actions."""
from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..commands.table import COMMANDS, INFO
from .bindings import KEYS, MOUSE, OTHER, key_names

KEY = Style(color="#ffd75f", bold=True)
HEAD = Style(color="#87d7ff", bold=True)
DIM = Style(color="#a8a8a8")


def help_text() -> Text:
    t = Text()
    t.append("vtdbg: keys\n", HEAD)
    for k in KEYS:
        t.append(f"  {key_names(k.keys):<18}", KEY)
        t.append(k.description + "\n")
    t.append("\nOther keys\n", HEAD)
    for keys, what in OTHER:
        t.append(f"  {keys:<20}", KEY)
        t.append(what + "\n")
    t.append("\nMouse\n", HEAD)
    for what, does in MOUSE:
        t.append(f"  {what:<20}", KEY)
        t.append(does + "\n")
    t.append("\nEvery key runs a debugger command, and the console shows it. In the command "
             "line, `help` lists the command families, `help CMD` explains one, `apropos WORD` "
             "searches them.\n", DIM)
    t.append("\nEsc, q or F1 closes this screen.", DIM)
    return t


class HelpScreen(ModalScreen):
    BINDINGS: ClassVar[list[Binding]] = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll() as v:
            v.border_title = "Help"
            yield Static(help_text(), id="help-text")


# chosen in the palette, these run at once; every other command goes to the command line
RUN_AT_ONCE = {"continue", "stepi", "nexti", "finish", "until", "run", "starti", "interrupt",
               "help", "disassemble", "x"}


def palette_entries() -> list[tuple[str, str, bool]]:
    """(command text, help, runs at once) for every command of the table and `info X`."""
    out = []
    for c in COMMANDS.unique():
        if c.name in ("else", "end"):
            continue
        out.append((c.name, c.summary, c.name in RUN_AT_ONCE))
    for c in INFO.unique():
        words = c.usage.split("|")[0].split()[2:]
        out.append((f"info {c.name}", c.summary, all(w.startswith("[") for w in words)))
    return out


class DebuggerCommands(Provider):
    """The debugger's commands in Textual's command palette: choosing one that needs no
    argument runs it; the others go to the command line to be completed."""

    async def search(self, query: str) -> Hits:
        m = self.matcher(query)
        app = self.app
        for text, summary, ready in palette_entries():
            score = m.match(text)
            if score > 0:
                yield Hit(score, m.highlight(text), partial(app.palette_command, text, ready),
                          help=summary)
        for name, action, what in app.palette_actions():
            score = m.match(name)
            if score > 0:
                yield Hit(score, m.highlight(name), partial(app.palette_action, action), help=what)

    async def discover(self) -> Hits:
        app = self.app
        for text, summary, ready in palette_entries():
            yield DiscoveryHit(text, partial(app.palette_command, text, ready), help=summary)
        for name, action, what in app.palette_actions():
            yield DiscoveryHit(name, partial(app.palette_action, action), help=what)
