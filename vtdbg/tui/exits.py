"""The exit-log pane: a table of VM exits (index, instruction count, reason, decoded
qualification, guest RIP) drawn row by row on demand, so 100,000 entries cost what the visible
ones cost; below it the selected exit in full, as `info exit N` shows it."""
from __future__ import annotations

import bisect

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from ..engine.views import exit_detail_lines
from ..errors import VtdbgError
from .lines import LineList, set_text

IDX = Style(color="#8a8a8a")
COUNT = Style(color="#7f8fa6")
REASON = Style(color="#ffd75f")
FAIL = Style(color="#ff5f5f", bold=True)
QUAL = Style(color="#d0d0d0")
RIP = Style(color="#87afd7")
HEAD = Style(color="#a8a8a8", bold=True, underline=True)
KINDS = ("exit", "entry-fail")
FIXED = 7 + 1 + 10 + 2 + 20 + 2            # index, icount, reason and their gaps


class ExitTable(LineList):
    class Selected(Message):
        def __init__(self, index: int, user: bool) -> None:
            super().__init__()
            self.index = index
            self.user = user               # chosen by a key or a click (not by following)

    def __init__(self, session, **kw):
        super().__init__(**kw)
        self.s = session
        self.rows: list = []                 # exit-log records (exits and failed entries)
        self._keys: list[int] = []           # their indexes, for trimming
        self._seen = 0                       # the exit log's next_index when last synced
        self.qual_width = 28

    def count(self) -> int:
        return len(self.rows)

    def sync(self) -> bool:
        """Take the records added since the last sync; True when there are new rows."""
        log = self.s.exitlog
        if log.next_index < self._seen or (self.rows and not len(log)):
            self.rows, self._keys, self._seen = [], [], 0
            self.cursor = 0
        new = []
        if log.next_index > self._seen:
            for r in reversed(log.records):
                if r.index < self._seen:
                    break
                if r.kind in KINDS:
                    new.append(r)
            new.reverse()
        self._seen = log.next_index
        at_end = not self.rows or self.cursor >= len(self.rows) - 1
        self.rows += new
        self._keys += [r.index for r in new]
        k = bisect.bisect_left(self._keys, log.oldest_index())
        if k:
            del self.rows[:k]
            del self._keys[:k]
            self.cursor = max(0, self.cursor - k)
        if not new and not k and self.virtual_size.height == len(self.rows):
            return False                       # nothing changed: no redraw
        self._layout()
        self.update_size()
        if new and at_end:
            self.cursor = len(self.rows) - 1
            self.show_row(self.cursor)
            self.post_message(self.Selected(self.rows[self.cursor].index, False))
        return bool(new)

    def _layout(self) -> None:
        w = self.scrollable_content_region.width or 80
        self.qual_width = max(14, min(40, (w - FIXED - 2) // 2))
        self.width_hint = FIXED + self.qual_width + 2 + 40

    def on_resize(self) -> None:
        self._layout()
        self.update_size()

    def header(self) -> Text:
        return Text(f"{'#':>7} {'icount':>10}  {'reason':<20}  "
                    f"{'qualification':<{self.qual_width}}  guest RIP", HEAD)

    def segments(self, i: int) -> list[Segment]:
        r = self.rows[i]
        s = self.s
        if r.kind == "exit":
            q = s.arch.qualification_text(r.reason, r.qualification, r.intr_info)
            q = q or (f"{r.qualification:#x}" if r.qualification else "")
            reason, rs = r.name, REASON
            rip = s.where(r.guest_rip)
        else:
            q = r.detail
            reason, rs = "!" + (r.name if r.reason >= 0 else "VMfail"), FAIL
            rip = ""
        w = self.qual_width
        if len(q) > w:
            q = q[:w - 1] + "…"
        return [Segment(f"{r.index:>7} ", IDX), Segment(f"{r.icount:>10}  ", COUNT),
                Segment(f"{reason[:20]:<20}  ", rs), Segment(f"{q:<{w}}  ", QUAL),
                Segment(rip, RIP)]

    def cursor_moved(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self.rows[self.cursor].index, True))

    def select_index(self, index: int) -> None:
        k = bisect.bisect_left(self._keys, index)
        if k < len(self._keys) and self._keys[k] == index:
            self.set_cursor(k, center=True)


class ExitPane(Vertical):
    ALLOW_MAXIMIZE = True

    def __init__(self, session, **kw):
        super().__init__(**kw)
        self.s = session

    def compose(self) -> ComposeResult:
        yield Static("", id="exit-head")
        yield ExitTable(self.s, id="exit-table")
        yield Static("", id="exit-detail")

    @property
    def table(self) -> ExitTable:
        return self.query_one(ExitTable)

    def refresh_from(self) -> None:
        t = self.table
        t.sync()
        set_text(self.query_one("#exit-head", Static), t.header())
        if not t.rows:
            set_text(self.query_one("#exit-detail", Static),
                     Text("No VM exits yet." if not len(self.s.exitlog) else "", IDX))

    def on_resize(self) -> None:
        set_text(self.query_one("#exit-head", Static), self.table.header())

    def detail(self, index: int):
        """The exit's full text (the same lines as `info exit N`) and the record."""
        try:
            r = self.s.exitlog.get(index)
            lines = exit_detail_lines(self.s, index)
        except VtdbgError as e:
            set_text(self.query_one("#exit-detail", Static), Text(str(e), FAIL))
            return None
        # the cause first: on a small screen it is what matters (the table row has the rest)
        why = ("cause:", "failed check:", "responsible")
        first = [ln.strip() for ln in lines[1:] if ln.lstrip().startswith(why)]
        lines = first + [lines[0]] + [ln for ln in lines[1:] if not ln.lstrip().startswith(why)]
        text = Text()
        for i, ln in enumerate(lines):
            if i:
                text.append("\n")
            if i < len(first):
                text.append(ln, Style(color="#ffaf87", bold=True))
            else:
                text.append(ln, QUAL if i > len(first) else REASON)
        set_text(self.query_one("#exit-detail", Static), text)
        return r
