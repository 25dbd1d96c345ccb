"""The one command table: every command's name, abbreviations, family, help and what its
arguments complete to. Help, apropos, the REPL's completion and the TUI's command palette all
read this table."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import VtdbgError

FAMILIES = [
    ("running", "Running the machine: run, continue, step"),
    ("breakpoints", "Breakpoints, catchpoints and watchpoints"),
    ("data", "Examining and changing registers, memory and the VMCS"),
    ("status", "Status inquiries: the info and show commands"),
    ("vmx", "The VMX view: exit log, VM-entry checklist, VMCS"),
    ("scripts", "Command files, user-defined commands and control flow"),
    ("support", "Help"),
]


@dataclass
class Command:
    name: str
    family: str
    summary: str
    usage: str
    handler: Callable
    help: str = ""
    aliases: tuple[str, ...] = ()
    complete: tuple[str, ...] = ()   # "command", "register", "symbol", "vmcs", "reason",
    #                                  "file", "catch", "info", "setting", "exception"
    fmt: bool = False                # takes a /FMT suffix (x/8xg, p/x)
    sub: CommandTable | None = None

    def help_text(self) -> list[str]:
        lines = [f"{self.name} -- {self.summary}", f"Usage: {self.usage}"]
        if self.aliases:
            lines.append(f"Abbreviations: {', '.join(self.aliases)}")
        if self.help:
            lines.extend(self.help.strip("\n").split("\n"))
        if self.sub is not None:
            lines.append("")
            lines.append(f'List of "{self.name}" subcommands:')
            for c in self.sub.unique():
                lines.append(f"  {self.name} {c.name:<16} -- {c.summary}")
        return lines


@dataclass
class CommandTable:
    title: str = ""
    commands: dict[str, Command] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, cmd: Command) -> Command:
        self.commands[cmd.name] = cmd
        for a in cmd.aliases:
            self.aliases[a] = cmd.name
        return cmd

    def command(self, name: str, family: str, summary: str, usage: str, *, help: str = "",
                aliases: tuple[str, ...] = (), complete: tuple[str, ...] = (),
                fmt: bool = False, sub: CommandTable | None = None):
        """Decorator registering a handler(interp, args, fmt)."""
        def reg(fn):
            self.add(Command(name, family, summary, usage, fn, help, aliases, complete, fmt,
                             sub))
            return fn
        return reg

    def unique(self) -> list[Command]:
        return [self.commands[k] for k in sorted(self.commands)]

    def words(self) -> list[str]:
        return sorted(set(self.commands) | set(self.aliases))

    def find(self, word: str, what: str = "command") -> Command:
        """Exact name, alias, or a unique prefix (gdb's rule)."""
        if word in self.commands:
            return self.commands[word]
        if word in self.aliases:
            return self.commands[self.aliases[word]]
        hits = sorted({n for n in self.commands if n.startswith(word)})
        if len(hits) == 1:
            return self.commands[hits[0]]
        if len(hits) > 1:
            raise VtdbgError(f'ambiguous {what} "{word}": {", ".join(hits)}')
        raise VtdbgError(f'undefined {what}: "{word}". Try "help".')


# the table every front end uses; command modules register into it on import
COMMANDS = CommandTable("vtdbg commands")
INFO = CommandTable("info subcommands")
SHOW = CommandTable("show subcommands")
