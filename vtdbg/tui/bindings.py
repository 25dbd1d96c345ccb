"""The TUI's keys as data: the App's bindings, the footer and the help screen read this table.

F-keys follow the common IDE debuggers (F5 continue, F6 pause, F9 breakpoint, F10 step over,
F11 step into, Shift+F11 step out); single letters follow gdb and pudb (c, s, n, f, b) and work
when the command line does not have the focus."""
from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    keys: str                 # Textual key names, comma separated
    action: str
    label: str                # in the footer ("" = not shown there)
    description: str          # in the help screen
    priority: bool = False


KEYS = [
    Key("f5,c", "command('continue')", "Cont", "continue: run until something stops the machine"),
    Key("f6", "interrupt", "Stop", "interrupt the running guest"),
    Key("ctrl+c", "interrupt", "", "interrupt; when stopped, clear the command line",
        priority=True),
    Key("f11,s", "command('stepi')", "Step", "stepi: one instruction (into calls and VM exits)"),
    Key("f10,n", "command('nexti')", "Next", "nexti: one instruction, over calls"),
    Key("shift+f11,f12,f", "command('finish')", "Out", "finish: step out of the function"),
    Key("f9,b", "toggle_breakpoint", "Brk", "toggle a breakpoint at the disassembly cursor"),
    Key("f7,m", "step_mode", "Mode", "step mode: full (follow the CPU) / guest only"),
    Key("1", "toggle_pane('registers')", "", "show/hide the registers pane"),
    Key("2", "toggle_pane('disasm')", "", "show/hide the disassembly pane"),
    Key("3", "toggle_pane('vmcs')", "", "show the VMCS pane (narrow screens: its tab)"),
    Key("4", "toggle_pane('exits')", "", "show the exit log (narrow screens: its tab)"),
    Key("5", "toggle_pane('memory')", "", "show the memory pane (narrow screens: its tab)"),
    Key("6", "toggle_pane('console')", "", "show the console log (narrow screens: its tab)"),
    Key("f3", "next_tab(-1)", "", "previous bottom tab (narrow screens)"),
    Key("f4", "next_tab(1)", "", "next bottom tab (narrow screens)"),
    Key("f1,question_mark", "help", "Help", "this help"),
    Key("f2,colon", "focus_console", "Cmd", "focus the command line (Esc leaves it)"),
    Key("f8,z", "zoom", "Zoom", "zoom the focused pane (again: back)"),
    Key("ctrl+q", "quit", "", "quit vtdbg (or the `quit` command)"),
]

# footer keys left out below 120 columns (the help screen has them)
WIDE_FOOTER_ONLY = {"focus_console", "zoom"}

MOUSE = [
    ("click an exit row", "the exit in full; its VMCS field marked"),
    ("click the gutter", "set or delete a breakpoint there"),
    ("click a tab", "switch the bottom pane (narrow screens)"),
    ("wheel", "scroll any pane"),
]

OTHER = [
    ("Tab / Shift+Tab", "next / previous pane (command line: Tab completes)"),
    ("Up / Down", "history (command line); cursor (disassembly, exits)"),
    ("Home", "disassembly: back to RIP"),
    ("PageUp / PageDown", "page the disassembly, the exit log, memory"),
    ("Enter (empty line)", "repeat the last step or examine command"),
    ("Ctrl+P", "command palette: every command, the TUI's actions"),
]


def app_bindings() -> list[Binding]:
    out = []
    for k in KEYS:
        out.append(Binding(k.keys, k.action, k.label or k.description, show=bool(k.label),
                           priority=k.priority, key_display=_display(k.keys)))
    return out


def _display(keys: str) -> str:
    first = keys.split(",")[0]
    return {"shift+f11": "⇧F11", "ctrl+q": "^q"}.get(first, first.upper())


def key_names(keys: str) -> str:
    """'f5,c' -> 'F5  c' for the help screen."""
    names = {"colon": ":", "question_mark": "?", "ctrl+c": "Ctrl+C", "ctrl+q": "Ctrl+Q",
             "shift+f11": "Shift+F11"}
    return "  ".join(names.get(k, k.upper() if k.startswith("f") and k[1:].isdigit() else k)
                     for k in keys.split(","))
