"""Two cascaded 8259A programmable interrupt controllers, wired as on a PC/AT: the master at
ports 0x20/0x21 takes IRQ 0-7, the slave at 0xA0/0xA1 takes IRQ 8-15 and drives the master's
IR2. Modelled after the Intel 8259A datasheet: ICW1-ICW4, OCW1-OCW3, IRR/ISR/IMR, fully
nested and rotating priorities, non-specific and specific EOI, automatic EOI, special mask
mode, poll mode and reading IRR/ISR through OCW3. Inputs are edge triggered unless ICW1.LTIM
selects level triggering.
"""
from __future__ import annotations

from . import Device

# OCW2 commands (bits 7-5: R, SL, EOI)
OCW2_EOI, OCW2_SEOI, OCW2_ROT_EOI, OCW2_ROT_SEOI = 0b001, 0b011, 0b101, 0b111
OCW2_SET_ROT_AEOI, OCW2_CLR_ROT_AEOI, OCW2_SET_PRIO = 0b100, 0b000, 0b110


class Chip(Device):
    """One 8259A. `prio` is the IR with the highest priority (0 after initialisation)."""

    def __init__(self, master: bool):
        self.master = master
        self.irr = self.isr = self.imr = 0
        self.lines = 0                  # current levels of the IR inputs
        self.init_step = 0              # 0: operational; 2/3/4: expecting that ICW
        self.ltim = False               # level-triggered inputs (ICW1 bit 3)
        self.single = False             # no cascade (ICW1 bit 1)
        self.ic4 = False
        self.base = 0x08 if master else 0x70
        self.icw3 = 0x04 if master else 0x02
        self.aeoi = False
        self.sfnm = False               # special fully nested mode (ICW4 bit 4)
        self.rotate_aeoi = False
        self.prio = 0
        self.read_isr = False
        self.poll = False
        self.special_mask = False

    # -- priorities -------------------------------------------------------------------
    def rank(self, ir: int) -> int:
        return (ir - self.prio) & 7

    def highest(self, bits: int) -> int | None:
        for i in range(8):
            ir = (self.prio + i) & 7
            if bits >> ir & 1:
                return ir
        return None

    def candidate(self) -> int | None:
        """The IR that would be acknowledged now, or None when INT is low."""
        req = self.highest(self.irr & ~self.imr)
        if req is None:
            return None
        blocking = self.isr
        if self.special_mask:
            blocking &= ~self.imr
        if self.sfnm and self.master and not self.single:
            blocking &= ~self.icw3          # a slave in service does not block itself
        cur = self.highest(blocking)
        if cur is not None and self.rank(cur) <= self.rank(req):
            return None
        return req

    # -- inputs -----------------------------------------------------------------------
    def set_line(self, ir: int, level: bool) -> None:
        bit = 1 << ir
        if level:
            if self.ltim or not self.lines & bit:
                self.irr |= bit
            self.lines |= bit
        else:
            self.lines &= ~bit
            if self.ltim:
                self.irr &= ~bit

    def ack(self, ir: int) -> None:
        """The INTA sequence for `ir`: IRR -> ISR (or automatic EOI)."""
        bit = 1 << ir
        self.irr &= ~bit
        if self.ltim:
            self.irr |= self.lines & bit
        if self.aeoi:
            if self.rotate_aeoi:
                self.prio = (ir + 1) & 7
        else:
            self.isr |= bit

    # -- registers --------------------------------------------------------------------
    def write(self, a0: int, v: int) -> None:
        if not a0 and v & 0x10:                              # ICW1
            self.ltim, self.single, self.ic4 = bool(v & 8), bool(v & 2), bool(v & 1)
            self.imr = self.isr = 0
            self.irr = self.lines if self.ltim else 0    # edge sense reset: need a new edge
            self.prio = 0
            self.special_mask = self.poll = self.read_isr = False
            self.aeoi = self.sfnm = self.rotate_aeoi = False
            self.init_step = 2
        elif a0 and self.init_step == 2:                     # ICW2
            self.base = v & 0xF8
            self.init_step = 3 if not self.single else (4 if self.ic4 else 0)
        elif a0 and self.init_step == 3:                     # ICW3
            self.icw3 = v
            self.init_step = 4 if self.ic4 else 0
        elif a0 and self.init_step == 4:                     # ICW4
            self.aeoi, self.sfnm = bool(v & 2), bool(v & 0x10)
            self.init_step = 0
        elif a0:                                             # OCW1
            self.imr = v
        elif v & 0x08:                                       # OCW3
            if v & 0x40:
                self.special_mask = bool(v & 0x20)
            if v & 0x04:
                self.poll = True
            if v & 0x02:
                self.read_isr = bool(v & 0x01)
        else:                                                # OCW2
            self._ocw2(v >> 5, v & 7)

    def _ocw2(self, cmd: int, level: int) -> None:
        if cmd in (OCW2_EOI, OCW2_ROT_EOI):
            ir = self.highest(self.isr)
            if ir is not None:
                self.isr &= ~(1 << ir)
                if cmd == OCW2_ROT_EOI:
                    self.prio = (ir + 1) & 7
        elif cmd in (OCW2_SEOI, OCW2_ROT_SEOI):
            self.isr &= ~(1 << level)
            if cmd == OCW2_ROT_SEOI:
                self.prio = (level + 1) & 7
        elif cmd == OCW2_SET_ROT_AEOI:
            self.rotate_aeoi = True
        elif cmd == OCW2_CLR_ROT_AEOI:
            self.rotate_aeoi = False
        elif cmd == OCW2_SET_PRIO:
            self.prio = (level + 1) & 7

    def read(self, a0: int) -> int:
        if a0:
            return self.imr
        if self.poll:
            self.poll = False
            ir = self.candidate()
            if ir is None:
                return 0
            self.ack(ir)
            return 0x80 | ir
        return self.isr if self.read_isr else self.irr


class DualPic(Device):
    """The PC/AT pair. `on_intr(level)` follows the master's INT output (the CPU's INTR)."""

    LINKS = ("on_intr",)
    ports = (0x20, 0x21, 0xA0, 0xA1)
    CASCADE_IR = 2

    def __init__(self, on_intr=None):
        self.master = Chip(True)
        self.slave = Chip(False)
        self.slave_out = False
        self.out = False
        self.on_intr = on_intr

    # -- interrupt lines (IRQ 0-15) ---------------------------------------------------
    def set_irq(self, irq: int, level: bool) -> None:
        (self.master if irq < 8 else self.slave).set_line(irq & 7, level)
        self._update()

    def pulse(self, irq: int) -> None:
        """A rising edge followed by a falling one (an edge-triggered request)."""
        chip = self.master if irq < 8 else self.slave
        chip.set_line(irq & 7, True)
        chip.set_line(irq & 7, False)
        self._update()

    def _cascaded(self) -> bool:
        return not self.master.single and bool(self.master.icw3 >> self.CASCADE_IR & 1)

    def _update(self) -> None:
        s = self.slave.candidate() is not None
        if s != self.slave_out:
            self.slave_out = s
            self.master.set_line(self.CASCADE_IR, s)
        m = self.master.candidate() is not None
        if m != self.out:
            self.out = m
            if self.on_intr is not None:
                self.on_intr(m)

    def _drop(self) -> None:
        """INT outputs fall during INTA; if still requesting they rise again (a new edge)."""
        if self.slave_out:
            self.slave_out = False
            self.master.set_line(self.CASCADE_IR, False)
        if self.out:
            self.out = False
            if self.on_intr is not None:
                self.on_intr(False)
        self._update()

    def intack(self) -> int | None:
        """Interrupt acknowledge: the vector of the highest-priority request, or None."""
        ir = self.master.candidate()
        if ir is None:
            return None
        self.master.ack(ir)
        if ir == self.CASCADE_IR and self._cascaded():
            sir = self.slave.candidate()
            if sir is None:
                vec = self.slave.base + 7          # spurious IRQ 15: no ISR bit set
            else:
                self.slave.ack(sir)
                vec = self.slave.base + sir
        else:
            vec = self.master.base + ir
        self._drop()
        return vec

    def pending_vector(self) -> int | None:
        """What intack() would return, without acknowledging (for debugger views)."""
        ir = self.master.candidate()
        if ir is None:
            return None
        if ir == self.CASCADE_IR and self._cascaded():
            sir = self.slave.candidate()
            return self.slave.base + (7 if sir is None else sir)
        return self.master.base + ir

    # -- ports ------------------------------------------------------------------------
    def read8(self, port: int) -> int:
        v = (self.master if port < 0xA0 else self.slave).read(port & 1)
        self._update()
        return v

    def write8(self, port: int, value: int) -> None:
        (self.master if port < 0xA0 else self.slave).write(port & 1, value)
        self._update()

    def state(self) -> dict:
        return {"master": self.master.state(), "slave": self.slave.state(),
                "slave_out": self.slave_out, "out": self.out}

    def set_state(self, st: dict) -> None:
        self.master.set_state(st["master"])
        self.slave.set_state(st["slave"])
        self.slave_out, self.out = st["slave_out"], st["out"]
