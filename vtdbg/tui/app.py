"""The Textual application: panes over one debugging session. A front end only: each key,
click and palette choice becomes a command line for the command layer, run in a worker thread
so the screen never freezes; the panes are redrawn from the engine's views when it stops."""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from functools import partial

from textual.app import App, ComposeResult
from textual.containers import Grid, Horizontal
from textual.markup import escape
from textual.widgets import Footer, Input, Label, Static, Tab, Tabs

from ..engine.breakpoints import Breakpoint
from .bindings import WIDE_FOOTER_ONLY, app_bindings
from .console import CommandLine, ConsoleLog
from .disasm import DisasmView
from .exits import ExitPane, ExitTable
from .layout import PANES, TABS, TITLES, WIDE, narrow, wide
from .lines import LineList, set_text
from .link import REPEATABLE, EngineLink
from .memory import MemoryPane
from .registers import RegistersPane, RegistersView
from .screens import DebuggerCommands, HelpScreen
from .status import status_text
from .vmcs import VmcsPane

MAX_DRAIN = 20_000        # console lines written per screen update (the log keeps as many)


# the command line's placeholder: a few commands worth knowing on each CPU
EXAMPLES = {"x86": "help, info vmcs, x/8xg $rsp", "ia64": "help, info vpd, x/4i $pc"}

class KeyFooter(Footer):
    """The footer; compact on a narrow screen, without the keys that would not fit."""

    def compose(self) -> ComposeResult:
        for w in super().compose():
            if self.compact and getattr(w, "action", None) in WIDE_FOOTER_ONLY:
                continue
            yield w


class VtdbgApp(App):
    CSS_PATH = "vtdbg.tcss"
    TITLE = "vtdbg"
    BINDINGS = app_bindings()
    COMMANDS = App.COMMANDS | {DebuggerCommands}
    ALLOW_IN_MAXIMIZED_VIEW = "#cmdline, #status, Footer"

    def __init__(self, session, items=(), history_path: str | None = None,
                 layout: str | None = None):
        super().__init__()
        self.s = session
        self.link = EngineLink(session)
        self.items = list(items)
        self.history_path = history_path
        self.force_layout = layout                 # "wide" / "narrow" / None (by size)
        self.panes_on = set(PANES)
        self.tab: str | None = "console"
        self.pending: deque[list[str]] = deque()
        self.want_interrupt = False
        self.seen_report = None
        self.wide = False
        self.dirty: set[str] = set()
        self.last_repeat = ""

    # -- building the screen ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.s
        with Grid(id="panes"):
            with RegistersPane(id="registers", classes="pane"):
                yield RegistersView(s, id="regs")
            yield DisasmView(s, id="disasm", classes="pane")
            yield Tabs(*[Tab(TITLES[t], id=f"tab-{t}") for t in TABS], id="tabs")
            yield VmcsPane(s, id="vmcs", classes="pane")
            yield ExitPane(s, id="exits", classes="pane")
            yield ConsoleLog(id="console", classes="pane")
            yield MemoryPane(s, id="memory", classes="pane")
        with Horizontal(id="cmdline"):
            yield Label("(vtdbg)", id="prompt")
            yield CommandLine(self.link.complete, self.history_path, id="command",
                              examples=EXAMPLES.get(self.s.arch.name, EXAMPLES["x86"]))
        yield Static("", id="status")
        yield KeyFooter(compact=self.size.width < 120)

    def on_mount(self) -> None:
        ctl = self.s.arch.control.title               # VMCS or VPD
        for p in PANES:
            self.pane(p).border_title = ctl if p == "vmcs" else TITLES[p]
        self.query_one("#tab-vmcs", Tab).label = ctl
        self.cmdline.listing = self._list_completions
        self.arrange()
        s = self.s
        path = s.path or "(no guest)"
        self.conlog.add("note", f"vtdbg: {os.path.basename(path)} loaded "
                        f"({s.arch.mode_text()}).")
        self.conlog.add("note", "F5 continue · F11 step · F10 next · F6 interrupt · F1 help · "
                        "Ctrl+P commands · type `help`")
        self.conlog.add("out", s.location_line())
        self.refresh_panes(stopped=True)
        self.cmdline.focus()
        self.set_interval(0.1, self._tick)
        if self.items:
            self._start(partial(self.link.run_items, self.items))

    @property
    def conlog(self) -> ConsoleLog:
        return self.query_one("#console", ConsoleLog)

    @property
    def cmdline(self) -> CommandLine:
        return self.query_one("#command", CommandLine)

    @property
    def disasm(self) -> DisasmView:
        return self.query_one("#disasm", DisasmView)

    def pane(self, name: str):
        return self.query_one(f"#{name}")

    # -- layout ----------------------------------------------------------------------------------
    def on_resize(self, event) -> None:
        self.arrange(event.size.width, event.size.height)

    def arrange(self, w: int | None = None, h: int | None = None) -> None:
        w = self.size.width if w is None else w
        h = self.size.height if h is None else h
        self.wide = self.force_layout == "wide" or (self.force_layout is None and w >= WIDE)
        place = wide(self.panes_on, w) if self.wide else narrow(self.panes_on, self.tab, h)
        footer = self.query_one(KeyFooter)
        if footer.compact != (w < 120):
            footer.compact = w < 120
            footer.refresh(recompose=True)
        grid = self.query_one("#panes", Grid)
        names = PANES + ["tabs"]
        for n in names:
            self.pane(n).display = n in place.order
        prev = None
        for n in place.order:
            widget = self.pane(n)
            if prev is not None:
                grid.move_child(widget, after=prev)
            rows, cols = place.spans.get(n, (1, 1))
            widget.styles.row_span = rows
            widget.styles.column_span = cols
            prev = widget
        grid.styles.grid_size_columns = max(1, len(place.columns))
        grid.styles.grid_size_rows = max(1, len(place.rows))
        grid.styles.grid_columns = " ".join(place.columns) or "1fr"
        grid.styles.grid_rows = " ".join(place.rows) or "1fr"
        if not self.wide and self.tab is not None:
            tabs = self.query_one("#tabs", Tabs)
            if tabs.active != f"tab-{self.tab}":
                tabs.active = f"tab-{self.tab}"
        self._fill_dirty()

    def _fill_dirty(self) -> None:
        """Panes that were hidden (or shown while the machine ran) at the last refresh."""
        for n in list(self.dirty):
            if self.pane(n).display and not self.link.busy:
                self.dirty.discard(n)
                self.call_after_refresh(self._refresh_pane, n, True)

    def shown(self, name: str) -> bool:
        return self.pane(name).display

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        name = event.tab.id.removeprefix("tab-") if event.tab and event.tab.id else None
        if name and name != self.tab and not self.wide:
            self.tab = name
            self.arrange()

    # -- running commands in the worker ------------------------------------------------------
    def command(self, line: str | list[str], echo: bool = True) -> None:
        """Run command lines; while the machine runs they wait their turn."""
        lines = [line] if isinstance(line, str) else list(line)
        if self.link.busy:
            if self.s.running and len(self.pending) == 0:
                self.conlog.add("note", "(the machine is running: F6 or Ctrl+C interrupts "
                                "it; the command runs when it stops)")
            if len(self.pending) < 16:
                self.pending.append(lines)
            return
        self._start(partial(self.link.execute, lines, echo))

    def _start(self, job) -> None:
        self.link.busy = True
        self._status()
        self.run_worker(partial(self._work, job), thread=True, group="engine",
                        exit_on_error=False)

    def _work(self, job) -> None:
        try:
            ok = job()
        except Exception as e:     # noqa: BLE001 - an engine bug must not kill the screen
            self.link.output.append(("error", f"internal error: {type(e).__name__}: {e}"))
            ok = True
        try:
            self.call_from_thread(self._done, ok)
        except RuntimeError:       # the app is closing
            self.link.busy = False

    @property
    def engine_busy(self) -> bool:
        """The worker is inside a command: panes must not read the machine now."""
        return self.link.busy

    def _done(self, ok: bool) -> None:
        self.link.busy = False
        self.want_interrupt = False
        if not ok:
            self.exit()
            return
        self._drain()
        stopped = self.s.last_report is not self.seen_report
        if self.pending:
            self._start(partial(self.link.execute, self.pending.popleft(), True))
            if stopped:
                self._status()
            return
        self.refresh_panes(stopped)
        self._fill_dirty()                          # panes shown while it ran

    def _tick(self) -> None:
        """While the worker runs: the guest's output, the status bar, a pending interrupt."""
        if self.want_interrupt and self.link.busy and self.link.interrupt():
            self.want_interrupt = False
        if self.link.output:
            self._drain()
        if self.link.busy:
            self._status()

    def _drain(self) -> None:
        lines = self.link.drain()
        if len(lines) > MAX_DRAIN:
            skipped = len(lines) - MAX_DRAIN
            lines = lines[-MAX_DRAIN:]
            self.conlog.add("note", f"({skipped} lines skipped; `info console` has all the "
                            "guest's output)")
        for kind, text in lines:
            self.conlog.add(kind, text)
        set_text(self.query_one("#prompt", Label), ">" if self.link.continuing else "(vtdbg)",
                 layout=True)

    # -- refreshing panes ----------------------------------------------------------------------
    def refresh_panes(self, stopped: bool) -> None:
        if stopped:
            self.seen_report = self.s.last_report
        for n in ("registers", "disasm", "exits", "vmcs", "memory"):
            if self.shown(n) or n == "exits":
                self.dirty.discard(n)
                self._refresh_pane(n, stopped)
            else:
                self.dirty.add(n)
        self._titles()
        self._status()

    def _refresh_pane(self, name: str, stopped: bool) -> None:
        if name == "registers":
            self.query_one(RegistersView).refresh_from()
        elif name == "disasm":
            self.disasm.follow(moved=stopped)
        elif name == "exits":
            self.query_one(ExitPane).refresh_from()
        elif name == "vmcs":
            self.pane("vmcs").refresh_from()
        elif name == "memory":
            mem = self.query_one(MemoryPane)
            mem.stopped() if stopped else mem.show()

    def _titles(self) -> None:
        a = self.s.arch
        self.disasm.border_title = "Disassembly" + (escape(f" [{a.context()}]")
                                                    if a.virt_on() else "")
        n = len(self.query_one(ExitTable).rows)
        self.pane("exits").border_title = f"Exit log ({n})" if n else "Exit log"

    def _status(self) -> None:
        set_text(self.query_one("#status", Static), status_text(self.s, self.link.busy,
                                                                 self.size.width))

    # -- messages from the panes --------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "command":
            return
        line = event.value
        cl = self.cmdline
        cl.value = ""
        if not line.strip() and not self.link.continuing:
            if not self.last_repeat:
                return
            line = self.last_repeat
        else:
            cl.remember(line)
            word = line.split()[0].split("/")[0] if line.split() else ""
            if not self.link.continuing:
                self.last_repeat = line if word in REPEATABLE else ""
        if not self.wide and self.tab != "console":
            self.tab = "console"
            self.arrange()
        if self.link.busy and line.strip() == "interrupt":
            self.action_interrupt()                 # not queued behind the run it stops
            return
        self.command(line)

    def on_exit_table_selected(self, event: ExitTable.Selected) -> None:
        r = self.query_one(ExitPane).detail(event.index)
        if r is not None:
            self.pane("vmcs").show_cause(r.cause_field or None, r.cause_bit, event.user)
            if not self.shown("vmcs") or self.link.busy:
                self.dirty.add("vmcs")

    def on_line_list_clicked(self, event: LineList.Clicked) -> None:
        if event.widget is self.disasm and event.x < 2:
            self.action_toggle_breakpoint()

    def _list_completions(self, cands: list[str]) -> None:
        more = f"  ... ({len(cands)} in all)" if len(cands) > 60 else ""
        self.conlog.add("note", "  ".join(cands[:60]) + more)

    # -- actions -----------------------------------------------------------------------------
    def action_command(self, line: str) -> None:
        self.command(line)

    def action_interrupt(self) -> None:
        if self.link.busy:
            if not self.link.interrupt():
                self.want_interrupt = True        # the run has not begun yet: at the next tick
            return
        f = self.focused
        if isinstance(f, Input):
            if f.selected_text:
                f.action_copy()
            else:
                f.value = ""
            return
        self.notify("The machine is not running.", timeout=2)

    def action_toggle_breakpoint(self) -> None:
        addr = self.disasm.cursor_address()
        if addr is None:
            return
        s = self.s
        nums = [bp.number for bp in s.points.of(Breakpoint)
                if not bp.phys and bp.address == addr]
        if nums:
            self.command("delete " + " ".join(map(str, nums)))
        else:
            ctx = f"-{s.arch.context()} " if s.arch.virt_on() else ""
            self.command(f"break {ctx}*{addr:#x}")

    def action_step_mode(self) -> None:
        self.command("set step-mode " + ("guest" if self.s.step_mode == "full" else "full"))

    def action_focus_console(self) -> None:
        self.cmdline.focus()

    def action_toggle_pane(self, name: str) -> None:
        if not self.wide and name in TABS:
            if self.tab == name:
                self.tab = None
            else:
                self.tab = name
        elif name in self.panes_on:
            if len(self.panes_on) > 1:
                self.panes_on.discard(name)
        else:
            self.panes_on.add(name)
            if not self.wide and name in TABS:
                self.tab = name
        self.arrange()

    def action_next_tab(self, d: int) -> None:
        if self.wide:
            return
        i = TABS.index(self.tab) if self.tab in TABS else -d
        self.tab = TABS[(i + d) % len(TABS)]
        self.arrange()

    def action_zoom(self) -> None:
        """Fill the screen with the pane that has the focus (again: back)."""
        scr = self.screen
        if scr.maximized is not None:
            scr.minimize()
            return
        f = self.focused
        pane = next((w for w in ([f] + list(f.ancestors) if f else [])
                     if getattr(w, "has_class", None) and w.has_class("pane")), None)
        if pane is None:
            pane = self.pane(self.tab if not self.wide and self.tab else "disasm")
        scr.maximize(pane, container=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.exit()

    def exit(self, *args, **kw) -> None:
        self.stop_engine()
        super().exit(*args, **kw)

    def on_unmount(self) -> None:
        self.stop_engine()

    def stop_engine(self) -> None:
        """Leaving: stop a running machine so the worker thread ends (asking again until it
        has, since a run that has not begun yet would miss one request)."""
        self.pending.clear()
        if not self.link.busy:
            return
        link, s = self.link, self.s

        def nag() -> None:
            for _ in range(100):
                if not link.busy:
                    return
                s.interrupt()
                time.sleep(0.05)
        threading.Thread(target=nag, daemon=True).start()

    def on_key(self, event) -> None:
        if event.key == "escape" and self.focused is self.cmdline:
            if self.disasm.display:
                self.disasm.focus()
            else:
                self.screen.focus_next()
            event.stop()

    # -- the command palette -------------------------------------------------------------------
    def palette_command(self, text: str, ready: bool) -> None:
        if ready:
            self.command(text)
        else:
            cl = self.cmdline
            cl.value = text + " "
            cl.cursor_position = len(cl.value)
            cl.focus()

    def palette_actions(self) -> list[tuple[str, str, str]]:
        out = [(f"Pane: {TITLES[p]}", f"toggle_pane('{p}')", "show or hide this pane")
               for p in PANES]
        out += [("Step mode: full / guest only", "step_mode", "switch the step mode"),
                ("Toggle breakpoint at the cursor", "toggle_breakpoint", "in the disassembly"),
                ("Zoom the focused pane", "zoom", "fill the screen with it (again: back)"),
                ("Keys and mouse", "help", "the help screen")]
        return out

    def palette_action(self, action: str) -> None:
        self.call_later(self.run_action, action)
