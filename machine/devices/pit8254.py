"""The 8254 programmable interval timer at ports 0x40-0x43 (Intel 82C54 datasheet).

Time base: the PIT's input clock runs at one tick per INSNS_PER_TICK units of machine time
(retired instructions plus idle time). 4 is the ratio of the original IBM PC, whose 4.77 MHz
8088 clock was divided by 4 to give the PIT its 1.19 MHz; a guest that programs channel 0 with
count N in mode 2 or 3 therefore gets IRQ 0 every 4*N instructions.

A count written at machine time t is loaded on the next tick, k0 = t // 4 + 1, and the counter
decrements once per tick from there; nothing is evaluated per instruction: the counter value,
the OUT pin and the next rising edge are computed from k0 when asked. Channel 0's OUT drives
IRQ 0; before its first control word a channel's OUT is high, as firmware would leave it, so
programming mode 2 or 3 raises no stray IRQ 0. Gates are tied high (channels 0 and 1 on a PC);
modes 1 and 5, which wait for a gate edge, therefore never start counting. Counter latch and
read-back commands and BCD counting are supported.
"""
from __future__ import annotations

import copy

from . import Device

INSNS_PER_TICK = 4


def _from_bcd(v: int) -> int:
    return (v >> 12 & 0xF) * 1000 + (v >> 8 & 0xF) * 100 + (v >> 4 & 0xF) * 10 + (v & 0xF)


def _to_bcd(v: int) -> int:
    return (v // 1000 % 10) << 12 | (v // 100 % 10) << 8 | (v // 10 % 10) << 4 | v % 10


class Channel:
    def __init__(self):
        self.programmed = False       # OUT is high until the first control word
        self.mode = 0
        self.bcd = False
        self.rw = 3                   # 1: LSB only, 2: MSB only, 3: LSB then MSB
        self.count = 0                # the initial count as written (binary)
        self.k0: int | None = None    # tick at which the counter held `count`; None: stopped
        self.pending: tuple[int, int] | None = None   # (tick, count): mode 2/3 reload
        self.held = 0                 # value shown while stopped
        self.wr_msb = False           # write flip-flop: next byte is the MSB
        self.wr_lsb = 0
        self.rd_msb = False           # read flip-flop for live reads
        self.latch: list[int] = []    # latched count bytes still to be read
        self.status: int | None = None

    # -- the counter as a function of the tick number ------------------------------------
    def period(self) -> int:
        if self.count:
            return self.count
        return 10000 if self.bcd else 0x10000

    def settle(self, k: int) -> None:
        if self.pending is not None and k >= self.pending[0]:
            self.k0, self.count = self.pending
            self.pending = None

    def value(self, k: int) -> int:
        self.settle(k)
        if self.k0 is None or k < self.k0 or self.mode in (1, 5):
            return self.held
        n, j = self.period(), k - self.k0
        mod = 10000 if self.bcd else 0x10000
        if self.mode in (0, 4):
            return (n - j) % mod
        j %= n
        if self.mode == 2:
            return (n - j) % mod
        hi = (n + 1) // 2                                  # mode 3: square wave
        even = n & ~1
        return (even - 2 * (j if j < hi else j - hi)) % mod

    def out(self, k: int) -> bool:
        self.settle(k)
        if self.mode in (1, 5) or not self.programmed:
            return True
        if self.k0 is None or k < self.k0:
            return self.mode != 0
        n, j = self.period(), k - self.k0
        if self.mode == 0:
            return j >= n
        if self.mode == 4:
            return j != n
        if self.mode == 2:
            return j % n != n - 1
        return j % n < (n + 1) // 2

    def next_rise(self, k: int) -> int | None:
        """The first tick after k at which OUT goes from low to high."""
        self.settle(k)
        if self.k0 is None or self.mode in (1, 5):
            return None
        n = self.period()
        if self.mode == 0:
            t = self.k0 + n
            return t if t > k else None
        if self.mode == 4:
            t = self.k0 + n + 1
            return t if t > k else None
        # Modes 2 and 3 rise at k0 + m*n (m >= 1). A pending reload takes effect at such a
        # boundary, so the old period still gives the next rise when the reload is later.
        m = 1 if k < self.k0 else (k - self.k0) // n + 1
        return self.k0 + m * n

    # -- programming --------------------------------------------------------------------
    def control(self, v: int, k: int) -> None:
        self.held = self.value(k)
        self.programmed = True
        self.rw = (v >> 4) & 3
        mode = (v >> 1) & 7
        self.mode = mode - 4 if mode >= 6 else mode
        self.bcd = bool(v & 1)
        self.k0 = None
        self.pending = None
        self.wr_msb = self.rd_msb = False
        self.latch = []
        self.status = None

    def write(self, v: int, k: int) -> None:
        if self.rw == 3 and not self.wr_msb:
            self.wr_lsb = v
            self.wr_msb = True
            if self.mode == 0 and self.k0 is not None:      # the first byte stops mode 0
                self.held = self.value(k)
                self.k0 = None
            return
        if self.rw == 1:
            c = v
        elif self.rw == 2:
            c = v << 8
        else:
            c = self.wr_lsb | (v << 8)
            self.wr_msb = False
        if self.bcd:
            c = _from_bcd(c)
        if self.mode in (2, 3) and self.k0 is not None and k >= self.k0:
            n = self.period()
            self.pending = (self.k0 + ((k - self.k0) // n + 1) * n, c)
        else:
            self.count = c
            self.k0 = k + 1
            self.pending = None

    def latch_count(self, k: int) -> None:
        if self.latch:
            return                     # a latched count stays until it has been read
        v = self.value(k)
        if self.bcd:
            v = _to_bcd(v)
        self.latch = {1: [v & 0xFF], 2: [v >> 8 & 0xFF], 3: [v & 0xFF, v >> 8 & 0xFF]}[self.rw]

    def latch_status(self, k: int) -> None:
        if self.status is None:
            null = self.k0 is None or k < self.k0 or self.pending is not None
            self.status = (self.out(k) << 7 | null << 6 | self.rw << 4 | self.mode << 1
                           | int(self.bcd))

    def read(self, k: int) -> int:
        if self.status is not None:
            v, self.status = self.status, None
            return v
        if self.latch:
            return self.latch.pop(0)
        v = self.value(k)
        if self.bcd:
            v = _to_bcd(v)
        if self.rw == 1:
            return v & 0xFF
        if self.rw == 2:
            return v >> 8 & 0xFF
        self.rd_msb = not self.rd_msb
        return v & 0xFF if self.rd_msb else v >> 8 & 0xFF


class Pit8254(Device):
    """Three channels; channel 0's OUT is IRQ 0 through `set_irq0(level)`."""

    LINKS = ("clock", "set_irq0", "on_reschedule")
    ports = (0x40, 0x41, 0x42, 0x43)

    def __init__(self, clock, set_irq0=None, insns_per_tick: int = INSNS_PER_TICK):
        self.clock = clock
        self.set_irq0 = set_irq0
        self.on_reschedule = None       # called after programming: the next event may move
        self.ratio = insns_per_tick
        self.ch = (Channel(), Channel(), Channel())
        self.last_k = clock() // insns_per_tick
        self.irq_level = True           # OUT0 starts high (see Channel.programmed)

    def ticks(self, now: int | None = None) -> int:
        return (self.clock() if now is None else now) // self.ratio

    # -- time -------------------------------------------------------------------------
    def next_event(self, now: int) -> int | None:
        k = self.ticks(now)
        t = self.ch[0].next_rise(k)
        return None if t is None else t * self.ratio

    def tick(self, now: int) -> None:
        k = self.ticks(now)
        if k < self.last_k:
            return
        ch0 = self.ch[0]
        rise = ch0.next_rise(self.last_k)
        level = ch0.out(k)
        if self.set_irq0 is not None:
            if rise is not None and rise <= k:
                self.set_irq0(False)
                self.set_irq0(True)
            if level != self.irq_level or (rise is not None and rise <= k):
                self.set_irq0(level)
        self.irq_level = level
        self.last_k = k

    # -- ports ------------------------------------------------------------------------
    def read8(self, port: int) -> int:
        if port == 0x43:
            return 0xFF                 # the control word register is write-only
        self.tick(self.clock())
        return self.ch[port - 0x40].read(self.ticks())

    def write8(self, port: int, v: int) -> None:
        now = self.clock()
        self.tick(now)
        k = self.ticks(now)
        if port == 0x43:
            sc = v >> 6
            if sc == 3:                                        # read-back command
                for i in range(3):
                    if v & (2 << i):
                        if not v & 0x20:
                            self.ch[i].latch_count(k)
                        if not v & 0x10:
                            self.ch[i].latch_status(k)
            elif not v & 0x30:                                 # counter latch command
                self.ch[sc].latch_count(k)
            else:
                self.ch[sc].control(v, k)
        else:
            self.ch[port - 0x40].write(v, k)
        self.tick(now)
        if self.on_reschedule is not None:
            self.on_reschedule()

    def state(self) -> dict:
        return {"ch": [copy.deepcopy(c.__dict__) for c in self.ch], "last_k": self.last_k,
                "irq_level": self.irq_level, "ratio": self.ratio}

    def set_state(self, st: dict) -> None:
        for c, d in zip(self.ch, st["ch"]):
            c.__dict__.update(copy.deepcopy(d))
        self.last_k, self.irq_level, self.ratio = st["last_k"], st["irq_level"], st["ratio"]
