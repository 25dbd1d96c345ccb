"""Completion from the command table: command names, subcommands, registers, VMCS field
names, exit-reason names, symbols, settings and file names. Every front end asks here."""
from __future__ import annotations

import glob
import os
import re

from ..engine.breakpoints import ARCH_KINDS
from ..errors import VtdbgError
from .breaks import CATCH
from .data import SETTINGS
from .table import COMMANDS, INFO, SHOW

WORD_BREAKS = re.compile(r"[\s,(){}*+\-/=<>!&|^~]")


def current_word(text: str) -> str:
    """The word being typed at the end of text."""
    i = len(text)
    while i > 0 and not WORD_BREAKS.match(text[i - 1]):
        i -= 1
    return text[i:]


def _cmd_names(interp) -> list[str]:
    return sorted(set(COMMANDS.commands) | set(interp.user))


def complete(interp, text: str) -> tuple[str, list[str]]:
    """(the word being replaced, its completions) for `text`, the line up to the cursor."""
    words = text.split()
    if words and not text[-1].isspace() and len(words) > 1:
        cmd = COMMANDS.commands.get(words[0]) or COMMANDS.commands.get(
            COMMANDS.aliases.get(words[0], ""))
        if cmd is not None and "file" in cmd.complete:
            w = words[-1]
            return w, [p + ("/" if os.path.isdir(p) else "")
                       for p in sorted(glob.glob(os.path.expanduser(w) + "*"))[:200]]
    return current_word(text), candidates(interp, text)


def candidates(interp, text: str) -> list[str]:
    """Completions for the word at the end of `text` (the line up to the cursor)."""
    s = interp.session
    word = current_word(text)
    head = text[:len(text) - len(word)]
    words = head.split()
    if word.startswith("$"):
        names = set(s.arch.regs.names()) | set(s.variables) | set(s.event_vars)
        return sorted("$" + n for n in names if n.startswith(word[1:].lower()))
    prefix, dot, part = word.partition(".")
    if prefix.lower() in ("vmcs", "vpd") and dot:         # vmcs.FIELD / vpd.field
        return [f"{prefix}.{n}" for n in s.arch.control.names()
                if n.upper().startswith(part.upper())]
    if not words:
        return [n for n in _cmd_names(interp) if n.startswith(word)]
    try:
        cmd = COMMANDS.find(words[0].split("/")[0])
    except VtdbgError:
        return []
    kinds = cmd.complete
    if cmd.name == "info" and len(words) >= 2:
        try:
            cmd = INFO.find(words[1])
            kinds = cmd.complete
        except VtdbgError:
            return []
    elif cmd.name == "info":
        return [n for n in sorted(INFO.commands) if n.startswith(word)]
    if cmd.name in ("catch", "tcatch"):
        if len(words) == 1:
            return [n for n in sorted(CATCH.commands) if n.startswith(word)
                    and ARCH_KINDS.get(n, s.arch.name) == s.arch.name]
        vec = getattr(s.arch, "vector_completions", None)     # IA-64: IVT vector names
        if words[1] == "exception" and vec is not None:
            return [n for n in vec() if n.startswith(word.lower())]
        more = getattr(s.arch, "catch_completions", None)      # IA-64: causes, PAL names
        if words[1] in ("vfault", "pal") and more is not None:
            return [n for n in more(words[1]) if n.startswith(word.upper())]
        if words[1] != "vmexit":
            return []
    if cmd.name == "show" and len(words) == 1:
        return [n for n in sorted(set(SETTINGS) | set(SHOW.commands)) if n.startswith(word)]
    if cmd.name == "help":
        return [n for n in _cmd_names(interp) if n.startswith(word)]
    out: list[str] = []
    if "setting" in kinds and len(words) == 1:
        out += [n for n in SETTINGS if n.startswith(word)] + \
            [n for n in ("var", "variable") if n.startswith(word)]
        if word == "":
            return out
    if "reason" in kinds:
        up = word.upper()
        out += [n for n in s.arch.exit_reasons.values() if n.startswith(up)]
    if "vmcs" in kinds:
        up = word.upper()
        out += [n for n in s.arch.control.names() if n.upper().startswith(up)]
    if "symbol" in kinds:
        out += [n for n in s.symbols.names() if n.startswith(word)]
    if "register" in kinds and word:
        out += ["$" + n for n in s.arch.regs.names() if n.startswith(word.lower())]
    if "command" in kinds:
        out += [n for n in _cmd_names(interp) if n.startswith(word)]
    return sorted(dict.fromkeys(out))
