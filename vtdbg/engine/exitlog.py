"""The exit log: every VM exit, VM entry and entry failure in a bounded ring buffer, with
per-reason statistics that survive the ring's evictions."""
from __future__ import annotations

import json
import sys
from collections import deque

from ..errors import VtdbgError

DEFAULT_CAPACITY = 100_000


class Record:
    """One transition; a few hundred bytes at most (slots, small ints, one shared cause)."""

    __slots__ = (
        "cause",
        "cause_bit",
        "cause_field",
        "detail",
        "guest_linear",
        "guest_physical",
        "guest_rip",
        "icount",
        "index",
        "intr_info",
        "kind",
        "length",
        "name",
        "qualification",
        "reason",
        "root_icount",
        "vmcs",
    )

    def __init__(self, index: int, ev, vmcs: int | None):
        self.index = index
        self.icount = ev.icount
        self.kind = ev.kind
        self.reason = ev.reason
        self.name = sys.intern(ev.name)
        self.qualification = ev.qualification
        self.guest_rip = ev.guest_rip
        self.guest_linear = ev.guest_linear
        self.guest_physical = ev.guest_physical
        self.length = ev.length
        self.intr_info = ev.intr_info
        self.cause = sys.intern(ev.cause)          # the same few texts, shared
        self.cause_field = ev.cause_field
        self.cause_bit = ev.cause_bit
        self.detail = sys.intern(ev.detail)
        self.vmcs = vmcs
        self.root_icount: int | None = None   # root-mode instructions until the next entry

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


class ExitLog:
    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = capacity
        self.records: deque[Record] = deque(maxlen=capacity)
        self.next_index = 0
        self.stats: dict[tuple[str, int], list[int]] = {}   # (kind, reason) -> [count, root]
        self._open: Record | None = None                    # last exit awaiting its entry

    def __len__(self) -> int:
        return len(self.records)

    def clear(self) -> None:
        self.records.clear()
        self.stats.clear()
        self.next_index = 0
        self._open = None

    def set_capacity(self, n: int) -> None:
        if n < 1 or n > 10_000_000:
            raise VtdbgError("the exit log holds between 1 and 10,000,000 entries")
        self.capacity = n
        self.records = deque(self.records, maxlen=n)

    def record(self, ev, vmcs: int | None) -> Record:
        r = Record(self.next_index, ev, vmcs)
        self.next_index += 1
        self.records.append(r)
        key = (ev.kind, ev.reason if ev.kind != "entry" else -1)
        st = self.stats.get(key)
        if st is None:
            st = self.stats[key] = [0, 0]
        st[0] += 1
        if ev.kind == "entry":
            o = self._open
            if o is not None:
                o.root_icount = ev.icount - o.icount
                self.stats[(o.kind, o.reason)][1] += o.root_icount
                self._open = None
        elif ev.kind == "exit" or (ev.kind == "entry-fail" and ev.reason >= 0):
            self._open = r
        return r

    # -- queries ----------------------------------------------------------------------------
    def exits(self) -> int:
        """VM exits (and VT-i exits) recorded since the log was cleared, evicted ones too."""
        return sum(v[0] for (k, _), v in self.stats.items() if k == "exit")

    def oldest_index(self) -> int:
        return self.records[0].index if self.records else self.next_index

    def get(self, index: int) -> Record:
        if not self.records or index < self.oldest_index() or index >= self.next_index:
            if 0 <= index < self.next_index:
                raise VtdbgError(f"exit {index} has left the log (it keeps the last "
                                 f"{self.capacity} entries)")
            raise VtdbgError(f"no exit {index} in the log ({self.next_index} recorded)")
        return self.records[index - self.oldest_index()]

    def last(self, kinds=("exit", "entry-fail")) -> Record | None:
        for r in reversed(self.records):
            if r.kind in kinds:
                return r
        return None

    def select(self, count: int | None = None, reasons: set[int] | None = None,
               first: int | None = None, last: int | None = None,
               kinds=("exit", "entry-fail")) -> list[Record]:
        """Entries matching the filters; with count, only the last `count` of them."""
        out: list[Record] = []
        it = reversed(self.records)
        for r in it:
            if last is not None and r.index > last:
                continue
            if first is not None and r.index < first:
                break
            if r.kind not in kinds:
                continue
            if reasons is not None and r.reason not in reasons:
                continue
            out.append(r)
            if count is not None and len(out) >= count:
                break
        out.reverse()
        return out

    def dump(self, path: str) -> int:
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r.as_dict(), sort_keys=True) + "\n" for r in self.records)
        except OSError as e:
            raise VtdbgError(f"{path}: {e.strerror or e}") from None
        return len(self.records)
