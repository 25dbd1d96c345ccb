"""The registers pane: a badge (VMX root / non-root, CPL, CPU mode), then the general
registers, RFLAGS decoded, the segment registers with their hidden parts and the control
registers, values changed since the previous stop highlighted."""
from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..engine.views import register_rows
from .lines import set_text

# the groups shown, in this order, of those the architecture's register file has
GROUPS = ["status", "general", "flags", "segment", "predicate", "branch", "control",
          "application"]
NAME = Style(color="#87afd7")
VALUE = Style(color="#d0d0d0")
CHANGED = Style(color="#1c1c1c", bgcolor="#ffd75f", bold=True)
EXTRA = Style(color="#8a8a8a")
BADGE = {"guest": Style(color="#1c1c1c", bgcolor="#5fd787", bold=True),
         "host": Style(color="#1c1c1c", bgcolor="#5fafff", bold=True),
         "off": Style(color="#1c1c1c", bgcolor="#a8a8a8", bold=True)}
BADGE_2 = {k: Style(color=v.bgcolor.name if v.bgcolor else None, bold=True)
           for k, v in BADGE.items()}


def badge(session) -> tuple[list[str], str]:
    """(lines, kind) of the badge: ['VMX non-root', 'CPL 0 · protected 32-bit']."""
    arch = session.arch
    parts = arch.mode_text().split(", ")
    mode, rest = parts[0], parts[1:]
    virt = [p for p in rest if p.startswith(("VMX", arch.virt_name))]
    other = [p for p in rest if p not in virt]
    if not arch.virt_on():
        kind = "off"
    else:
        kind = "guest" if arch.context() == "guest" else "host"
    first = virt[0] if virt else f"{arch.virt_name} {kind if kind != 'off' else 'off'}"
    return [first, " · ".join(other + [mode])], kind


class RegistersPane(VerticalScroll):
    ALLOW_MAXIMIZE = True


class RegistersView(Static):
    """A Static holding the whole register list; it sits in a scrolling container."""

    def __init__(self, session, **kw):
        super().__init__("", **kw)
        self.s = session
        self.rows: list[dict] = []

    def refresh_from(self) -> None:
        have = {k for k, _ in self.s.arch.regs.groups}
        self.rows = register_rows(self.s, [g for g in GROUPS if g in have])
        set_text(self, self.build(self.size.width or 40))

    def on_resize(self) -> None:
        if self.rows:
            set_text(self, self.build(self.size.width))

    def build(self, width: int) -> Text:
        rf = self.s.arch.regs
        text = Text(no_wrap=True, overflow="ellipsis")
        lines, kind = badge(self.s)
        text.append(f" {lines[0]} ".ljust(max(width, 1)), BADGE[kind])
        text.append("\n")
        text.append(f" {lines[1]}", BADGE_2[kind])
        group = None
        for r in self.rows:
            if r["group"] != group:
                if group is not None:
                    text.append("\n")
                group = r["group"]
            desc = rf.lookup(r["name"])
            v = r["value"]
            text.append("\n")
            text.append(f"{r['name']:<7}", NAME)
            if v is None:
                text.append(r["text"][15:], EXTRA)
                continue
            digits = max(4, (desc.bits + 3) // 4) if desc.bits < 64 else 16
            if r["group"] == "segment":
                digits = 4
            text.append(f"{v:0{digits}x}", CHANGED if r["changed"] else VALUE)
            extra = ""
            if desc.describe is not None:
                extra = desc.describe(v)
                if extra == str(v):              # only the value in decimal: nothing new
                    extra = ""
            elif desc.address:
                sym = self.s.sym(v)
                extra = f"<{sym}>" if sym else ""
            if extra:
                if 7 + digits + 1 + len(extra) <= width:
                    text.append(" " + extra, EXTRA)
                else:
                    text.append("\n  " + extra, EXTRA)
        return text
