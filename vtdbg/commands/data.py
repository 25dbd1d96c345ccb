"""Examining and changing state: print, x, xp, set, display, undisplay, disassemble, echo,
printf."""
from __future__ import annotations

import re

from ..engine import views
from ..errors import VtdbgError
from . import expr as E
from .table import COMMANDS

C = COMMANDS
FORMATS = "xduotacsi"
SIZES = {"b": 1, "h": 2, "w": 4, "g": 8}
PER_LINE = {1: 8, 2: 8, 4: 4, 8: 2}
MASK64 = (1 << 64) - 1


# -- value formatting --------------------------------------------------------------------------
def parse_fmt(fmt: str | None, default_size: int = 4):
    """'8xg' -> (8, 'x', 8); letters in any order after the count."""
    if not fmt:
        return 1, None, None
    m = re.fullmatch(r"(\d*)([a-z]*)", fmt)
    if m is None:
        raise VtdbgError(f"bad format /{fmt}")
    count = int(m.group(1)) if m.group(1) else 1
    letter, size = None, None
    for ch in m.group(2):
        if ch in SIZES:
            size = SIZES[ch]
        elif ch in FORMATS:
            letter = ch
        else:
            raise VtdbgError(f"undefined output format letter '{ch}' in /{fmt}")
    if count < 1 or count > 100000:
        raise VtdbgError(f"count {count} is out of range")
    return count, letter, size


def format_value(s, v, letter: str | None, size: int = 8) -> str:
    if isinstance(v, str):
        return '"' + v.encode("unicode_escape").decode() + '"'
    bits = 8 * size
    u = v & ((1 << bits) - 1)
    if letter in (None, "d"):
        if letter == "d" and u >> (bits - 1):
            return str(u - (1 << bits))
        text = str(v)
    elif letter == "x":
        text = f"{u:#x}"
    elif letter == "u":
        text = str(u)
    elif letter == "o":
        text = f"0{u:o}" if u else "0"
    elif letter == "t":
        text = f"{u:b}"
    elif letter == "c":
        c = u & 0xFF
        text = f"{c} {chr(c)!r}" if 32 <= c < 127 else f"{c} '\\x{c:02x}'"
    elif letter == "a":
        sym = s.sym(u)
        text = f"{u:#x}" + (f" <{sym}>" if sym else "")
    else:
        raise VtdbgError(f"format /{letter} does not apply here")
    extra = getattr(v, "text", "")
    return f"{text} ({extra})" if extra and letter in (None, "x") else text


@C.command("print", "data", "evaluate an expression and show its value",
           "print[/FMT] EXPRESSION", aliases=("p", "inspect"), fmt=True,
           complete=("register", "vmcs", "symbol"),
           help="FMT is x (hex), d, u, o, t (binary), c (char) or a (address).\n"
                "Expressions: C operators, $registers, $convenience variables, symbols, "
                "{u32}ADDR and *ADDR\n(memory), vmcs.FIELD, (u16) casts, decoded fields such "
                "as $exit_qual.port, and\nassignment ($rax = 1). Each value is saved as $N; "
                "$ is the last, $$ the one before.")
def cmd_print(interp, args, fmt):
    s = interp.session
    _, letter, size = parse_fmt(fmt)
    if letter in ("s", "i"):
        raise VtdbgError(f"format /{letter} applies to x and display")
    if not args:
        v = s.history("")
    else:
        v = s.evaluator().eval(args)
    s.values.append(v)
    interp.out(f"${len(s.values)} = {format_value(s, v, letter, size or 8)}")


# -- memory -------------------------------------------------------------------------------------
def examine(interp, args: str, fmt: str | None, phys: bool) -> list[str]:
    s = interp.session
    count, letter, size = parse_fmt(fmt)
    last = interp.last_x
    if last is not None and last[3] == phys:
        letter = letter or last[1]
        size = size or last[2]
    letter = letter or "x"
    if letter == "a":
        size = 8
    elif letter == "c":
        size = size or 1
    size = size or 4
    if args:
        addr = s.evaluator().eval_int(args) & MASK64
    elif last is not None and last[3] == phys:
        addr = last[0]
    else:
        raise VtdbgError("an address is needed")
    read = (lambda a, n: s.arch.read_phys(a, n)) if phys else (lambda a, n: s.arch.read_virt(a, n))
    out: list[str] = []
    if letter == "i":
        if phys:
            raise VtdbgError("xp/i: disassemble virtual addresses with x/i")
        lines = views.disassembly_lines(s, addr, count)
        insns = s.arch.disassemble(addr, count)
        nxt = insns[-1].address + insns[-1].length if insns else addr
        interp.last_x = (nxt, letter, size, phys)
        return lines
    if letter == "s":
        for _ in range(count):
            data = read(addr, 1)
            raw = bytearray()
            while data and data[0] and len(raw) < 4096:
                raw += data
                data = read(addr + len(raw), 1)
            text = raw.decode("latin-1").encode("unicode_escape").decode()
            out.append(f"{_addr(s, addr)}:\t\"{text}\"")
            addr += len(raw) + 1
        interp.last_x = (addr, letter, size, phys)
        return out
    per = PER_LINE[size] if letter != "a" else 2
    data = read(addr, count * size)
    if len(data) < count * size:
        count = len(data) // size
    row: list[str] = []
    start = addr
    for i in range(count):
        v = int.from_bytes(data[i * size:(i + 1) * size], "little")
        if letter == "x":
            row.append(f"0x{v:0{2 * size}x}")
        else:
            row.append(format_value(s, v, letter, size))
        if len(row) == per or i == count - 1:
            out.append(f"{_addr(s, start)}:\t" + "\t".join(row))
            row = []
            start = addr + (i + 1) * size
    interp.last_x = (addr + count * size, letter, size, phys)
    s.variables["_"] = addr + (count - 1) * size if count else addr
    return out


def _addr(s, a: int) -> str:
    sym = s.sym(a)
    return f"{a:#x}" + (f" <{sym}>" if sym else "")


@C.command("x", "data", "examine memory at a (virtual) address", "x[/NFU] [ADDRESS]",
           fmt=True, complete=("register", "symbol"),
           help="N: how many units; F: format x d u o t a c s (string) i (instructions);\n"
                "U: unit size b (1), h (2), w (4), g (8). Defaults to the last ones used; "
                "without an\naddress, continues after the last unit shown. Addresses are "
                "linear in the current\ncontext (guest-virtual in the guest).")
def cmd_x(interp, args, fmt):
    interp.lines(examine(interp, args, fmt, False))


@C.command("xp", "data", "examine physical memory", "xp[/NFU] [ADDRESS]", fmt=True)
def cmd_xp(interp, args, fmt):
    interp.lines(examine(interp, args, fmt, True))


@C.command("disassemble", "data", "disassemble instructions (capstone, with symbols)",
           "disassemble[/r] [START[,END | ,+LENGTH]]", aliases=("disas",), fmt=True,
           complete=("symbol",),
           help="Without arguments: the function around the current instruction (from its "
                "symbol,\nat most 40 instructions). => marks the current instruction, * a "
                "breakpoint.")
def cmd_disassemble(interp, args, fmt):
    s = interp.session
    if fmt not in (None, "r"):
        raise VtdbgError("disassemble takes /r only")
    if "," in args:
        a, b = args.split(",", 1)
        start = s.evaluator().eval_int(a)
        b = b.strip()
        end = start + s.evaluator().eval_int(b[1:]) if b.startswith("+") else \
            s.evaluator().eval_int(b)
        if end <= start or end - start > 0x10000:
            raise VtdbgError("bad disassembly range")
        insns = []
        a0 = start
        while a0 < end:
            got = s.arch.disassemble(a0, 1)
            if not got:
                break
            insns.append(got[0])
            a0 += got[0].length
        count = len(insns)
    else:
        at = s.evaluator().eval_int(args) if args else s.arch.pc()
        r = s.symbols.lookup(at)
        start = at - r[1] if r and r[1] < 0x400 else at
        insns = s.arch.disassemble(start, 40)
        if insns and at >= insns[-1].address + insns[-1].length:
            start = at
            insns = s.arch.disassemble(start, 40)
        nxt = s.symbols.next_after(start)
        if nxt is not None:
            insns = [i for i in insns if i.address < nxt] or insns[:1]
        count = len(insns)
    lines = views.disassembly_lines(s, start, count)
    if fmt == "r":
        raws = s.arch.disassemble(start, count)
        lines = [ln.replace(":  ", f":  {i.raw.hex(' '):<24} ", 1) for ln, i in zip(lines, raws)]
    interp.out("Dump of assembler code:")
    interp.lines(lines)
    interp.out("End of assembler dump.")


# -- set / display -------------------------------------------------------------------------------
def assign(interp, text: str) -> None:
    node = E.parse(text)
    if node[0] != "assign":
        raise VtdbgError("set needs an assignment, such as set $rax = 1")
    interp.session.evaluator().eval(node)


SETTINGS = {
    "step-mode": "full (follow the processor) or guest (follow the guest through exits)",
    "exit-log-size": "how many VM transitions the exit log keeps (default 100000)",
    "run-limit": "stop a run after this many instructions (unlimited by default)",
}


def setting(interp, name: str, value: str) -> None:
    s = interp.session
    if name == "step-mode":
        if value not in ("full", "guest"):
            raise VtdbgError("set step-mode full|guest")
        s.step_mode = value
    elif name == "exit-log-size":
        s.exitlog.set_capacity(s.evaluator().eval_int(value))
    elif name == "run-limit":
        if value in ("unlimited", "0", "none"):
            s.run_limit = None
        else:
            n = s.evaluator().eval_int(value)
            if n < 1:
                raise VtdbgError("the run limit must be at least 1 (or unlimited)")
            s.run_limit = n


def show_setting(s, name: str) -> str:
    if name == "step-mode":
        return f"Step mode is {s.step_mode}."
    if name == "exit-log-size":
        return f"The exit log keeps {s.exitlog.capacity} entries ({len(s.exitlog)} now)."
    if name == "run-limit":
        return "Runs are unlimited." if s.run_limit is None else \
            f"Runs stop after {s.run_limit} instructions."
    raise VtdbgError(f'undefined show command "{name}"')


@C.command("set", "data", "change a register, memory, a VMCS field, a variable or a setting",
           "set $REG = V | set {TYPE}ADDR = V | set vmcs.FIELD = V | set var $X = V | "
           "set SETTING VALUE", complete=("setting", "register", "vmcs"),
           help="Settings: " + "; ".join(f"{k}: {v}" for k, v in SETTINGS.items()) +
                "\nVMCS writes go straight to the current VMCS (no VMWRITE checks); in "
                "non-root operation\nthey take effect at the next VM entry.")
def cmd_set(interp, args, fmt):
    words = args.split(None, 1)
    if not words:
        raise VtdbgError("set what?")
    if words[0] in ("var", "variable"):
        assign(interp, words[1] if len(words) > 1 else "")
        return
    if words[0] in SETTINGS:
        if len(words) < 2:
            raise VtdbgError(f"set {words[0]} needs a value")
        setting(interp, words[0], words[1].strip())
        return
    if re.match(r"[A-Za-z][\w-]*$", words[0]) and words[0] not in interp.session.symbols \
            and words[0] != "vmcs" and not args.startswith("vmcs."):
        raise VtdbgError(f'undefined set command "{words[0]}" (settings: '
                         f'{", ".join(SETTINGS)})')
    assign(interp, args)


def do_displays(interp) -> None:
    for d in list(interp.session.displays):
        num, fmt, text, on = d
        if not on:
            continue
        try:
            show_display(interp, num, fmt, text)
        except VtdbgError as e:
            interp.out(f"{num}: {text}: <{e}>")


def show_display(interp, num: int, fmt: str | None, text: str) -> None:
    s = interp.session
    count, letter, size = parse_fmt(fmt)
    if letter in ("i", "s") or (fmt and count > 1):
        interp.out(f"{num}: x/{fmt} {text}")
        saved = interp.last_x
        try:
            interp.lines(examine(interp, text, fmt, False))
        finally:
            interp.last_x = saved
        return
    v = s.evaluator().eval(text)
    interp.out(f"{num}: {'/' + fmt + ' ' if fmt else ''}{text} = "
               f"{format_value(s, v, letter, size or 8)}")


@C.command("display", "data", "show an expression at every stop", "display[/FMT] [EXPRESSION]",
           fmt=True, complete=("register", "vmcs"),
           help="display/i $pc shows the next instruction at every stop. Without arguments, "
                "shows them all now.")
def cmd_display(interp, args, fmt):
    s = interp.session
    if not args:
        do_displays(interp)
        return
    parse_fmt(fmt)
    E.parse(args)
    num = max([d[0] for d in s.displays], default=0) + 1
    s.displays.append((num, fmt, args, True))
    show_display(interp, num, fmt, args)


def undisplay(interp, args: str) -> None:
    s = interp.session
    if not args.strip():
        s.displays.clear()
        return
    nums = {int(w) for w in args.replace(",", " ").split() if w.isdigit()}
    if len(nums) != len(args.replace(",", " ").split()):
        raise VtdbgError("undisplay takes display numbers")
    missing = nums - {d[0] for d in s.displays}
    if missing:
        raise VtdbgError(f"no display number {min(missing)}")
    s.displays[:] = [d for d in s.displays if d[0] not in nums]


def enable_display(interp, args: str, on: bool) -> None:
    s = interp.session
    nums = {int(w) for w in args.split() if w.isdigit()}
    s.displays[:] = [(n, f, t, on if (not nums or n in nums) else e) for n, f, t, e in s.displays]


@C.command("undisplay", "data", "stop showing expressions at each stop", "undisplay [N...]")
def cmd_undisplay(interp, args, fmt):
    undisplay(interp, args)


# -- text output --------------------------------------------------------------------------------
@C.command("echo", "scripts", "print text (C escapes such as \\n; no newline added)",
           "echo TEXT")
def cmd_echo(interp, args, fmt):
    interp.write(E.unescape(args))


def _split_args(text: str) -> list[str]:
    out, depth, cur, q = [], 0, "", None
    for ch in text:
        if q:
            cur += ch
            if ch == q and not cur.endswith("\\" + q):
                q = None
            continue
        if ch in "\"'":
            q = ch
        elif ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


CONV = re.compile(r"%([-+ #0]*)(\d*|\*)(?:\.(\d+))?(hh|h|ll|l|z|j|t)?([diouxXcsp%])")


def printf(s, text: str) -> str:
    m = re.match(r'\s*"((?:[^"\\]|\\.)*)"\s*(?:,(.*))?$', text, re.DOTALL)
    if m is None:
        raise VtdbgError('printf needs a format string in double quotes: printf "...", ARGS')
    fmt = E.unescape(m.group(1))
    args = _split_args(m.group(2) or "")
    ev = s.evaluator()
    out, pos, i = [], 0, 0
    for c in CONV.finditer(fmt):
        out.append(fmt[pos:c.start()])
        pos = c.end()
        flags, width, prec, _, conv = c.groups()
        if conv == "%":
            out.append("%")
            continue
        if i >= len(args):
            raise VtdbgError("too few arguments for the format string")
        v = ev.eval(args[i])
        i += 1
        spec = "%" + flags + width + (f".{prec}" if prec else "")
        if conv == "s":
            if not isinstance(v, str):
                v = _c_string(s, v)
            out.append((spec + "s") % v)
        elif conv == "c":
            out.append((spec + "c") % chr(ev._int(v) & 0xFF))
        elif conv == "p":
            out.append(f"{ev._int(v) & MASK64:#x}")
        else:
            n = ev._int(v)
            if conv in "uxXo" and n < 0:
                n &= MASK64
            out.append((spec + ("d" if conv in "iu" else conv)) % n)
    out.append(fmt[pos:])
    if i < len(args):
        raise VtdbgError("too many arguments for the format string")
    return "".join(out)


def _c_string(s, addr: int) -> str:
    raw = bytearray()
    while len(raw) < 4096:
        b = s.arch.read_virt(addr + len(raw), 1)
        if not b or not b[0]:
            break
        raw += b
    return raw.decode("latin-1")


@C.command("printf", "scripts", "formatted output, as C's printf", 'printf "FORMAT", ARGS...',
           help="Conversions d i u x X o c s p and %%; %s of a number reads a C string from "
                "memory.")
def cmd_printf(interp, args, fmt):
    interp.write(printf(interp.session, args))
