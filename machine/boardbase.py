"""What the PC board (machine/board.py) and the IA-64 board (machine/ia64/board.py) share: the
console the UART and debug console write to, the exit device, stop requests from another
thread or an observer, run()/step() around the board's own slice loop, and the parts of a
snapshot that are not board-specific.

A board sets `cpu`, `bus`, `devices` and CPU_TRANSIENT (CPU attributes that are links,
caches or debugger state, not architectural state) and implements `_run(limit, at_limit)`.
"""
from __future__ import annotations

import copy

from .events import Stop, StopKind

FOREVER = 1 << 62


class BoardBase:
    CPU_TRANSIENT: frozenset[str] = frozenset()

    def _init_common(self) -> None:
        self.console = bytearray()
        self.console_hooks: list = []        # callables(bytes) told of each console byte
        self.symbols: dict[str, int] = {}
        self.image = None                    # what the loader loaded
        self.exit_code: int | None = None    # the last code written to the exit device
        self._exit_pending = False
        self._interrupt = False              # request_stop (Ctrl-C, the TUI)
        self._event = False                  # an observer asked for a stop (stop_soon)

    # -- devices' callbacks -----------------------------------------------------------------
    def _emit(self, b: int) -> None:
        self.console.append(b)
        if self.console_hooks:
            data = bytes((b,))
            for h in self.console_hooks:
                h(data)

    def _exit(self, code: int) -> None:
        self.exit_code = code
        self._exit_pending = True
        self._leave_loop()

    def _leave_loop(self) -> None:
        """Make the CPU leave its loop at the end of the current block."""
        self.cpu.stop_request = True
        self.cpu.pending = True

    # -- stopping -----------------------------------------------------------------------------
    def request_stop(self) -> None:
        """Ask a running machine to stop at the end of the current block (INTERRUPTED)."""
        self._interrupt = True
        self._leave_loop()

    def stop_soon(self) -> None:
        """For observers (the debugger), called while the machine runs: stop after the current
        instruction; run() then returns StopKind.EVENT unless it ends first for another
        reason (a request left over from a finished run is dropped)."""
        self._event = True
        self.cpu.stop_soon()

    def _requested(self) -> Stop | None:
        """Why the CPU left its loop with "stop": the exit device, an observer, a request."""
        if self._exit_pending:
            self._exit_pending = False
            return self._stop(StopKind.EXIT, code=self.exit_code)
        if self._event:
            self._event = False
            return self._stop(StopKind.EVENT)
        if self._interrupt:
            self._interrupt = False
            return self._stop(StopKind.INTERRUPTED)
        return None

    def console_output(self) -> bytes:
        """Everything the guest wrote to its consoles, in order."""
        return bytes(self.console)

    # -- running ------------------------------------------------------------------------------
    def run(self, limit: int | None = None) -> Stop:
        """Run until something stops the machine or `limit` more instructions retired."""
        return self._run(limit, StopKind.LIMIT)

    def step(self) -> Stop:
        """Execute one instruction (a pending interrupt is delivered first)."""
        return self._run(1, StopKind.STEP)

    def _stop(self, kind: StopKind, detail: str = "", **kw) -> Stop:
        return Stop(kind, self.cpu.icount, detail, **kw)

    # -- snapshots ----------------------------------------------------------------------------
    def _memo(self) -> dict:
        """deepcopy memo that keeps links to the machine's parts instead of copying them."""
        return {id(o): o for o in (self, self.cpu, self.bus, self.bus.ram)}

    def snapshot(self) -> dict:
        """Everything needed to continue identically later: CPU, RAM, devices, console."""
        st = {k: v for k, v in self.cpu.__dict__.items()
              if k not in self.CPU_TRANSIENT and not callable(v)}
        return {"cpu": copy.deepcopy(st, self._memo()), "ram": bytes(self.bus.ram),
                "devices": {n: d.state() for n, d in self.devices.items()},
                "console": bytes(self.console), "exit": (self.exit_code, self._exit_pending)}

    def restore(self, snap: dict) -> None:
        cpu = self.cpu
        # State the CPU gained after the snapshot (e.g. ept_on after a VM entry) goes back to
        # its class default.
        for k in [k for k, v in cpu.__dict__.items() if k not in snap["cpu"]
                  and k not in self.CPU_TRANSIENT and not callable(v)]:
            del cpu.__dict__[k]
        for k, v in copy.deepcopy(snap["cpu"], self._memo()).items():
            setattr(cpu, k, v)
        self.bus.ram[:] = snap["ram"]
        cpu.flush_code()                       # decoded blocks are rebuilt from memory
        for n, d in self.devices.items():
            d.set_state(snap["devices"][n])
        self.console[:] = snap["console"]
        self.exit_code, self._exit_pending = snap["exit"]
        self._interrupt = self._event = False
        cpu.pending = True
