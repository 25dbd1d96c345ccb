"""The IA32_VMX_* capability MSRs: the one VMX feature set this model implements
(SDM Vol. 3C, Appendix A). Each control MSR is (allowed-1 << 32) | allowed-0."""
from __future__ import annotations

import functools

from .fields import MAX_INDEX


def bits(*ns: int) -> int:
    v = 0
    for n in ns:
        v |= 1 << n
    return v


REVISION_ID = 0x76746462            # "vtdb": our VMCS revision identifier (bits 30:0)
VMCS_SIZE = 0x1000
MEMTYPE_WB = 6
CR3_TARGETS = 4
PREEMPTION_TIMER_RATE = 0           # the timer counts down once per TSC tick (MISC[4:0] = 0)

# default1 ("reserved, must be 1") bits, and those the TRUE MSRs let software clear (A.2-A.5)
PIN_DEFAULT1 = bits(1, 2, 4)
PROC_DEFAULT1 = bits(1, 4, 5, 6, 8, 13, 14, 15, 16, 26)
PROC_TRUE_CLEARABLE = bits(15, 16)
EXIT_DEFAULT1 = bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 16, 17)
EXIT_TRUE_CLEARABLE = bits(2)
ENTRY_DEFAULT1 = bits(0, 1, 2, 3, 4, 5, 6, 7, 8, 12)
ENTRY_TRUE_CLEARABLE = bits(2)

# What the model supports (allowed-1, beyond the default1 bits).
PIN_SUPPORTED = bits(0, 3, 5, 6)                 # ext-int, NMI exiting, virtual NMIs, timer
PROC_SUPPORTED = bits(2, 3, 7, 9, 10, 11, 12, 15, 16, 19, 20, 22, 23, 24, 25, 27, 28, 29, 30,
                      31)
PROC2_SUPPORTED = bits(1, 2, 3, 5, 6, 7)          # EPT, desc-table, RDTSCP, VPID, WBINVD, URG
EXIT_SUPPORTED = bits(2, 9, 15, 18, 19, 20, 21, 22)
ENTRY_SUPPORTED = bits(2, 9, 14, 15)

IA32_VMX_BASIC = (REVISION_ID | (VMCS_SIZE << 32) | (MEMTYPE_WB << 50) | bits(54, 55))
IA32_VMX_MISC = (PREEMPTION_TIMER_RATE | bits(5, 6, 7, 8) | (CR3_TARGETS << 16))
CR0_FIXED0, CR0_FIXED1 = 0x80000021, 0xFFFFFFFF
CR4_FIXED0 = 0x2000


def _ctl(default1: int, supported: int, true_clearable: int = 0, true: bool = False) -> int:
    allowed0 = default1 & ~true_clearable if true else default1
    return ((default1 | supported) << 32) | allowed0


EPT_VPID_CAP = bits(0, 6, 8, 14, 16, 17, 20, 21, 25, 26, 32, 40, 41, 42, 43)


@functools.cache
def capability_msrs(cr4_supported: int) -> dict[int, int]:
    """MSR number -> value; read-only (WRMSR to them raises #GP). Do not modify the result."""
    return {
        0x480: IA32_VMX_BASIC,
        0x481: _ctl(PIN_DEFAULT1, PIN_SUPPORTED),
        0x482: _ctl(PROC_DEFAULT1, PROC_SUPPORTED),
        0x483: _ctl(EXIT_DEFAULT1, EXIT_SUPPORTED),
        0x484: _ctl(ENTRY_DEFAULT1, ENTRY_SUPPORTED),
        0x485: IA32_VMX_MISC,
        0x486: CR0_FIXED0,
        0x487: CR0_FIXED1,
        0x488: CR4_FIXED0,
        0x489: cr4_supported | CR4_FIXED0,
        0x48A: MAX_INDEX << 1,
        0x48B: PROC2_SUPPORTED << 32,
        0x48C: EPT_VPID_CAP,
        0x48D: _ctl(PIN_DEFAULT1, PIN_SUPPORTED, true=True),
        0x48E: _ctl(PROC_DEFAULT1, PROC_SUPPORTED, PROC_TRUE_CLEARABLE, true=True),
        0x48F: _ctl(EXIT_DEFAULT1, EXIT_SUPPORTED, EXIT_TRUE_CLEARABLE, true=True),
        0x490: _ctl(ENTRY_DEFAULT1, ENTRY_SUPPORTED, ENTRY_TRUE_CLEARABLE, true=True),
    } | ({0x491: 0} if PROC2_SUPPORTED >> 13 & 1 else {})  # VMFUNC only with VM functions (A.11)
