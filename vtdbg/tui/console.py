"""The console: the command line (history, Tab completion and a suggestion from the command
table) and the output log, which keeps its history and scrolls; the guest's serial output
goes there too, as it runs."""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input, RichLog

STYLES = {
    "cmd": Style(color="#87d7ff", bold=True),
    "out": Style(color="#d0d0d0"),
    "error": Style(color="#ff5f5f"),
    "guest": Style(color="#87d787"),
    "note": Style(color="#8a8a8a", italic=True),
}
MAX_LINES = 20_000
HISTORY_MAX = 1000


class ConsoleLog(RichLog):
    def __init__(self, **kw):
        super().__init__(max_lines=MAX_LINES, wrap=True, markup=False, highlight=False,
                         auto_scroll=True, **kw)
        self.plain: list[str] = []        # what was written, for tests and captures

    def add(self, kind: str, text: str) -> None:
        self.plain.append(text)
        if len(self.plain) > MAX_LINES:
            del self.plain[:len(self.plain) - MAX_LINES]
        self.write(Text(text, STYLES.get(kind, STYLES["out"])))


class _Suggest(Suggester):
    def __init__(self, complete: Callable[[str], tuple[str, list[str]]]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(" "):
            return None
        word, cands = self.complete(value)
        if not cands or not word:
            return None
        c = cands[0]
        if not c.startswith(word) or c == word:
            return None
        return value[:len(value) - len(word)] + c


class CommandLine(Input):
    """The command line. Up/Down walk the history, Tab completes, Esc leaves it."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("up", "history(-1)", "Previous command", show=False),
        Binding("down", "history(1)", "Next command", show=False),
        Binding("tab", "complete", "Complete", show=False),
    ]

    def __init__(self, complete: Callable[[str], tuple[str, list[str]]],
                 history_path: str | None = None,
                 examples: str = "help, info vmcs, x/8xg $rsp", **kw):
        super().__init__(placeholder=f"type a command ({examples} ...)",
                         suggester=_Suggest(complete), **kw)
        self.complete_fn = complete
        self.history: list[str] = []
        self.pos = 0
        self.draft = ""
        self.history_path = history_path
        self.listing: Callable[[list[str]], None] | None = None     # shows completions
        if history_path:
            self._load()

    # -- history ---------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            from prompt_toolkit.history import FileHistory
            if os.path.exists(self.history_path):
                got = list(FileHistory(self.history_path).load_history_strings())
                self.history = list(reversed(got))[-HISTORY_MAX:]
        except (OSError, ImportError):
            self.history = []
        self.pos = len(self.history)

    def remember(self, line: str) -> None:
        line = line.rstrip()
        if line and (not self.history or self.history[-1] != line):
            self.history.append(line)
            if self.history_path:
                try:
                    from prompt_toolkit.history import FileHistory
                    FileHistory(self.history_path).store_string(line)
                except OSError:
                    pass
        self.pos = len(self.history)
        self.draft = ""

    def action_history(self, d: int) -> None:
        if not self.history:
            return
        if self.pos == len(self.history):
            self.draft = self.value
        self.pos = max(0, min(len(self.history), self.pos + d))
        self.value = self.history[self.pos] if self.pos < len(self.history) else self.draft
        self.cursor_position = len(self.value)

    # -- completion ------------------------------------------------------------------------
    def action_complete(self) -> None:
        text = self.value[:self.cursor_position]
        rest = self.value[self.cursor_position:]
        word, cands = self.complete_fn(text)
        if not cands:
            return
        if len(cands) == 1:
            new = cands[0] + ("" if cands[0].endswith("/") else " ")
        else:
            new = os.path.commonprefix(cands)
            if len(new) <= len(word) and self.listing is not None:
                self.listing(cands)
            if len(new) < len(word):
                return
        head = text[:len(text) - len(word)] + new
        self.value = head + rest
        self.cursor_position = len(head)
