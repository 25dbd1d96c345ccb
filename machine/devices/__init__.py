"""PC platform devices on the I/O port bus: 16550 UART, 8259 PICs, 8254 PIT, the 0xE9 debug
console and the exit port.

Devices are deterministic. Their only notion of time is the machine clock, a callable returning
`cpu.time()` (retired instructions plus idle time while halted). A device that can cause an event
in the future reports when through `next_event(now)`, and the board calls `tick(now)` once that
time has come; nothing is checked per instruction.
"""
from __future__ import annotations

import copy


class Device:
    """Common state handling: everything in the instance dict is state except the links
    (callbacks and references to other parts of the machine) named in `LINKS`."""

    LINKS: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()

    # An 8-bit ISA device sees a wider access as byte accesses to consecutive ports.
    def io_read(self, port: int, size: int) -> int:
        v = 0
        for i in range(size):
            p = (port + i) & 0xFFFF
            v |= (self.read8(p) if p in self.ports else 0xFF) << (8 * i)
        return v

    def io_write(self, port: int, size: int, value: int) -> None:
        for i in range(size):
            p = (port + i) & 0xFFFF
            if p in self.ports:
                self.write8(p, (value >> (8 * i)) & 0xFF)

    def read8(self, port: int) -> int:
        return 0xFF

    def write8(self, port: int, value: int) -> None:
        pass

    def state(self) -> dict:
        return copy.deepcopy({k: v for k, v in self.__dict__.items() if k not in self.LINKS})

    def set_state(self, st: dict) -> None:
        self.__dict__.update(copy.deepcopy(st))

    def next_event(self, now: int) -> int | None:
        """The machine time of this device's next spontaneous event after `now`, or None."""
        return None

    def tick(self, now: int) -> None:
        """Bring the device up to machine time `now` (raise the interrupts that fell due)."""
