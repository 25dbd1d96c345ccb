"""The IA-64 board: an Itanium CPU, RAM, a 16550 serial console and the exit device in
uncacheable memory-mapped I/O space, and the PAL firmware entry.

Physical memory map:
    0x0000_0000 ...           RAM (default 64 MiB)
    0xFF00_0000 + 0..7        16550 UART registers (byte-wide; THR at +0)
    0xFF00_1000               exit device: a write of 1, 2, 4 or 8 bytes ends the run with
                              that value as the exit code, as x86's port 0xF4 does
    0xFFF0_0000               PAL_PROC entry (machine/ia64/pal.py)
Guests reach the devices in physical mode through uncacheable addresses (bit 63 set, e.g.
0x8000_0000_FF00_0000).  The UART interrupt is external interrupt vector 0x40.

Time is the CPU's: retired instructions plus time spent halted in PAL_HALT_LIGHT; the interval
timer (ITC/ITM/ITV) lives in the CPU.  run()/step() return the same Stop values as the x86
board (machine/events.py).
"""
from __future__ import annotations

from ..boardbase import FOREVER, BoardBase
from ..devices.testport import ExitPort
from ..devices.uart16550 import Uart16550
from ..events import Stop, StopKind
from ..memory import Bus
from .cpu import IA64CPU
from .pal import PalFirmware

UART_BASE, EXIT_BASE = 0xFF00_0000, 0xFF00_1000
UC = 1 << 63
UART_VECTOR = 0x40


class PortWindow:
    """Memory-mapped access to a port-I/O device model: offset i is port base + i."""

    def __init__(self, dev, base_port: int):
        self.dev, self.base = dev, base_port

    def read(self, off: int, size: int) -> int:
        return self.dev.io_read(self.base + off, min(size, 4)) if hasattr(self.dev, "io_read") \
            else (1 << (8 * size)) - 1

    def write(self, off: int, size: int, value: int) -> None:
        self.dev.io_write(self.base + off, min(size, 4), value & 0xFFFFFFFF)


class IA64Machine(BoardBase):
    arch = "ia64"
    CPU_TRANSIENT = frozenset({"bus", "ram", "_build", "cache", "page_blocks", "breakpoints",
                               "observer", "firmware", "rmap", "wmap", "xmap", "_mem_watch"})

    def __init__(self, ram_mib: int = 64):
        self.bus = Bus(ram_mib << 20)
        self.cpu = IA64CPU(self.bus)
        self.pal = PalFirmware()
        self.pal.install(self.cpu)
        self._init_common()
        self.uart = Uart16550(emit=self._emit, set_irq=self._uart_irq)
        self.exit_port = ExitPort(on_exit=self._exit, port=0)
        self.devices = {"uart": self.uart, "exit": self.exit_port}
        self.bus.map_region(UART_BASE, 8, PortWindow(self.uart, self.uart.base))
        self.bus.map_region(EXIT_BASE, 8, PortWindow(self.exit_port, 0))

    # -- loading ------------------------------------------------------------------------
    def load(self, path: str, address: int | None = None):
        from ..loader import LoadError
        if address is not None:
            raise LoadError(f"{path}: the IA-64 board loads ELF images only")
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as e:
            raise LoadError(f"{path}: {e.strerror or e}") from None
        return self.load_bytes(data, name=path)

    def load_bytes(self, data: bytes, address: int | None = None, name: str = "image"):
        from .loader import load_ia64
        self.image = load_ia64(self.cpu, self.bus, data, name)
        self.symbols = dict(self.image.symbols)
        return self.image

    # -- devices --------------------------------------------------------------------------
    def _uart_irq(self, level: bool) -> None:
        if level:
            self.cpu.raise_interrupt(UART_VECTOR)

    # -- running ------------------------------------------------------------------------
    def _run(self, limit: int | None, at_limit: StopKind) -> Stop:
        cpu = self.cpu
        end = FOREVER if limit is None else cpu.icount + limit
        self._event = False
        while True:
            r = cpu.run(end)
            if r == "limit":
                if cpu.icount >= end:
                    return self._stop(at_limit)
            elif r == "halt":
                dl = cpu.timer_deadline()
                if dl is None:
                    return self._stop(StopKind.HALTED, "PAL_HALT_LIGHT with no interval "
                                      "timer interrupt to wake the processor")
                cpu.idle += max(0, dl - cpu.time())
                cpu.pending = True
            elif r == "stop":
                stop = self._requested()
                if stop is not None:
                    return stop
            elif r == "hang":
                return self._stop(StopKind.SHUTDOWN, cpu.hang_reason)
            elif r == "break":
                a = cpu.ip | cpu.ri
                return self._stop(StopKind.BREAKPOINT, f"at {a:#x}", info={"address": a})

    # -- snapshots ----------------------------------------------------------------------
    def snapshot(self) -> dict:
        snap = super().snapshot()
        snap["pal"] = (self.pal.features, self.pal.features_on, list(self.pal.calls))
        return snap

    def restore(self, snap: dict) -> None:
        super().restore(snap)
        self.cpu.flush_fast()
        self.pal.features, self.pal.features_on, calls = snap["pal"]
        self.pal.calls = list(calls)


def board_for(path: str):
    """The board class for an image file: IA64Machine for an IA-64 ELF, else the PC board."""
    from .loader import is_ia64_elf
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        head = b""
    if is_ia64_elf(head):
        return IA64Machine
    from ..board import Machine
    return Machine
