"""The exit port: a guest ends the run by writing its exit code to port 0xF4 (the port QEMU's
isa-debug-exit uses by default, but the value is the code itself, not QEMU's (v << 1) | 1).
A byte, word or dword write gives an 8-, 16- or 32-bit code. Reads return all ones.

The OUT instruction has completed when the write arrives; the device records the code and
asks the CPU to stop at the end of the current block through `on_exit(code)`.
"""
from __future__ import annotations

from . import Device

PORT = 0xF4


class ExitPort(Device):
    LINKS = ("on_exit",)

    def __init__(self, on_exit=None, port: int = PORT):
        self.port = port
        self.ports = (port,)
        self.on_exit = on_exit
        self.code: int | None = None

    def io_write(self, port: int, size: int, value: int) -> None:
        if port != self.port:
            return
        self.code = value & ((1 << (8 * size)) - 1)
        if self.on_exit is not None:
            self.on_exit(self.code)
