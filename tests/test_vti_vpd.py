"""The VPD (vti.md 4): its layout as data, the vac accelerations served from the VPD without a
Virtualization fault, the vdc disables, and the Virtual External Interrupt through vhpi."""
from __future__ import annotations

from machine.ia64 import faults as F
from machine.ia64 import psr as P
from machine.ia64 import vpd as V
from machine.ia64.vti import VirtualProcessor
from tests.ia64util import IVA, asm_bundles, make_cpu, needs_binutils, run_until_vector

pytestmark = needs_binutils
END = "\n  break.m 0x7 ;;\n"
VPD = 0x100000


def test_layout_offsets_and_decoders():
    off = {f.name: f.offset for f in V.FIELDS}
    assert (off["vac"], off["vdc"], off["virt_env_vaddr"], off["vhpi"]) == (0, 8, 16, 256)
    assert (off["vgr16"], off["vbgr16"], off["vnat"], off["vbnat"]) == (1024, 1152, 1280, 1288)
    assert (off["vcpuid0"], off["vpsr"], off["vpr"]) == (1296, 1424, 1432)
    assert (off["vdcr"], off["vitm"], off["viva"], off["vpta"], off["vipsr"]) == \
        (2048, 2056, 2064, 2112, 2176)
    assert (off["viip"], off["vifs"], off["vtpr"], off["virr3"], off["vlrr1"]) == \
        (2200, 2232, 2576, 2616, 2696)
    assert all(f.offset + f.width <= V.VPD_SIZE and f.offset % 8 == 0 for f in V.FIELDS)
    assert len({f.offset for f in V.FIELDS}) == len(V.FIELDS)
    d = V.BY_NAME
    assert d["vac"].decode(0x41) == "a_int a_bsw"
    assert d["vdc"].decode(0x1 | 1 << 9) == "d_vmsw reserved=0x200"
    assert d["vtpr"].decode(1 << 16 | 3 << 4) == "mic=3 mmi=1"
    assert d["vpsr"].decode(P.IC | P.BN) == "ic bn"


def vm_guest(body: str, vac: int = 0, vdc: int = 0, vpd: dict | None = None, setup=None,
             psr: int = P.VM):
    """A guest at PSR.vm = 1 whose current virtual processor has the VPD at VPD."""
    cpu = make_cpu(asm_bundles("  mov r2=0\n  mov r1=7 ;;\n  " + body + " ;;" + END))
    cpu.bus.write(VPD + V.VAC, 8, vac)
    cpu.bus.write(VPD + V.VDC, 8, vdc)
    for name, val in (vpd or {}).items():
        cpu.bus.write(VPD + V.BY_NAME[name].offset, 8, val)
    cpu.vti.vps[VPD] = VirtualProcessor(VPD, VPD, IVA)
    cpu.vti.current = VPD
    cpu.set_psr(cpu.psr | psr)
    if setup is not None:
        setup(cpu)
    return cpu, run_until_vector(cpu, 300)


def rd(cpu, name):
    return cpu.bus.read(VPD + V.BY_NAME[name].offset, 8)


def test_without_acceleration_everything_faults():
    for body, cause in (("mov r1=cr.iip", 5), ("mov r1=psr", 7), ("mov r1=cpuid[r0]", 23),
                        ("cover", 36), ("bsw.0", 38), ("mov r1=cr.tpr", 5)):
        cpu, vec = vm_guest(body)
        assert vec == F.VIRTUALIZATION and cpu.gr[24] == cause, body


def test_a_from_int_cr_and_a_to_int_cr():
    cpu, vec = vm_guest("mov r1=cr.iip ;;\n mov r3=cr.ifs", vac=V.A_FROM_INT_CR,
                        vpd={"viip": 0x123450, "vifs": 1 << 63 | 5})
    assert vec == F.BREAK and cpu.gr[1] == 0x123450 and cpu.gr[3] == 1 << 63 | 5
    cpu, vec = vm_guest("movl r2=0x5678 ;;\n mov cr.ifa=r2", vac=V.A_TO_INT_CR)
    assert vec == F.BREAK and rd(cpu, "vifa") == 0x5678 and cpu.cr[20] != 0x5678
    cpu, vec = vm_guest("mov r1=cr.dcr", vac=V.A_FROM_INT_CR)       # dcr: not an int CR
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 5
    cpu, vec = vm_guest("mov cr.iip=r2", vac=V.A_FROM_INT_CR)       # reads only
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 4


def test_a_from_psr_combines_vpsr_with_the_real_user_mask():
    cpu, vec = vm_guest("sum 0x8 ;;\n mov r1=psr", vac=V.A_FROM_PSR,
                        vpd={"vpsr": P.IC | P.DT | P.BN | P.BE | 2 << 32})
    assert vec == F.BREAK and cpu.gr[1] == P.IC | P.DT | P.AC


def test_a_from_cpuid_serves_vcpuid():
    cpu, vec = vm_guest("mov r3=3 ;;\n mov r1=cpuid[r3]", vac=V.A_FROM_CPUID,
                        vpd={"vcpuid3": 0x1234})
    assert vec == F.BREAK and cpu.gr[1] == 0x1234
    cpu, vec = vm_guest("mov r3=5 ;;\n mov r1=cpuid[r3]", vac=V.A_FROM_CPUID)
    assert vec == F.GENERAL_EXCEPTION and cpu.cr[17] & 0xF0 == F.GE_RESERVED


def test_a_cover_writes_the_virtual_ifs_when_vpsr_ic_is_0():
    body = "alloc r32=ar.pfs,2,3,0,0 ;;\n cover"
    cpu, vec = vm_guest(body, vac=V.A_COVER, vpd={"vpsr": P.BN})
    assert vec == F.BREAK and rd(cpu, "vifs") == 1 << 63 | (5 | 5 << 7) and cpu.cfm == 0
    cpu, vec = vm_guest(body, vac=V.A_COVER, vpd={"vpsr": P.BN | P.IC, "vifs": 9})
    assert vec == F.BREAK and rd(cpu, "vifs") == 9 and cpu.cfm == 0


def test_a_bsw_swaps_with_the_vpd_banks():
    vals = {f"vbgr{16 + i}": 0x100 + i for i in range(16)}
    cpu, vec = vm_guest("mov r16=0x55\n mov r31=0x66 ;;\n bsw.0 ;;\n mov r3=r16\n mov r9=r31 ;;",
                        vac=V.A_BSW, vpd={"vpsr": P.BN, "vbnat": 1 << 15, **vals})
    assert vec == F.BREAK
    assert cpu.gr[3] == 0x100 and rd(cpu, "vgr16") == 0x55 and rd(cpu, "vgr31") == 0x66
    assert not rd(cpu, "vpsr") & P.BN and cpu.cr[16] & P.BN      # the real bank stays 1
    assert cpu.bank_regs(1)[1][15] == 1                          # vbnat bit 15 -> r31.nat
    cpu, vec = vm_guest("bsw.1 ;;\n mov r3=r17 ;;", vac=V.A_BSW, vpd={"vpsr": P.BN})
    assert vec == F.BREAK and cpu.gr[3] == 0                     # already on bank 1: no-op


def test_a_int_tpr_and_psr_i_and_the_virtual_external_interrupt():
    vpd = {"vtpr": 5 << 4, "vhpi": 4, "vpsr": P.BN | P.IC}
    cpu, vec = vm_guest("mov r1=cr.tpr ;;\n ssm 0x4000 ;;\n rsm 0x4000 ;;", vac=V.A_INT, vpd=vpd)
    assert vec == F.BREAK and cpu.gr[1] == 5 << 4 and not rd(cpu, "vpsr") & P.I
    cpu, vec = vm_guest("ssm 0x4000 ;;\n mov r1=5", vac=V.A_INT, vpd={**vpd, "vhpi": 6})
    assert vec == F.VIRT_EXTERNAL_INT and rd(cpu, "vpsr") & P.I
    assert cpu.gr[1] == 7 and cpu.vti.last.kind == "vext"       # IIP: the next instruction
    cpu, vec = vm_guest("mov r2=0x30 ;;\n mov cr.tpr=r2 ;;\n mov r1=5", vac=V.A_INT,
                        vpd={**vpd, "vpsr": P.BN | P.I})
    assert vec == F.VIRT_EXTERNAL_INT and rd(cpu, "vtpr") == 0x30 and cpu.gr[1] == 7
    cpu, vec = vm_guest("ssm 0x6000", vac=V.A_INT, vpd=vpd)        # ic too: intercepted
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 24
    cpu, vec = vm_guest("mov r1=cr.ivr", vac=V.A_INT, vpd=vpd)      # ivr: intercepted
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 5


def test_vdc_disables():
    cpu, vec = vm_guest("mov r2=0x99 ;;\n mov dbr[r0]=r2 ;;\n mov r3=ibr[r0]", vdc=V.D_IBR_DBR)
    assert vec == F.BREAK and cpu.dbr[0] == 0x99
    cpu, vec = vm_guest("mov r2=0x98 ;;\n mov pmc[r0]=r2 ;;\n mov r3=pmc[r0]", vdc=V.D_PMC)
    assert vec == F.BREAK and cpu.gr[3] == 0x98
    cpu, vec = vm_guest("mov r2=0x97 ;;\n mov pmd[r0]=r2 ;;", vdc=V.D_TO_PMD)
    assert vec == F.BREAK and cpu.pmd[0] == 0x97
    cpu, vec = vm_guest("mov r2=0x97 ;;\n mov pmd[r0]=r2 ;;", vdc=V.D_PMC)
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 15
    cpu, vec = vm_guest("mov r1=cr.tpr", vdc=V.D_EXTINT)
    assert vec == F.BREAK and cpu.gr[1] == cpu.cr[66]
    cpu, vec = vm_guest("mov r2=0x40 ;;\n mov cr.itm=r2 ;;", vdc=V.D_ITM)
    assert vec == F.BREAK and cpu.cr[1] == 0x40
    cpu, vec = vm_guest("mov r1=cr.itm", vdc=V.D_EXTINT)
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 5

    def xo(cpu):
        cpu.insert_tr(True, 0, 0, 0x661 | 7 << 9, 20 << 2)
        cpu.set_psr(cpu.psr | P.IT)
    cpu, vec = vm_guest("vmsw.0", setup=xo)
    assert vec == F.BREAK and not cpu.cr[16] & P.VM
    cpu, vec = vm_guest("vmsw.0", vdc=V.D_VMSW, setup=xo)
    assert vec == F.VIRTUALIZATION and cpu.gr[24] == 40


def test_opt_handler_takes_the_fault():
    def opt(cpu):
        cpu.vti.vps[VPD].opt_handler = IVA + 0x7F00
        cpu.breakpoints.add(IVA + 0x7F00)
    cpu, vec = vm_guest("mov r1=psr", setup=opt)
    assert vec == 0x7F00 and cpu.gr[24] == 7 and cpu.cr[16] & P.VM
