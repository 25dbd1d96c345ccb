"""The disassembly pane: instructions around RIP (capstone through the engine), symbol labels,
the current instruction marked, breakpoints in a gutter. It follows RIP at each stop and
disassembles more when the cursor runs off either end."""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding

from ..engine.breakpoints import Breakpoint
from ..engine.views import insn_text
from ..errors import VtdbgError
from .lines import LineList

BP_ON = Style(color="#ff5f5f", bold=True)
BP_OFF = Style(color="#8a6a6a")
PC = Style(color="#5fff87", bold=True)
PC_TEXT = Style(color="#ffffff", bold=True)
ADDR = Style(color="#7f8fa6")
TEXT = Style(color="#d0d0d0")
LABEL = Style(color="#ffd75f")
ERR = Style(color="#ff8787", italic=True)
GUTTER = 2                       # columns of the gutter: breakpoint, then the RIP marker
MAX_BACK = 0x80                  # a function start further back than this is not used
SETTLE = 12                      # bytes a misaligned decoding takes to fall into step


class DisasmView(LineList):
    BINDINGS = LineList.BINDINGS + [
        Binding("home", "to_pc", "Go to RIP", show=False),
    ]

    def __init__(self, session, **kw):
        super().__init__(**kw)
        self.s = session
        self.rows: list[tuple] = []          # ("label", name) | ("insn", Insn) | ("error", text)
        self.pc: int | None = None
        self.bps: dict[int, bool] = {}       # linear address -> enabled
        self.wide = 8                        # address digits

    def count(self) -> int:
        return len(self.rows)

    # -- content ---------------------------------------------------------------------------
    def follow(self, moved: bool = True) -> None:
        """Show the code at RIP: reuse the window when RIP is inside it, else rebuild.
        moved: a stop happened (put the cursor on RIP)."""
        s = self.s
        self.bps = {bp.address: bp.enabled for bp in s.points.of(Breakpoint) if not bp.phys}
        pc = s.arch.pc()
        self.pc = pc
        h = max(8, self.scrollable_content_region.height)
        idx = self.index_of(pc)
        if idx is None or idx > len(self.rows) - 4:
            self._build(pc, h)
        else:
            self._reload()
        idx = self.index_of(pc)
        self.update_size()
        if moved and idx is not None:
            self.cursor = idx
            top = int(self.scroll_y)
            if not top + 1 < idx < top + h - 3:
                self.scroll_to(y=max(0, idx - h // 3), animate=False)
        self.refresh()

    def index_of(self, addr: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r[0] == "insn" and r[1].address == addr:
                return i
        return None

    def _disasm(self, start: int, n: int) -> list:
        try:
            return self.s.arch.disassemble(start, n)
        except VtdbgError:
            return []

    def _back(self, addr: int, want: int) -> int | None:
        """A start address before addr whose disassembly falls exactly on addr. x86 code
        cannot be read backwards reliably: a function start within reach is trusted; else
        decodings from many byte offsets vote, and the chain of instructions ending at addr
        that most of them agree on is taken (a misaligned decoding soon falls into step)."""
        sym = self.s.symbols.lookup(addr)
        if sym is not None and 0 < sym[1] <= MAX_BACK:
            start = addr - sym[1]
            if any(i.address == addr for i in self._disasm(start, sym[1] + 1)):
                return start
        votes: dict[int, int] = {}
        ends: dict[int, int] = {}
        for b in range(min(80, max(48, want * 8)), 0, -1):
            start = addr - b
            got = self._disasm(start, b + 1)
            if not any(i.address == addr for i in got):
                continue
            for i in got:
                if i.address < addr and i.mnemonic != "(bad)":
                    ends[i.address] = i.address + i.length
                    # a decoding votes for a boundary once it has had room to fall into step
                    if i.address - start >= SETTLE or b <= SETTLE:
                        votes[i.address] = votes.get(i.address, 0) + 1
        if not votes:
            return None
        cur = addr
        for _ in range(want):
            preds = [a for a, e in ends.items() if e == cur and votes.get(a, 0) > 0]
            if not preds:
                break
            cur = max(preds, key=lambda a: (votes[a], a))
        return cur if cur != addr else None

    def _rows(self, insns: list) -> list[tuple]:
        out = []
        for ins in insns:
            sym = self.s.symbols.lookup(ins.address)
            if sym is not None and sym[1] == 0:
                out.append(("label", sym[0]))
            out.append(("insn", ins))
        return out

    def _build(self, pc: int, h: int) -> None:
        before = max(3, h // 3)
        start = self._back(pc, before)
        insns = []
        if start is not None:
            insns = [i for i in self._disasm(start, pc - start) if i.address < pc][-before:]
        try:
            after = self.s.arch.disassemble(pc, h * 2)
        except VtdbgError as e:
            self.rows = [("error", f"{pc:#x}: {e}")]
            return
        self.rows = self._rows(insns + after)
        self._widths()

    def _reload(self) -> None:
        """The same addresses again (memory may have changed): from the first instruction."""
        insns = [r[1] for r in self.rows if r[0] == "insn"]
        if not insns:
            return
        got = self._disasm(insns[0].address, len(insns))
        if got:
            self.rows = self._rows(got)
            self._widths()

    def _widths(self) -> None:
        top = max((r[1].address for r in self.rows if r[0] == "insn"), default=0)
        self.wide = 8 if top < 1 << 32 else 16
        self.width_hint = GUTTER + 1 + self.wide + 2 + max(
            (len(insn_text(self.s, r[1])) for r in self.rows if r[0] == "insn"), default=0)

    def extend(self, down: bool) -> int:
        """Disassemble more at one end; returns how many rows were added at the top."""
        insns = [r[1] for r in self.rows if r[0] == "insn"]
        if not insns:
            return 0
        h = max(8, self.scrollable_content_region.height)
        if down:
            last = insns[-1]
            more = self._disasm(last.address + last.length, h)
            self.rows += self._rows(more)
            self._widths()
            self.update_size()
            return 0
        first = insns[0].address
        start = self._back(first, h)
        if start is None:
            return 0
        more = [i for i in self._disasm(start, first - start) if i.address < first]
        add = self._rows(more[-h:])
        if self.rows and self.rows[0][0] == "label" and add and add[-1][0] == "label":
            add.pop()
        self.rows = add + self.rows
        self._widths()
        self.update_size()
        return len(add)

    # -- drawing -------------------------------------------------------------------------------
    def segments(self, i: int) -> list[Segment]:
        kind, what = self.rows[i]
        if kind == "label":
            return [Segment(" " * GUTTER + " "), Segment(f"<{what}>:", LABEL)]
        if kind == "error":
            return [Segment(" " * GUTTER + " "), Segment(what, ERR)]
        ins = what
        bp = self.bps.get(ins.address)
        here = ins.address == self.pc
        return [Segment("●" if bp is not None else " ", BP_ON if bp else BP_OFF),
                Segment("▶" if here else " ", PC),
                Segment(f" {ins.address:0{self.wide}x}  ", PC if here else ADDR),
                Segment(insn_text(self.s, ins), PC_TEXT if here else TEXT)]

    # -- the cursor -----------------------------------------------------------------------------
    def cursor_address(self) -> int | None:
        """The instruction under the cursor (a label row means the instruction after it)."""
        for r in self.rows[self.cursor:]:
            if r[0] == "insn":
                return r[1].address
        return None

    def action_move(self, d: int) -> None:
        if d < 0 and self.cursor == 0:
            added = self.extend(False)
            self.cursor += added
            self.scroll_to(y=self.scroll_y + added, animate=False)
        elif d > 0 and self.cursor >= len(self.rows) - 1:
            self.extend(True)
        super().action_move(d)

    def action_page(self, d: int) -> None:
        h = max(1, self.scrollable_content_region.height - 1)
        if d < 0 and self.cursor - h < 0:
            added = self.extend(False)
            self.cursor += added
            self.scroll_to(y=self.scroll_y + added, animate=False)
        elif d > 0 and self.cursor + h >= len(self.rows):
            self.extend(True)
        super().action_page(d)

    def action_to_pc(self) -> None:
        self.follow(True)
