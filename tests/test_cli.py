"""The `vtdbg` command: run output, stop lines, exit statuses and one-line errors."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from guests import GUESTS, find
from vtdbg.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(capsysbinary, *argv):
    rc = main(list(argv))
    cap = capsysbinary.readouterr()
    return rc, cap.out.decode(), cap.err.decode()


def raw(tmp_path, code: bytes) -> str:
    p = tmp_path / "guest.bin"
    p.write_bytes(code)
    return str(p)


def test_run_hello(capsysbinary):
    rc, out, err = run(capsysbinary, "run", str(find("hello").elf))
    assert rc == 0 and err == ""
    assert out.startswith("Hello from the vtdbg x86 model!\n")
    assert re.fullmatch(r"\[vtdbg\] stopped: guest exit code 0 after \d+ instructions",
                        out.splitlines()[-1])


def test_no_arguments_runs_the_demo(capsysbinary):
    rc, out, _ = run(capsysbinary)
    assert rc == 0
    assert "minivmm: guest stopped with code 0" in out        # the reference hypervisor demo
    assert "guestos: done, asking minivmm to shut down" in out


def test_bundled_name_resolves(capsysbinary):
    rc, out, _ = run(capsysbinary, "run", "prot32")
    assert rc == 0 and "page fault at CR2=0x00400010" in out


def test_guests_lists_every_bundled_guest(capsys):
    assert main(["guests"]) == 0
    out = capsys.readouterr().out
    for g in GUESTS:
        assert g.name in out and g.description in out


def test_limit_stop_line_and_status(capsysbinary):
    rc, out, _ = run(capsysbinary, "run", "hello", "--limit", "50")
    assert rc == 4
    assert out.splitlines()[-1] == "[vtdbg] stopped: instruction limit reached after 50 instructions"


def test_halted_and_guest_exit_code(capsysbinary, tmp_path):
    rc, out, _ = run(capsysbinary, "run", raw(tmp_path, bytes([0xFA, 0xF4])),
                     "--load-address", "0x1000")
    assert rc == 0
    assert out.splitlines()[-1] == \
        "[vtdbg] stopped: halted after 2 instructions (interrupts disabled)"
    rc, out, _ = run(capsysbinary, "run", raw(tmp_path, bytes([0xB0, 0x07, 0xE6, 0xF4])),
                     "--load-address", "0x7c00")
    assert rc == 7 and "guest exit code 7 after 2 instructions" in out


def test_shutdown_status(capsysbinary, tmp_path):
    code = bytes([0x0F, 0x01, 0x1E, 0x00, 0x20, 0xCC])          # lidt [0x2000] (limit 0); int3
    rc, out, _ = run(capsysbinary, "run", raw(tmp_path, code), "--load-address", "0x1000")
    assert rc == 3 and "stopped: shutdown (triple fault) after 2 instructions" in out


@pytest.mark.parametrize("argv,msg", [
    (["run", "no-such-guest"], "no such file or bundled guest"),
    (["run", "RAW17"], "multiple of 16 bytes"),
    (["run", "hello", "--ram", "0"], "--ram"),
])
def test_user_errors_are_one_line(capsysbinary, tmp_path, argv, msg):
    argv = [raw(tmp_path, b"\x90" * 17) if a == "RAW17" else a for a in argv]
    rc, out, err = run(capsysbinary, *argv)
    assert rc == 2 and out == ""
    assert err.startswith("vtdbg: ") and msg in err and err.count("\n") == 1


def test_subprocess_streams_output_and_exits_with_the_guest_code():
    r = subprocess.run([sys.executable, "-m", "vtdbg.cli", "run", "guests/x86/real16.bin"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("real16: reset at F000:FFF0")
    assert r.stdout.splitlines()[-1].startswith("[vtdbg] stopped: guest exit code 0 after ")
