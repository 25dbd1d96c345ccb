"""LDS/LES/LFS/LGS/LSS and BOUND (SDM Vol. 2)."""
import pytest

from tests.x86util import HAVE_AS, run_code

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")


@pytest.mark.parametrize("mnem,seg", [("les", 0), ("lss", 2), ("lds", 3), ("lfs", 4), ("lgs", 5)])
def test_far_pointer_load(mnem, seg):
    cpu, bus, stop = run_code("prot32", f"""
        mov dword ptr [0x8000], 0x7000
        mov word ptr [0x8004], 0x10
        {mnem} eax, [0x8000]
        hlt
    """)
    assert stop == "halt"
    assert cpu.regs[0] & 0xFFFFFFFF == 0x7000
    assert cpu.segs[seg].sel == 0x10


def test_far_pointer_load_with_bad_selector_faults_and_leaves_the_register():
    cpu, bus, stop = run_code("prot32", """
        mov eax, 0x1111
        mov dword ptr [0x8000], 0x2222
        mov word ptr [0x8004], 0x100     # beyond the GDT limit: #GP(selector)
        lds eax, [0x8000]
        hlt
    """, limit=10)
    assert cpu.last_fault[:2] == (13, 0x100)
    assert cpu.regs[0] & 0xFFFFFFFF == 0x1111


def test_far_pointer_load_16bit_real_mode():
    cpu, bus, stop = run_code("real", """
        mov word ptr [0x8000], 0x1234
        mov word ptr [0x8002], 0x2000
        les bx, [0x8000]
        hlt
    """)
    assert cpu.regs[3] & 0xFFFF == 0x1234
    assert cpu.segs[0].sel == 0x2000 and cpu.segs[0].base == 0x20000


@pytest.mark.parametrize("index,faults", [(5, False), (10, False), (7, False), (4, True),
                                          (11, True), (-1, True)])
def test_bound(index, faults):
    cpu, bus, stop = run_code("prot32", f"""
        mov dword ptr [0x8010], 5
        mov dword ptr [0x8014], 10
        mov ebx, {index}
        bound ebx, [0x8010]
        mov ecx, 1
        hlt
    """, limit=10)
    if faults:
        assert cpu.last_fault[0] == 5            # #BR, a fault: ECX not set
        assert cpu.regs[1] == 0
    else:
        assert stop == "halt" and cpu.regs[1] == 1


def test_bound_signed_bounds_16bit():
    cpu, bus, stop = run_code("real", """
        mov word ptr [0x8010], -3
        mov word ptr [0x8012], 3
        mov bx, -2
        bound bx, [0x8010]
        mov cx, 1
        hlt
    """)
    assert stop == "halt" and cpu.regs[1] & 0xFFFF == 1
