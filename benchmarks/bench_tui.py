"""How fast is the TUI? Start-up to the first frame, and a step key to the refreshed screen
(goals: under 1.5 s to start, under 50 ms per step), measured through Textual's Pilot on the
bundled minivmm demo.

Start-up: from nothing loaded (the TUI's modules imported fresh in a child process) to the first
frame: guest loaded, panes filled, screen painted. Step: the step key is posted as the
terminal would send it; the time runs until the worker has stepped and the panes have been
redrawn from the engine and painted (the next screen update after the refresh). Steps are
taken in the VMM's exit handler (host code), in the guest, and across a VM exit.

    python3 benchmarks/bench_tui.py [--steps N] [--size WxH]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STARTUP = """
import asyncio, sys, time
t0 = time.perf_counter()
from vtdbg.batch import make_session
from vtdbg.tui.app import VtdbgApp
async def main():
    app = VtdbgApp(make_session("minivmm"))
    async with app.run_test(size=({w}, {h})) as pilot:
        await pilot.pause()
        print(time.perf_counter() - t0)
asyncio.run(main())
"""


def startup(w: int, h: int, reps: int = 3) -> list[float]:
    out = []
    for _ in range(reps):
        r = subprocess.run([sys.executable, "-c", STARTUP.format(w=w, h=h)], cwd=ROOT,
                           capture_output=True, text=True, check=True)
        out.append(float(r.stdout.strip().splitlines()[-1]))
    return out


async def steps(n: int, w: int, h: int) -> dict[str, list[float]]:
    from vtdbg.batch import make_session
    from vtdbg.tui.app import VtdbgApp
    app = VtdbgApp(make_session("minivmm"))
    times: dict[str, list[float]] = {"host": [], "guest": [], "vm exit": []}
    async with app.run_test(size=(w, h)) as pilot:
        painted = asyncio.Event()
        gen = {"n": 0, "want": -1}
        orig = app.refresh_panes

        def refresh(stopped):
            orig(stopped)
            gen["n"] += 1
            n = gen["n"]

            def done():                              # once the screen has been updated
                if n == gen["want"]:
                    painted.set()
            app.call_after_refresh(done)
        app.refresh_panes = refresh

        async def one(key: str) -> float:
            painted.clear()
            gen["want"] = gen["n"] + 1
            t0 = time.perf_counter()
            app.simulate_key(key)
            await painted.wait()
            t = time.perf_counter() - t0
            await app.workers.wait_for_complete()
            await pilot.pause()
            return t

        async def run(cmd: str) -> None:
            app.command(cmd)
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("escape")
        await run("catch vmexit cpuid")
        await run("continue")                          # in the VMM's exit handler
        for _ in range(n):
            times["host"].append(await one("f11"))
        await run("delete")
        await run("catch vmentry")
        await run("continue")
        await run("delete")                            # now in the guest
        for _ in range(n):
            if app.s.arch.context() != "guest":
                break
            times["guest"].append(await one("f11"))
        # a step that exits: stop in the guest on an OUT to the serial port, step it
        await run("catch vmexit io_instruction")
        await run("continue")
        await run("delete")
        rip = app.s.exitlog.last().guest_rip
        await run(f"break -guest *{rip:#x}")
        for _ in range(n):
            await run("continue")
            if app.s.arch.pc() != rip:
                break
            times["vm exit"].append(await one("f11"))
    return times


def fmt(xs: list[float]) -> str:
    if not xs:
        return "n/a"
    ms = [x * 1e3 for x in xs]
    return (f"median {statistics.median(ms):6.1f} ms   max {max(ms):6.1f} ms   "
            f"({len(ms)} steps)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--size", default="120x40")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    st = startup(w, h)
    print(f"start-up to the first frame ({w}x{h}): "
          f"median {statistics.median(st):.2f} s   max {max(st):.2f} s   (goal < 1.5 s)")
    t = asyncio.run(steps(a.steps, w, h))
    for k, v in t.items():
        print(f"step key to refreshed screen, {k:<8}: {fmt(v)}   (goal < 50 ms)")


if __name__ == "__main__":
    main()
