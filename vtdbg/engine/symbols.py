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

    def update(self, table: dict[str, int], located: set[str] | None = None,
               ranges: list[tuple[int, int]] | None = None) -> None:
        """For reverse lookup (address -> name) keep the symbols in the image's `ranges`
        ((start, size) pairs); at one address a `located` name (one defined in a section,
        not an absolute constant) wins over the others, then name order decides."""
        self.by_name = dict(table)

        def keep(name: str, a: int) -> bool:
            inside = ranges is None or any(s <= a < s + n for s, n in ranges)
            if located is None or name in located:
                return inside
            return ranges is not None and inside   # a constant that falls in the image
        pairs = sorted((a, located is not None and n not in located, n)
                       for n, a in table.items() if not n.startswith(".") and keep(n, a))
        addrs, names = [], []
        for a, _, n in pairs:
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


def elf_located(path: str) -> set[str] | None:
    """Names of an ELF file's symbols that belong to a section (not SHN_ABS constants)."""
    try:
        from elftools.elf.elffile import ELFFile
        with open(path, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                return None
            fh.seek(0)
            tab = ELFFile(fh).get_section_by_name(".symtab")
            if tab is None:
                return None
            return {sym.name for sym in tab.iter_symbols()
                    if sym.name and sym["st_shndx"] not in ("SHN_ABS", "SHN_UNDEF")}
    except Exception:           # noqa: BLE001 - the loader has already accepted the file
        return None
