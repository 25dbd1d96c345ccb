"""Golden-output tests: command files run in batch mode against the bundled guests.

Each tests/golden/NAME.gdb starts with `# guest: GUEST`; its output (stdout and stderr merged,
then the exit status) must equal NAME.out. To regenerate after a deliberate change, run
`VTDBG_UPDATE_GOLDEN=1 python3 -m pytest tests/test_commands_golden.py` and review the diff."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vtdbg.batch import run_batch

HERE = Path(__file__).resolve().parent / "golden"
FILES = sorted(HERE.glob("*.gdb"))


def run_golden(gdb: Path, workdir: Path) -> str:
    """`# guest: NAME` on the first line; `# mode: lines` on the second runs every line as
    its own -ex item (so one failing command does not end the file)."""
    head = gdb.read_text().splitlines()
    guest = head[0].split("guest:", 1)[1].strip()
    by_lines = len(head) > 1 and head[1].strip() == "# mode: lines"
    for f in HERE.iterdir():
        if f.suffix in (".gdb", ".inc"):
            shutil.copy(f, workdir / f.name)
    lines: list[str] = []
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        if by_lines:
            items = [("ex", ln) for ln in head[2:] if ln.strip() and not ln.startswith("#")]
        else:
            items = [("x", gdb.name)]
        status = run_batch(guest, items, lines.append, lines.append)
    finally:
        os.chdir(cwd)
    lines.append(f"[exit status {status}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("gdb", FILES, ids=[f.stem for f in FILES])
def test_golden(gdb: Path, tmp_path: Path):
    got = run_golden(gdb, tmp_path)
    expected = gdb.with_suffix(".out")
    if os.environ.get("VTDBG_UPDATE_GOLDEN"):
        expected.write_text(got)
    assert expected.exists(), f"no {expected.name}; run with VTDBG_UPDATE_GOLDEN=1"
    assert got == expected.read_text()
