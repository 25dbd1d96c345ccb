"""IA-64 bundles: 128 bits = a 5-bit template and three 41-bit instruction slots.

The template gives each slot's execution-unit type and where the stops (ends of instruction
groups) are (SDM vol 3 Table 3-10).  Slot 1 of an MLX bundle and slot 2 together form one
X-unit instruction (movl, brl, break.x, nop.x).
"""
from __future__ import annotations

SLOT_MASK = (1 << 41) - 1

# template -> (unit types of slots 0-2, slots followed by a stop); None = reserved template
TEMPLATES: list[tuple[str, tuple[int, ...]] | None] = [None] * 32
for _t, _units, _stops in (
        (0x00, "MII", ()), (0x01, "MII", (2,)), (0x02, "MII", (1,)), (0x03, "MII", (1, 2)),
        (0x04, "MLX", ()), (0x05, "MLX", (2,)),
        (0x08, "MMI", ()), (0x09, "MMI", (2,)), (0x0A, "MMI", (0,)), (0x0B, "MMI", (0, 2)),
        (0x0C, "MFI", ()), (0x0D, "MFI", (2,)), (0x0E, "MMF", ()), (0x0F, "MMF", (2,)),
        (0x10, "MIB", ()), (0x11, "MIB", (2,)), (0x12, "MBB", ()), (0x13, "MBB", (2,)),
        (0x16, "BBB", ()), (0x17, "BBB", (2,)), (0x18, "MMB", ()), (0x19, "MMB", (2,)),
        (0x1C, "MFB", ()), (0x1D, "MFB", (2,))):
    TEMPLATES[_t] = (_units, _stops)


def split(raw: bytes | int) -> tuple[int, int, int, int]:
    """(template, slot0, slot1, slot2) of a bundle given as 16 bytes or a 128-bit int."""
    b = int.from_bytes(raw, "little") if isinstance(raw, (bytes, bytearray, memoryview)) else raw
    return b & 0x1F, (b >> 5) & SLOT_MASK, (b >> 46) & SLOT_MASK, (b >> 87) & SLOT_MASK


def join(template: int, s0: int, s1: int, s2: int) -> bytes:
    """The 16 bytes of a bundle."""
    b = (template & 0x1F) | (s0 & SLOT_MASK) << 5 | (s1 & SLOT_MASK) << 46 | (s2 & SLOT_MASK) << 87
    return b.to_bytes(16, "little")


def template_for(units: str, stops: tuple[int, ...] = ()) -> int | None:
    """The template number with these unit types and stops, or None."""
    for t, e in enumerate(TEMPLATES):
        if e is not None and e[0] == units and e[1] == tuple(stops):
            return t
    return None
