"""The command interpreter: lines in, output lines out. Blocks (define, document, if/else,
while, commands ... end) are collected line by line, so a command file, the REPL and the TUI
console all feed it the same way. Errors are VtdbgError with the FILE:LINE where they
happened."""
from __future__ import annotations

import os
import re

from ..errors import VtdbgError
from .table import COMMANDS, Command

BLOCK_STARTS = ("define", "document", "if", "while", "commands")
WORD = re.compile(r"\s*([A-Za-z_][\w-]*|[!#])")
MAX_DEPTH = 64


class CommandError(VtdbgError):
    def __init__(self, message: str, where=None):
        super().__init__(message)
        self.where = where

    def located(self) -> str:
        if self.where and self.where[0]:
            return f"{self.where[0]}:{self.where[1]}: {self}"
        return str(self)


class Quit(Exception):
    """`quit`: the front end ends the session."""


class _Resume(Exception):
    """A run-control command inside a stop point's commands: resume after them."""


class LoopBreak(Exception):
    pass


class LoopContinue(Exception):
    pass


def _block_word(text: str) -> str:
    m = WORD.match(text)
    if not m:
        return ""
    w = m.group(1)
    if w in ("def", "define"):
        return "define"
    return w


class Interp:
    def __init__(self, session, out=print, err=None):
        self.session = session
        self._sink = out                        # takes one complete line at a time
        self.err = err or out
        self._partial = ""
        self._guest = ""
        self.user: dict[str, list] = {}          # user-defined commands: name -> lines
        self.user_doc: dict[str, str] = {}
        self._block: list | None = None         # lines of a block being collected
        self._depth = 0
        self._nest = 0
        self.loops = 0                          # while loops running (for loop_break)
        self._in_commands = 0
        self._resume = None
        self.where = None                       # (file, line) of the line executing now
        self.last_x = None                      # (address, fmt, size, physical) for `x`
        self.print_stops = True
        from . import load_all
        load_all()

    # -- feeding lines --------------------------------------------------------------------
    @property
    def continuing(self) -> bool:
        """True while a block waits for more lines (the REPL shows a '>' prompt)."""
        return self._block is not None

    def feed(self, line: str, where=None) -> None:
        if self._block is not None:
            stripped = line.strip()
            if stripped == "end":
                self._depth -= 1
            elif not self._is_doc() and _block_word(stripped) in BLOCK_STARTS:
                self._depth += 1
            if self._depth == 0:
                block, self._block = self._block, None
                self._run_block(block, where)
                return
            self._block.append((line, where))
            return
        text = line.strip()
        if not text or text.startswith("#"):
            return
        w = _block_word(text)
        if w in BLOCK_STARTS:
            self._block = [(text, where)]
            self._depth = 1
            return
        self.execute(text, where)

    def _is_doc(self) -> bool:
        return _block_word(self._block[0][0]) == "document"

    def cancel_block(self) -> None:
        self._block = None
        self._depth = 0

    def run_lines(self, lines: list, where_base=None) -> None:
        """Execute stored (text, where) lines, blocks included."""
        saved = (self._block, self._depth)
        self._block, self._depth = None, 0
        try:
            for text, where in lines:
                self.feed(text, where)
            if self._block is not None:
                raise CommandError("missing 'end' in a block", self._block[0][1])
        finally:
            self._block, self._depth = saved

    # -- one command --------------------------------------------------------------------------
    def split(self, text: str):
        """'x/8xg $rsp' -> ('x', '8xg', '$rsp')."""
        m = re.match(r"\s*([A-Za-z_][\w.-]*|!)(?:/(\S*))?\s*(.*)$", text, re.DOTALL)
        if m is None:
            raise VtdbgError(f'undefined command: "{text.split()[0]}". Try "help".')
        return m.group(1), m.group(2), m.group(3).strip()

    def lookup(self, word: str) -> Command | str:
        if word in COMMANDS.commands or word in COMMANDS.aliases:
            return COMMANDS.find(word)
        if word in self.user:
            return word
        users = [u for u in self.user if u.startswith(word)]
        try:
            cmd = COMMANDS.find(word)
        except VtdbgError:
            if len(users) == 1:
                return users[0]
            raise
        return cmd

    def execute(self, text: str, where=None) -> None:
        saved = self.where
        self.where = where
        self._nest += 1
        try:
            if self._nest > MAX_DEPTH:
                raise VtdbgError("commands nested too deeply (a recursive define?)")
            word, fmt, args = self.split(text)
            cmd = self.lookup(word)
            if isinstance(cmd, str):
                if fmt is not None:
                    raise VtdbgError(f"{cmd} takes no /FORMAT")
                self.call_user(cmd, args)
                return
            if fmt is not None and not cmd.fmt:
                raise VtdbgError(f"{cmd.name} takes no /FORMAT")
            cmd.handler(self, args, fmt)
        except CommandError:
            raise
        except VtdbgError as e:
            raise CommandError(str(e), where) from None
        except (LoopBreak, LoopContinue, _Resume, Quit):
            raise
        except RecursionError:
            raise CommandError("commands nested too deeply", where) from None
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except Exception as e:  # a debugger bug must not end the session
            raise CommandError(f"internal error: {type(e).__name__}: {e}", where) from e
        finally:
            self._nest -= 1
            self.where = saved

    # -- blocks -----------------------------------------------------------------------------
    def _run_block(self, block: list, end_where) -> None:
        head, where = block[0]
        body = block[1:]
        word, _, args = self.split(head)
        word = "define" if word == "def" else word
        try:
            if word == "define":
                self.define(args, body, where)
            elif word == "document":
                name = args.strip()
                if name not in self.user:
                    raise VtdbgError(f'undefined user command "{name}"')
                self.user_doc[name] = "\n".join(t.strip() for t, _ in body)
            elif word == "if":
                self._if(args, body, where)
            elif word == "while":
                self._while(args, body, where)
            elif word == "commands":
                from .breaks import set_commands
                set_commands(self, args, [t.strip() for t, _ in body])
        except CommandError:
            raise
        except VtdbgError as e:
            raise CommandError(str(e), where) from None

    def define(self, args: str, body: list, where) -> None:
        name = args.strip()
        if not re.fullmatch(r"[A-Za-z_][\w-]*", name or ""):
            raise VtdbgError("define needs a command name")
        if name in COMMANDS.commands or name in COMMANDS.aliases:
            raise VtdbgError(f'"{name}" is a built-in command; choose another name')
        self.user[name] = body

    def _cond(self, expr: str) -> bool:
        if not expr:
            raise VtdbgError("a condition is needed")
        return bool(self.session.evaluator().eval_int(expr))

    def _if(self, cond: str, body: list, where) -> None:
        then, other, depth = [], None, 0
        for text, w in body:
            bw = _block_word(text)
            if bw in BLOCK_STARTS:
                depth += 1
            elif text.strip() == "end":
                depth -= 1
            elif text.strip() == "else" and depth == 0:
                if other is not None:
                    raise CommandError("two 'else' in one 'if'", w)
                other = []
                continue
            (other if other is not None else then).append((text, w))
        ok = self._cond(cond)
        self.run_lines(then if ok else (other or []))

    def _while(self, cond: str, body: list, where) -> None:
        s = self.session
        s._interrupt = False
        self.loops += 1
        try:
            self._loop(cond, body)
        finally:
            self.loops -= 1

    def _loop(self, cond: str, body: list) -> None:
        s = self.session
        while self._cond(cond):
            if s._interrupt:
                raise VtdbgError("interrupted")
            try:
                self.run_lines(body)
            except LoopBreak:
                break
            except LoopContinue:
                continue

    def call_user(self, name: str, args: str) -> None:
        argv = args.split()
        lines = []
        for text, w in self.user[name]:
            t = text.replace("$argc", str(len(argv)))
            for i in range(len(argv) - 1, -1, -1):
                t = t.replace(f"$arg{i}", argv[i])
            if re.search(r"\$arg\d", t):
                raise VtdbgError(f"{name}: missing argument ({re.search(r'[$]arg[0-9]+', t).group()})")
            lines.append((t, w))
        self.run_lines(lines)

    # -- files ----------------------------------------------------------------------------------
    def source(self, path: str) -> None:
        path = os.path.expanduser(path)
        if not os.path.isabs(path) and not os.path.exists(path) and self.where and \
                self.where[0]:
            near = os.path.join(os.path.dirname(self.where[0]), path)
            if os.path.exists(near):           # relative to the file that sources it
                path = near
        try:
            with open(path, encoding="utf-8") as fh:
                lines = fh.read().splitlines()
        except OSError as e:
            raise VtdbgError(f"{path}: {e.strerror or e}") from None
        except UnicodeDecodeError:
            raise VtdbgError(f"{path}: not a text file") from None
        saved = (self._block, self._depth)
        self._block, self._depth = None, 0
        try:
            for i, text in enumerate(lines, 1):
                self.feed(text, (path, i))
            if self._block is not None:
                raise CommandError("missing 'end' at the end of the file",
                                   self._block[0][1])
        finally:
            self._block, self._depth = saved

    # -- output helpers ---------------------------------------------------------------------------
    def guest_output(self, data: bytes) -> None:
        """What the guest writes to its console (a machine console hook), by lines."""
        text = self._guest + data.decode("latin-1").replace("\r", "")
        *done, self._guest = text.split("\n")
        for ln in done:
            self._sink(ln)

    def write(self, text: str) -> None:
        """Raw output (echo, printf): complete lines go to the sink, the rest waits."""
        if self._guest:                     # a guest line without its newline yet
            self._sink(self._guest)
            self._guest = ""
        text = self._partial + text
        *done, self._partial = text.split("\n")
        for ln in done:
            self._sink(ln)

    def out(self, line: str) -> None:
        self.write(line + "\n")

    def flush(self) -> None:
        if self._guest:
            self._sink(self._guest)
            self._guest = ""
        if self._partial:
            self._sink(self._partial)
            self._partial = ""

    def lines(self, lines) -> None:
        for ln in lines:
            self.out(ln)

    def resume(self, run) -> None:
        """Run-control commands call this with a function that resumes the machine and
        returns a StopReport. Inside a stop point's commands the resumption waits until those
        commands are done (the rest of them is skipped), as in gdb, so `continue` at the end
        of `commands` loops instead of nesting."""
        if self._in_commands:
            self._resume = run
            raise _Resume()
        self.show_stop(run())

    def show_stop(self, report) -> None:
        """Print a stop, the auto-displays, then the hit stop points' commands."""
        while True:
            silent = any(h.point is not None and h.point.commands[:1] == ["silent"]
                         for h in report.hits)
            if not silent and self.print_stops:
                self.lines(report.lines)
                from .data import do_displays
                do_displays(self)
            self._resume = None
            for h in report.hits:
                if h.point is not None and h.point.commands:
                    cmds = [c for c in h.point.commands if c != "silent"]
                    self._in_commands += 1
                    try:
                        self.run_lines([(c, self.where) for c in cmds])
                    except _Resume:
                        break
                    finally:
                        self._in_commands -= 1
            if self._resume is None:
                return
            report = self._resume()
