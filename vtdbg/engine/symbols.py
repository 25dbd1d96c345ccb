"""Symbols from the guest image: name -> address, and address -> name+offset."""
from __future__ import annotations

import bisect

from ..errors import VtdbgError

MAX_OFFSET = 0x1000           # beyond this an address is not shown relative to a symbol


class Symbols:
    def __init__(self, table: dict[str, int] | None = None):
        self.by_name: dict[str, int] = {}
        self._addrs: list[int] = []
        self._names: list[str] = []
        self.update(table or {})

    def update(self, table: dict[str, int]) -> None:
        self.by_name = dict(table)
        pairs = sorted((a, n) for n, a in table.items() if not n.startswith("."))
        # several names at one address: keep the first in name order (stable output)
        addrs, names = [], []
        for a, n in pairs:
            if addrs and addrs[-1] == a:
                continue
            addrs.append(a)
            names.append(n)
        self._addrs, self._names = addrs, names

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def address(self, name: str) -> int:
        a = self.by_name.get(name)
        if a is None:
            raise VtdbgError(f'no symbol "{name}"')
        return a

    def lookup(self, addr: int) -> tuple[str, int] | None:
        i = bisect.bisect_right(self._addrs, addr) - 1
        if i < 0:
            return None
        off = addr - self._addrs[i]
        if off > MAX_OFFSET:
            return None
        return self._names[i], off

    def describe(self, addr: int) -> str:
        """'name' or 'name+0x12', '' when no symbol covers addr."""
        r = self.lookup(addr)
        if r is None:
            return ""
        name, off = r
        return f"{name}+{off:#x}" if off else name

    def next_after(self, addr: int) -> int | None:
        i = bisect.bisect_right(self._addrs, addr)
        return self._addrs[i] if i < len(self._addrs) else None

    def names(self) -> list[str]:
        return sorted(self.by_name)
