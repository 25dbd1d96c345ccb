"""Minimal PAL firmware: the PAL_PROC entry point and a few procedures (SDM vol 2 ch. 11).

PAL_PROC sits at PAL_ENTRY (physical; the board hands the address to guests in r8).  The
model runs firmware as Python: a branch to the entry runs `PalFirmware.call`, which reads the
index from GR28 and returns to the caller by the convention of that index's range:
- static procedures (1-255): entered by br.cond with the return address in b0, arguments in
  GR29-GR31; results in GR8 (status), GR9-GR11; the register frame is untouched;
- stacked procedures (256-511): entered by br.call (a normal frame: in0 = index, in1-in3 =
  arguments); results in GR8-GR11, then a br.ret through b0 and AR.PFS.
Unknown indices return -1 (unimplemented).

VT-i (vti.md 5): the PAL_VP_* procedures (stacked) and the VPS services, entered by a branch
to vsa_base + offset (VSA_BASE, returned by PAL_VP_INIT_ENV) with the return address in
GR24 and the VPD in GR25.  The model keeps no virtual-processor state outside the VPD, so
the sync services only check their VPD.  The virtual-processor bookkeeping is cpu.vti.
"""
from __future__ import annotations

from . import vpd as V
from . import vti as VT
from .faults import Interruption, illegal_op
from .mmu import IMPL_PA_MSB, IMPL_VA_MSB, N_TR
from .rse import N_STACKED
from .sysregs import N_BR_DEBUG, N_PKR, PAGE_SIZES

PAL_ENTRY = 0xFFF0_0000
M64 = (1 << 64) - 1
OK, UNIMPLEMENTED, INVALID_ARG, ERROR = 0, -1, -2, -3
FEATURE_VM, FEATURE_VMSW = 1 << 40, 1 << 54        # PAL_PROC_GET_FEATURES (vti.md 5.1)
VSA_BASE = 0xFFF1_0000
VP_BUFFER_SIZE = 0x10000           # PAL_VP_ENV_INFO: the virtual-environment buffer
VP_ENV_OPCODE = 1 << 8             # vp_env_info / config_options: opcode in GR25
CFG_INIT, CFG_OPCODE, CFG_CAUSE, CFG_GITC = 1, 1 << 8, 1 << 9, 1 << 10
CFG_RESERVED = ((1 << 63) - 1) & ~((1 << 11) - 1)
VPS = {0x0000: "PAL_VPS_RESUME_NORMAL", 0x0400: "PAL_VPS_RESUME_HANDLER",
       0x0800: "PAL_VPS_SYNC_READ", 0x0C00: "PAL_VPS_SYNC_WRITE",
       0x1000: "PAL_VPS_SET_PENDING_INTERRUPT", 0x1400: "PAL_VPS_THASH",
       0x1800: "PAL_VPS_TTAG", 0x1C00: "PAL_VPS_RESTORE", 0x2000: "PAL_VPS_SAVE"}

# index -> name (Linux arch/ia64/include/asm/pal.h numbering)
PAL_NAMES = {1: "PAL_CACHE_FLUSH", 4: "PAL_CACHE_SUMMARY", 5: "PAL_MEM_ATTRIB",
             6: "PAL_PTCE_INFO", 8: "PAL_VM_SUMMARY", 11: "PAL_DEBUG_INFO",
             13: "PAL_FREQ_BASE", 14: "PAL_FREQ_RATIOS", 17: "PAL_PROC_GET_FEATURES",
             18: "PAL_PROC_SET_FEATURES", 19: "PAL_RSE_INFO", 20: "PAL_VERSION",
             29: "PAL_HALT_LIGHT", 34: "PAL_VM_PAGE_SIZE", 257: "PAL_HALT_INFO",
             261: "PAL_VM_TR_READ", 265: "PAL_VP_CREATE", 266: "PAL_VP_ENV_INFO",
             267: "PAL_VP_EXIT_ENV", 268: "PAL_VP_INIT_ENV", 269: "PAL_VP_REGISTER",
             270: "PAL_VP_RESTORE", 271: "PAL_VP_SAVE", 272: "PAL_VP_TERMINATE"}


class PalFirmware:
    def __init__(self):
        self.features = FEATURE_VM | FEATURE_VMSW    # PAL_PROC_GET_FEATURES: implemented
        self.features_on = self.features
        self.calls: list[tuple[int, str]] = []   # (index, name) of each call, for tests/logs
        self.procs = {1: self.cache_flush, 4: self.cache_summary, 5: self.mem_attrib,
                      6: self.ptce_info, 8: self.vm_summary, 11: self.debug_info,
                      13: self.freq_base, 14: self.freq_ratios, 17: self.get_features,
                      18: self.set_features, 19: self.rse_info, 20: self.version,
                      29: self.halt_light, 34: self.vm_page_size, 261: self.vm_tr_read,
                      265: self.vp_create, 266: self.vp_env_info, 267: self.vp_exit_env,
                      268: self.vp_init_env, 269: self.vp_register, 270: self.vp_restore,
                      271: self.vp_save, 272: self.vp_terminate}

    def install(self, cpu) -> None:
        cpu.firmware[PAL_ENTRY] = self.call
        for off, name in VPS.items():
            cpu.firmware[VSA_BASE + off] = getattr(self, name[8:].lower())

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
        if 265 <= idx <= 272 and not cpu.vti.enabled:
            fn = None                        # VM features off: every PAL_VP_* is unimplemented
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
        cpu.vti.enabled = bool(want & FEATURE_VM)
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


    # -- VT-i: PAL_VP_* (stacked; vti.md 5.2) ---------------------------------------------------
    def vp_env_info(self, cpu, *a):
        return OK, VP_BUFFER_SIZE, VP_ENV_OPCODE

    def vp_init_env(self, cpu, config=0, pbase=0, vbase=0):
        vti = cpu.vti
        if vti.env and vti.vps:
            return (ERROR,)
        if not config & CFG_OPCODE or config & (CFG_RESERVED | CFG_GITC) \
                or not config & CFG_INIT or (pbase | vbase) & 0xFFF \
                or _pa(cpu, vbase, pbase) != pbase:
            return (INVALID_ARG,)
        vti.env, vti.config, vti.buf_pa, vti.buf_va = True, config, pbase, vbase
        return OK, VSA_BASE

    def vp_exit_env(self, cpu, iva=0, *a):
        vti = cpu.vti
        if not vti.env:
            return (ERROR,)
        vti.env, vti.current = False, None
        vti.vps.clear()
        if iva:
            cpu.write_cr(2, iva)
        return (OK,)

    def vp_create(self, cpu, vpd=0, host_iva=0, opt_handler=0):
        vti = cpu.vti
        if not vti.env:
            return (ERROR,)
        if vpd & (V.VPD_ALIGN - 1) or vpd in vti.vps:
            return (INVALID_ARG,)
        pa = _pa(cpu, vpd)
        if pa is None or not _controls_ok(cpu, pa) or \
                cpu.bus.read(pa + V.VIRT_ENV_VADDR, 8) != vti.buf_va:
            return (INVALID_ARG,)
        vti.vps[vpd] = VT.VirtualProcessor(vpd, pa, host_iva & ~0x7FFF, opt_handler & ~0xF)
        return (OK,)

    def vp_register(self, cpu, vpd=0, host_iva=0, opt_handler=0):
        vp = cpu.vti.vps.get(vpd)
        if vp is None or not _controls_ok(cpu, vp.vpd_pa):
            return (INVALID_ARG,)
        vp.host_iva, vp.opt_handler = host_iva & ~0x7FFF, opt_handler & ~0xF
        return (OK,)

    def vp_restore(self, cpu, vpd=0, *a):
        vp = cpu.vti.vps.get(vpd)
        if vp is None:
            return (INVALID_ARG,)
        cpu.vti.current = vpd
        cpu.write_cr(2, vp.host_iva)
        return (OK,)

    def vp_save(self, cpu, vpd=0, *a):
        if vpd not in cpu.vti.vps:
            return (INVALID_ARG,)
        if cpu.vti.current == vpd:
            cpu.vti.current = None
        return (OK,)

    def vp_terminate(self, cpu, vpd=0, iva=0, *a):
        vti = cpu.vti
        if vti.vps.pop(vpd, None) is None:
            return (INVALID_ARG,)
        if vti.current == vpd:
            vti.current = None
        if iva:
            cpu.write_cr(2, iva)
        return (OK,)

    # -- VT-i: the VPS services (vsa_base + offset; GR24 return, GR25 VPD; vti.md 5.3) -------
    def _vps(self, cpu, off: int):
        vpd = cpu.gr[25]
        self.calls.append((VSA_BASE + off, VPS[off]))
        cpu.notify("pal", {"index": VSA_BASE + off, "name": VPS[off],
                           "args": (cpu.gr[24], vpd, cpu.gr[26])})
        return cpu.vti.vps.get(vpd)

    def _resume(self, cpu, off: int) -> int:
        vp = self._vps(cpu, off)
        if vp is None:                       # undefined in the SDM; the model faults
            raise illegal_op()
        cpu.vti.current = vp.vpd
        cpu.br[0] = cpu.gr[24]
        cpu.write_cr(2, vp.host_iva)
        cpu.rfi()
        VT.record(cpu, "vresume", off, cpu.ip, cpu.ri)
        if VT.vei_deliverable(cpu):
            VT.deliver_vei(cpu, cpu.ip, cpu.ri)
        return VT.RESUMED

    def _service(self, cpu, off: int, current: bool = False) -> int:
        vp = self._vps(cpu, off)
        if vp is None:
            raise illegal_op()
        if current:
            cpu.vti.current = vp.vpd
            cpu.write_cr(2, vp.host_iva)
        return cpu.gr[24] & ~0xF

    def resume_normal(self, cpu):
        return self._resume(cpu, 0x0000)

    def resume_handler(self, cpu):
        return self._resume(cpu, 0x0400)

    def sync_read(self, cpu):
        return self._service(cpu, 0x0800)

    def sync_write(self, cpu):
        return self._service(cpu, 0x0C00)

    def set_pending_interrupt(self, cpu):
        return self._service(cpu, 0x1000)

    def restore(self, cpu):
        return self._service(cpu, 0x1C00, current=True)

    def save(self, cpu):
        return self._service(cpu, 0x2000)

    def thash(self, cpu):
        self._vps(cpu, 0x1400)
        cpu.gr[31], cpu.nat[31] = long_thash(cpu.gr[25], cpu.gr[26], cpu.gr[27]), 0
        return cpu.gr[24] & ~0xF

    def ttag(self, cpu):
        self._vps(cpu, 0x1800)
        cpu.gr[31], cpu.nat[31] = long_ttag(cpu.gr[25], cpu.gr[26]), 0
        return cpu.gr[24] & ~0xF


def long_thash(va: int, rr: int, pta: int) -> int:
    """The long-format VHPT hash (implementation specific, SDM vol 2 4.1.5.4): 32-byte entries
    indexed by (virtual page number XOR region id) inside the 2^pta.size table at pta.base."""
    size = 1 << max((pta >> 2) & 0x3F, 15)
    hpn = (va & ((1 << (IMPL_VA_MSB + 1)) - 1)) >> ((rr >> 2) & 0x3F)
    idx = ((hpn ^ (rr >> 8 & 0xFFFFFF)) << 5) & (size - 1)
    return (pta & ~0x7FFF & ~(size - 1) & M64) | idx


def long_ttag(va: int, rr: int) -> int:
    """The long-format tag, as the model's ttag computes it (mmu.py) for the given RR."""
    hpn = (va & ((1 << (IMPL_VA_MSB + 1)) - 1)) >> ((rr >> 2) & 0x3F)
    return (hpn ^ ((rr >> 8 & 0xFFFFFF) << 39)) & ((1 << 63) - 1)


def _pa(cpu, va: int, default: int | None = None) -> int | None:
    """Physical address of a host VA the way PAL reaches it: through the TLB when PSR.dt."""
    if not cpu.psr & 0x20000:                # PSR.dt = 0: physical addressing
        return va if default is None else default
    try:
        return cpu._translate(va, 0, False)
    except Interruption:
        return None


def _controls_ok(cpu, vpd_pa: int) -> bool:
    """PAL_VP_CREATE/REGISTER: reserved vac/vdc bits or a_int with d_extint are invalid."""
    vac, vdc = cpu.bus.read(vpd_pa + V.VAC, 8), cpu.bus.read(vpd_pa + V.VDC, 8)
    return not (vac & ~V.VAC_DEFINED or vdc & ~V.VDC_DEFINED
                or vac & V.A_INT and vdc & V.D_EXTINT)
