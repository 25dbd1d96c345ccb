"""Platform devices on their own: 16550 UART, 8259 pair, 8254 PIT, debug console, exit port."""
from __future__ import annotations

from itertools import pairwise

from machine.devices.debugcon import DebugCon
from machine.devices.pic8259 import DualPic
from machine.devices.pit8254 import INSNS_PER_TICK, Pit8254
from machine.devices.testport import ExitPort
from machine.devices.uart16550 import Uart16550

COM1 = 0x3F8
THR, IER, IIR, LCR, MCR, LSR, MSR, SCR = range(COM1, COM1 + 8)


# -- UART ---------------------------------------------------------------------------------
def make_uart():
    out, irq = [], []
    u = Uart16550(emit=out.append, set_irq=irq.append)
    return u, out, irq


def test_uart_transmit_and_line_status():
    u, out, _ = make_uart()
    for b in b"hi":
        u.io_write(THR, 1, b)
    assert bytes(out) == b"hi"
    assert u.io_read(LSR, 1) & 0x60 == 0x60          # THRE and TEMT always ready
    assert u.io_read(LSR, 1) & 1 == 0                # no data received


def test_uart_divisor_latch_and_scratch():
    u, out, _ = make_uart()
    u.io_write(LCR, 1, 0x83)                         # DLAB, 8N1
    u.io_write(THR, 1, 0x01)                         # DLL
    u.io_write(IER, 1, 0x00)                         # DLM
    assert u.divisor == 1 and out == []              # DLAB writes do not transmit
    assert u.io_read(THR, 1) == 0x01 and u.io_read(IER, 1) == 0
    u.io_write(LCR, 1, 0x03)
    assert u.io_read(LCR, 1) == 0x03 and u.divisor == 1
    u.io_write(IER, 1, 0xFF)
    assert u.io_read(IER, 1) == 0x0F                 # only four enable bits
    u.io_write(SCR, 1, 0x5A)
    assert u.io_read(SCR, 1) == 0x5A


def test_uart_thre_interrupt_needs_out2_and_clears_on_iir_read():
    u, out, irq = make_uart()
    assert u.io_read(IIR, 1) == 0x01                 # nothing pending
    u.io_write(IER, 1, 0x02)                         # enable THRE interrupt: THR is empty
    assert u.io_read(IIR, 1) == 0x02 and irq == []   # OUT2 clear: the IRQ is not driven
    u.io_write(IER, 1, 0)
    u.io_write(MCR, 1, 0x08)                         # OUT2
    u.io_write(IER, 1, 0x02)
    assert irq == [True]
    assert u.io_read(IIR, 1) == 0x02                 # reading IIR with THRE pending clears it
    assert irq == [True, False] and u.io_read(IIR, 1) == 0x01
    u.io_write(THR, 1, ord("x"))                     # THR empties again: a new request
    assert irq == [True, False, True] and out == [ord("x")]


def test_uart_receive_queue_and_interrupt_priority():
    u, _, _ = make_uart()
    u.io_write(MCR, 1, 0x08)
    u.io_write(IER, 1, 0x03)                         # RX data and THRE
    u.feed(b"ab")
    assert u.io_read(LSR, 1) & 1
    assert u.io_read(IIR, 1) == 0x04                 # received data outranks THRE
    assert u.io_read(THR, 1) == ord("a")
    assert u.io_read(THR, 1) == ord("b")
    assert u.io_read(LSR, 1) & 1 == 0
    assert u.io_read(IIR, 1) == 0x02


def test_uart_fifo_trigger_and_timeout():
    u, _, _ = make_uart()
    u.io_write(IIR, 1, 0x47)                         # FCR: enable + clear, trigger 4
    u.io_write(IER, 1, 0x01)
    u.feed(b"xy")
    assert u.io_read(IIR, 1) == 0xCC                 # FIFO bits + character timeout
    u.feed(b"zw")
    assert u.io_read(IIR, 1) == 0xC4                 # trigger level reached


def test_uart_loopback_and_modem_status():
    u, out, _ = make_uart()
    assert u.io_read(MSR, 1) == 0xB0                 # DCD, DSR, CTS
    u.io_write(MCR, 1, 0x10 | 0x01)                  # loopback, DTR
    msr = u.io_read(MSR, 1)
    assert msr & 0xF0 == 0x20                        # only DSR (from DTR)
    assert msr & 0x0F == 0x09                        # deltas: CTS and DCD dropped, DSR kept
    u.io_write(THR, 1, 0x55)
    assert out == [] and u.io_read(THR, 1) == 0x55   # looped back, not transmitted
    u.io_write(THR, 1, 1)
    u.io_write(THR, 1, 2)                            # one-byte receiver full: overrun
    assert u.io_read(LSR, 1) & 0x02
    assert u.io_read(LSR, 1) & 0x02 == 0             # cleared by reading LSR


def test_uart_word_access_is_two_byte_accesses():
    u, out, _ = make_uart()
    u.io_write(THR, 2, 0x0241)                       # THR <- 0x41, IER <- 0x02
    assert out == [0x41] and u.io_read(IER, 1) == 0x02


# -- PIC ----------------------------------------------------------------------------------
def init_pics(pic, base_m=0x20, base_s=0x28, icw4=0x01):
    for port, v in ((0x20, 0x11), (0x21, base_m), (0x21, 0x04), (0x21, icw4),
                    (0xA0, 0x11), (0xA1, base_s), (0xA1, 0x02), (0xA1, icw4)):
        pic.io_write(port, 1, v)


def make_pic():
    lines = []
    pic = DualPic(on_intr=lines.append)
    init_pics(pic)
    pic.io_write(0x21, 1, 0)
    pic.io_write(0xA1, 1, 0)
    return pic, lines


def eoi(pic, slave=False):
    if slave:
        pic.io_write(0xA0, 1, 0x20)
    pic.io_write(0x20, 1, 0x20)


def test_pic_init_vector_base_and_intr():
    pic, lines = make_pic()
    assert pic.intack() is None
    pic.pulse(1)
    assert lines == [True]
    assert pic.intack() == 0x21
    assert lines[-1] is False and not pic.out
    pic.io_write(0x20, 1, 0x0B)                      # OCW3: read ISR
    assert pic.io_read(0x20, 1) == 0x02
    eoi(pic)
    assert pic.io_read(0x20, 1) == 0


def test_pic_mask_blocks_and_unmask_delivers():
    pic, _ = make_pic()
    pic.io_write(0x21, 1, 0x01)
    pic.pulse(0)
    assert not pic.out
    pic.io_write(0x20, 1, 0x0A)                      # OCW3: read IRR
    assert pic.io_read(0x20, 1) == 0x01              # requested though masked
    assert pic.io_read(0x21, 1) == 0x01              # IMR
    pic.io_write(0x21, 1, 0x00)
    assert pic.out and pic.intack() == 0x20


def test_pic_priority_nesting_and_specific_eoi():
    pic, _ = make_pic()
    pic.pulse(5)
    assert pic.intack() == 0x25
    pic.pulse(6)
    assert not pic.out                               # lower priority than IRQ5 in service
    pic.pulse(3)
    assert pic.intack() == 0x23                      # higher priority nests
    pic.io_write(0x20, 1, 0x65)                      # specific EOI for IR5
    assert not pic.out                               # IR3 still in service blocks IR6
    eoi(pic)                                         # non-specific: clears IR3
    assert pic.intack() == 0x26


def test_pic_edge_triggered_needs_new_edge():
    pic, _ = make_pic()
    pic.set_irq(4, True)
    assert pic.intack() == 0x24
    eoi(pic)
    assert not pic.out                               # line still high: no new edge
    pic.set_irq(4, False)
    pic.set_irq(4, True)
    assert pic.intack() == 0x24


def test_pic_cascade_through_ir2():
    pic, _ = make_pic()
    pic.pulse(12)
    assert pic.out
    assert pic.intack() == 0x2C
    pic.io_write(0xA0, 1, 0x0B)
    assert pic.io_read(0xA0, 1) == 0x10
    pic.io_write(0x20, 1, 0x0B)
    assert pic.io_read(0x20, 1) == 0x04              # master has IR2 in service
    pic.pulse(13)
    assert not pic.out                               # blocked until both EOIs
    eoi(pic, slave=True)
    assert pic.intack() == 0x2D


def test_pic_two_slave_requests_both_reach_the_cpu():
    pic, _ = make_pic()
    pic.pulse(9)
    pic.pulse(10)
    assert pic.intack() == 0x29
    eoi(pic, slave=True)
    assert pic.intack() == 0x2A


def test_pic_auto_eoi_and_rotation():
    pic = DualPic()
    init_pics(pic, icw4=0x03)                        # 8086 mode + AEOI
    pic.io_write(0x21, 1, 0)
    pic.pulse(1)
    assert pic.intack() == 0x21
    pic.io_write(0x20, 1, 0x0B)
    assert pic.io_read(0x20, 1) == 0                 # nothing in service
    pic.io_write(0x20, 1, 0xC4)                      # set priority: IR4 lowest
    pic.pulse(3)
    pic.pulse(5)
    assert pic.intack() == 0x25                      # IR5 now has the highest priority


def test_pic_poll_mode():
    pic, _ = make_pic()
    pic.pulse(6)
    pic.io_write(0x20, 1, 0x0C)                      # OCW3: poll
    assert pic.io_read(0x20, 1) == 0x86
    pic.io_write(0x20, 1, 0x0C)
    assert pic.io_read(0x20, 1) == 0x00


# -- PIT ----------------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.t = 0

    def __call__(self):
        return self.t


def make_pit():
    clk, edges = Clock(), []
    pit = Pit8254(clk, set_irq0=edges.append)
    return pit, clk, edges


def program(pit, ch, mode, count, rw=3):
    pit.io_write(0x43, 1, ch << 6 | rw << 4 | mode << 1)
    if rw & 1:
        pit.io_write(0x40 + ch, 1, count & 0xFF)
    if rw & 2:
        pit.io_write(0x40 + ch, 1, count >> 8)


def rises(edges):
    return sum(1 for a, b in pairwise(edges) if not a and b)


def test_pit_mode2_irq0_period_in_instructions():
    pit, clk, edges = make_pit()
    program(pit, 0, 2, 100)
    r = INSNS_PER_TICK
    first = pit.next_event(clk.t)
    assert first == (1 + 100) * r                    # loaded on the next tick, N ticks later
    times = []
    for _ in range(3):
        t = pit.next_event(clk.t)
        clk.t = t - 1
        pit.tick(clk.t)
        n = rises(edges)
        clk.t = t
        pit.tick(clk.t)
        assert rises(edges) == n + 1
        times.append(t)
    assert [b - a for a, b in pairwise(times)] == [100 * r, 100 * r]


def test_pit_mode0_one_shot_and_counter_read():
    pit, clk, edges = make_pit()
    program(pit, 0, 0, 50)
    assert pit.next_event(0) == 51 * INSNS_PER_TICK
    clk.t = 11 * INSNS_PER_TICK                      # 10 ticks after the load
    lo, hi = pit.io_read(0x40, 1), pit.io_read(0x40, 1)
    assert lo | hi << 8 == 40
    clk.t = 51 * INSNS_PER_TICK
    pit.tick(clk.t)
    assert edges[-1] is True
    assert pit.next_event(clk.t) is None             # one shot


def test_pit_latch_holds_value_and_readback_status():
    pit, clk, _ = make_pit()
    program(pit, 2, 3, 1000)
    clk.t = 5 * INSNS_PER_TICK
    pit.io_write(0x43, 1, 0x80)                      # latch counter 2
    clk.t = 300 * INSNS_PER_TICK
    lo, hi = pit.io_read(0x42, 1), pit.io_read(0x42, 1)
    assert lo | hi << 8 == 1000 - 2 * 4              # mode 3 counts by two
    pit.io_write(0x43, 1, 0xE8)                      # read-back: status of counter 2 only
    st = pit.io_read(0x42, 1)
    assert st & 0x3F == 0x36                         # RW=3, mode 3, binary
    assert st & 0x40 == 0                            # count loaded


def test_pit_mode3_output_halves():
    pit, _, _ = make_pit()
    program(pit, 1, 3, 5)
    ch = pit.ch[1]
    k0 = ch.k0
    assert [ch.out(k0 + j) for j in range(5)] == [True, True, True, False, False]
    assert [ch.value(k0 + j) for j in range(5)] == [4, 2, 0, 4, 2]


def test_pit_mode2_new_count_takes_effect_at_period_end():
    pit, clk, _ = make_pit()
    program(pit, 0, 2, 100)
    clk.t = 50 * INSNS_PER_TICK
    pit.io_write(0x40, 1, 10)                        # a count without a control word
    pit.io_write(0x40, 1, 0)
    k0 = pit.ch[0].k0
    assert pit.next_event(clk.t) == (k0 + 100) * INSNS_PER_TICK
    assert pit.next_event((k0 + 100) * INSNS_PER_TICK) == (k0 + 110) * INSNS_PER_TICK


def test_pit_bcd_counting():
    pit, clk, _ = make_pit()
    pit.io_write(0x43, 1, 0x71)                      # ch1, LSB+MSB, mode 0, BCD
    pit.io_write(0x41, 1, 0x00)
    pit.io_write(0x41, 1, 0x10)                      # 1000 decimal
    clk.t = 3 * INSNS_PER_TICK                       # two ticks after the load
    lo, hi = pit.io_read(0x41, 1), pit.io_read(0x41, 1)
    assert (hi << 8 | lo) == 0x0998


# -- debug console and exit port ---------------------------------------------------------
def test_debugcon_and_exit_port():
    out, codes = [], []
    d = DebugCon(emit=out.append)
    d.io_write(0xE9, 1, ord("A"))
    assert out == [ord("A")] and d.io_read(0xE9, 1) == 0xE9
    e = ExitPort(on_exit=codes.append)
    e.io_write(0xF4, 2, 0x1234)
    assert codes == [0x1234] and e.code == 0x1234
    e.io_write(0xF4, 1, 0x1FF)
    assert codes[-1] == 0xFF


def test_device_state_roundtrip():
    pit, _, _ = make_pit()
    program(pit, 0, 2, 77)
    st = pit.state()
    program(pit, 0, 0, 5)
    pit.set_state(st)
    assert pit.ch[0].mode == 2 and pit.ch[0].count == 77
    pic, _ = make_pic()
    pic.pulse(3)
    st = pic.state()
    pic.intack()
    pic.set_state(st)
    assert pic.intack() == 0x23
