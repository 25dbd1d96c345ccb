"""Minimal PAL firmware: the PAL_PROC entry point and a few procedures (SDM vol 2 ch. 11).

PAL_PROC sits at PAL_ENTRY (physical; the board hands the address to guests in r8).  The
model runs firmware as Python: a branch to the entry runs `PalFirmware.call`, which reads the
index from GR28 and returns to the caller by the convention of that index's range:
- static procedures (1-255): entered by br.cond with the return address in b0, arguments in
  GR29-GR31; results in GR8 (status), GR9-GR11; the register frame is untouched;
- stacked procedures (256-511): entered by br.call (a normal frame: in0 = index, in1-in3 =
  arguments); results in GR8-GR11, then a br.ret through b0 and AR.PFS.
Unknown indices return -1 (unimplemented).  The VT-i issue adds PAL_VP_* and the VPS here.
"""
from __future__ import annotations

from .faults import Interruption
from .mmu import IMPL_PA_MSB, IMPL_VA_MSB, N_TR
from .rse import N_STACKED
from .sysregs import N_BR_DEBUG, N_PKR, PAGE_SIZES

PAL_ENTRY = 0xFFF0_0000
M64 = (1 << 64) - 1
OK, UNIMPLEMENTED, INVALID_ARG = 0, -1, -2

# index -> name (Linux arch/ia64/include/asm/pal.h numbering)
PAL_NAMES = {1: "PAL_CACHE_FLUSH", 4: "PAL_CACHE_SUMMARY", 5: "PAL_MEM_ATTRIB",
             6: "PAL_PTCE_INFO", 8: "PAL_VM_SUMMARY", 11: "PAL_DEBUG_INFO",
             13: "PAL_FREQ_BASE", 14: "PAL_FREQ_RATIOS", 17: "PAL_PROC_GET_FEATURES",
             18: "PAL_PROC_SET_FEATURES", 19: "PAL_RSE_INFO", 20: "PAL_VERSION",
             29: "PAL_HALT_LIGHT", 34: "PAL_VM_PAGE_SIZE", 257: "PAL_HALT_INFO",
             261: "PAL_VM_TR_READ"}


class PalFirmware:
    def __init__(self):
        self.features = 0                 # PAL_PROC_GET_FEATURES: implemented features
        self.features_on = 0
        self.calls: list[tuple[int, str]] = []   # (index, name) of each call, for tests/logs
        self.procs = {1: self.cache_flush, 4: self.cache_summary, 5: self.mem_attrib,
                      6: self.ptce_info, 8: self.vm_summary, 11: self.debug_info,
                      13: self.freq_base, 14: self.freq_ratios, 17: self.get_features,
                      18: self.set_features, 19: self.rse_info, 20: self.version,
                      29: self.halt_light, 34: self.vm_page_size, 261: self.vm_tr_read}

    def install(self, cpu) -> None:
        cpu.firmware[PAL_ENTRY] = self.call

    def call(self, cpu) -> int:
        """Run the procedure named by GR28; return the IP to continue at."""
        gr = cpu.gr
        idx = gr[28]
        stacked = 256 <= idx < 512
        args = (gr[33], gr[34], gr[35]) if stacked else (gr[29], gr[30], gr[31])
        name = PAL_NAMES.get(idx, f"PAL_PROC {idx}")
        self.calls.append((idx, name))
        cpu.notify("pal", {"index": idx, "name": name, "args": args})
        fn = self.procs.get(idx)
        res = fn(cpu, *args) if fn is not None else (UNIMPLEMENTED,)
        res = tuple(res) + (0,) * (4 - len(res))
        for i, v in enumerate(res[:4]):
            gr[8 + i] = v & M64
            cpu.nat[8 + i] = 0
        if stacked:                         # return as br.ret b0 would
            pfs = cpu.ar[64]
            pfm = pfs & ((1 << 38) - 1)
            cpu.restore_frame((pfm >> 7) & 0x7F, pfm)
            cpu.ar[66] = (pfs >> 52) & 0x3F
        return cpu.br[0] & ~0xF

    # -- procedures --------------------------------------------------------------------------
    def cache_flush(self, cpu, *a):
        return OK, 0

    def cache_summary(self, cpu, *a):
        return OK, 2, 1                      # two cache levels, one unique cache

    def mem_attrib(self, cpu, *a):
        return OK, 0xF1                      # WB, UC, UCE, WC, NaTPage supported

    def ptce_info(self, cpu, *a):
        return OK, 0, 1 << 32 | 1, 0         # one ptc.e (count 1 x 1, strides 0) purges all

    def vm_summary(self, cpu, *a):
        info1 = ((IMPL_PA_MSB + 1) << 1 | 24 << 8 | (N_PKR - 1) << 16 | (N_TR - 1) << 32
                 | (N_TR - 1) << 40 | 1 << 56)
        return OK, info1, (IMPL_VA_MSB + 1) | 24 << 8

    def debug_info(self, cpu, *a):
        return OK, N_BR_DEBUG // 2, N_BR_DEBUG // 2

    def freq_base(self, cpu, *a):
        return OK, 100_000_000

    def freq_ratios(self, cpu, *a):
        return OK, 1 << 32 | 1, 1 << 32 | 1, 1 << 32 | 1

    def get_features(self, cpu, *a):
        return OK, self.features, self.features_on, self.features

    def set_features(self, cpu, want=0, *a):
        if want & ~self.features:
            return (INVALID_ARG,)
        self.features_on = want
        return (OK,)

    def rse_info(self, cpu, *a):
        return OK, N_STACKED, 0

    def version(self, cpu, *a):
        return OK, 0x0001_0000, 0x0001_0000

    def halt_light(self, cpu, *a):
        cpu.halted = True
        cpu.pending = True
        return (OK,)

    def vm_page_size(self, cpu, *a):
        sizes = sum(1 << s for s in PAGE_SIZES)
        return OK, sizes, sizes

    def vm_tr_read(self, cpu, reg=0, kind=0, buf=0):
        trs = cpu.itr if kind == 0 else cpu.dtr
        if reg >= N_TR:
            return (INVALID_ARG,)
        e = trs[reg]
        words = (0, 0, 0, 0) if e is None else (e.pte, e.itir, e.vbase, e.rid << 8)
        try:
            for i, w in enumerate(words):
                cpu.data_write(buf + 8 * i, 8, w)
        except Interruption:                  # a buffer PAL cannot write: bad argument
            return (INVALID_ARG,)
        return OK, 0xF

