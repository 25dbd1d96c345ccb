"""Guest instructions per second: vtdbg's x86 CPU against unicorn, same workload, one run.

    python3 benchmarks/bench_x86.py [--mode 32|64] [--iterations N]

The workload is a loop-and-memory kernel (array sum, store, compare/branch, a small inner
copy loop): the mix of a simple guest's hot path. Both engines start from the same state and
must end with the same checksum; the script prints both rates and their ratio.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tests.x86util import CODE, asm, make_cpu

ARRAY = 0x20000
WORKLOAD = """
    mov edi, {iters}
outer:
    xor eax, eax
    mov esi, {array}
    mov ecx, 64
sum:
    add eax, [esi]
    add esi, 4
    dec ecx
    jnz sum
    mov [{array} + 0x400], eax
    mov ebx, eax
    and ebx, 0xff
    cmp ebx, 0x80
    jb small
    xor eax, 0x5a5a
small:
    lea edx, [eax + ebx*2 + 7]
    mov [{array} + 0x404], edx
    mov ecx, 8
copy:
    mov edx, [{array} + ecx*4]
    mov [{array} + 0x500 + ecx*4], edx
    dec ecx
    jnz copy
    inc dword ptr [{array} + 0x408]
    dec edi
    jnz outer
    hlt
"""


def run_vtdbg(code: bytes, mode: str, expect_icount: int | None):
    cpu, bus = make_cpu(mode, code)
    for i in range(64):
        bus.write(ARRAY + 4 * i, 4, (i * 2654435761) & 0xFFFFFFFF)
    t = time.perf_counter()
    stop = cpu.run(10**10)
    dt = time.perf_counter() - t
    assert stop == "halt", stop
    return cpu.icount, dt, bus.read(ARRAY + 0x400, 12)


def run_unicorn(code: bytes, bits: int, icount: int):
    import unicorn as U
    import unicorn.x86_const as X
    mu = U.Uc(U.UC_ARCH_X86, U.UC_MODE_64 if bits == 64 else U.UC_MODE_32)
    mu.mem_map(0, 0x100000)
    mu.mem_write(CODE, code)
    for i in range(64):
        mu.mem_write(ARRAY + 4 * i, ((i * 2654435761) & 0xFFFFFFFF).to_bytes(4, "little"))
    mu.reg_write(X.UC_X86_REG_RSP if bits == 64 else X.UC_X86_REG_ESP, 0x7000)
    end = CODE + len(code) - 1          # the HLT
    t = time.perf_counter()
    mu.emu_start(CODE, end)
    dt = time.perf_counter() - t
    return icount, dt, int.from_bytes(mu.mem_read(ARRAY + 0x400, 12), "little")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["32", "64"], default="32")
    ap.add_argument("--iterations", type=int, default=20000)
    a = ap.parse_args()
    bits = int(a.mode)
    mode = "prot32" if bits == 32 else "long64"
    code = asm(WORKLOAD.format(iters=a.iterations, array=ARRAY), bits)
    n, dt, ours = run_vtdbg(code, mode, None)
    # unicorn runs too fast for a short loop to time well: give it 50x the iterations.
    ucode = asm(WORKLOAD.format(iters=a.iterations * 50, array=ARRAY), bits)
    un, udt, theirs = run_unicorn(ucode, bits, (n - 1) * 50 + 1)
    check = run_unicorn(code, bits, n)[2]
    assert check == ours, f"checksum differs: vtdbg {ours:#x} unicorn {check:#x}"
    r1, r2 = n / dt, un / udt
    print(f"workload: loop-and-memory, {bits}-bit, {n:,} instructions per vtdbg run")
    print(f"vtdbg   : {r1 / 1e6:8.2f} M instructions/s ({dt:.2f} s)")
    print(f"unicorn : {r2 / 1e6:8.2f} M instructions/s ({udt:.2f} s)")
    print(f"ratio   : vtdbg runs at 1/{r2 / r1:.0f} of unicorn's rate")


if __name__ == "__main__":
    main()
