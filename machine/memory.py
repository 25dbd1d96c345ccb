"""Physical memory and the I/O port bus.

RAM is one bytearray from physical address 0. ROM images and MMIO devices claim ranges
(which may cover holes in RAM). Reads of unclaimed physical addresses return all ones and
writes to them are dropped, as on a PC bus; the same holds for unclaimed I/O ports.
"""
from __future__ import annotations

PAGE = 4096


class Rom:
    """A read-only image; writes are ignored."""

    def __init__(self, data: bytes):
        self.data = bytes(data)

    def read(self, offset: int, size: int) -> int:
        return int.from_bytes(self.data[offset:offset + size].ljust(size, b"\xff"), "little")

    def write(self, offset: int, size: int, value: int) -> None:
        pass


class Bus:
    def __init__(self, ram_size: int = 64 << 20):
        self.ram = bytearray(ram_size)
        self.ram_size = ram_size
        self.regions: list[tuple[int, int, object]] = []   # (start, end, handler)
        self.ports: dict[int, object] = {}                 # port -> device
        self.code_pages: set[int] = set()                  # physical pages holding decoded code
        self.on_code_write = None                           # callback(paddr, size)

    # -- physical memory ------------------------------------------------------------
    def map_region(self, start: int, size: int, handler) -> None:
        """Claim [start, start+size) for a handler with read(off, size) / write(off, size, v)."""
        self.regions.append((start, start + size, handler))

    def _find(self, paddr: int):
        for start, end, h in self.regions:
            if start <= paddr < end:
                return start, end, h
        return None

    def ram_page(self, paddr: int) -> bool:
        """True when the 4 KiB page holding paddr is plain RAM (eligible for the fast path)."""
        base = paddr & ~(PAGE - 1)
        if base + PAGE > self.ram_size:
            return False
        return not any(s < base + PAGE and base < e for s, e, _ in self.regions)

    def read(self, paddr: int, size: int) -> int:
        r = self._find(paddr)
        if r is None:
            if paddr + size <= self.ram_size and (not self.regions or self.ram_page(paddr)):
                return int.from_bytes(self.ram[paddr:paddr + size], "little")
        elif paddr + size <= r[1]:
            return r[2].read(paddr - r[0], size)
        return int.from_bytes(bytes(self.read8(paddr + i) for i in range(size)), "little")

    def read8(self, paddr: int) -> int:
        r = self._find(paddr)
        if r is not None:
            return r[2].read(paddr - r[0], 1) & 0xFF
        return self.ram[paddr] if paddr < self.ram_size else 0xFF

    def write(self, paddr: int, size: int, value: int) -> None:
        cp = self.code_pages
        if cp and ((paddr >> 12) in cp or ((paddr + size - 1) >> 12) in cp):
            self.on_code_write(paddr, size)
        r = self._find(paddr)
        if r is None:
            if paddr + size <= self.ram_size and (not self.regions or self.ram_page(paddr)):
                self.ram[paddr:paddr + size] = value.to_bytes(size, "little")
                return
        elif paddr + size <= r[1]:
            r[2].write(paddr - r[0], size, value)
            return
        for i in range(size):
            self.write8(paddr + i, (value >> (8 * i)) & 0xFF)

    def write8(self, paddr: int, value: int) -> None:
        r = self._find(paddr)
        if r is not None:
            r[2].write(paddr - r[0], 1, value)
        elif paddr < self.ram_size:
            self.ram[paddr] = value

    def read_bytes(self, paddr: int, n: int) -> bytes:
        return bytes(self.read8(paddr + i) for i in range(n))

    def load(self, paddr: int, data: bytes) -> None:
        """Place an image in RAM (loader use; goes through write() so code caches stay right)."""
        if paddr + len(data) <= self.ram_size and not self.regions and not self.code_pages:
            self.ram[paddr:paddr + len(data)] = data
        else:
            for i, b in enumerate(data):
                self.write(paddr + i, 1, b)

    # -- I/O ports ------------------------------------------------------------------
    def map_ports(self, ports, device) -> None:
        for p in ports:
            self.ports[p] = device

    def io_read(self, port: int, size: int) -> int:
        dev = self.ports.get(port)
        if dev is None:
            return (1 << (8 * size)) - 1
        return dev.io_read(port, size)

    def io_write(self, port: int, size: int, value: int) -> None:
        dev = self.ports.get(port)
        if dev is not None:
            dev.io_write(port, size, value)
