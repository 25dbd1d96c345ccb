"""VT-i virtualization faults per second: a guest at PSR.vm = 1 reads cr.dcr in a counted loop
(cause 5, MOV_FROM_CR); the VMM's handler at IVA + 0x6100 steps the guest past it (IPSR.ri + 1)
and returns with rfi. Each turn is one fault delivery (GR24/GR25, the event record), six
handler instructions and rfi back to PSR.vm = 1. Built with the in-house encoder, so no
binutils are needed.

    python3 benchmarks/bench_vti.py [--faults N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine.ia64 import psr as P
from machine.ia64.cpu import IA64CPU
from machine.ia64.encode import encode_bundle
from machine.memory import Bus

CODE, IVA = 0x10000, 0x40000
GUEST = [
    ["[MII] mov r1=0x0", "mov r9={n};;", "mov.i ar.lc=r9;;"],
    ["[MIB] mov r4=cr.dcr", "nop.i 0x0", "br.cloop.sptk.few 0x10010;;"],
    ["[MMI] break.m 0x1", "nop.m 0x0", "nop.i 0x0;;"],
]
HANDLER = [                                  # at IVA + 0x6100: IPSR.ri += 1, rfi
    ["[MLX] mov r17=cr.ipsr", "movl r18=0x20000000000;;"],
    ["[MII] nop.m 0x0", "add r17=r17,r18;;", "nop.i 0x0;;"],
    ["[MMI] mov cr.ipsr=r17;;", "nop.m 0x0", "nop.i 0x0;;"],
    ["[MIB] nop.m 0x0", "nop.i 0x0", "rfi;;"],
]


def code(bundles: list[list[str]], at: int, n: int = 0) -> bytes:
    return b"".join(encode_bundle([s.format(n=n) for s in b], at + 16 * i)
                    for i, b in enumerate(bundles))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--faults", type=int, default=50_000)
    n = ap.parse_args().faults
    bus = Bus(4 << 20)
    cpu = IA64CPU(bus)
    bus.load(CODE, code(GUEST, CODE, n - 1))
    bus.load(IVA + 0x6100, code(HANDLER, IVA + 0x6100))
    cpu.ip = CODE
    cpu.cr[2] = IVA
    cpu.ar[18] = 0x100000
    cpu.set_psr(cpu.psr | P.VM)
    cpu.breakpoints = {IVA + 0x2C00}
    t = time.perf_counter()
    r = cpu.run(1 << 40)
    dt = time.perf_counter() - t
    faults = cpu.vti.counts.get(5, 0)
    assert r == "break" and cpu.cr[24] == 1 and faults == n, (r, hex(cpu.cr[17]), faults)
    print(f"MOV_FROM_CR loop: {faults:,} virtualization faults, {cpu.icount:,} instructions "
          f"in {dt:.2f} s")
    print(f"{faults / dt:,.0f} virtualization faults/s ({cpu.icount / dt / 1e6:.2f} M "
          "instructions/s)")


if __name__ == "__main__":
    main()
