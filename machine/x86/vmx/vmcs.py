"""VMCS regions and the processor's working copy of them (SDM Vol. 3C, 25.2 and 25.11).

A VMCS region lives in guest memory. Its first 8 bytes are architectural (revision identifier,
VMX-abort indicator); the rest is this implementation's format:
  offset 8      launch state (0 = clear, 1 = launched)
  offset 0x10   one 8-byte slot per field, in the order of fields.FIELDS
The processor works on a cached copy (`Vmcs.values`) from VMPTRLD until VMCLEAR writes it back,
as hardware does: software that writes an active region directly sees undefined results.
"""
from __future__ import annotations

from .fields import BY_ENCODING, BY_NAME, FIELDS

ABORT_OFFSET, LAUNCH_OFFSET, DATA_OFFSET = 4, 8, 0x10
SLOT = {enc: DATA_OFFSET + 8 * i for i, (enc, _, _) in enumerate(FIELDS)}
WIDTH_MASK = {0: 0xFFFF, 1: (1 << 64) - 1, 2: 0xFFFFFFFF, 3: (1 << 64) - 1}
INVALID_PTR = (1 << 64) - 1
ENCODING = {name: f.encoding for name, f in BY_NAME.items()}
# control and host-state fields (encoding bits 11:10 = 0 or 3): what the VM-entry checks of
# those areas read, so a change to one of them means the checks must run again
CONTROL_HOST = frozenset(enc for enc in BY_ENCODING if (enc >> 10) & 3 in (0, 3))


def mask_of(encoding: int) -> int:
    return WIDTH_MASK[(encoding >> 13) & 3]


class Vmcs:
    """One VMCS the processor has made active (by VMPTRLD)."""

    def __init__(self, addr: int):
        self.addr = addr
        self.values: dict[int, int] = {enc: 0 for enc in BY_ENCODING}
        self.launched = False
        self.checked: object = None     # what the control/host checks last passed under

    # by name (what the VMX code uses) and by encoding (what VMREAD/VMWRITE use) ----------
    def __getitem__(self, name: str) -> int:
        return self.values[ENCODING[name]]

    def __setitem__(self, name: str, value: int) -> None:
        enc = ENCODING[name]
        value &= WIDTH_MASK[(enc >> 13) & 3]
        if enc in CONTROL_HOST and self.values[enc] != value:
            self.checked = None
        self.values[enc] = value

    def read(self, encoding: int, high: bool = False) -> int:
        v = self.values[encoding]
        return v >> 32 if high else v

    def write(self, encoding: int, value: int, high: bool = False) -> None:
        if encoding in CONTROL_HOST:
            self.checked = None
        if high:
            lo = self.values[encoding] & 0xFFFFFFFF
            self.values[encoding] = lo | ((value & 0xFFFFFFFF) << 32)
        else:
            self.values[encoding] = value & mask_of(encoding)

    # memory image ----------------------------------------------------------------------
    def store(self, bus) -> None:
        """VMCLEAR: write the working copy back into the region."""
        bus.write(self.addr + LAUNCH_OFFSET, 4, 1 if self.launched else 0)
        for enc, off in SLOT.items():
            bus.write(self.addr + off, 8, self.values[enc])

    @classmethod
    def load(cls, bus, addr: int) -> Vmcs:
        """VMPTRLD of an inactive VMCS: read the working copy from the region."""
        v = cls(addr)
        v.launched = bus.read(addr + LAUNCH_OFFSET, 4) == 1
        for enc, off in SLOT.items():
            v.values[enc] = bus.read(addr + off, 8) & mask_of(enc)
        return v

    def snapshot(self) -> dict:
        return {"addr": self.addr, "launched": self.launched, "values": dict(self.values)}
