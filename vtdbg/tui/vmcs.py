"""The VMCS pane: the current VMCS as a tree by area (the engine's control structure, so a VPD
fits the same pane), control bits decoded by name, fields changed since the previous stop
highlighted, a filter box, and the field responsible for a selected exit marked."""
from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static, Tree

from ..engine.views import control_tree
from .lines import set_text

NAME = Style(color="#d0d0d0")
VALUE = Style(color="#87afd7")
DECODED = Style(color="#8a8a8a")
CHANGED = Style(color="#1c1c1c", bgcolor="#ffd75f", bold=True)
CAUSE = Style(color="#ffffff", bgcolor="#af005f", bold=True)
AREA = Style(color="#ffd75f", bold=True)
BIT = Style(color="#afd7af")
FIRST = ("exit-info",)                # areas shown before the others


class VmcsPane(Vertical):
    ALLOW_MAXIMIZE = True

    def __init__(self, session, **kw):
        super().__init__(**kw)
        self.s = session
        self.cause: tuple[str, int | None] | None = None   # (field, bit) to mark
        self._shape: tuple | None = None
        self._fnodes: dict[str, object] = {}                  # field name -> tree node
        self._anodes: dict[str, object] = {}
        self._collapsed: set[str] = set()
        self._pending_focus = False

    def compose(self) -> ComposeResult:
        yield Static("", id="vmcs-header")
        yield Input(placeholder="filter: part of a field name", id="vmcs-filter")
        t = Tree("VMCS", id="vmcs-tree")
        t.show_root = False
        t.guide_depth = 2
        yield t

    @property
    def ftree(self) -> Tree:
        return self.query_one("#vmcs-tree", Tree)

    # -- content ---------------------------------------------------------------------------
    def refresh_from(self) -> None:
        if getattr(self.app, "engine_busy", False):
            return                               # the machine is running: at the stop
        s = self.s
        c = s.arch.control
        header = c.header()
        set_text(self.query_one("#vmcs-header", Static), Text(" ".join(header), DECODED))
        areas = control_tree(s)
        # what the last exit left comes first: after a stop it is what one looks at
        areas.sort(key=lambda a: a[0] not in FIRST)
        flt = self.query_one("#vmcs-filter", Input).value.strip().upper()   # VPD: lower case
        cause = self.cause[0] if self.cause else None
        shown = []
        hidden = 0
        for key, title, rows in areas:
            keep = []
            for r in rows:
                if flt:
                    ok = flt in r["name"].upper()
                else:
                    ok = r["value"] != 0 or r["name"] == cause
                if ok:
                    keep.append(r)
                else:
                    hidden += 1
            if keep:
                shown.append((key, title, keep))
        shape = tuple((k, tuple(r["name"] for r in rows)) for k, _, rows in shown)
        tree = self.ftree
        if shape != self._shape:
            self._collapsed = {k for k, n in self._anodes.items() if not n.is_expanded}
            tree.clear()
            self._fnodes, self._anodes = {}, {}
            for key, title, rows in shown:
                an = tree.root.add(self._area_label(title, len(rows)), data=("area", key),
                                   expand=key not in self._collapsed)
                self._anodes[key] = an
                for r in rows:
                    bits = self._bits(r["name"], r["value"])
                    if bits:
                        n = an.add(self._label(r), data=("field", r["name"]),
                                   expand=cause == r["name"] and self._pending_focus)
                        for b, name in bits:
                            n.add_leaf(self._bit_label(r["name"], b, name),
                                       data=("bit", r["name"], b))
                    else:
                        n = an.add_leaf(self._label(r), data=("field", r["name"]))
                    self._fnodes[r["name"]] = n
            if hidden and not flt:
                tree.root.add_leaf(Text(f"({hidden} fields are zero: type in the filter to "
                                        "find any field)", DECODED), data=("note",))
            elif not shown:
                tree.root.add_leaf(Text(f"no current {c.title}" if not c.present() else
                                        "no field matches", DECODED), data=("note",))
            self._shape = shape
        else:
            for _, _, rows in shown:
                for r in rows:
                    n = self._fnodes[r["name"]]
                    label = self._label(r)
                    if label != n.label:
                        n.set_label(label)
                    bits = self._bits(r["name"], r["value"])
                    if bits and len(n.children) == len(bits):
                        for child, (b, name) in zip(n.children, bits):
                            child.data = ("bit", r["name"], b)
                            label = self._bit_label(r["name"], b, name)
                            if label != child.label:
                                child.set_label(label)
                    elif bits or n.children:
                        self._shape = None            # the set bits changed: rebuild next time
        if self._shape is None:
            self.refresh_from()
            return
        if self._pending_focus:
            self.call_after_refresh(self._show_cause, 5)

    def _bits(self, field: str, value: int) -> list[tuple[int, str]]:
        arch = self.s.arch
        if arch.bit_name(field, 0) is None:
            return []
        # a VT-i fault's cause is a clear vac/vdc bit: show it too
        mark = self.cause[1] if self.cause is not None and self.cause[0] == field else None
        return [(b, arch.bit_name(field, b)) for b in range(64)
                if value >> b & 1 or b == mark]

    def _area_label(self, title: str, n: int) -> Text:
        t = Text(title, AREA)
        t.append(f"  ({n})", DECODED)
        return t

    def _label(self, r: dict) -> Text:
        cause = self.cause is not None and self.cause[0] == r["name"]
        style = CAUSE if cause else (CHANGED if r["changed"] else NAME)
        bits = self._bits(r["name"], r["value"])
        t = Text(f"{r['name']:<{28 if bits else 30}}", style)
        t.append(f" {r['value']:#x}", CHANGED if r["changed"] and not cause else VALUE)
        if r["decoded"] and not bits:
            t.append(f"  {r['decoded']}", DECODED)
        if cause:
            t.append("  ◀ caused the exit", CAUSE)
        return t

    def _bit_label(self, field: str, bit: int, name: str) -> Text:
        mark = self.cause is not None and self.cause == (field, bit)
        clear = not self.s.arch.control.value(self.s.arch.control.lookup(field)) >> bit & 1
        why = "  ◀ clear: caused the exit" if clear else "  ◀ caused the exit"
        return Text(f"bit {bit:<2} {name}" + (why if mark else ""), CAUSE if mark else BIT)

    # -- the responsible field ---------------------------------------------------------------
    def show_cause(self, field: str | None, bit: int | None, scroll: bool = True) -> None:
        """Mark the field (and bit) that caused an exit; scroll: bring it into view."""
        cause = (field, bit) if field else None
        if cause == self.cause and not scroll:
            return
        self.cause = cause
        self._shape = None
        self._pending_focus = bool(field) and scroll
        if self.display:
            self.refresh_from()

    def _show_cause(self, tries: int = 0) -> None:
        if self.cause is None or not self.is_visible_now():
            return
        field, bit = self.cause
        node = self._fnodes.get(field)
        if node is None:
            return
        if node.parent is not None and not node.parent.is_expanded:
            node.parent.expand()
        target = node
        if bit is not None and node.children:
            if not node.is_expanded:
                node.expand()
            for ch in node.children:
                if ch.data and ch.data[-1] == bit:
                    target = ch
        if target.line < 0:                   # the tree lays out its lines at its next idle
            if tries > 0:
                self.set_timer(0.02, lambda: self._show_cause(tries - 1))
            return
        self._pending_focus = False
        tree = self.ftree
        tree.move_cursor(target)
        tree.scroll_to_node(target, animate=False)

    def is_visible_now(self) -> bool:
        return self.display and self.size.height > 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "vmcs-filter":
            event.stop()
            self.refresh_from()
