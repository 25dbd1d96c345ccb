"""First checks of the CPU core in each mode (the differential tests go much further)."""
import pytest

from tests.x86util import HAVE_AS, run_code

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")


@pytest.mark.parametrize("mode", ["real", "prot32", "long64"])
def test_sum_loop(mode):
    cpu, bus, stop = run_code(mode, """
        mov ecx, 1000
        xor eax, eax
    1:  add eax, ecx
        dec ecx
        jnz 1b
        mov [0x8000], eax
        hlt
    """)
    assert stop == "halt"
    assert cpu.regs[0] & 0xFFFFFFFF == 500500
    assert bus.read(0x8000, 4) == 500500
    assert cpu.icount == 2 + 3 * 1000 + 2


def test_self_modifying_code_in_same_block():
    # The store rewrites the immediate of the instruction that follows it in the same block.
    cpu, bus, stop = run_code("prot32", """
        mov byte ptr [patch + 1], 0x42
    patch:
        mov al, 0x11
        hlt
    """)
    assert stop == "halt"
    assert cpu.regs[0] & 0xFF == 0x42
