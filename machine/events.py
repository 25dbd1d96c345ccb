"""Stop reasons: what Machine.run()/step() return to whoever drives the machine."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class StopKind(Enum):
    STEP = "step done"
    LIMIT = "instruction limit reached"
    HALTED = "halted"
    SHUTDOWN = "shutdown (triple fault)"
    EXIT = "guest exit code"
    BREAKPOINT = "breakpoint"
    INTERRUPTED = "interrupted"
    EVENT = "debug event"            # an observer (the debugger) asked to stop: Machine.stop_soon


@dataclass
class Stop:
    kind: StopKind
    icount: int
    detail: str = ""
    code: int | None = None          # guest exit code for StopKind.EXIT
    info: dict = field(default_factory=dict)

    def describe(self) -> str:
        text = self.kind.value
        if self.kind is StopKind.EXIT:
            text = f"guest exit code {self.code}"
        if self.detail:
            text += f": {self.detail}"
        return text


class GuestExit(Exception):
    """Raised by the exit-port device; the CPU loop turns it into StopKind.EXIT."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code
