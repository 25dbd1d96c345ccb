"""The command table and interpreter: lookup and abbreviations, /FMT, blocks, printf, help,
completion, and the batch and REPL front ends."""
from __future__ import annotations

import pytest

from vtdbg.batch import make_session
from vtdbg.commands.complete import complete
from vtdbg.commands.data import parse_fmt, printf
from vtdbg.commands.interp import Interp
from vtdbg.commands.table import COMMANDS, INFO
from vtdbg.errors import VtdbgError


@pytest.fixture(scope="module")
def hello():
    return make_session("hello")


@pytest.fixture
def run(hello):
    out: list[str] = []
    it = Interp(hello, out=out.append)

    def go(*lines):
        out.clear()
        for ln in lines:
            it.feed(ln)
        it.flush()
        return out
    go.interp = it
    return go


@pytest.mark.parametrize("word,name", [
    ("b", "break"), ("c", "continue"), ("si", "stepi"), ("ni", "nexti"), ("x", "x"),
    ("p", "print"), ("i", "info"), ("r", "run"), ("disas", "disassemble"), ("tb", "tbreak"),
    ("cond", "condition"), ("wat", "watch"), ("apr", "apropos"), ("fin", "finish"),
])
def test_abbreviations(word, name):
    assert COMMANDS.find(word).name == name


def test_lookup_errors():
    with pytest.raises(VtdbgError, match='ambiguous command "st": starti, stepi'):
        COMMANDS.find("st")
    with pytest.raises(VtdbgError, match="undefined command"):
        COMMANDS.find("frobnicate")
    assert INFO.find("r").name == "registers"
    assert INFO.find("b").name == "breakpoints"


def test_every_command_has_help():
    for c in COMMANDS.unique():
        assert c.summary and c.usage, c.name
        text = c.help_text()
        assert text[0].startswith(c.name)


@pytest.mark.parametrize("fmt,parsed", [
    ("8xg", (8, "x", 8)), ("x", (1, "x", None)), ("4i", (4, "i", None)), ("gx", (1, "x", 8)),
    ("s", (1, "s", None)), ("16b", (16, None, 1)), (None, (1, None, None)),
])
def test_parse_fmt(fmt, parsed):
    assert parse_fmt(fmt) == parsed


def test_parse_fmt_errors():
    with pytest.raises(VtdbgError, match="format letter"):
        parse_fmt("8q")
    with pytest.raises(VtdbgError, match="out of range"):
        parse_fmt("0x")


def test_split(run):
    it = run.interp
    assert it.split("x/8xg $rsp") == ("x", "8xg", "$rsp")
    assert it.split("info registers rip") == ("info", None, "registers rip")
    assert it.split("p/x 1") == ("p", "x", "1")


def test_printf(hello):
    assert printf(hello, '"%d|%5x|%-3s|%c|%%|%p", 42, 255, "ab", 66, 16') == \
        "42|   ff|ab |B|%|0x10"
    assert printf(hello, '"%lu %llx %hd", 1, 2, 3') == "1 2 3"
    assert printf(hello, '"%x", -1') == "ffffffffffffffff"


def test_blocks_and_user_commands(run):
    out = run("define add", "  print $arg0 + $arg1", "end", "add 2 3",
              "set $i = 0", "while $i < 3", "  set $i = $i + 1",
              "  if $i == 2", "    loop_continue", "  end", "  print $i", "end")
    assert out == ["$1 = 5", "$2 = 1", "$3 = 3"]
    assert run.interp.continuing is False
    run("if 1")
    assert run.interp.continuing
    assert run("print 9", "end") == ["$4 = 9"]


def test_recursive_define_is_an_error(run):
    run("define loop", "  loop", "end")
    with pytest.raises(VtdbgError, match="nested too deeply"):
        run("loop")


def test_help_and_apropos(run):
    out = run("help")
    assert any("breakpoints" in ln for ln in out)
    out = run("help catch")
    assert out[0].startswith("catch --") and any("catch vmexit" in ln for ln in out)
    assert run("help info vmcs")[0].startswith("vmcs --")
    out = run("apropos exit log")
    assert any(ln.startswith("info exits") for ln in out)
    assert any(ln.startswith("dump") for ln in out)


def test_completion(run):
    it = run.interp
    assert complete(it, "dis")[1] == ["disable", "disassemble", "display"]
    word, cands = complete(it, "p $ra")
    assert word == "$ra" and "$rax" in cands
    word, cands = complete(it, "p vmcs.GUEST_R")
    assert {"vmcs.GUEST_RIP", "vmcs.GUEST_RSP", "vmcs.GUEST_RFLAGS"} <= set(cands)
    assert "CR_ACCESS" in complete(it, "catch vmexit CR")[1]
    assert complete(it, "catch vm")[1] == ["vmentry", "vmentry-fail", "vmexit", "vmx"]
    assert "putc" in complete(it, "break pu")[1]
    assert "registers" in complete(it, "info reg")[1]
    assert "GUEST_CR3" in complete(it, "info vmcs GUEST_CR")[1]
    assert "step-mode" in complete(it, "set st")[1]


def test_batch_cli(tmp_path, capsys):
    from vtdbg.cli import main
    f = tmp_path / "cmds.gdb"
    f.write_text("print 1\n\n# comment\nprint $nosuch\nprint 2\n")
    status = main(["--batch", "-ex", "print 0", "-x", str(f), "-ex", "print 3", "hello"])
    out, err = capsys.readouterr()
    assert status == 1
    assert out.split("\n")[:3] == ["$1 = 0", "$2 = 1", "$3 = 3"]
    assert err.strip() == f"{f}:4: no register named $nosuch"
    assert main(["--batch", "-ex", "print 1", "hello"]) == 0
    capsys.readouterr()
    assert main(["--batch", "-x", str(tmp_path / "missing.gdb"), "hello"]) == 1
    assert "No such file" in capsys.readouterr().err
    assert main(["--batch", "-ex", "p 1", "no-such-guest"]) == 2
    assert "no such file or bundled guest" in capsys.readouterr().err


def test_repl(tmp_path, monkeypatch, capsys):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from vtdbg.repl import run_repl
    monkeypatch.setenv("VTDBG_HISTORY", str(tmp_path / "hist"))
    with create_pipe_input() as inp:
        inp.send_text("break putc\ncontinue\n\nprint $al\nbogus\nif 1\nprint 5\nend\nquit\n")
        status = run_repl("hello", [("ex", "print 42")], input=inp, output=DummyOutput())
    out = capsys.readouterr().out
    assert status == 0
    assert "$1 = 42" in out and "Breakpoint 1, 0x100050 in putc" in out
    assert out.count("Breakpoint 1, 0x100050 in putc") == 2     # Enter repeats continue
    assert "$2 = 101" in out and 'undefined command: "bogus"' in out and "$3 = 5" in out
    assert "print $al" in (tmp_path / "hist").read_text()
