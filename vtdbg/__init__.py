"""vtdbg: a terminal debugger for virtual machines on a software model of Intel VT-x and VT-i."""
from __future__ import annotations

__version__ = "0.1.0"
