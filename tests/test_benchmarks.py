"""The benchmark scripts still run and their workloads do what they say (each asserts its own
outcome: the exit/fault count); sizes are tiny here, and nothing is timed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script, args, says", [
    ("bench_vti.py", ["--faults", "200"], "200 virtualization faults"),
    ("bench_vmexits.py", ["--exits", "50"], "50 VM exits"),
])
def test_benchmark_runs(script, args, says):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert says in r.stdout
