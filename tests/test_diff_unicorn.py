"""Differential test of the x86 model against unicorn (see tests/difftest/).

Random instruction sequences generated from our own opcode table run in lockstep on our CPU
and on unicorn in 16-bit real mode, flat 32-bit protected mode and 64-bit mode; registers,
RIP, the flags the SDM defines and the data window are compared after every instruction.
A failure prints the sequence (bytes, capstone's disassembly, our mnemonic), the start state
and the command that reruns just that sequence.
"""
import pytest

from tests.difftest.run import Lockstep, Mismatch

DEFAULT = 2000         # sequences per mode in the default run
SLOW = 100_000         # with -m slow


def _run(bits: int, seed: str, count: int) -> int:
    ls = Lockstep(bits)
    failures = []
    for i in range(count):
        try:
            ls.run(seed, i)
        except Mismatch as e:
            failures.append(str(e))
            if len(failures) >= 3:
                break
    if failures:
        pytest.fail(f"{len(failures)} mismatching sequence(s):\n\n" + "\n\n".join(failures),
                    pytrace=False)
    return ls.executed


@pytest.mark.parametrize("bits", [16, 32, 64])
def test_differential(bits):
    executed = _run(bits, "default", DEFAULT)
    assert executed > 5 * DEFAULT          # sequences are not cut short wholesale


@pytest.mark.slow
@pytest.mark.parametrize("bits", [16, 32, 64])
def test_differential_slow(bits):
    _run(bits, "slow", SLOW)


def test_mismatch_report_is_reproducible():
    """A planted bug is caught and the report names the sequence and the difference."""
    from machine.x86.exec import SEMANTICS
    real = SEMANTICS["xadd"]

    def broken(cpu, d):
        f = real(cpu, d)

        def g():
            f()
            cpu.regs[3] ^= 1 << 7               # flip a bit of RBX after every XADD
        return g
    SEMANTICS["xadd"] = broken
    try:
        ls = Lockstep(32)
        with pytest.raises(Mismatch) as e:
            for i in range(500):
                ls.run("planted", i)
    finally:
        SEMANTICS["xadd"] = real
    msg = str(e.value)
    assert "rbx: ours" in msg and "xadd" in msg and "--seed planted --index" in msg
