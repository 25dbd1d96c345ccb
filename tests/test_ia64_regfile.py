"""The IA-64 register-file description the debugger uses (machine/ia64/regfile.py)."""
from __future__ import annotations


def test_register_file_description():
    from machine.ia64.cpu import IA64CPU
    from machine.ia64.regfile import GROUPS, registers
    from machine.memory import Bus
    cpu = IA64CPU(Bus(1 << 20))
    regs = {r.name: r for r in registers(cpu)}
    assert {r.group for r in regs.values()} <= {g for g, _ in GROUPS}
    assert len([r for r in regs.values() if r.group == "general"]) == 128
    regs["r5"].set(0x1234)
    assert cpu.gr[5] == 0x1234 and regs["r5"].get() == 0x1234
    regs["ar.lc"].set(9)
    assert cpu.ar[65] == 9 and regs["cr.dcr"].get() == 0
    regs["pc"].set(0x4002)
    assert (cpu.ip, cpu.ri) == (0x4000, 2) and regs["psr.ri"].get() == 2
    assert "ic" in regs["psr"].describe(regs["psr"].get())
    import pytest
    with pytest.raises(ValueError):
        regs["r40"].set(1)                     # outside the (empty) frame
    cpu.alloc(10, 10, 0)
    regs["r40"].set(7)
    assert cpu.gr[40] == 7 and regs["cfm"].get() == 10 | 10 << 7
    assert regs["cpuid3"].get() & 0xFF == 4 and regs["cpuid3"].set is None
