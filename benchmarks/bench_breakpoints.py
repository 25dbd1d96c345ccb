"""Does a run with 50 breakpoints set cost more than a run with none? (Goal: < 10% slower.)

The workload is the bundled minivmm running guestos to its end (about 700,000 instructions,
4,300 VM exits) under the debugger (vtdbg's Session: exit log and hooks installed). The 50
breakpoints sit at instructions spread over minivmm's and guestos's code that the run does
not execute (found by a first, traced run), so none stops the run: what is measured is the
price of having them, i.e. the CPU's per-block check and blocks split at breakpoints.

    python3 benchmarks/bench_breakpoints.py [--reps N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine.board import Machine
from machine.events import StopKind
from vtdbg.batch import make_session
from vtdbg.engine.breakpoints import Breakpoint
from vtdbg.errors import VtdbgError


def candidates(session) -> list[int]:
    """Instruction addresses of every function in the image (symbols in loaded segments)."""
    out = []
    for name in session.symbols.names():
        a = session.symbols.by_name[name]
        if session.symbols.describe(a) != name:
            continue
        try:
            out += [i.address for i in session.arch.disassemble(a, 12)]
        except VtdbgError:           # a symbol outside mapped memory
            pass
    return sorted(set(out))


def executed(path: str, addrs: list[int]) -> set[int]:
    """Which of addrs a plain run executes: breakpoints on all, each removed when hit."""
    m = Machine()
    m.load(path)
    m.cpu.breakpoints = set(addrs)
    m.cpu.flush_code()
    hit = set()
    while True:
        st = m.run()
        if st.kind is not StopKind.BREAKPOINT:
            return hit
        a = st.info["address"]
        hit.add(a)
        m.cpu.breakpoints.discard(a)
        m.cpu.bp_skip = a


def timed_run(nbps: list[int]) -> tuple[float, int]:
    s = make_session("minivmm")
    s.machine.console_hooks.clear()
    for a in nbps:
        s.points.add(Breakpoint(0, address=a))
    s.changed()
    t = time.perf_counter()
    rep = s.cont()
    dt = time.perf_counter() - t
    assert rep.kind == "exited", rep.lines
    return dt, s.arch.icount()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args(argv)
    s = make_session("minivmm")
    cands = candidates(s)
    ran = executed(s.path, cands)
    cold = [c for c in cands if c not in ran]
    step = max(1, len(cold) // 50)
    bps = cold[::step][:50]
    assert len(bps) == 50, f"only {len(cold)} unexecuted instructions found"
    print(f"{len(cands)} candidate instructions, {len(ran)} executed; 50 breakpoints over "
          f"{len({b >> 12 for b in bps})} code pages")
    none, fifty = [], []
    for _ in range(a.reps):                      # interleaved, best of N for each
        none.append(timed_run([])[0])
        t, n = timed_run(bps)
        fifty.append(t)
    base, with_bps = min(none), min(fifty)
    print(f"{n} instructions: no breakpoints {base:.3f} s ({n / base / 1e6:.2f} M/s), "
          f"50 breakpoints {with_bps:.3f} s ({n / with_bps / 1e6:.2f} M/s)")
    slower = (with_bps / base - 1) * 100
    print(f"50 breakpoints: {slower:+.1f}% (goal: at most +10%)")
    return 0 if slower <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
