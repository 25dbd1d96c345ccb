"""Random bundles never make the IA-64 model raise a Python exception: whatever the code does
(including through its own interruption handlers, which are random code too) ends as
architectural behaviour."""
from __future__ import annotations

import random

from machine.ia64.cpu import IA64CPU
from machine.ia64.pal import PalFirmware
from machine.memory import Bus

SEEDS = range(12)


def _machine(rng: random.Random) -> IA64CPU:
    bus = Bus(1 << 20)
    cpu = IA64CPU(bus)
    PalFirmware().install(cpu)
    # random code everywhere the CPU may go: the code page, the IVT, and data
    bus.ram[0:1 << 20] = rng.randbytes(1 << 20)
    cpu.ip = 0x10000
    cpu.cr[2] = 0x40000
    for r in range(1, 32):
        cpu.gr[r] = rng.choice((0, rng.getrandbits(64), rng.getrandbits(20), 0xFFF00000))
    return cpu


def _runs(cpu, rng, n=12, each=400):
    """Several runs from random places (a random handler that faults on itself hangs the
    model quickly: it reports that and we start elsewhere)."""
    for _ in range(n):
        cpu.ip, cpu.ri = rng.randrange(0, 1 << 20, 16), rng.randrange(3)
        r = cpu.run(cpu.icount + each)
        assert r in ("limit", "hang", "halt")
        assert 0 <= cpu.ri <= 2 and cpu.ip & 0xF == 0 and len(cpu.gr) == 128
        assert len(cpu.pr) == 64 and cpu.pr[0] == 1 and cpu.gr[0] == 0


def test_random_code_runs_without_python_exceptions():
    total = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        cpu = _machine(rng)
        _runs(cpu, rng)
        total += cpu.icount
    assert total > 1000


def test_random_code_with_translation_on():
    for seed in SEEDS[:6]:
        rng = random.Random(1000 + seed)
        cpu = _machine(rng)
        cpu.set_psr(cpu.psr | (1 << 17) | (1 << 27) | (1 << 15))    # dt, rt, pk
        cpu.cr[8] = rng.getrandbits(64)
        cpu.rr = [rng.getrandbits(32) & ~2 for _ in range(8)]
        _runs(cpu, rng, 5)
