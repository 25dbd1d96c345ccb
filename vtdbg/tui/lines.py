"""A scrollable list of styled lines with a cursor, drawn with Textual's line API: only the
rows on screen are formatted, so a list of 100,000 rows costs what the visible ones cost."""
from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CURSOR = Style(bgcolor="#303a4a")
CURSOR_BLUR = Style(bgcolor="#262b33")


class LineList(ScrollView, can_focus=True):
    """Subclasses give `count()` and `segments(i)` (a list of rich Segments for row i)."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("ctrl+home", "first", "First", show=False),
        Binding("ctrl+end", "last", "Last", show=False),
    ]

    class Clicked(Message):
        def __init__(self, widget: LineList, row: int, x: int) -> None:
            super().__init__()
            self.widget = widget
            self.row = row
            self.x = x

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.cursor = 0
        self.width_hint = 60

    # -- what subclasses provide ------------------------------------------------------------
    def count(self) -> int:
        return 0

    def segments(self, i: int) -> list[Segment]:
        return []

    def cursor_moved(self) -> None:
        """The cursor moved to another row (by key or click)."""

    # -- drawing --------------------------------------------------------------------------------
    def update_size(self) -> None:
        self.virtual_size = Size(self.width_hint, self.count())
        self.refresh()

    def render_line(self, y: int) -> Strip:
        sx, sy = self.scroll_offset
        i = sy + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if i >= self.count():
            return Strip.blank(width, base)
        if i == self.cursor:
            base = base + (CURSOR if self.has_focus else CURSOR_BLUR)
        strip = Strip(self.segments(i)).apply_style(base)
        return strip.crop_extend(sx, sx + width, base)

    def on_resize(self) -> None:
        self.show_row(self.cursor)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- the cursor -----------------------------------------------------------------------------
    def set_cursor(self, i: int, center: bool = False) -> None:
        n = self.count()
        i = max(0, min(i, n - 1)) if n else 0
        moved = i != self.cursor
        self.cursor = i
        self.show_row(i, center)
        self.refresh()
        if moved:
            self.cursor_moved()

    def show_row(self, i: int, center: bool = False) -> None:
        h = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if center:
            self.scroll_to(y=max(0, i - h // 3), animate=False)
        elif i < top:
            self.scroll_to(y=i, animate=False)
        elif i >= top + h:
            self.scroll_to(y=i - h + 1, animate=False)

    def action_move(self, d: int) -> None:
        self.set_cursor(self.cursor + d)

    def action_page(self, d: int) -> None:
        h = max(1, self.scrollable_content_region.height - 1)
        self.set_cursor(self.cursor + d * h)

    def action_first(self) -> None:
        self.set_cursor(0)

    def action_last(self) -> None:
        self.set_cursor(self.count() - 1)

    def on_click(self, event: Click) -> None:
        off = event.get_content_offset(self)
        if off is None:
            return
        sx, sy = self.scroll_offset
        row = off.y + sy
        if row < self.count():
            self.set_cursor(row)
            self.post_message(self.Clicked(self, row, off.x + sx))


def set_text(widget, text, layout: bool = False) -> None:
    """Static.update, skipped when nothing changed and without a layout pass when the number
    of lines stays the same (a layout pass is most of the cost of a redraw); layout: always
    (a widget as wide as its text)."""
    old = getattr(widget, "_shown_text", None)
    if old is not None and old == text:
        return
    grow = layout or old is None or str(old).count("\n") != str(text).count("\n")
    widget._shown_text = text
    widget.update(text, layout=grow)
