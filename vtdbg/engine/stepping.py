"""Stepping: stepi, nexti, finish and until, in full or guest-only step mode.

Full mode follows the processor: a step whose instruction exits stops in the VMM at the host
RIP, and a step over VMLAUNCH/VMRESUME stops at the guest's first instruction. Guest mode
follows the guest: a step whose instruction exits runs the VMM's exit handling through to the
next VM entry, so the next stop is the guest's next instruction."""
from __future__ import annotations

from machine.events import Stop, StopKind

DONE = (StopKind.STEP, StopKind.EVENT, StopKind.LIMIT)


class SteppingMixin:
    # -- one instruction -------------------------------------------------------------------
    def step_one(self):
        """Execute one instruction; stop in the VMM if it (or a pending event) exits."""
        m = self.machine
        self._want.add("vmexit")
        events = getattr(self.arch, "step_events", None)   # IA-64: stop at an interruption
        if events is not None:
            events(True)
        try:
            self.arch.cpu.bp_skip = self.arch.pc()
            stop = m.step()
            while stop.kind is StopKind.BREAKPOINT:
                lin = stop.info["address"]
                stops, internal = self._breakpoint_hits(lin)
                for bp in stops:
                    self._hits.append(self.Hit(bp, [self._bp_line(bp)]))
                if stops or internal:
                    break
                self.arch.cpu.bp_skip = lin
                stop = m.step()
        finally:
            self._want.discard("vmexit")
            if events is not None:
                events(False)
        if self.rvwatch.soft_points:
            self.rvwatch.check_regs(self.rvwatch.soft_points)
        if self._pending:
            self._settle()
        return stop

    def _through(self, want: str):
        """Run until the next VM entry ('vmentry') or exit ('vmexit'), or any other stop."""
        self._want.add(want)
        try:
            self.arch.cpu.bp_skip = self.arch.pc()
            stop, _ = self._run(None)
        finally:
            self._want.discard(want)
        return stop

    def step_in(self, ctx: str):
        """One instruction of context ctx: time spent in the other context runs through."""
        stop = self.step_one()
        if self._hits or stop.kind not in DONE or self.arch.context() == ctx:
            return stop
        return self._through("vmentry" if ctx == "guest" else "vmexit")

    def guest_step(self):
        where = self.arch.guest_where()
        if where == "guest":
            return self.step_in("guest")
        if where == "vmm":
            return self._through("vmentry")          # in the VMM: on to the guest
        return self.step_one()

    def _depth(self) -> int:
        """Stack depth, larger = shallower: the adapter's frame_key (IA-64: AR.BSP), else
        the stack pointer."""
        key = getattr(self.arch, "frame_key", None)
        return key() if key is not None else self.arch.sp()

    def _one(self, ctx: str | None = None):
        if self.step_mode == "guest" and self.arch.virt_on():
            return self.guest_step()
        if ctx is not None:
            return self.step_in(ctx)
        return self.step_one()

    # -- the commands ------------------------------------------------------------------------
    def stepi(self, n: int = 1):
        self._begin()
        stop = None
        self.running = True
        try:
            for i in range(n):
                stop = self._one()
                if self._hits or stop.kind not in DONE or self._interrupt:
                    break
                if i < n - 1 and self._stops_here():
                    break
        finally:
            self.running = False
        return self._finish("step", stop, self._transition_lines())

    def _stops_here(self) -> bool:
        pc = self.arch.pc()
        if pc not in self.arch.cpu.breakpoints:
            return False
        stops, internal = self._breakpoint_hits(pc)
        for bp in stops:
            self._hits.append(self.Hit(bp, [self._bp_line(bp)]))
        return bool(stops or internal)

    def nexti(self, n: int = 1):
        self._begin()
        stop = None
        self.running = True
        try:
            for i in range(n):
                ins = self.arch.insn_at(self.arch.pc())
                if ins is not None and ins.kind == "call":
                    stop = self._over_call(ins)
                else:
                    stop = self._one()
                if self._hits or stop.kind not in DONE or self._interrupt:
                    break
                if i < n - 1 and self._stops_here():
                    break
        finally:
            self.running = False
        return self._finish("step", stop, self._transition_lines())

    def _over_call(self, ins):
        """Run to the instruction after a CALL in this context and stack frame."""
        ctx, sp0 = self.arch.context(), self._depth()
        rets = {ins.address + ins.length}
        if ins.returns_to is not None:          # IA-64: a call returns to the next bundle
            rets.add(ins.returns_to)
        for ret in rets:
            self._temp[ret] = lambda c: c == ctx and self._depth() >= sp0
        self._arm()
        self.arch.cpu.bp_skip = self.arch.pc()
        try:
            stop, internal = self._run(None)
        finally:
            for ret in rets:
                self._temp.pop(ret, None)
        if internal and not self._hits:
            return Stop(StopKind.STEP, self.arch.icount())
        return stop

    def finish(self):
        """Run until the current function returns (a RET at this stack depth executes)."""
        self._begin()
        ctx, sp0 = self.arch.context(), self._depth()
        start = self.arch.pc()
        stop = Stop(StopKind.STEP, self.arch.icount())
        n = 0
        self.running = True
        try:
            while True:
                ins = self.arch.insn_at(self.arch.pc())
                if ins is not None and ins.kind == "call":
                    stop = self._over_call(ins)
                else:
                    stop = self.step_in(ctx)
                    n += 1
                    if ins is not None and ins.kind == "ret" and self._depth() > sp0 and \
                            self.arch.context() == ctx:
                        break
                if self._hits or stop.kind not in DONE or self._interrupt:
                    break
                if self.run_limit is not None and n >= self.run_limit:
                    stop = Stop(StopKind.LIMIT, self.arch.icount())
                    break
                if self._stops_here():
                    break
        finally:
            self.running = False
        s = self.sym(start)
        head = [f"Run till exit from {start:#x}{' <' + s + '>' if s else ''}"]
        return self._finish("step", stop, head + self._transition_lines())

    def until(self, addr: int | None = None):
        if addr is not None:
            return self.run_to(addr, self.arch.context())
        ins = self.arch.insn_at(self.arch.pc())
        if ins is not None and ins.kind in ("jump", "cjump") and ins.target is not None \
                and ins.target <= ins.address:
            return self.run_to(ins.address + ins.length, self.arch.context())
        return self.nexti(1)

    def advance(self, addr: int):
        return self.run_to(addr, None)

    def _transition_lines(self) -> list[str]:
        from .views import transition_lines
        recs = [r for r in self._trans if r.index not in self._reported]
        notes = getattr(self.arch, "step_notes", None)     # interruptions a step delivered
        return (notes() if notes is not None else []) + transition_lines(
            self, recs, self._ntrans - len(self._trans) + len(recs), self._exit_names)
