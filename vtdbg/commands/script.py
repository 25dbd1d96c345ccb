"""Command files and control flow (define, document, if/else, while, source) and help."""
from __future__ import annotations

from ..errors import VtdbgError
from .interp import LoopBreak, LoopContinue, Quit
from .table import COMMANDS, FAMILIES

C = COMMANDS


def _block_only(name: str):
    def handler(interp, args, fmt):
        raise VtdbgError(f"{name} must be followed by lines ending with 'end'")
    return handler


C.command("define", "scripts", "define a new command from the lines up to 'end'",
          "define NAME\n  COMMANDS\nend", aliases=("def",),
          help="Inside, $arg0, $arg1 ... are the words after NAME, $argc their number.")(
    _block_only("define"))
C.command("document", "scripts", "help text for a user-defined command",
          "document NAME\n  TEXT\nend")(_block_only("document"))
C.command("if", "scripts", "run commands when an expression is non-zero",
          "if EXPRESSION\n  COMMANDS\n[else\n  COMMANDS]\nend")(_block_only("if"))
C.command("while", "scripts", "repeat commands while an expression is non-zero",
          "while EXPRESSION\n  COMMANDS\nend")(_block_only("while"))


@C.command("end", "scripts", "ends define, document, if, while and commands", "end")
def cmd_end(interp, args, fmt):
    raise VtdbgError("'end' without a block to end")


@C.command("else", "scripts", "the other branch of an if", "else")
def cmd_else(interp, args, fmt):
    raise VtdbgError("'else' outside an if")


@C.command("loop_break", "scripts", "leave the innermost while loop", "loop_break")
def cmd_loop_break(interp, args, fmt):
    if not interp.loops:
        raise VtdbgError("loop_break outside a while loop")
    raise LoopBreak()


@C.command("loop_continue", "scripts", "next iteration of the innermost while loop",
           "loop_continue")
def cmd_loop_continue(interp, args, fmt):
    if not interp.loops:
        raise VtdbgError("loop_continue outside a while loop")
    raise LoopContinue()


@C.command("source", "scripts", "run the commands in a file", "source FILE",
           complete=("file",),
           help="An error stops the file and is reported as FILE:LINE: message.")
def cmd_source(interp, args, fmt):
    if not args:
        raise VtdbgError("source needs a file name")
    interp.source(args)


@C.command("quit", "support", "leave vtdbg", "quit", aliases=("q", "exit"))
def cmd_quit(interp, args, fmt):
    raise Quit()


@C.command("help", "support", "list command families, or describe a command",
           "help [COMMAND|FAMILY]", aliases=("h",), complete=("command",))
def cmd_help(interp, args, fmt):
    words = args.split()
    if not words:
        interp.out("List of families of commands:")
        interp.out("")
        for key, title in FAMILIES:
            interp.out(f"  {key:<12} -- {title}")
        interp.out("")
        interp.out('Type "help" followed by a family name for its commands, or by a command '
                   "name for its\ndocumentation. \"apropos WORD\" searches them all.")
        return
    name = words[0]
    if name in dict(FAMILIES):
        interp.out(f"{dict(FAMILIES)[name]}:")
        for c in C.unique():
            if c.family == name:
                interp.out(f"  {c.name:<14} -- {c.summary}")
        return
    if name in interp.user:
        interp.out(interp.user_doc.get(name, "User-defined."))
        return
    cmd = C.find(name)
    if len(words) > 1 and cmd.sub is not None:
        sub = cmd.sub.find(words[1], f"{cmd.name} subcommand")
        interp.lines(sub.help_text())
        return
    interp.lines(cmd.help_text())


@C.command("apropos", "support", "search the commands' names and help for a word",
           "apropos WORD")
def cmd_apropos(interp, args, fmt):
    word = args.strip().lower()
    if not word:
        raise VtdbgError("apropos needs a word")
    found = []
    for c in C.unique():
        if word in f"{c.name} {c.summary} {c.usage} {c.help}".lower():
            found.append(f"{c.name} -- {c.summary}")
        if c.sub is not None:
            for sc in c.sub.unique():
                if word in f"{sc.name} {sc.summary} {sc.usage} {sc.help}".lower():
                    found.append(f"{c.name} {sc.name} -- {sc.summary}")
    if not found:
        interp.out(f'No commands match "{word}".')
    interp.lines(found)
