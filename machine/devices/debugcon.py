"""The debug console at port 0xE9 (as in Bochs and QEMU): each byte written goes to the console
output; a read returns 0xE9 so a guest can detect the port."""
from __future__ import annotations

from . import Device

PORT = 0xE9


class DebugCon(Device):
    LINKS = ("emit",)

    def __init__(self, emit=None, port: int = PORT):
        self.port = port
        self.ports = (port,)
        self.emit = emit

    def read8(self, port: int) -> int:
        return PORT

    def write8(self, port: int, v: int) -> None:
        if self.emit is not None:
            self.emit(v)
