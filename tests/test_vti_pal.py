"""PAL for VT-i (vti.md 5): PAL_PROC_GET_FEATURES, the PAL_VP_* procedures (stacked convention,
status codes) and the VPS services at their offsets from vsa_base, end to end from a VMM in
IA-64 code and one by one."""
from __future__ import annotations

from machine.ia64 import faults as F
from machine.ia64 import psr as P
from machine.ia64 import vpd as V
from machine.ia64.pal import (
    FEATURE_VM,
    FEATURE_VMSW,
    PAL_ENTRY,
    VSA_BASE,
    PalFirmware,
    long_thash,
    long_ttag,
)
from tests.ia64util import IVA, asm_bundles, make_cpu, needs_binutils, run_until_vector

pytestmark = needs_binutils
VPD, BUF = 0x100000, 0x200000
CFG = 0x8000000000000303

CALL = f"""
  movl r2={PAL_ENTRY:#x} ;;
  mov b6=r2
  mov r40=r28 ;;
  br.call.sptk.many b0=b6 ;;
"""

VMM = f"""
  alloc r39=ar.pfs,0,8,4,0
  mov r28=17 ;;
  mov r29=0
  movl r2={PAL_ENTRY:#x} ;;
  mov b6=r2
  movl r3=1f ;;
  mov b0=r3 ;;
  br.cond.sptk b6 ;;
1:
  mov r38=r9
  mov r28=266 ;;{CALL}
  mov r32=r8
  mov r33=r9
  mov r34=r10
  mov r28=268
  movl r41={CFG:#x}
  movl r42={BUF:#x}
  movl r43={BUF:#x} ;;{CALL}
  mov r35=r8
  mov r36=r9
  movl r2={VPD + V.VIRT_ENV_VADDR:#x}
  movl r3={BUF:#x} ;;
  st8 [r2]=r3
  mov r28=265
  movl r41={VPD:#x}
  movl r42={IVA:#x}
  mov r43=0 ;;{CALL}
  mov r37=r8
  bsw.0 ;;
  movl r24=2f
  movl r25={VPD:#x}
  mov r26=0
  movl r2={VSA_BASE + 0x1C00:#x} ;;
  mov b7=r2 ;;
  br.cond.sptk b7 ;;
2:
  rsm 0x2000 ;;
  srlz.d
  movl r2=guest ;;
  mov cr.iip=r2
  movl r3={P.VM | P.BN | P.IC:#x} ;;
  mov cr.ipsr=r3
  mov cr.ifs=r0
  movl r24=0x4440
  movl r25={VPD:#x}
  movl r2={VSA_BASE:#x} ;;
  mov b7=r2 ;;
  br.cond.sptk b7 ;;
guest:
  mov r8=0x11
  mov r1=cr.dcr ;;
  break.m 0x7 ;;
"""


def test_vmm_bring_up_resume_and_fault_end_to_end():
    cpu = make_cpu(asm_bundles(VMM))
    pal = PalFirmware()
    pal.install(cpu)
    events = []
    cpu.observer = lambda kind, payload: events.append((kind, payload)) and False
    assert run_until_vector(cpu, 2000) == F.VIRTUALIZATION
    assert cpu.gr[38] & FEATURE_VM and cpu.gr[38] & FEATURE_VMSW
    assert (cpu.gr[32], cpu.gr[33], cpu.gr[34]) == (0, 0x10000, 1 << 8)      # ENV_INFO
    assert (cpu.gr[35], cpu.gr[36]) == (0, VSA_BASE)                          # INIT_ENV
    assert cpu.gr[37] == 0                                                    # CREATE
    assert cpu.gr[24] == 5 and cpu.gr[8] == 0x11 and cpu.br[0] == 0x4440
    assert cpu.cr[16] & P.VM and cpu.cr[16] & P.BN and (cpu.cr[16] >> 41) & 3 == 1
    assert cpu.vti.current == VPD and cpu.vti.vps[VPD].host_iva == IVA
    kinds = [k for k, _ in events if k != "interruption"]
    assert kinds == ["pal"] * 4 + ["pal", "pal", "vresume", "vfault"]
    names = [p["name"] for k, p in events if k == "pal"]
    assert names == ["PAL_PROC_GET_FEATURES", "PAL_VP_ENV_INFO", "PAL_VP_INIT_ENV",
                     "PAL_VP_CREATE", "PAL_VPS_RESTORE", "PAL_VPS_RESUME_NORMAL"]
    ev = events[-1][1]
    assert (ev.kind, ev.name, ev.slot) == ("vfault", "MOV_FROM_CR", 1)


def setup_env():
    cpu = make_cpu(b"\0" * 16)
    pal = PalFirmware()
    pal.install(cpu)
    cpu.bus.write(VPD + V.VIRT_ENV_VADDR, 8, BUF)
    return cpu, pal


def test_pal_vp_status_codes():
    cpu, pal = setup_env()
    vp = pal.procs
    assert vp[265](cpu, VPD, IVA, 0) == (-3,)                  # no environment yet
    assert vp[267](cpu, 0) == (-3,)
    assert vp[268](cpu, CFG & ~(1 << 8), BUF, BUF) == (-2,)     # opcode option is required
    assert vp[268](cpu, CFG | 1 << 20, BUF, BUF) == (-2,)       # reserved option
    assert vp[268](cpu, CFG | 1 << 10, BUF, BUF) == (-2,)       # gitc not supported
    assert vp[268](cpu, CFG, BUF + 8, BUF + 8) == (-2,)         # buffer alignment
    assert vp[268](cpu, CFG, BUF, BUF) == (0, VSA_BASE)
    assert vp[265](cpu, VPD + 0x1000, IVA, 0) == (-2,)          # VPD not 32 KiB aligned
    cpu.bus.write(VPD + V.VAC, 8, V.A_INT)
    cpu.bus.write(VPD + V.VDC, 8, V.D_EXTINT)
    assert vp[265](cpu, VPD, IVA, 0) == (-2,)                   # a_int with d_extint
    cpu.bus.write(VPD + V.VDC, 8, 1 << 30)
    assert vp[265](cpu, VPD, IVA, 0) == (-2,)                   # reserved vdc bit
    cpu.bus.write(VPD + V.VDC, 8, V.D_VMSW)
    cpu.bus.write(VPD + V.VIRT_ENV_VADDR, 8, BUF + 0x1000)
    assert vp[265](cpu, VPD, IVA, 0) == (-2,)                   # virt_env_vaddr mismatch
    cpu.bus.write(VPD + V.VIRT_ENV_VADDR, 8, BUF)
    assert vp[265](cpu, VPD, IVA | 0x123, 0x5008) == (0,)
    assert cpu.vti.vps[VPD].host_iva == IVA and cpu.vti.vps[VPD].opt_handler == 0x5000
    assert vp[265](cpu, VPD, IVA, 0) == (-2,)                   # already created
    assert vp[268](cpu, CFG, BUF, BUF) == (-3,)                 # VPs exist
    assert vp[269](cpu, VPD + 0x8000, IVA, 0) == (-2,)
    assert vp[269](cpu, VPD, 0x48000, 0x6000) == (0,)
    assert vp[270](cpu, VPD, 0) == (0,) and cpu.cr[2] == 0x48000 and cpu.vti.current == VPD
    assert vp[271](cpu, VPD + 0x8000, 0) == (-2,)
    assert vp[271](cpu, VPD, 0) == (0,) and cpu.vti.current is None
    assert vp[272](cpu, VPD, 0x30000) == (0,) and cpu.cr[2] == 0x30000
    assert vp[272](cpu, VPD, 0) == (-2,) and not cpu.vti.vps
    assert vp[267](cpu, 0x20000) == (0,) and cpu.cr[2] == 0x20000 and not cpu.vti.env


def test_vp_create_needs_a_mapped_vpd_in_virtual_mode():
    cpu, pal = setup_env()
    assert pal.procs[268](cpu, CFG, BUF, BUF) == (0, VSA_BASE)
    cpu.set_psr(cpu.psr | P.DT)
    assert pal.procs[265](cpu, 0x8000000, IVA, 0) == (-2,)           # no translation
    cpu.insert_tr(False, 1, 0x8000000, VPD | 0x661, 16 << 2)
    assert pal.procs[265](cpu, 0x8000000, IVA, 0) == (0,)
    assert cpu.vti.vps[0x8000000].vpd_pa == VPD


def test_vm_features_off_make_pal_vp_unimplemented_and_vmsw_fault():
    cpu, pal = setup_env()
    assert pal.get_features(cpu)[1] & (FEATURE_VM | FEATURE_VMSW) == FEATURE_VM | FEATURE_VMSW
    assert pal.set_features(cpu, FEATURE_VMSW) == (0,)
    cpu.gr[28], cpu.gr[33:36] = 266, [0, 0, 0]
    cpu.br[0] = 0x10000
    cpu.ar[64] = 0
    pal.call(cpu)
    assert cpu.gr[8] == (1 << 64) - 1                                # -1: unimplemented
    assert not cpu.vti.enabled


def vps_cpu(body: str):
    cpu = make_cpu(asm_bundles(body + "\n  break.m 0x7 ;;\n"))
    pal = PalFirmware()
    pal.install(cpu)
    cpu.bus.write(VPD + V.VIRT_ENV_VADDR, 8, BUF)
    assert pal.procs[268](cpu, CFG, BUF, BUF) == (0, VSA_BASE)
    assert pal.procs[265](cpu, VPD, IVA, 0) == (0,)
    return cpu, pal


def vps_call(off: int, args: str = "") -> str:
    return f"""
  bsw.0 ;;
  movl r24=9f
  movl r25={VPD:#x}
  {args}
  movl r2={VSA_BASE + off:#x} ;;
  mov b7=r2 ;;
  br.cond.sptk b7 ;;
9:
"""


def test_vps_services_return_to_gr24():
    for off in (0x0800, 0x0C00, 0x1000, 0x2000, 0x1C00):
        cpu, pal = vps_cpu(vps_call(off) + "  mov r8=0x33 ;;")
        assert run_until_vector(cpu, 500) == F.BREAK and cpu.gr[8] == 0x33, hex(off)
        assert pal.calls[-1][0] == VSA_BASE + off
    assert cpu.vti.current == VPD                                      # PAL_VPS_RESTORE


def test_vps_thash_ttag_results_in_gr31():
    va, rr, pta = 0x2000_0000_0012_3000, 0x42 << 8 | 14 << 2, 0x7700_0000 | 20 << 2 | 1
    cpu, _ = vps_cpu(vps_call(0x1400, f"movl r25={va:#x}\n  movl r26={rr:#x}\n"
                               f"  movl r27={pta:#x}") + "  mov r8=r31 ;;" +
                     vps_call(0x1800, f"movl r25={va:#x}\n  movl r26={rr:#x}") + "  mov r9=r31 ;;")
    assert run_until_vector(cpu, 500) == F.BREAK
    assert cpu.gr[8] == long_thash(va, rr, pta) and cpu.gr[9] == long_ttag(va, rr)
    h = long_thash(va, rr, pta)
    assert h & ~0xFFFFF == 0x7700_0000 and h & 0x1F == 0
    assert long_thash(va + 0x4000, rr, pta) != h and long_ttag(va + 0x4000, rr) != cpu.gr[9]


def test_vps_resume_delivers_a_pending_virtual_interrupt_and_unknown_vpd_faults():
    guest = f"""
  rsm 0x2000 ;;
  movl r2=3f ;;
  mov cr.iip=r2
  movl r3={P.VM | P.BN | P.IC | P.I:#x} ;;
  mov cr.ipsr=r3
"""
    cpu, _ = vps_cpu(guest + vps_call(0x400, "mov r26=1") + "3:\n  mov r8=0x44 ;;")
    for name, val in (("vac", V.A_INT), ("vhpi", 3), ("vpsr", P.I | P.IC), ("vtpr", 0)):
        cpu.bus.write(VPD + V.BY_NAME[name].offset, 8, val)
    assert run_until_vector(cpu, 500) == F.VIRT_EXTERNAL_INT
    assert cpu.cr[16] & P.VM and cpu.vti.last.kind == "vext" and cpu.gr[8] != 0x44
    cpu, _ = vps_cpu(vps_call(0x0800, "movl r25=0x4000"))
    assert run_until_vector(cpu, 500) == F.GENERAL_EXCEPTION and cpu.cr[19] == VSA_BASE + 0x800
