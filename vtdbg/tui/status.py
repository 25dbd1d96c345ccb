"""The status bar: running or stopped, the last stop's reason, retired instructions, the
current VMCS, the step mode and the context."""
from __future__ import annotations

from rich.style import Style
from rich.text import Text

RUNNING = Style(color="#1c1c1c", bgcolor="#5fd787", bold=True)
STOPPED = Style(color="#1c1c1c", bgcolor="#ffaf5f", bold=True)
SEP = Style(color="#6c6c6c")
KEY = Style(color="#8a8a8a")
VAL = Style(color="#d0d0d0")
REASON = Style(color="#ffd75f")


def stop_reason(rep) -> str:
    """A few words for the last stop."""
    if rep is None:
        return "loaded"
    if rep.kind == "start":
        return "at the first instruction"
    first = rep.lines[0].strip() if rep.lines else ""
    if rep.kind == "step":
        if first.startswith(("=>", "Run till exit")):
            nxt = rep.lines[1].strip() if len(rep.lines) > 1 else ""
            if first.startswith("Run till exit") and not nxt.startswith("=>"):
                return nxt
            return "step"
        return first
    return first.strip("[]") or rep.kind


def status_text(s, busy: bool, width: int = 200) -> Text:
    """The bar's text; the stop reason is shortened to leave the numbers visible."""
    st = s.status()
    parts = [("icount", f"{st['icount']:,}")]
    if s.arch.virt_on():
        parts.append(("in", st["context"]))
    if st["vmcs"] is not None:
        parts.append((s.arch.control.title, f"{st['vmcs']:#x}"))
    parts.append(("step", st["step_mode"]))
    parts.append(("exits", f"{st['exits']:,}"))
    why = "" if busy else stop_reason(s.last_report)
    keep = max(12, width - 14 - min(len(why), 40))
    while parts and sum(len(k) + len(v) + 4 for k, v in parts) > keep:
        parts.pop()                       # the least important go first
    t = Text(no_wrap=True, overflow="ellipsis")
    if busy and s.running:
        t.append(" ▶ running ", RUNNING)
    elif busy:
        t.append(" … busy ", RUNNING)
    else:
        t.append(" ■ stopped ", STOPPED)
        rest = sum(len(k) + len(v) + 4 for k, v in parts)
        room = max(12, width - rest - 12)
        if len(why) > room:
            why = why[:room - 1] + "…"
        t.append(" " + why, REASON)
    for k, v in parts:
        t.append(" │ ", SEP)
        t.append(k + " ", KEY)
        t.append(v, VAL)
    return t
