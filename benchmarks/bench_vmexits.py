"""VM exits per second: a guest runs CPUID in a loop; the VMM advances the guest RIP by the
exit instruction length and resumes (VMREAD x2, VMWRITE, VMRESUME per exit).

    python3 benchmarks/bench_vmexits.py [--exits N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tests.vmxutil import vmx_machine

COUNTER = 0x8800                # exits still to take, set before the run

HANDLER = """
    dec qword ptr [{counter}]
    jz 3f
    mov eax, 0x681e             # GUEST_RIP
    vmread rbx, rax
    mov eax, 0x440c             # VM_EXIT_INSTRUCTION_LEN
    vmread rcx, rax
    add rbx, rcx
    mov eax, 0x681e
    vmwrite rax, rbx
    vmresume
3:
"""

GUEST = """
1:  xor eax, eax
    cpuid
    jmp 1b
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--exits", type=int, default=20000)
    n = ap.parse_args().exits
    cpu, bus, _ = vmx_machine(GUEST, after_exit=HANDLER.format(counter=COUNTER))
    bus.write(COUNTER, 8, n)
    t = time.perf_counter()
    stop = cpu.run(10**9)
    dt = time.perf_counter() - t
    assert stop == "halt", stop
    exits = cpu.vmx.exit_count
    assert exits == n, exits
    print(f"CPUID-exit loop: {exits:,} VM exits, {cpu.icount:,} instructions in {dt:.2f} s")
    print(f"{exits / dt:,.0f} VM exits/s ({cpu.icount / dt / 1e6:.2f} M instructions/s)")


if __name__ == "__main__":
    main()
