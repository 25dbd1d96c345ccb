"""The VMX conformance suite (guests/x86/vmxtests/): every scenario ELF runs on the machine
model and must report PASS with exit code 0; the committed images and the generated field
table must be what the sources and the model give."""
from __future__ import annotations

import importlib.util
import subprocess

import pytest

from guests import ROOT
from guests.build import build, have_tools, vmx_scenarios
from machine.board import Machine
from machine.events import StopKind

SUITE = ROOT / "x86" / "vmxtests"
SCENARIOS = sorted(p.stem for p in SUITE.glob("*.elf"))
LIMIT = 3_000_000               # instructions; the scenarios need well under 1 M


def _gen_fields():
    spec = importlib.util.spec_from_file_location("gen_fields", SUITE / "gen_fields.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_scenario(name: str):
    m = Machine()
    m.load(str(SUITE / f"{name}.elf"))
    return m, m.run(LIMIT)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_passes(name):
    m, stop = run_scenario(name)
    out = m.console_output().decode(errors="replace")
    assert stop.kind is StopKind.EXIT and stop.code == 0, \
        f"{name}: {stop.kind.name} code={stop.code}\n--- serial output ---\n{out}"
    assert out.startswith(f"PASS {name} (") and "check failed" not in out, out
    assert stop.icount < 1_000_000, f"{name} ran {stop.icount} instructions"


def test_every_source_has_an_image():
    sources = {p.stem for p in SUITE.glob("*.S")}
    assert sources and sources == set(SCENARIOS)
    for src in SUITE.glob("*.S"):
        text = src.read_text()
        assert text.startswith(f"# {src.stem}: "), f"{src.name}: first line is '# NAME: ...'"
        assert f"SCENARIO {src.stem}\n" in text, f"{src.name}: SCENARIO {src.stem} missing"


def test_field_include_is_current():
    gen = _gen_fields()
    assert gen.OUT.read_text() == gen.render(), \
        "vmcs_fields.inc is stale: run python3 guests/x86/vmxtests/gen_fields.py"


@pytest.mark.skipif(not have_tools(), reason="GNU binutils (as, ld) not installed")
def test_a_failing_check_fails_the_run(tmp_path):
    """The report itself: a wrong expectation prints the check and exits with code 1."""
    src = tmp_path / "selftest.S"
    src.write_text('# selftest: a check that must fail\n.include "lib.inc"\nSCENARIO selftest\n'
                   'test_main:\n    mov eax, 5\n    CHECK "five is six", rax, 6\n'
                   '    CHECK "five is five", rax, 5\n    ret\n')
    for cmd in (["as", "--64", "-I", str(SUITE), "-o", "selftest.o", "selftest.S"],
                ["ld", "-m", "elf_x86_64", "-nostdlib", "--build-id=none", "-T",
                 str(ROOT / "x86" / "elf64.ld"), "-o", "selftest.elf", "selftest.o"]):
        subprocess.run(cmd, cwd=tmp_path, check=True, capture_output=True)
    m = Machine()
    m.load(str(tmp_path / "selftest.elf"))
    stop = m.run(LIMIT)
    assert (stop.kind, stop.code) == (StopKind.EXIT, 1)
    assert m.console_output().decode() == (
        "check failed: five is six: expected 0x6, actual 0x5\n"
        "FAIL selftest: 1 of 2 checks failed\n")


@pytest.mark.skipif(not have_tools(), reason="GNU binutils (as, ld) not installed")
def test_images_rebuild_identically(tmp_path):
    for g in vmx_scenarios():
        out = build(g, tmp_path)[0]
        committed = SUITE / out.name
        assert out.read_bytes() == committed.read_bytes(), f"{out.name} differs from the " \
            "committed image: run `python3 -m guests.build vmxtests` and commit the result"
