"""Extended page tables (SDM Vol. 3C, 29.3; digest section 9): the EPT pointer, the 4-level
walk from guest-physical to host-physical addresses, EPT violations and misconfigurations."""
from __future__ import annotations

from ..mmu import MAXPHYADDR
from . import msrs
from .exitinfo import VmExit

PHYS = ((1 << MAXPHYADDR) - 1) & ~0xFFF
RESERVED_HIGH = ((1 << 52) - 1) & ~((1 << MAXPHYADDR) - 1)       # bits 51:MAXPHYADDR
READ, WRITE, FETCH = 0, 1, 2
LEVEL_NAMES = ("PML4E", "PDPTE", "PDE", "PTE")
BAD_MEMTYPES = {2, 3, 7}


def eptp_problem(eptp: int) -> str | None:
    """Why an EPT pointer is invalid (SDM 27.2.1.1), or None."""
    cap = msrs.EPT_VPID_CAP
    mt = eptp & 7
    if not ((mt == 0 and cap >> 8 & 1) or (mt == 6 and cap >> 14 & 1)):
        return f"EPTP {eptp:#x}: memory type {mt} not supported"
    if (eptp >> 3) & 7 != 3:
        return f"EPTP {eptp:#x}: page-walk length {(eptp >> 3) & 7} + 1 not supported"
    if eptp >> 6 & 1 and not cap >> 21 & 1:
        return f"EPTP {eptp:#x}: accessed/dirty flags not supported"
    if eptp & 0xF80 or eptp >> MAXPHYADDR:
        return f"EPTP {eptp:#x}: reserved bits set"
    return None


def eptp_valid(eptp: int) -> bool:
    return eptp_problem(eptp) is None


class EptMixin:
    def ept_translate(self, gpa: int, access: int, lin: int | None = None,
                      final: bool = True) -> int:
        """Guest-physical -> host-physical, or raise the EPT violation/misconfiguration exit.

        `final` is False for accesses to the guest's own paging structures (qualification bit
        8, SDM 28.2.1 Table 28-7)."""
        eptp = self.vmcs["EPT_POINTER"]
        ad = eptp >> 6 & 1
        table = eptp & PHYS
        perms = 7
        walked = []
        bus = self.bus
        for level, shift in enumerate((39, 30, 21, 12)):
            ea = table + ((gpa >> shift) & 0x1FF) * 8
            e = bus.read(ea, 8)
            if e & 7 == 0:
                self._ept_violation(gpa, access, lin, 0, final,
                                    f"{LEVEL_NAMES[level]} at {ea:#x} is not present")
            problem = self._ept_misconfig(e, level)
            if problem:
                raise VmExit(49, guest_physical=gpa, cause=f"EPT misconfiguration: "
                             f"{LEVEL_NAMES[level]} {e:#x} at {ea:#x}: {problem}",
                             cause_field="EPT_POINTER")
            perms &= e & 7
            walked.append((ea, e))
            leaf = level == 3 or (level in (1, 2) and e >> 7 & 1)
            if leaf:
                size = 1 << shift
                hpa = (e & PHYS & ~(size - 1)) | (gpa & (size - 1))
                break
            table = e & PHYS
        need = {READ: 1, WRITE: 2, FETCH: 4}[access]
        if not perms & need:
            self._ept_violation(gpa, access, lin, perms, final,
                                f"the EPT entries allow {_perm_text(perms)}")
        # What a later access may do through the TLB without walking again.
        self.ept_perms = (perms & 1) | (perms & 2 if (access == WRITE or not ad) else 0) | (
            perms & 4)
        if ad:
            for ea, e in walked:
                if not e >> 8 & 1:
                    bus.write(ea, 8, e | 0x100)
            if access == WRITE:
                ea, e = walked[-1]
                bus.write(ea, 8, bus.read(ea, 8) | 0x300)
        return hpa

    def _ept_misconfig(self, e: int, level: int) -> str | None:
        if e & 7 in (2, 6):
            return "write permission without read"
        if e & 7 == 4 and not msrs.EPT_VPID_CAP & 1:
            return "execute-only not supported"
        if e & RESERVED_HIGH:
            return "reserved bits 51:MAXPHYADDR set"
        large = e >> 7 & 1
        if level == 0 and (large or e & 0x78):
            return "reserved bits 7:3 set in a PML4E"
        if level == 1 and large and not msrs.EPT_VPID_CAP >> 17 & 1:
            return "1-GiB page not supported"
        if level in (1, 2) and large:
            if e & ((1 << (30 if level == 1 else 21)) - 1) & ~0xFFF:
                return "reserved bits in the large-page frame"
        if (level in (1, 2) and not large) and e & 0x78:
            return "reserved bits 7:3 set in a non-leaf entry"
        if (level == 3 or large) and (e >> 3) & 7 in BAD_MEMTYPES:
            return f"memory type {(e >> 3) & 7} is reserved"
        return None

    def _ept_violation(self, gpa, access, lin, perms, final, why):
        qual = (1 << access) | (perms << 3)
        if not final and access == WRITE:
            # A guest paging-structure write (an A/D update, or any access with EPT A/D flags)
            # sets bits 0 and 1 (SDM 28.2.1, Table 28-7 and its notes).
            qual |= 1
        if lin is not None:
            qual |= 1 << 7
            if final:
                qual |= 1 << 8
        raise VmExit(48, qual, guest_linear=lin, guest_physical=gpa,
                     cause=f"EPT violation at guest-physical {gpa:#x}: {why}",
                     cause_field="EPT_POINTER")


def _perm_text(p: int) -> str:
    return "".join(c if p >> i & 1 else "-" for i, c in enumerate("rwx")) or "nothing"
