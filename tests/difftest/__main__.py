"""Rerun differential sequences: python -m tests.difftest --bits 32 --seed 1 [--index N]
[--count N]."""
import argparse
import time

from .run import Lockstep, Mismatch

ap = argparse.ArgumentParser()
ap.add_argument("--bits", type=int, default=32, choices=(16, 32, 64))
ap.add_argument("--seed", default="1")
ap.add_argument("--index", type=int)
ap.add_argument("--count", type=int, default=1000)
ap.add_argument("--length", type=int, default=8)
ap.add_argument("--keep-going", action="store_true")
a = ap.parse_args()
ls = Lockstep(a.bits)
idx = [a.index] if a.index is not None else range(a.count)
t = time.time()
bad = 0
for i in idx:
    try:
        ls.run(a.seed, i, a.length)
    except Mismatch as e:
        bad += 1
        print(e, "\n")
        if not a.keep_going:
            break
print(f"{len(idx)} sequences, {ls.executed} instructions, {bad} mismatches, "
      f"{time.time() - t:.2f} s")
