"""Where the panes go, computed from the screen size and the panes shown.

Wide screens (>= WIDE columns): three columns, registers | disassembly, exit log, console |
VMCS, memory. Narrow screens: registers and disassembly on top, then a tab bar and one of
console / exit log / VMCS / memory below. The panes are children of one grid; this module
says their order, spans and the grid's tracks."""
from __future__ import annotations

from dataclasses import dataclass, field
from math import lcm

WIDE = 150
PANES = ["registers", "disasm", "exits", "console", "vmcs", "memory"]
COLUMN = {"registers": 0, "disasm": 1, "exits": 1, "console": 1, "vmcs": 2, "memory": 2}
TABS = ["console", "exits", "vmcs", "memory"]        # the bottom tabs of a narrow screen
TITLES = {"registers": "Registers", "disasm": "Disassembly", "exits": "Exit log",
          "console": "Console", "vmcs": "VMCS", "memory": "Memory"}


@dataclass
class Placement:
    order: list[str]                                   # grid children in placement order
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)    # (rows, columns)
    columns: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)


def wide(visible: set[str], width: int) -> Placement:
    cols = [[p for p in PANES if COLUMN[p] == c and p in visible] for c in range(3)]
    used = [(c, ps) for c, ps in enumerate(cols) if ps]
    if not used:
        return Placement([])
    nrows = lcm(*(len(ps) for _, ps in used))
    starts = []
    spans = {}
    for ci, (_, ps) in enumerate(used):
        span = nrows // len(ps)
        for k, p in enumerate(ps):
            starts.append((k * span, ci, p))
            spans[p] = (span, 1)
    order = [p for _, _, p in sorted(starts)]
    side = 40
    right = 70 if width >= 190 else 60
    widths = {0: str(side), 1: "1fr", 2: str(right)}
    if len(used) == 1 or (1 not in dict(used)):
        widths = {0: "1fr" if 2 not in dict(used) else str(side), 1: "1fr", 2: "1fr"}
    return Placement(order, spans, [widths[c] for c, _ in used], ["1fr"] * nrows)


def narrow(visible: set[str], tab: str | None, height: int = 40) -> Placement:
    top = [p for p in ("registers", "disasm") if p in visible]
    ncols = 2 if len(top) == 2 else 1
    spans = {p: (1, 1) for p in top}
    order = list(top)
    rows = (["3fr"] if height < 30 and tab is not None else ["1fr"]) if top else []
    order.append("tabs")
    spans["tabs"] = (1, ncols)
    rows.append("1")
    if tab is not None:
        order.append(tab)
        spans[tab] = (1, ncols)
        rows.append("2fr" if height < 30 and top else "1fr")
    columns = ["28", "1fr"] if ncols == 2 else ["1fr"]
    return Placement(order, spans, columns, rows)
