"""Expressions in gdb's style: C operators on integers, $registers and $convenience
variables, symbols, `{u32}ADDR` and `*ADDR` memory, `vmcs.FIELD` (`vpd.FIELD` on IA-64),
fields of decoded values (`$exit_qual.cr`), casts such as `(u16)`, and assignment to any of
those places."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..errors import VtdbgError

TYPES = {"u8": (1, False), "u16": (2, False), "u32": (4, False), "u64": (8, False),
         "i8": (1, True), "i16": (2, True), "i32": (4, True), "i64": (8, True),
         "char": (1, True), "uchar": (1, False), "short": (2, True), "ushort": (2, False),
         "int": (4, True), "uint": (4, False), "long": (8, True), "ulong": (8, False),
         "byte": (1, False), "word": (2, False), "dword": (4, False), "qword": (8, False)}
TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<chr>'(?:[^'\\]|\\.)')
  | (?P<var>\$\$\d*|\$[A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*)
  | (?P<id>[A-Za-z_][A-Za-z_0-9@]*)
  | (?P<op><<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>&|^!~(){}.,=?:\[\]])
""", re.VERBOSE)
BINARY = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", "<=", ">", ">="),
          ("<<", ">>"), ("+", "-"), ("*", "/", "%")]
MASK64 = (1 << 64) - 1


class Env(Protocol):
    def register(self, name: str) -> int: ...
    def set_register(self, name: str, value: int) -> None: ...
    def variable(self, name: str): ...                      # None when unset
    def set_variable(self, name: str, value) -> None: ...
    def symbol(self, name: str) -> int: ...
    def read_mem(self, addr: int, size: int) -> int: ...
    def write_mem(self, addr: int, size: int, value: int) -> None: ...
    def vmcs_read(self, name: str) -> int: ...
    def vmcs_write(self, name: str, value: int) -> None: ...


@dataclass
class Tok:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Tok]:
    out, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None:
            raise VtdbgError(f"invalid character {text[pos]!r} in expression")
        if m.lastgroup != "ws":
            out.append(Tok(m.lastgroup, m.group(), pos))
        pos = m.end()
    out.append(Tok("end", "", len(text)))
    return out


def unescape(s: str) -> str:
    try:
        return s.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        raise VtdbgError(f"bad escape in {s!r}") from None


class Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        if self.tok.text != text:
            self.fail()
        self.i += 1

    def fail(self):
        t = self.tok
        if t.kind == "end":
            raise VtdbgError(f"incomplete expression: {self.text.strip()}")
        raise VtdbgError(f"syntax error in expression near '{self.text[t.pos:].strip()}'")

    def parse(self):
        node = self.assignment()
        if self.tok.kind != "end":
            self.fail()
        return node

    def assignment(self):
        left = self.ternary()
        if self.tok.text == "=":
            self.take()
            if left[0] not in ("reg", "mem", "vmcs"):
                raise VtdbgError("left operand of assignment is not a register, variable, "
                                 "memory location or VMCS field")
            return ("assign", left, self.assignment())
        return left

    def ternary(self):
        cond = self.binary(0)
        if self.tok.text == "?":
            self.take()
            a = self.assignment()
            self.expect(":")
            b = self.ternary()
            return ("?", cond, a, b)
        return cond

    def binary(self, level: int):
        if level == len(BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.tok.kind == "op" and self.tok.text in BINARY[level]:
            op = self.take().text
            left = ("bin", op, left, self.binary(level + 1))
        return left

    def unary(self):
        t = self.tok
        if t.kind == "op" and t.text in ("-", "+", "!", "~"):
            self.take()
            return ("un", t.text, self.unary())
        if t.text == "*":
            self.take()
            return ("mem", 8, False, self.unary())
        if t.text == "&":                       # &symbol: its address (what symbol means)
            self.take()
            inner = self.unary()
            if inner[0] != "sym":
                raise VtdbgError("& applies to a symbol")
            return inner
        if t.text == "{":
            self.take()
            size, signed = self.type_name()
            self.expect("}")
            return ("mem", size, signed, self.unary())
        if t.text == "(" and self.toks[self.i + 1].kind == "id" and \
                self.toks[self.i + 1].text in TYPES and self.toks[self.i + 2].text == ")":
            self.take()
            size, signed = self.type_name()
            self.expect(")")
            return ("cast", size, signed, self.unary())
        return self.postfix()

    def type_name(self):
        t = self.take()
        if t.kind != "id" or t.text not in TYPES:
            raise VtdbgError(f"unknown type {t.text!r} (types: {', '.join(TYPES)})")
        return TYPES[t.text]

    def postfix(self):
        node = self.primary()
        while self.tok.text == ".":
            self.take()
            t = self.take()
            if t.kind not in ("id", "num"):
                self.i -= 1
                self.fail()
            if node in (("sym", "vmcs"), ("sym", "vpd")):       # the control structure
                node = ("vmcs", t.text)
            else:
                node = ("field", node, t.text)
        return node

    def primary(self):
        t = self.take()
        if t.kind == "num":
            return ("num", int(t.text.replace("_", ""), 0))
        if t.kind == "chr":
            s = unescape(t.text[1:-1])
            return ("num", ord(s[0]))
        if t.kind == "str":
            return ("str", unescape(t.text[1:-1]))
        if t.kind == "var":
            return ("reg", t.text[1:])
        if t.kind == "id":
            return ("sym", t.text)
        if t.text == "(":
            node = self.assignment()
            self.expect(")")
            return node
        self.i -= 1
        self.fail()


def parse(text: str):
    if not text.strip():
        raise VtdbgError("expression expected")
    return Parser(text).parse()


def _wrap(v: int, size: int, signed: bool) -> int:
    v &= (1 << (8 * size)) - 1
    if signed and v >> (8 * size - 1):
        v -= 1 << (8 * size)
    return v


class Evaluator:
    def __init__(self, env: Env):
        self.env = env

    def eval(self, text_or_node):
        node = parse(text_or_node) if isinstance(text_or_node, str) else text_or_node
        return self._ev(node)

    def eval_int(self, text_or_node) -> int:
        v = self.eval(text_or_node)
        if isinstance(v, str):
            raise VtdbgError("a number is needed here, not a string")
        return v

    def _ev(self, n):
        k = n[0]
        if k == "num":
            return n[1]
        if k == "str":
            return n[1]
        if k == "reg":
            return self._var(n[1])
        if k == "sym":
            return self.env.symbol(n[1])
        if k == "vmcs":
            return self.env.vmcs_read(n[1])
        if k == "mem":
            addr = self._int(self._ev(n[3]))
            return _wrap(self.env.read_mem(addr & MASK64, n[1]), n[1], n[2])
        if k == "cast":
            return _wrap(self._int(self._ev(n[3])), n[1], n[2])
        if k == "field":
            base = self._ev(n[1])
            fields = getattr(base, "fields", None)
            if not fields:
                raise VtdbgError(f"this value has no fields (no .{n[2]})")
            if n[2] not in fields:
                raise VtdbgError(f"no field .{n[2]} (fields: {', '.join(fields)})")
            return fields[n[2]]
        if k == "un":
            v = self._int(self._ev(n[2]))
            return {"-": -v, "+": v, "!": int(not v), "~": ~v}[n[1]]
        if k == "?":
            return self._ev(n[2]) if self._int(self._ev(n[1])) else self._ev(n[3])
        if k == "bin":
            return self._binary(n)
        if k == "assign":
            v = self._ev(n[2])
            self.assign(n[1], v)
            return v
        raise VtdbgError(f"cannot evaluate {k}")

    def _var(self, name: str):
        env = self.env
        if "." in name:          # a dotted register ($ar.bsp), else fields of a value
            if env.is_register(name):
                return env.register(name)
            parts = name.split(".")
            i = len(parts) - 1          # the longest register name that starts it
            while i > 1 and not env.is_register(".".join(parts[:i])):
                i -= 1
            node = ("reg", ".".join(parts[:i]))
            for f in parts[i:]:
                node = ("field", node, f)
            return self._ev(node)
        if name == "" or name == "$" or name.isdigit() or name.startswith("$"):
            return env.history(name)
        v = env.variable(name)
        if v is not None:
            return v
        return env.register(name)

    @staticmethod
    def _int(v) -> int:
        if isinstance(v, str):
            raise VtdbgError("a string cannot be used in arithmetic")
        return v

    def _binary(self, n):
        op = n[1]
        a = self._int(self._ev(n[2]))
        if op == "&&":
            return int(bool(a) and bool(self._int(self._ev(n[3]))))
        if op == "||":
            return int(bool(a) or bool(self._int(self._ev(n[3]))))
        b = self._int(self._ev(n[3]))
        if op in ("/", "%") and b == 0:
            raise VtdbgError("division by zero")
        if op in ("<<", ">>") and (b < 0 or b > 4096):
            raise VtdbgError(f"shift count {b} out of range")
        if op == "/":
            q = abs(a) // abs(b)
            return q if (a >= 0) == (b >= 0) else -q
        if op == "%":
            r = abs(a) % abs(b)
            return r if a >= 0 else -r
        return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                "<<": lambda: a << b, ">>": lambda: a >> b, "&": lambda: a & b,
                "|": lambda: a | b, "^": lambda: a ^ b, "==": lambda: int(a == b),
                "!=": lambda: int(a != b), "<": lambda: int(a < b), "<=": lambda: int(a <= b),
                ">": lambda: int(a > b), ">=": lambda: int(a >= b)}[op]()

    def assign(self, place, value) -> None:
        env = self.env
        if place[0] == "reg":
            name = place[1]
            if env.is_register(name):
                env.set_register(name, self._int(value))
            elif "." in name:
                raise VtdbgError("left operand of assignment is not a register, variable, "
                                 "memory location or VMCS field")
            else:
                env.set_variable(name, value)
        elif place[0] == "mem":
            addr = self._int(self._ev(place[3])) & MASK64
            v = self._int(value)
            size = place[1]
            if v >= 1 << (8 * size) or v < -(1 << (8 * size - 1)):
                raise VtdbgError(f"{v:#x} does not fit in {size} byte{'s' if size > 1 else ''}")
            env.write_mem(addr, size, v & ((1 << (8 * size)) - 1))
        elif place[0] == "vmcs":
            env.vmcs_write(place[1], self._int(value))
        else:
            raise VtdbgError("cannot assign to this expression")


def split_condition(text: str) -> tuple[str, str | None]:
    """'ARGS if COND' -> (ARGS, COND); the word 'if' outside quotes splits."""
    m = re.search(r"(^|\s)if(\s|$)", text)
    if m is None:
        return text.strip(), None
    cond = text[m.end():].strip()
    if not cond:
        raise VtdbgError("'if' needs a condition")
    return text[:m.start()].strip(), cond
