"""A 16550A UART (COM1 at 0x3F8, IRQ 4), after the National Semiconductor PC16550D datasheet.

Transmission is instantaneous: a byte written to THR goes to the console at once, so THR and
the transmitter are always empty (LSR.THRE and LSR.TEMT read 1). Received bytes come from an
input queue fed by the host (`feed`); with no character times in the model, a FIFO that holds
fewer bytes than its trigger level reports a character timeout at once. The modem lines
read as connected (CTS, DSR, DCD). In loopback mode (MCR bit 4) transmitted bytes are
received instead and the modem status inputs follow MCR. The interrupt reaches the PIC only
while MCR.OUT2 is set, as on a PC, where OUT2 enables the IRQ driver.
"""
from __future__ import annotations

from . import Device

IER_RDA, IER_THRE, IER_RLS, IER_MSI = 1, 2, 4, 8
LSR_DR, LSR_OE, LSR_THRE, LSR_TEMT = 0x01, 0x02, 0x20, 0x40
MCR_DTR, MCR_RTS, MCR_OUT1, MCR_OUT2, MCR_LOOP = 1, 2, 4, 8, 0x10
IIR_NONE, IIR_MSI, IIR_THRE, IIR_RDA, IIR_RLS, IIR_TIMEOUT = 0x01, 0x00, 0x02, 0x04, 0x06, 0x0C
FIFO_SIZE = 16
TRIGGER = (1, 4, 8, 14)


class Uart16550(Device):
    LINKS = ("emit", "set_irq")

    def __init__(self, base: int = 0x3F8, emit=None, set_irq=None):
        self.base = base
        self.ports = tuple(range(base, base + 8))
        self.emit = emit                 # callable(byte) for each transmitted byte
        self.set_irq = set_irq           # callable(level) for the IRQ line
        self.ier = self.lcr = self.mcr = self.scr = 0
        self.dll, self.dlm = 0x0C, 0     # 9600 baud
        self.fifo = False
        self.trigger = 1
        self.rx: list[int] = []
        self.oe = False                  # overrun error (loopback into a full receiver)
        self.thre_ip = False             # THR-empty interrupt pending
        self.msr_last = self._modem_lines()
        self.msr_delta = 0
        self.irq_level = False

    # -- host side ----------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Queue bytes as if received on the serial line."""
        self.rx.extend(data)
        self._update()

    # -- internal state -------------------------------------------------------------------
    def _modem_lines(self) -> int:
        if self.mcr & MCR_LOOP:
            m = self.mcr
            return ((m & MCR_RTS) << 3 | (m & MCR_DTR) << 5 | (m & MCR_OUT1) << 4
                    | (m & MCR_OUT2) << 4)
        return 0xB0                      # DCD, DSR, CTS

    def _modem_changed(self) -> None:
        cur = self._modem_lines()
        d, fell = cur ^ self.msr_last, self.msr_last & ~cur
        # DCTS, DDSR and DDCD flag changes; TERI flags RI going inactive.
        self.msr_delta |= (d >> 4 & 1) | (d >> 5 & 1) << 1 | (fell >> 6 & 1) << 2 | (d >> 7 & 1) << 3
        self.msr_last = cur

    def iir(self) -> int:
        if self.ier & IER_RLS and self.oe:
            return IIR_RLS
        if self.ier & IER_RDA and self.rx:
            if not self.fifo or len(self.rx) >= self.trigger:
                return IIR_RDA
            return IIR_TIMEOUT
        if self.ier & IER_THRE and self.thre_ip:
            return IIR_THRE
        if self.ier & IER_MSI and self.msr_delta:
            return IIR_MSI
        return IIR_NONE

    def _update(self) -> None:
        level = (self.iir() & 1) == 0 and bool(self.mcr & MCR_OUT2) and not self.mcr & MCR_LOOP
        if level != self.irq_level:
            self.irq_level = level
            if self.set_irq is not None:
                self.set_irq(level)

    def _transmit(self, b: int) -> None:
        self.thre_ip = False
        self._update()                   # the THRE request drops while the byte is sent
        if self.mcr & MCR_LOOP:
            if len(self.rx) >= (FIFO_SIZE if self.fifo else 1):
                self.oe = True
            else:
                self.rx.append(b)
        elif self.emit is not None:
            self.emit(b)
        self.thre_ip = True

    # -- registers --------------------------------------------------------------------
    def read8(self, port: int) -> int:
        r = port - self.base
        dlab = self.lcr & 0x80
        if r == 0:
            if dlab:
                return self.dll
            v = self.rx.pop(0) if self.rx else 0
            self._update()
            return v
        if r == 1:
            return self.dlm if dlab else self.ier
        if r == 2:
            v = self.iir()
            if v == IIR_THRE:
                self.thre_ip = False
                self._update()
            return v | (0xC0 if self.fifo else 0)
        if r == 3:
            return self.lcr
        if r == 4:
            return self.mcr
        if r == 5:
            v = LSR_THRE | LSR_TEMT | (LSR_DR if self.rx else 0) | (LSR_OE if self.oe else 0)
            self.oe = False
            self._update()
            return v
        if r == 6:
            v = self._modem_lines() | self.msr_delta
            self.msr_delta = 0
            self._update()
            return v
        return self.scr

    def write8(self, port: int, v: int) -> None:
        r = port - self.base
        dlab = self.lcr & 0x80
        if r == 0:
            if dlab:
                self.dll = v
            else:
                self._transmit(v)
        elif r == 1:
            if dlab:
                self.dlm = v
            else:
                if v & IER_THRE and not self.ier & IER_THRE:
                    self.thre_ip = True          # enabling it with THR empty interrupts
                self.ier = v & 0x0F
        elif r == 2:                              # FCR
            self.fifo = bool(v & 1)
            if v & 2:
                self.rx.clear()
            self.trigger = TRIGGER[v >> 6]
        elif r == 3:
            self.lcr = v
        elif r == 4:
            self.mcr = v & 0x1F
            self._modem_changed()
        elif r == 7:
            self.scr = v
        self._update()

    @property
    def divisor(self) -> int:
        return self.dll | self.dlm << 8
