"""The expression language: tokens, precedence, registers and variables, memory, casts,
decoded fields, assignment, and its errors."""
from __future__ import annotations

import pytest

from vtdbg.commands import expr as E
from vtdbg.engine.x86.vmcs import qualification
from vtdbg.errors import VtdbgError


class FakeEnv:
    def __init__(self):
        self.regs = {"rax": 5, "rbx": 0x10, "pc": 0x1000}
        self.vars = {"q": qualification(30, 0x3F80008)}
        self.mem = {}
        self.vmcs = {"GUEST_RIP": 0x400000}
        self.hist = [7, 8]

    def is_register(self, n):
        return n in self.regs

    def register(self, n):
        if n not in self.regs:
            raise VtdbgError(f"no register named ${n}")
        return self.regs[n]

    def set_register(self, n, v):
        self.regs[n] = v

    def variable(self, n):
        return self.vars.get(n)

    def set_variable(self, n, v):
        self.vars[n] = v

    def symbol(self, n):
        if n == "start":
            return 0x2000
        raise VtdbgError(f'no symbol "{n}"')

    def read_mem(self, a, size):
        return int.from_bytes(bytes(self.mem.get(a + i, 0) for i in range(size)), "little")

    def write_mem(self, a, size, v):
        for i, b in enumerate(v.to_bytes(size, "little")):
            self.mem[a + i] = b

    def vmcs_read(self, n):
        return self.vmcs[n]

    def vmcs_write(self, n, v):
        self.vmcs[n] = v

    def history(self, name):
        if name in ("", "$"):
            return self.hist[-1 - (name == "$")]
        return self.hist[int(name) - 1]


@pytest.fixture
def ev():
    env = FakeEnv()
    return E.Evaluator(env), env


@pytest.mark.parametrize("text,value", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 / 3", 3), ("-7 / 2", -3), ("-7 % 3", -1),
    ("1 << 4 | 1", 17), ("6 & 3 ^ 1", 3), ("1 < 2 && 2 < 1", 0), ("0 || 3", 1),
    ("!0", 1), ("~0 & 0xff", 255), ("0b101 + 0o7", 12), ("1_000", 1000), ("'A'", 65),
    ("1 ? 2 : 3", 2), ("0 ? 2 : 3", 3), ("$rax * $rbx", 80), ("start + 4", 0x2004),
    ("&start", 0x2000), ("(u8)0x1ff", 0xFF), ("(i8)0xff", -1), ("(u16)-1", 0xFFFF),
    ("vmcs.GUEST_RIP", 0x400000), ("$q.port", 0x3F8), ("$q.in", 1), ("$q.size", 1),
    ("$", 8), ("$$", 7), ("$1", 7), ("1 == 1 != 0", 1), ("2 >= 2 > 1", 0),
])
def test_values(ev, text, value):
    e, _ = ev
    assert e.eval(text) == value


def test_memory_read_write_and_assignment(ev):
    e, env = ev
    e.eval("{u32}0x100 = 0xdeadbeef")
    assert e.eval("{u16}0x100") == 0xBEEF
    assert e.eval("{i8}0x103") == -34
    assert e.eval("*0x100") == 0xDEADBEEF
    e.eval("$rax = $rax + 1")
    assert env.regs["rax"] == 6
    e.eval("$newvar = 3")
    assert env.vars["newvar"] == 3
    e.eval("vmcs.GUEST_RIP = 0x1234")
    assert env.vmcs["GUEST_RIP"] == 0x1234
    assert e.eval('"a\\tb"') == "a\tb"


@pytest.mark.parametrize("text,msg", [
    ("1 +", "incomplete expression"), ("(1", "incomplete expression"),
    ("1 2", "syntax error"), ("1 / 0", "division by zero"), ("5 % 0", "division by zero"),
    ("$nope", "no register"), ("nosym", "no symbol"), ("1 @ 2", "invalid character"),
    ("{u9}0", "unknown type"), ("3 = 4", "left operand of assignment"),
    ("$rax.cr", "no fields"), ("$q.cr", "no field .cr"), ("\"s\" + 1", "string"),
    ("&3", "& applies to a symbol"), ("1 << -1", "shift count"), ("", "expression expected"),
])
def test_errors(ev, text, msg):
    e, _ = ev
    with pytest.raises(VtdbgError, match=msg):
        e.eval(text)


def test_store_out_of_range(ev):
    e, env = ev
    with pytest.raises(VtdbgError, match="does not fit"):
        e.eval("{u8}0 = 256")
    assert env.mem == {}


def test_split_condition():
    assert E.split_condition("putc if $al == 1") == ("putc", "$al == 1")
    assert E.split_condition("vmexit cpuid") == ("vmexit cpuid", None)
    assert E.split_condition("elif_symbol") == ("elif_symbol", None)
    with pytest.raises(VtdbgError):
        E.split_condition("putc if ")


def test_qualification_decoders():
    cr = qualification(28, 0x0304)          # MOV to CR4... with gpr 3
    assert cr.fields["cr"] == 4 and cr.fields["gpr"] == 3 and cr.fields["access"] == 0
    assert "MOV to CR4" in cr.text
    io = qualification(30, (0x60 << 16) | 0x8 | 0x40 | 1)
    assert io.fields["port"] == 0x60 and io.fields["in"] == 1 and io.fields["size"] == 2
    assert io.fields["imm"] == 1
    ept = qualification(48, 0x182 | 0x8)
    assert ept.fields["write"] == 1 and ept.fields["readable"] == 1
    pf = qualification(0, 0xC00010, intr=0x80000B0E)
    assert pf.fields["address"] == 0xC00010
