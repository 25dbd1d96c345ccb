"""The VT-i conformance suite (guests/ia64/vtitests/): every program runs on the IA-64 board as
a VMM at PSR.vm = 0 resuming small guest sequences at PSR.vm = 1, and must print only PASS
lines and exit 0; every cause of the model's cause table has a program; the committed images
are what the sources give."""
from __future__ import annotations

import re
import subprocess

import pytest

from guests import ROOT
from guests.build import build, have_ia64_tools, vti_programs
from machine.events import StopKind
from machine.ia64.board import IA64Machine
from machine.ia64.vti import CAUSE_NAMES
from tests.ia64util import needs_binutils

SUITE = ROOT / "ia64" / "vtitests"
PROGRAMS = sorted(p.stem for p in SUITE.glob("*.elf"))
LIMIT = 1_000_000               # instructions; a program needs well under 200 k


def run_program(path) -> tuple[IA64Machine, object]:
    m = IA64Machine()
    m.load(str(path))
    return m, m.run(LIMIT)


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_passes(name):
    m, stop = run_program(SUITE / f"{name}.elf")
    out = m.console_output().decode(errors="replace")
    assert stop.kind is StopKind.EXIT and stop.code == 0, \
        f"{name}: {stop.kind.name} code={stop.code}\n--- console ---\n{out}"
    lines = out.splitlines()
    assert lines[-1].startswith(f"PASS {name} (") and lines[-1].endswith(" checks)"), out
    n = int(lines[-1].split("(")[1].split()[0])
    assert n == len(lines) - 1 and all(x.startswith("PASS ") for x in lines), out
    assert stop.icount < 200_000, f"{name} ran {stop.icount} instructions"


def test_every_cause_has_a_program():
    causes = {int(m.group(1)) for p in PROGRAMS if (m := re.match(r"c(\d\d)_", p))}
    missing = sorted(set(CAUSE_NAMES) - causes)
    assert not missing, "no program for " + ", ".join(CAUSE_NAMES[c] for c in missing)
    for p in PROGRAMS:
        if m := re.match(r"c(\d\d)_", p):
            assert p[4:].upper() == CAUSE_NAMES[int(m.group(1))], p


def test_every_source_has_an_image():
    sources = {p.stem for p in SUITE.glob("*.S")}
    assert sources and sources == set(PROGRAMS)
    for src in SUITE.glob("*.S"):
        text = src.read_text()
        assert text.startswith(f"// {src.stem}: "), f"{src.name}: first line is '// NAME: ...'"
        assert f"PROGRAM {src.stem}\n" in text, f"{src.name}: PROGRAM {src.stem} missing"


def test_a_broken_model_fails_the_program(monkeypatch):
    """The suite sees a model that forgets GR24/GR25: the program reports FAIL, exit code 1."""
    from machine.ia64.vti import VirtualizationFault
    monkeypatch.setattr(VirtualizationFault, "post", lambda self, cpu: None)
    m, stop = run_program(SUITE / "c04_mov_to_cr.elf")
    out = m.console_output().decode()
    assert (stop.kind, stop.code) == (StopKind.EXIT, 1), out
    assert "FAIL mov cr.dcr=r9: GR24 = cause 4: expected 0x0000000000000004, actual " \
           "0x00000000b0b0b0b0" in out.splitlines()
    assert out.splitlines()[-1].startswith("FAIL c04_mov_to_cr: ")


def test_readme_table_lists_every_program():
    text = (ROOT / "README.md").read_text()
    table = text.split("## VT-i conformance suite", 1)[1]
    listed = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    assert listed == set(PROGRAMS)


@needs_binutils
def test_a_failing_check_fails_the_run(tmp_path):
    """The report itself: a wrong expectation prints FAIL and the run exits with code 1; an
    unexpected interruption in the host aborts with code 2."""
    src = tmp_path / "selftest.S"
    src.write_text('// selftest: checks that must fail\n\t.include "vtilib.inc"\n'
                   "\tPROGRAM selftest\ntest_main:\n\tmov r4=5 ;;\n"
                   '\tCHECK "five is six", r4, 6\n\tCHECK "five is five", r4, 5\n'
                   "\tGUEST g\n\tCHECK_VFAULT \"cover\", 36, gb, 0\n\tTEST_END\n"
                   "g:\tnop.m 0 ;;\ngb:\t{ .mib\n\t  nop.m 0\n\t  nop.i 0\n"
                   "\t  break.b 0x1 ;; }\n")
    obj, elf = tmp_path / "s.o", tmp_path / "s.elf"
    for cmd in (["ia64-linux-gnu-as", "-xexplicit", "-o", str(obj), str(src)],
                ["ia64-linux-gnu-ld", "-nostdlib", "--build-id=none", "-T",
                 str(ROOT / "ia64" / "ia64.ld"), "-o", str(elf), str(obj)]):
        subprocess.run(cmd, cwd=SUITE, check=True, capture_output=True)
    m, stop = run_program(elf)
    out = m.console_output().decode()
    assert (stop.kind, stop.code) == (StopKind.EXIT, 1), out
    lines = out.splitlines()
    assert lines[0] == "FAIL five is six: expected 0x0000000000000006, actual 0x0000000000000005"
    assert lines[1] == "PASS five is five"
    assert "FAIL cover: Virtualization vector 0x6100: expected 0x0000000000006100, " \
           "actual 0x0000000000002c00" in lines
    assert lines[-1].startswith("FAIL selftest: ") and lines[-1].endswith(" checks failed")


@needs_binutils
@pytest.mark.skipif(not have_ia64_tools(), reason="binutils-ia64-linux-gnu not installed")
def test_images_rebuild_identically(tmp_path):
    progs = vti_programs()
    assert {g.name for g in progs} == {f"vtitests/{p}" for p in PROGRAMS}
    for g in progs:
        out = build(g, tmp_path)[0]
        assert out.read_bytes() == (SUITE / out.name).read_bytes(), f"{out.name} differs " \
            "from the committed image: run `python3 -m guests.build vtitests` and commit it"
