"""Saving things to files: dump exits (JSON lines) and dump memory."""
from __future__ import annotations

from ..errors import VtdbgError
from .table import COMMANDS, CommandTable

C = COMMANDS
DUMP = CommandTable("dump subcommands")


@C.command("dump", "vmx", "write the exit log or memory to a file", "dump exits FILE | "
           "dump memory FILE START END", sub=DUMP, complete=("file",))
def cmd_dump(interp, args, fmt):
    words = args.split(None, 1)
    if not words:
        raise VtdbgError("dump what? (exits, memory)")
    DUMP.find(words[0], "dump command").handler(interp, words[1] if len(words) > 1 else "", fmt)


@DUMP.command("exits", "vmx", "the exit log as JSON lines, oldest first", "dump exits FILE")
def dump_exits(interp, args, fmt):
    path = args.strip()
    if not path:
        raise VtdbgError("dump exits needs a file name")
    n = interp.session.exitlog.dump(path)
    interp.out(f"Wrote {n} exit-log entr{'y' if n == 1 else 'ies'} to {path}.")


@DUMP.command("memory", "data", "raw bytes of (virtual) memory", "dump memory FILE START END")
def dump_memory(interp, args, fmt):
    words = args.split()
    if len(words) != 3:
        raise VtdbgError("usage: dump memory FILE START END")
    s = interp.session
    start, end = (s.evaluator().eval_int(w) for w in words[1:])
    if end <= start or end - start > 64 << 20:
        raise VtdbgError("bad memory range")
    data = s.arch.read_virt(start, end - start)
    try:
        with open(words[0], "wb") as fh:
            fh.write(data)
    except OSError as e:
        raise VtdbgError(f"{words[0]}: {e.strerror or e}") from None
