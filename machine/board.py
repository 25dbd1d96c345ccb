"""The PC board: an x86 CPU, memory and the platform devices, run in time slices.

Time is the machine clock, `cpu.time()` = retired instructions + idle time spent halted. The
board runs the CPU up to the next device event (or the caller's limit), then lets the devices
catch up (`tick`), so the hot loop carries no per-instruction device checks. A device whose
next event moves because the guest programmed it (the PIT) asks for a new slice; the CPU
leaves its loop at the end of the current block.

Wiring (PC/AT): PIT channel 0 -> IRQ 0, COM1 (16550 at 0x3F8) -> IRQ 4, the slave PIC on the
master's IR2, the master's INT output -> the CPU's INTR (`cpu.irq_line`), with `cpu.intack` as
the interrupt-acknowledge cycle. Port 0xE9 is the debug console and port 0xF4 the exit port.
"""
from __future__ import annotations

from .boardbase import FOREVER, BoardBase
from .devices.debugcon import DebugCon
from .devices.pic8259 import DualPic
from .devices.pit8254 import Pit8254
from .devices.testport import ExitPort
from .devices.uart16550 import Uart16550
from .events import Stop, StopKind
from .memory import Bus
from .x86.cpu import X86CPU

IRQ_PIT, IRQ_COM1 = 0, 4


class Machine(BoardBase):
    # CPU attributes that are not architectural state: links, caches derived from memory,
    # and debugger state (breakpoints belong to the session, not the machine).
    CPU_TRANSIENT = frozenset({"bus", "io", "ram", "_build", "cache", "caches", "page_blocks",
                               "tlb_r", "tlb_w", "tlb_x", "intack", "breakpoints",
                               "mem_watch"})

    def __init__(self, ram_mib: int = 64):
        self.bus = Bus(ram_mib << 20)
        self.cpu = X86CPU(self.bus)
        self._init_common()
        self.pic = DualPic(on_intr=self._intr)
        self.pit = Pit8254(self.cpu.time, set_irq0=lambda lv: self.pic.set_irq(IRQ_PIT, lv))
        self.pit.on_reschedule = self._leave_loop      # the guest moved the next timer event
        self.uart = Uart16550(emit=self._emit, set_irq=lambda lv: self.pic.set_irq(IRQ_COM1, lv))
        self.debugcon = DebugCon(emit=self._emit)
        self.exit_port = ExitPort(on_exit=self._exit)
        self.devices = {"pic": self.pic, "pit": self.pit, "uart": self.uart,
                        "debugcon": self.debugcon, "exit": self.exit_port}
        for d in self.devices.values():
            self.bus.map_ports(d.ports, d)
        self._connect()

    # -- loading ------------------------------------------------------------------------
    def load(self, path: str, address: int | None = None):
        """Load a guest image (machine.loader); raises machine.loader.LoadError."""
        from .loader import load_file
        self.image = load_file(self.cpu, self.bus, path, address)
        self.symbols = dict(self.image.symbols)
        self._connect()
        return self.image

    def load_bytes(self, data: bytes, address: int | None = None, name: str = "image"):
        from .loader import load_bytes
        self.image = load_bytes(self.cpu, self.bus, data, address, name)
        self.symbols = dict(self.image.symbols)
        self._connect()
        return self.image

    # -- wiring -------------------------------------------------------------------------
    def _connect(self) -> None:
        """(Re)attach the PIC to the CPU; cpu.reset() clears the CPU's side of the wiring."""
        cpu = self.cpu
        cpu.intack = self.pic.intack
        if cpu.irq_line != self.pic.out:
            cpu.irq_line = self.pic.out
            cpu.pending = True

    def _intr(self, level: bool) -> None:
        self.cpu.irq_line = level
        if level:
            self.cpu.pending = True

    # -- time ---------------------------------------------------------------------------
    def _tick(self, now: int) -> None:
        self.pit.tick(now)

    def next_event(self, now: int) -> int | None:
        t = self.pit.next_event(now)
        return t

    # -- running ------------------------------------------------------------------------
    def _run(self, limit: int | None, at_limit: StopKind) -> Stop:
        cpu = self.cpu
        self._connect()
        end = FOREVER if limit is None else cpu.icount + limit
        self._event = False
        while True:
            now = cpu.time()
            self._tick(now)
            target = end
            nxt = self.next_event(now)
            if nxt is not None:
                target = min(end, cpu.icount + (nxt - now))
            r = cpu.run(target)
            if r == "limit":
                if cpu.icount >= end:
                    return self._stop(at_limit)
            elif r == "halt":
                deadline = cpu.halt_deadline()        # VMX-preemption timer, in non-root
                if not cpu.interrupts_wake() and deadline is None:
                    return self._stop(StopKind.HALTED, "interrupts disabled")
                now = cpu.time()
                self._tick(now)
                if cpu.irq_line and cpu.interrupts_wake():
                    continue
                nxt = self.next_event(now)
                if deadline is not None and (nxt is None or deadline < nxt):
                    cpu.idle += max(0, deadline - now)
                    cpu.pending = True
                    continue
                if nxt is None:
                    return self._stop(StopKind.HALTED,
                                      "waiting for an interrupt, but no timer is running")
                cpu.idle += nxt - now
                self._tick(nxt)
                # Nothing else changes while the CPU sleeps: a timer edge that does not reach
                # the CPU now never will.
                if not cpu.irq_line:
                    return self._stop(StopKind.HALTED, "waiting for an interrupt, but IRQ 0 "
                                      "is masked or blocked at the PIC")
            elif r == "shutdown":
                return self._stop(StopKind.SHUTDOWN, cpu.shutdown_reason)
            elif r == "stop":
                stop = self._requested()
                if stop is not None:
                    return stop
            elif r == "break":
                lin = (cpu.segs[1].base + cpu.rip) & cpu.lin_mask
                return self._stop(StopKind.BREAKPOINT, f"at {lin:#x}", info={"address": lin})

    # -- snapshots ----------------------------------------------------------------------
    def restore(self, snap: dict) -> None:
        super().restore(snap)
        cpu = self.cpu
        cpu.cache = cpu.caches[cpu.code_bits]
        cpu._select_tlb()
        cpu.intack = self.pic.intack
