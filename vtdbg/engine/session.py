"""A debugging session: one machine, its debug state, and run control.

The session hooks the machine's observers (VM exits/entries, VMX instructions, I/O, MSR,
CPUID, CR writes, interrupts, exceptions, watched memory) once; every hook is cheap when no
stop point asks for it. Each run-control call returns a StopReport whose `lines` every front
end prints the same way, and tells `listeners` (the TUI) about it.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from machine.events import StopKind

from ..errors import VtdbgError
from .breakpoints import Breakpoint, BreakpointTable, Catchpoint, StopPoint, Watchpoint
from .exitlog import ExitLog
from .stepping import SteppingMixin
from .symbols import Symbols
from .watch import MemWatch, RegVmcsWatch, fmt_value

# VT-x exit; VT-i fault, virtual interrupt, other interruption of the guest (to the VMM)
EXIT_KINDS = ("vmexit", "vfault", "vext", "vintr")
ENTRY_KINDS = ("vmentry", "vresume")            # VT-x entry; VT-i resume
VIRT_KINDS = (*EXIT_KINDS, *ENTRY_KINDS, "vmfail")
VIRT_CATCHES = ("vmexit", "vmentry", "vmentry-fail", "vmx", "vfault", "vmsw")
FILTER_KEY = {"io": 0, "msr": 0, "cpuid": 0, "interrupt": 0}


@dataclass
class Hit:
    point: StopPoint | None
    lines: list[str]


@dataclass
class StopReport:
    kind: str                      # hit, step, exited, halted, shutdown, interrupted, limit, ...
    lines: list[str]
    hits: list[Hit] = field(default_factory=list)
    events: list = field(default_factory=list)      # exit-log records during this resume
    icount: int = 0
    pc: int = 0
    context: str = "host"
    code: int | None = None        # guest exit code
    error: str = ""

    @property
    def summary(self) -> str:
        return self.lines[0] if self.lines else self.kind


ADAPTERS = {"x86": ("vtdbg.engine.x86", "X86Arch"),     # cpu.arch -> the engine's adapter
            "ia64": ("vtdbg.engine.ia64", "IA64Arch")}


def adapter_for(machine):
    import importlib
    arch = getattr(machine.cpu, "arch", "x86")
    if arch not in ADAPTERS:
        raise VtdbgError(f"the debugger has no adapter for {arch} CPUs yet")
    mod, cls = ADAPTERS[arch]
    return getattr(importlib.import_module(mod), cls)(machine)


class Session(SteppingMixin):
    Hit = Hit

    def __init__(self, machine=None):
        if machine is None:
            from machine.board import Machine
            machine = Machine()
        self.machine = machine
        self.arch = adapter_for(machine)
        self.symbols = Symbols(machine.symbols)
        self.points = BreakpointTable()
        self.exitlog = ExitLog()
        self.step_mode = "full"                 # or "guest"
        self.run_limit: int | None = None       # instructions per resume (None: no limit)
        self.variables: dict = {}
        self.event_vars: dict = {}
        self.values: list = []                  # value history of `print`
        self.displays: list = []                # (number, fmt, expr, enabled) for front ends
        self.listeners: list = []               # callables(StopReport)
        self.path: str | None = None
        self.last_report: StopReport | None = None
        self._initial = None
        self._hits: list[Hit] = []
        self._pending: list = []                # watchpoints that fired, to settle
        self._reported: set[int] = set()        # exit-log records a catchpoint reported
        self._internal_stop = False
        self._trans: deque = deque(maxlen=16)
        self._ntrans = 0
        self._exit_names: dict[str, int] = {}    # exits of this resume, by reason name
        self._want: set[str] = set()            # internal stops: "vmexit", "vmentry"
        self._entry_seen = False
        self._interrupt = False
        self._temp: dict[int, object] = {}      # internal temporary breakpoints
        self._kinds: set[str] = set()           # catch kinds in use
        self.changed_regs: set[str] = set()     # since the previous stop
        self.changed_fields: set[str] = set()
        self._last_regs: dict = {}
        self._last_vmcs: dict = {}
        self.memwatch = MemWatch(self)
        self.rvwatch = RegVmcsWatch(self)
        self.running = False
        self.exited = False                     # the guest wrote its exit code: run restarts
        self._install()

    # -- set-up -----------------------------------------------------------------------------
    def _install(self) -> None:
        need_exc = "exception" in self._kinds or any(
            w.name == "cr2" for w in self.rvwatch.sys_points)
        self.arch.install(self._observe, self._on_exception if need_exc else None)
        self.arch.cpu.mem_watch = self.memwatch if self.memwatch.points else None

    def load(self, path: str) -> None:
        from machine.loader import LoadError
        try:
            self.machine.load(path)
        except LoadError as e:
            raise VtdbgError(str(e)) from None
        self.path = path
        from .symbols import elf_located
        img = self.machine.image
        # a ROM's symbols are offsets in its segment, not addresses of its segments
        ranges = list(img.segments) if img is not None and img.kind != "rom" else None
        self.symbols.update(self.machine.symbols, elf_located(path), ranges)
        self._initial = self.machine.snapshot()
        self.exitlog.clear()
        self.exited = False
        self._install()

    def restart(self) -> None:
        """Back to the state right after loading (gdb's `run`)."""
        if self._initial is None:
            self._initial = self.machine.snapshot()
        self.machine.restore(self._initial)
        self.exited = False
        self.exitlog.clear()
        self.machine.console.clear()
        for w in self.points.of(Watchpoint):
            w.old = self.watch_value(w)
        self._install()

    def changed(self) -> None:
        """Stop points changed: recompute what the hooks look at."""
        self._kinds = {p.event for p in self.points.enabled(Catchpoint)}
        watches = self.points.enabled(Watchpoint)
        self.memwatch.rebuild([w for w in watches if w.target == "mem"])
        self.rvwatch.rebuild(watches)
        self._install()

    # -- expression environment (vtdbg.commands.expr.Env) ----------------------------------
    def is_register(self, name: str) -> bool:
        return name.lower() in self.arch.regs.by_name

    def register(self, name: str) -> int:
        return self.arch.regs.get(name)

    def set_register(self, name: str, value: int) -> None:
        self.arch.regs.set(name, value)

    def variable(self, name: str):
        if name in self.event_vars:
            return self.event_vars[name]
        if name in self.variables:
            return self.variables[name]
        if name == "_exitcode":
            if self.machine.exit_code is None:
                raise VtdbgError("$_exitcode: the guest has not written an exit code")
            return self.machine.exit_code
        return None

    def set_variable(self, name: str, value) -> None:
        self.variables[name] = value

    def symbol(self, name: str) -> int:
        return self.symbols.address(name)

    def read_mem(self, addr: int, size: int) -> int:
        return int.from_bytes(self.arch.read_virt(addr, size), "little")

    def write_mem(self, addr: int, size: int, value: int) -> None:
        self.arch.write_virt(addr, value.to_bytes(size, "little"))

    def vmcs_read(self, name: str) -> int:
        c = self.arch.control
        return c.value(c.lookup(name))

    def vmcs_write(self, name: str, value: int) -> None:
        c = self.arch.control
        c.write(c.lookup(name), value)

    def history(self, name: str):
        if not self.values:
            raise VtdbgError("history is empty")
        if name in ("", "$"):
            back = 0 if name == "" else 1
            if back >= len(self.values):
                raise VtdbgError("history has not yet reached $$")
            return self.values[-1 - back]
        if name.startswith("$"):
            n = int(name[1:] or 1)
            if n >= len(self.values):
                raise VtdbgError(f"history has not yet reached $${n}")
            return self.values[-1 - n]
        n = int(name)
        if not 1 <= n <= len(self.values):
            raise VtdbgError(f"history has not yet reached ${n}")
        return self.values[n - 1]

    def evaluator(self):
        from ..commands.expr import Evaluator
        return Evaluator(self)

    # -- addresses ----------------------------------------------------------------------
    def sym(self, addr: int) -> str:
        """'name+off' for an address; code in real mode also by its offset in CS, as the
        symbols of a ROM linked at its segment offsets are."""
        d = self.symbols.describe(addr)
        if not d:
            off = self.arch.segment_offset(addr)
            if off is not None:
                d = self.symbols.describe(off)
        return d

    def where(self, addr: int) -> str:
        s = self.sym(addr)
        return f"{addr:#x} <{s}>" if s else f"{addr:#x}"

    def location_line(self) -> str:
        pc = self.arch.pc()
        ins = self.arch.insn_at(pc)
        from .views import insn_text
        text = insn_text(self, ins) if ins else "(cannot read the instruction)"
        s = self.sym(pc)
        tag = f" [{self.arch.context()}]" if self.arch.virt_on() else ""
        return f"=> {pc:#x}{' <' + s + '>' if s else ''}:{tag}  {text}"

    # -- stop point tests -----------------------------------------------------------------
    def _test(self, sp: StopPoint, variables: dict | None = None) -> bool:
        """gdb's order: a positive ignore count is spent first; then the condition."""
        if sp.ignore_count > 0:
            sp.ignore_count -= 1
            sp.hits += 1
            return False
        if sp.condition:
            saved = self.event_vars
            if variables is not None:
                self.event_vars = variables
            try:
                ok = bool(self.evaluator().eval_int(sp.condition))
            except VtdbgError as e:
                msg = f"Error in testing condition for {sp.kind_name} {sp.number}: {e}"
                self._hits.append(Hit(sp, [msg]))
                return True
            finally:
                if variables is not None:
                    self.event_vars = saved
            if not ok:
                return False
        sp.hits += 1
        return True

    def watch_fired(self, w: Watchpoint, lines: list[str] | None, old=None,
                    mem_write: bool = False) -> None:
        """Called by the watch hooks while the machine runs: the machine stops after the
        instruction, and _settle then tests the condition on the values it left."""
        if not w.enabled or any(p[0] is w for p in self._pending):
            return
        self._pending.append((w, lines, old, mem_write))
        self.machine.stop_soon()

    def _settle(self) -> None:
        pend, self._pending = self._pending, []
        for w, lines, old, mem_write in pend:
            if mem_write:
                new = self.watch_value(w)
                if w.access == "write" and new == old:
                    continue
                w.old = new
                lines = [f"Old value = {fmt_value(old)}", f"New value = {fmt_value(new)}"]
            if self._test(w):
                self._hits.append(Hit(w, [f"{w.title} {w.number}: {w.expr}", *lines]))

    def watch_value(self, w: Watchpoint) -> int | None:
        try:
            if w.target == "reg":
                return self.arch.regs.get(w.name)
            if w.target == "vmcs":
                return self.vmcs_read(w.name) if self.arch.control.present() else None
            if w.phys:
                return int.from_bytes(self.arch.read_phys(w.address, w.size), "little")
            return int.from_bytes(self.arch.read_virt(w.address, w.size), "little")
        except VtdbgError:
            return None

    # -- the machine's notifications ------------------------------------------------------
    def _observe(self, kind: str, payload) -> bool:
        """The machine's notification hook. Never raises: an error in the debugger becomes a
        stop with a message, and the machine stays consistent."""
        try:
            self._observe1(kind, payload)
        except Exception as e:  # noqa: BLE001
            self._internal_error(e)
        return False

    def _internal_error(self, e: Exception) -> None:
        msg = f"internal error in the debugger: {type(e).__name__}: {e}"
        self._hits.append(Hit(None, [msg]))
        self.machine.stop_soon()

    def _observe1(self, kind: str, payload) -> None:
        stop = False
        if kind in VIRT_KINDS:
            stop = self._virt(kind, payload)
        elif kind == "vmx":
            stop = self._vmx(payload)
        elif kind in self._kinds:
            stop = self._plain(kind, payload)
        rv = self.rvwatch
        if rv.vmcs_points and kind in ("vmx", "vmexit", "vmentry"):
            rv.check_vmcs(kind, payload)
        if rv.sys_points:
            rv.check_regs(rv.sys_points)
        if stop:
            self.machine.stop_soon()

    def _on_exception(self, cpu, vector: int, error) -> None:
        try:
            self._on_exception1(vector, error)
        except Exception as e:  # noqa: BLE001
            self._internal_error(e)

    def _on_exception1(self, vector: int, error) -> None:
        stop = False
        if "exception" in self._kinds:
            stop = self._plain("exception", (vector, error))
        if self.rvwatch.sys_points:
            self.rvwatch.check_regs(self.rvwatch.sys_points)
        if stop:
            self.machine.stop_soon()

    def _virt(self, kind: str, payload) -> bool:
        arch = self.arch
        ev = arch.virt_event(kind, payload)
        rec = self.exitlog.record(ev, arch.current_vmcs())
        self._trans.append(rec)
        self._ntrans += 1
        if rec.kind != "entry":
            self._exit_names[rec.name] = self._exit_names.get(rec.name, 0) + 1
        self._entry_seen = True
        stop = (kind in EXIT_KINDS and "vmexit" in self._want) or (
            kind in ENTRY_KINDS and "vmentry" in self._want)
        if stop:
            self._internal_stop = True
        kinds = self._kinds
        if not kinds:
            return stop
        catches = []
        if ev.kind == "exit":
            if "vmexit" in kinds:
                catches = [c for c in self.points.catching("vmexit") if c.matches(ev.reason)]
            if kind == "vfault":
                catches += self._vfault_catches(ev)
        elif ev.kind == "entry" and "vmentry" in kinds:
            catches = self.points.catching("vmentry")
        elif ev.kind == "entry-fail":
            catches = self.points.catching("vmentry-fail") + [
                c for c in self.points.catching("vmexit")
                if c.filters is not None and c.matches(ev.reason) and ev.reason >= 0]
        if not catches:
            return stop
        variables = arch.exit_variables(ev) if ev.kind != "entry" else {
            "guest_rip": ev.guest_rip}
        for c in catches:
            if self._test(c, variables):
                self.event_vars = variables
                self._hits.append(Hit(c, self._virt_lines(c, rec)))
                self._reported.add(rec.index)
                stop = True
        return stop

    def _vfault_catches(self, ev) -> list[Catchpoint]:
        """VT-i: `catch vfault [CAUSE...]`, and `catch vmsw` for vmsw's own fault (cause 40)."""
        out = [c for c in self.points.catching("vfault") if c.matches(ev.reason)]
        if ev.reason == 40 and "vmsw" in self._kinds:
            to = self.arch.vmsw_target(ev.qualification)
            out += [c for c in self.points.catching("vmsw") if c.matches(to)]
        return out

    def _virt_lines(self, c: Catchpoint, r) -> list[str]:
        from .views import record_lines
        return [f"Catchpoint {c.number} ({record_lines(self, r)[0]})", *record_lines(self, r)[1:]]

    def _vmx(self, payload) -> bool:
        mnem = payload[0]
        stop = False
        if mnem in ("vmlaunch", "vmresume") and not self._entry_seen:
            # VMfailInvalid (no current VMCS) reports no entry: log it here
            from .arch import VirtEvent
            ev = VirtEvent("entry-fail", self.arch.icount(), -1, "VMfailInvalid",
                           detail=f"{mnem.upper()}: VMfailInvalid", cause="no current VMCS")
            rec = self.exitlog.record(ev, None)
            self._trans.append(rec)
            for c in self.points.catching("vmentry-fail"):
                if self._test(c, {}):
                    self._hits.append(Hit(c, self._virt_lines(c, rec)))
                    stop = True
        self._entry_seen = False
        if "vmx" in self._kinds:
            text, variables = self.arch.event_text("vmx", payload)
            for c in self.points.catching("vmx"):
                if c.matches(None, mnem) and self._test(c, variables):
                    self.event_vars = variables
                    self._hits.append(Hit(c, [f"Catchpoint {c.number} ({text})"]))
                    stop = True
        return stop

    def _plain(self, kind: str, payload) -> bool:
        key = payload[0] if isinstance(payload, tuple) else payload
        catches = [c for c in self.points.catching(kind) if c.matches(key)]
        if not catches:
            return False
        if kind == "interrupt":
            payload = (payload[0], None)
        text, variables = self.arch.event_text(kind, payload)
        stop = False
        for c in catches:
            if self._test(c, variables):
                self.event_vars = variables
                self._hits.append(Hit(c, [f"Catchpoint {c.number} ({text})"]))
                stop = True
        return stop

    # -- breakpoints in the CPU --------------------------------------------------------------
    def _arm(self) -> None:
        want = set(self._temp)
        for bp in self.points.enabled(Breakpoint):
            if bp.phys:
                for lp in self.arch.linear_pages_of(bp.address >> 12):
                    want.add((lp << 12) | (bp.address & 0xFFF))
            else:
                want.add(bp.address)
        cur = self.arch.cpu.breakpoints
        added = want - cur
        if want != cur:
            cur.clear()
            cur.update(want)
        if added:
            self.arch.cpu.flush_code()

    def _breakpoint_hits(self, lin: int) -> tuple[list[Breakpoint], bool]:
        """(user breakpoints that stop here, whether an internal one does)."""
        ctx = self.arch.context()
        internal = False
        t = self._temp.get(lin)
        if t is not None and (t is True or t(ctx)):
            internal = True
        stops = []
        for bp in self.points.enabled(Breakpoint):
            if bp.context != "any" and bp.context != ctx:
                continue
            if bp.phys:
                try:
                    if self.arch.phys_of(lin) != bp.address:
                        continue
                except VtdbgError:
                    continue
            elif bp.address != lin:
                continue
            if self._test(bp):
                stops.append(bp)
        return stops, internal

    # -- running ----------------------------------------------------------------------------
    def interrupt(self) -> None:
        """Stop a running machine (Ctrl-C, the TUI's interrupt key); safe from any thread.
        A stopped machine is left alone (the request would stop the next run at once)."""
        self._interrupt = True
        if self.running:
            self.machine.request_stop()

    def _begin(self) -> None:
        if self.exited:         # gdb's rule: an exited program is not resumed, only rerun
            raise VtdbgError("The program is not being run (it exited; `run` starts it again).")
        self._hits.clear()
        self._pending.clear()
        self._reported = set()
        self._internal_stop = False
        self._trans.clear()
        self._ntrans = 0
        self._exit_names = {}
        self._interrupt = False
        self.event_vars = {}
        self._arm()
        self.arch.cpu.bp_skip = self.arch.pc()

    def _run(self, limit: int | None):
        """Run until a user stop point, an internal stop, or the machine stops by itself.
        Returns (machine Stop, internal) where internal says an internal breakpoint hit."""
        m = self.machine
        end = None if limit is None else self.arch.icount() + limit
        if self.rvwatch.soft_points:
            return self._run_stepping(end)
        while True:
            left = None if end is None else max(0, end - self.arch.icount())
            if self.run_limit is not None:
                left = self.run_limit if left is None else min(left, self.run_limit)
            self._internal_stop = False
            stop = m.run(left) if left != 1 else m.step()
            if self._pending:
                self._settle()
            if stop.kind is StopKind.EVENT and not self._hits and not self._internal_stop:
                continue                       # a watchpoint whose condition said no
            if stop.kind is StopKind.BREAKPOINT:
                lin = stop.info["address"]
                stops, internal = self._breakpoint_hits(lin)
                for bp in stops:
                    self._hits.append(Hit(bp, [self._bp_line(bp)]))
                if stops or internal or self._hits:
                    return stop, internal
                self.arch.cpu.bp_skip = lin
                continue
            return stop, False

    def _run_stepping(self, end):
        """Software watchpoints: one instruction at a time, comparing after each."""
        m = self.machine
        n = 0
        while True:
            stop = m.step()
            n += 1
            self.rvwatch.check_regs(self.rvwatch.soft_points)
            if self._pending:
                self._settle()
            if self._hits:
                return stop, False
            if stop.kind is StopKind.BREAKPOINT:
                stops, internal = self._breakpoint_hits(stop.info["address"])
                for bp in stops:
                    self._hits.append(Hit(bp, [self._bp_line(bp)]))
                if stops or internal:
                    return stop, internal
                self.arch.cpu.bp_skip = stop.info["address"]
                continue
            if stop.kind is not StopKind.STEP:
                return stop, False
            if self._interrupt:
                from machine.events import Stop
                return Stop(StopKind.INTERRUPTED, self.arch.icount()), False
            if (end is not None and self.arch.icount() >= end) or (
                    self.run_limit is not None and n >= self.run_limit):
                from machine.events import Stop
                return Stop(StopKind.LIMIT, self.arch.icount()), False

    def _bp_line(self, bp: Breakpoint) -> str:
        kind = "Temporary breakpoint" if bp.temporary else "Breakpoint"
        pc = self.arch.pc()
        s = self.sym(pc)
        return f"{kind} {bp.number}, {pc:#x}{' in ' + s if s else ''}"

    def _finish(self, kind: str, stop, extra: list[str] | None = None) -> StopReport:
        """Turn what happened into a report; clean up temporary points."""
        lines: list[str] = []
        hits = list(self._hits)
        for h in hits:
            lines.extend(h.lines)
            if h.point is not None and h.point.temporary and h.point.number in self.points.points:
                self.points.delete(h.point.number)
        if hits and kind != "step" and self._trans:
            # a stop point that fired in an instruction that then exited or entered: say so
            last = self._trans[-1]
            if last.icount == self.arch.icount() and not any(
                    isinstance(h.point, Catchpoint) and h.point.event in VIRT_CATCHES
                    for h in hits):
                from .views import record_lines
                rl = record_lines(self, last)
                lines.append(f"... and then {rl[0]}")
                lines.extend(rl[1:])
        if hits:
            self.changed()
        lines.extend(extra or [])
        code = None
        if stop is not None and not hits:
            k = stop.kind
            if k is StopKind.EXIT:
                kind, code = "exited", stop.code
                self.exited = True
                lines.append(f"[guest exit code {stop.code}]")
            elif k is StopKind.HALTED:
                kind = "halted"
                lines.append(f"[halted{': ' + stop.detail if stop.detail else ''}]")
            elif k is StopKind.SHUTDOWN:
                kind = "shutdown"
                lines.append(f"[shutdown: {stop.detail or 'triple fault'}]")
            elif k is StopKind.INTERRUPTED:
                kind = "interrupted"
                lines.append("Interrupted.")
            elif k is StopKind.LIMIT and kind not in ("step",):
                kind = "limit"
                lines.append(f"[stopped: run limit of {self.run_limit} instructions]"
                             if self.run_limit else "[instruction limit reached]")
        elif hits:
            kind = "hit"
        lines.append(self.location_line())
        self._set_stop_vars()
        self._track_changes()
        rep = StopReport(kind, lines, hits, list(self._trans), self.arch.icount(),
                         self.arch.pc(), self.arch.context(), code)
        self._temp.clear()
        self._want.clear()
        self.last_report = rep
        for fn in list(self.listeners):
            fn(rep)
        return rep

    def _track_changes(self) -> None:
        """Registers and VMCS fields that changed since the previous stop (for the TUI)."""
        regs = self.arch.regs.values()
        self.changed_regs = {k for k, v in regs.items() if self._last_regs.get(k, v) != v}
        self._last_regs = regs
        c = self.arch.control
        vm = {f.name: c.value(f) for f in c.fields()} if c.present() else {}
        self.changed_fields = {k for k, v in vm.items() if self._last_vmcs.get(k, v) != v}
        self._last_vmcs = vm

    def status(self) -> dict:
        """What a status bar shows."""
        return {"running": self.running, "stop": self.last_report.summary
                if self.last_report else "", "icount": self.arch.icount(),
                "context": self.arch.context(), "mode": self.arch.mode_text(),
                "vmcs": self.arch.current_vmcs(), "step_mode": self.step_mode,
                "exits": self.exitlog.exits()}

    def _set_stop_vars(self) -> None:
        last = self.exitlog.last(("exit",))
        if last is not None and not self.event_vars:
            from .arch import VirtEvent
            ev = VirtEvent("exit", last.icount, last.reason, last.name, last.qualification,
                           last.guest_rip, last.guest_linear, last.guest_physical, last.length,
                           last.intr_info)
            self.event_vars = self.arch.exit_variables(ev)

    # -- run control (the commands) --------------------------------------------------------
    def cont(self, ignore: int | None = None) -> StopReport:
        if ignore is not None and self.last_report and self.last_report.hits:
            sp = self.last_report.hits[0].point
            if sp is not None and sp.number in self.points.points:
                sp.ignore_count = ignore - 1
        self._begin()
        self.running = True
        try:
            stop, _ = self._run(None)
        finally:
            self.running = False
        return self._finish("continue", stop)

    def started(self) -> StopReport:
        """The report of a fresh start (after restart), for starti and front ends."""
        self._begin()
        return self._finish("start", None, ["Program stopped at its first instruction."])

    def run(self) -> StopReport:
        self.restart()
        return self.cont()

    def run_to(self, addr: int, context: str | None = None) -> StopReport:
        """Run until addr is reached (until ADDR / advance ADDR) or anything else stops."""
        self._begin()
        self._temp[addr] = (lambda ctx: ctx == context) if context else True
        self._arm()
        self.running = True
        try:
            stop, _ = self._run(None)
        finally:
            self.running = False
        return self._finish("step", stop)
