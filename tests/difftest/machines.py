"""The two machines of the differential test with one start state: our X86CPU and unicorn.

Both get code at CODE and a random 16 KiB window [LO, HI) that holds the data and the stack.
16-bit: real mode with every segment at 0 (unicorn UC_MODE_16); 32-bit: flat protected mode
with the GDT of machine/x86/boot.py at 0x500 (selectors 0x08/0x10 on both); 64-bit: 64-bit
mode with CS 0x18 (ours runs with identity paging, unicorn without paging: same addresses).
"""
from __future__ import annotations

import struct

from unicorn import (
    UC_ARCH_X86,
    UC_ERR_INSN_INVALID,
    UC_HOOK_INTR,
    UC_MODE_16,
    UC_MODE_32,
    UC_MODE_64,
    Uc,
    UcError,
)
from unicorn import x86_const as U

from machine.x86 import boot
from machine.x86 import flags as F
from machine.x86.decode import decode
from machine.x86.exec import build
from machine.x86.state import CS, BlockEnd, CpuFault
from tests.x86util import make_cpu

CODE = 0x1000
LO, HI = 0x6000, 0xA000
HLTS = b"\xF4" * 0x1000
MODE_NAME = {16: "real", 32: "prot32", 64: "long64"}
# Flags compared besides the arithmetic ones: TF IF DF IOPL NT AC ID.
FLAG_MASK = F.ARITH | F.TF | F.IF | F.DF | F.IOPL | F.NT | F.AC | F.ID

_R64 = [U.UC_X86_REG_RAX, U.UC_X86_REG_RCX, U.UC_X86_REG_RDX, U.UC_X86_REG_RBX,
        U.UC_X86_REG_RSP, U.UC_X86_REG_RBP, U.UC_X86_REG_RSI, U.UC_X86_REG_RDI,
        U.UC_X86_REG_R8, U.UC_X86_REG_R9, U.UC_X86_REG_R10, U.UC_X86_REG_R11,
        U.UC_X86_REG_R12, U.UC_X86_REG_R13, U.UC_X86_REG_R14, U.UC_X86_REG_R15]
_R32 = [U.UC_X86_REG_EAX, U.UC_X86_REG_ECX, U.UC_X86_REG_EDX, U.UC_X86_REG_EBX,
        U.UC_X86_REG_ESP, U.UC_X86_REG_EBP, U.UC_X86_REG_ESI, U.UC_X86_REG_EDI]


class State:
    """A start state: GPRs, RFLAGS and the window's bytes."""

    def __init__(self, regs, flags, window):
        self.regs, self.flags, self.window = list(regs), flags, bytes(window)


class Ours:
    def __init__(self, bits: int):
        self.bits = bits
        self.nregs = 16 if bits == 64 else 8
        self.cpu, self.bus = make_cpu(MODE_NAME[bits], b"", ram=2 << 20)

    def load(self, st: State) -> None:
        cpu = self.cpu
        cpu.regs[:] = st.regs + [0] * (16 - len(st.regs))
        cpu.rip = CODE
        cpu.lazy = None
        cpu.rflags = st.flags
        cpu.shadow = cpu.halted = cpu.pending = False
        cpu.ram[LO:HI] = st.window
        cpu.ram[CODE:CODE + len(HLTS)] = HLTS

    def write_code(self, addr: int, code: bytes) -> None:
        self.cpu.ram[addr:addr + len(code)] = code

    def decode_at(self, addr: int):
        return decode(self.cpu.ram, addr, self.bits)

    def decode_bytes(self, code: bytes):
        return decode(code, 0, self.bits)

    def read(self, addr: int, size: int) -> int:
        return int.from_bytes(self.cpu.ram[addr:addr + size], "little")

    def step(self):
        """Run the instruction at RIP; return the fault vector or None."""
        cpu = self.cpu
        insn = decode(cpu.ram, cpu.segs[CS].base + cpu.rip, self.bits)
        fn = build(cpu, insn)
        rip = cpu.rip
        while True:
            try:
                fn()
            except CpuFault as e:
                return e.vector
            except BlockEnd:
                if cpu.rip == rip:        # a REP that paused between iterations: go on
                    continue
            return None

    def regs(self):
        return list(self.cpu.regs[:self.nregs])

    def flags(self) -> int:
        return F.materialize(self.cpu)

    def set_flags(self, v: int) -> None:
        self.cpu.lazy = None
        self.cpu.rflags = v

    def rip(self) -> int:
        return self.cpu.rip

    def window(self) -> bytes:
        return bytes(self.cpu.ram[LO:HI])


class Unicorn:
    def __init__(self, bits: int):
        self.bits = bits
        self._make()

    def _make(self):
        bits = self.bits
        mode = {16: UC_MODE_16, 32: UC_MODE_32, 64: UC_MODE_64}[bits]
        uc = self.uc = Uc(UC_ARCH_X86, mode)
        uc.ctl_set_tcg_buffer_size(16 << 20)    # not the default 1 GiB: instances get remade
        # The features our CPUID reports (BMI1, ABM, POPCNT, CX16) are all in Haswell.
        uc.ctl_set_cpu_model(U.UC_CPU_X86_HASWELL)
        uc.mem_map(0, 0x20000)
        self.regids = _R64 if bits == 64 else _R32
        self.ripid = U.UC_X86_REG_RIP if bits == 64 else U.UC_X86_REG_EIP
        if bits == 16:
            uc.reg_write(U.UC_X86_REG_GDTR, (0, 0, 0xFFFF, 0))
            uc.reg_write(U.UC_X86_REG_IDTR, (0, 0, 0x3FF, 0))
        else:
            uc.mem_write(0x500, b"".join(struct.pack("<Q", g) for g in boot.GDT))
            uc.reg_write(U.UC_X86_REG_GDTR, (0, 0x500, len(boot.GDT) * 8 - 1, 0))
            uc.reg_write(U.UC_X86_REG_IDTR, (0, 0, 0, 0))
            for r in (U.UC_X86_REG_DS, U.UC_X86_REG_ES, U.UC_X86_REG_SS, U.UC_X86_REG_FS,
                      U.UC_X86_REG_GS):
                uc.reg_write(r, 0x10)
            uc.reg_write(U.UC_X86_REG_CS, 0x18 if bits == 64 else 0x08)
        self.dirty = False
        cell = self.cell = [None]

        def intr(uc, intno, user):              # (no reference back to self: no cycle)
            cell[0] = intno
            uc.emu_stop()
        uc.hook_add(UC_HOOK_INTR, intr)

    def load(self, st: State) -> None:
        if self.dirty:
            # After an exception went to our hook instead of being delivered, QEMU still
            # remembers it (env->old_exception) and turns the next one into #DF and then a
            # triple fault; a fresh instance is the only reset unicorn offers.
            self._make()
        uc = self.uc
        uc.ctl_flush_tb()                       # nothing of the last sequence's code survives
        for r, v in zip(self.regids, st.regs):
            uc.reg_write(r, v)
        uc.reg_write(self.ripid, CODE)
        uc.reg_write(U.UC_X86_REG_EFLAGS, st.flags)
        uc.mem_write(LO, st.window)
        # unicorn translates ahead of the instruction it runs; give it HLTs to stop at rather
        # than the last sequence's leftovers (some of which make QEMU 5 abort()).
        uc.mem_write(CODE, HLTS)

    def write_code(self, addr: int, code: bytes) -> None:
        self.uc.mem_write(addr, code)
        # unicorn may have translated the zeros that were here (it did after a REP string
        # instruction) and a memory write does not always drop that translation.
        self.uc.ctl_remove_cache(addr, addr + len(code))

    def step(self, rep: bool = False):
        """Run one instruction; return the exception vector or None. unicorn counts each
        iteration of a REP string instruction as one instruction, so for those go on while
        RIP stays put."""
        cell = self.cell
        cell[0] = None
        uc = self.uc
        pc = uc.reg_read(self.ripid)
        for _ in range(1 << 20):
            try:
                uc.emu_start(pc, 0x1FFFF, 0, 1)
            except UcError as e:
                # An unmapped access means the generator let an address leave the window.
                cell[0] = 6 if e.errno == UC_ERR_INSN_INVALID else f"unicorn error {e}"
            if cell[0] is not None:
                self.dirty = True
                break
            if not rep or uc.reg_read(self.ripid) != pc:
                break
        return cell[0]

    def regs(self):
        return [self.uc.reg_read(r) for r in self.regids]

    def set_reg(self, i: int, v: int) -> None:
        self.uc.reg_write(self.regids[i], v)

    def flags(self) -> int:
        return self.uc.reg_read(U.UC_X86_REG_EFLAGS)

    def set_flags(self, v: int) -> None:
        self.uc.reg_write(U.UC_X86_REG_EFLAGS, v)

    def rip(self) -> int:
        return self.uc.reg_read(self.ripid)

    def window(self) -> bytes:
        return bytes(self.uc.mem_read(LO, HI - LO))
