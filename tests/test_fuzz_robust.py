"""Random bytes executed as code in every mode end in modelled faults or stops, never in a
Python exception escaping the machine."""
import random

import pytest

from machine.x86.state import Seg
from tests.x86util import make_cpu

MODES = ["real", "prot32", "long64", "prot16"]


def _cpu(mode, code):
    if mode == "prot16":
        cpu, bus = make_cpu("prot32", code)
        cpu.segs[1] = Seg(0x20, 0, 0xFFFF, 0x9B)
        cpu.update_mode()
        return cpu, bus
    return make_cpu(mode, code)


def _install_idt(cpu, bus, mode):
    """An IDT whose every vector points at a HLT, so faults end the run quickly."""
    hlt = 0x3000
    bus.write(hlt, 1, 0xF4)
    if mode == "real":
        for v in range(256):
            bus.write(v * 4, 4, hlt)          # 0000:3000
        return
    base = 0x4000
    if mode == "long64":
        for v in range(256):
            lo = (hlt & 0xFFFF) | (0x18 << 16)
            hi = 0x8E00 | (hlt & 0xFFFF0000)
            bus.write(base + 16 * v, 4, lo)
            bus.write(base + 16 * v + 4, 4, hi)
            bus.write(base + 16 * v + 8, 8, 0)
        cpu.idtr[:] = [base, 256 * 16 - 1]
    else:
        for v in range(256):
            bus.write(base + 8 * v, 4, (hlt & 0xFFFF) | (0x08 << 16))
            bus.write(base + 8 * v + 4, 4, 0x8E00 | (hlt & 0xFFFF0000))
        cpu.idtr[:] = [base, 256 * 8 - 1]


def run_random(mode, seed, n_bytes=48, steps=200):
    rng = random.Random(seed)
    code = bytes(rng.randrange(256) for _ in range(n_bytes))
    cpu, bus = _cpu(mode, code)
    _install_idt(cpu, bus, mode)
    for r in range(16):
        if r != 4:
            cpu.regs[r] = rng.choice([0, 1, 0x8000, 0xFFFFFFFF, rng.getrandbits(32),
                                      rng.getrandbits(64) if mode == "long64" else 0x1234])
    try:
        stop = cpu.run(steps)
    except Exception as e:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"{mode} seed {seed}: {code.hex()} raised {e!r}") from e
    assert stop in ("halt", "limit", "shutdown", "stop"), stop


@pytest.mark.parametrize("mode", MODES)
def test_random_bytes_never_crash(mode):
    for seed in range(400):
        run_random(mode, seed)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_random_bytes_never_crash_long(mode):
    for seed in range(400, 20400):
        run_random(mode, seed)
