"""Paging in its three forms: #PF error codes and CR2, CR0.WP, U/S, NX, reserved bits, A/D
bits, 4 MiB/2 MiB/1 GiB pages, SMEP/SMAP, and the TLB: INVLPG, CR3 loads, global pages."""
import pytest

from machine.x86.state import Seg
from tests.sysenv import Env, gate64
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

PF, GP = 14, 13
P, RW, US, A, D, PS, G = 1, 2, 4, 0x20, 0x40, 0x80, 0x100
XD = 1 << 63
PD, PT0, PT1 = 0x20000, 0x21000, 0x22000
TARGET = 0x400000                     # the page tests map (PDE 1 in 32-bit paging)


def to_ring3(e):
    """Enter ring 3 at the current RIP with flat ring-3 segments and a TSS for the way back."""
    cpu = e.cpu
    e.load_tr(e.tss32(0x9000, 10, esp0=0x6000, ss0=0x10)) if e.mode == "prot32" else \
        e.load_tr(e.tss64(0x9000, 10, rsp=(0x6000, 0, 0)))
    code = 0xC0FB if e.mode == "prot32" else 0xA0FB
    cpu.segs[1] = Seg(0x33 if e.mode == "prot32" else 0x43, 0, 0xFFFFFFFF, code)
    for s in (0, 2, 3, 4, 5):
        cpu.segs[s] = Seg(0x3B, 0, 0xFFFFFFFF, 0xC0F3)
    cpu.set_cpl(3)
    cpu.update_mode()


def paging32(e, pde0_flags=P | RW | US, pt0_flags=P | RW | US, pse=False, wp=False,
             pge=False):
    """32-bit paging: the first 4 MiB identity-mapped by PT0, PDE 1 -> PT1 (empty)."""
    bus, cpu = e.bus, e.cpu
    for i in range(1024):
        bus.write(PT0 + 4 * i, 4, (i << 12) | pt0_flags)
    bus.write(PD, 4, PT0 | pde0_flags)
    bus.write(PD + 4, 4, PT1 | P | RW | US)
    cpu.write_cr4((pse and 0x10) | (pge and 0x80))
    cpu.write_cr3(PD)
    cpu.write_cr0(cpu.cr0 | (1 << 31) | (wp and 1 << 16))


def run_fault(e, src, limit=2000):
    e.code(src)
    assert e.run(limit) == "halt"
    return e.fault()


@pytest.mark.parametrize("pte,access,ring3,wp,err", [
    (0, "read", False, False, 0),                         # not present
    (0, "write", False, False, 2),
    (0, "read", True, False, 4),
    (P, "write", False, True, 3),                         # read-only, CR0.WP=1
    (P | RW, "read", True, False, 5),                     # supervisor page from ring 3
    (P | US, "write", True, False, 7),                    # read-only user page from ring 3
    (P | US, "write", False, True, 3),                    # WP applies to user pages too
])
def test_pf_error_codes_32bit(pte, access, ring3, wp, err):
    e = Env("prot32")
    paging32(e, wp=wp)
    e.bus.write(PT1 + 4 * 0, 4, 0x500000 | pte)
    if ring3:
        to_ring3(e)
    op = "mov eax, [0x400010]" if access == "read" else "mov dword ptr [0x400010], 1"
    assert run_fault(e, op + "\nmov ebx, 0x99\nint3") == (PF, err)
    assert e.cpu.cr2 == 0x400010 and e.cpu.regs[3] != 0x99


def test_supervisor_write_to_readonly_page_without_wp_and_ad_bits():
    e = Env("prot32")
    paging32(e)
    e.bus.write(PT1, 4, 0x500000 | P)                      # read-only, A and D clear
    e.bus.write(PT1 + 4, 4, 0x501000 | P | RW)
    e.code("""
        mov eax, [0x401000]
        mov dword ptr [0x400020], 0x1234
        hlt
    """)
    assert e.run() == "halt"
    rd = e.bus.read
    assert rd(0x500020, 4) == 0x1234
    assert rd(PT1, 4) & (A | D) == A | D                   # written: accessed and dirty
    assert rd(PT1 + 4, 4) & (A | D) == A                   # read only: accessed
    assert rd(PD + 4, 4) & A and not rd(PD + 4, 4) & D


def test_4mib_pages_and_pse_reserved_bits():
    e = Env("prot32")
    paging32(e, pse=True)
    e.bus.write(PD + 8, 4, 0x400000 | P | RW | PS)         # lin 8 MiB -> phys 4 MiB
    e.bus.write(PD + 12, 4, 0xC00000 | P | RW | PS | (1 << 21))
    e.bus.write(0x400008, 4, 0xCAFE)
    err = run_fault(e, "mov eax, [0x800008]\nmov ebx, [0xC00000]")
    assert e.cpu.regs[0] == 0xCAFE
    assert err == (PF, 0x9) and e.cpu.cr2 == 0xC00000      # P | RSVD


def pae(e, nxe=False):
    bus, cpu = e.bus, e.cpu
    pdpt, pd = 0x20000, 0x21000
    bus.write(pdpt, 8, pd | P)
    bus.write(pd, 8, 0 | P | RW | US | PS)                 # first 2 MiB identity
    bus.write(pd + 16, 8, PT1 | P | RW | US)               # lin 4 MiB -> PT1
    if nxe:
        cpu.efer |= 1 << 11
    cpu.write_cr4(0x20)
    cpu.write_cr3(pdpt)
    cpu.write_cr0(cpu.cr0 | (1 << 31))
    return pd


def test_pae_nx_fetch_and_reserved_bits():
    e = Env("prot32")
    pae(e, nxe=True)
    e.bus.write(PT1, 8, 0x500000 | P | RW | XD)
    e.bus.write(0x500000, 1, 0xF4)
    assert run_fault(e, "mov eax, 0x400000\njmp eax") == (PF, 0x11)   # P | I/D
    assert e.cpu.cr2 == 0x400000
    e = Env("prot32")
    pae(e, nxe=False)                                      # without NXE, bit 63 is reserved
    e.bus.write(PT1, 8, 0x500000 | P | RW | XD)
    assert run_fault(e, "mov eax, [0x400000]") == (PF, 0x9)
    e = Env("prot32")
    pae(e, nxe=True)
    e.bus.write(PT1, 8, 0x500000 | P | RW | (1 << 45))     # above MAXPHYADDR
    assert run_fault(e, "mov dword ptr [0x400004], 1") == (PF, 0xB)


def test_pae_2mib_page_and_pdpte_checks_on_cr3_load():
    e = Env("prot32")
    pd = pae(e)
    e.bus.write(pd + 24, 8, 0x800000 | P | RW | PS)        # lin 6 MiB -> phys 8 MiB
    e.bus.write(0x800000 + 0x1234, 4, 0xBEEF)
    e.bus.write(0x30000, 8, P | (1 << 5))                  # a PDPTE with a reserved bit
    err = run_fault(e, "mov eax, [0x601234]\nmov ecx, 0x30000\nmov cr3, ecx")
    assert e.cpu.regs[0] == 0xBEEF
    assert err == (GP, 0) and e.cpu.cr3 == 0x20000         # the failed load changed nothing


def long64_tables(e):
    """The identity map of make_cpu plus user access on the first 2 MiB."""
    base = 0x100000
    for a in (base, base + 0x1000, base + 0x2000):
        e.bus.write(a, 8, e.bus.read(a, 8) | US)
    return base


def test_4level_1gib_and_4kib_pages():
    e = Env("long64")
    base = long64_tables(e)
    pdpt = base + 0x1000
    e.bus.write(pdpt + 8 * 4, 8, 0 | P | RW | PS)          # lin 4 GiB -> phys 0 (1 GiB)
    pt = 0x30000
    e.bus.write(base + 0x2000 + 8 * 3, 8, pt | P | RW)     # lin 6 MiB: a page table
    e.bus.write(pt + 8 * 5, 8, 0x8000 | P | RW)            # lin 6 MiB + 20 KiB -> phys 0x8000
    e.bus.write(0x8010, 8, 0x1122334455667788)
    e.code("""
        mov rax, 0x100008010
        mov rbx, [rax]
        mov rcx, [0x605010]
        hlt
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[3] == e.cpu.regs[1] == 0x1122334455667788


def test_4level_reserved_bit_stops_the_walk():
    e = Env("long64")
    base = long64_tables(e)
    e.bus.write(base + 8, 8, 0x40000 | P | RW | PS)        # PML4[1]: PS is reserved there
    # (the PDPT it names is empty: the walk must not go on to report "not present")
    assert run_fault(e, "mov rax, 0x8000000000\nmov rbx, [rax]") == (PF, 0x9)
    assert e.cpu.cr2 == 0x8000000000


def user_page(e, n):
    """4 KiB pages for the first 2 MiB, all supervisor but page n."""
    base = long64_tables(e)
    pt = 0x30000
    for i in range(512):
        e.bus.write(pt + 8 * i, 8, (i << 12) | P | RW | (US if i == n else 0))
    e.bus.write(base + 0x2000, 8, pt | P | RW | US)


def test_smep_and_smap():
    e = Env("long64")
    user_page(e, 2)                                        # only 0x2000 is a user page
    e.cpu.write_cr4(e.cpu.cr4 | (1 << 20))                 # SMEP
    e.bus.write(0x2000, 1, 0xF4)
    e.code("mov rsp, 0x7000\nmov eax, 0x2000\nmov rbx, [rax]\njmp rax")
    assert e.run() == "halt" and e.fault() == (PF, 0x11)   # P | I/D, supervisor
    assert e.cpu.cr2 == 0x2000
    e = Env("long64")
    user_page(e, 8)                                        # only 0x8000 is a user page
    e.cpu.write_cr4(e.cpu.cr4 | (1 << 21))                 # SMAP
    e.code("""
        mov rsp, 0x7000
        pushfq
        or dword ptr [rsp], 0x40000     # AC=1: supervisor data access to user pages allowed
        popfq
        mov rbx, [0x8000]
        pushfq
        and dword ptr [rsp], ~0x40000
        popfq
        mov rcx, [0x8000]
    """)
    e.bus.write(0x8000, 8, 0x5A5A)
    assert e.run() == "halt"
    assert e.fault() == (PF, 0x1) and e.cpu.cr2 == 0x8000
    assert e.cpu.regs[3] == 0x5A5A                         # the read with AC=1 went through


def test_invlpg_cr3_reload_and_global_pages():
    e = Env("prot32")
    paging32(e, pge=True)
    bus = e.bus
    bus.write(PT1, 4, 0x500000 | P | RW | G)               # global
    bus.write(PT1 + 4, 4, 0x501000 | P | RW)               # not global
    bus.write(0x500000, 4, 0xA0)
    bus.write(0x600000, 4, 0xB0)
    bus.write(0x501000, 4, 0xA1)
    bus.write(0x601000, 4, 0xB1)
    e.code("""
        mov eax, [0x400000]
        mov eax, [0x401000]
        mov dword ptr [0x22000], 0x600000 | 0x103
        mov dword ptr [0x22004], 0x601000 | 0x3
        mov eax, [0x400000]
        mov [0x8000], eax               # stale: the TLB still holds the old translations
        mov eax, [0x401000]
        mov [0x8004], eax
        mov eax, cr3
        mov cr3, eax
        mov eax, [0x400000]
        mov [0x8008], eax               # global: survives the CR3 load
        mov eax, [0x401000]
        mov [0x800C], eax               # not global: flushed
        invlpg [0x400000]
        mov eax, [0x400000]
        mov [0x8010], eax
        hlt
    """)
    assert e.run() == "halt"
    got = [bus.read(0x8000 + 4 * i, 4) for i in range(5)]
    assert got == [0xA0, 0xA1, 0xA0, 0xB1, 0xB0]


def test_invlpg_drops_a_whole_large_page():
    e = Env("prot32")
    paging32(e, pse=True)
    bus = e.bus
    bus.write(PD + 8, 4, 0x800000 | P | RW | PS)
    bus.write(0x801000, 4, 0xA1)
    bus.write(0xC01000, 4, 0xB1)
    e.code("""
        mov eax, [0x800000]
        mov eax, [0x801000]
        mov dword ptr [0x20008], 0xC00000 | 0x83
        invlpg [0x800000]               # any address in the 4 MiB page drops all of it
        mov eax, [0x801000]
        hlt
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[0] == 0xB1


def test_cr4_pge_toggle_flushes_global_pages():
    e = Env("prot32")
    paging32(e, pge=True)
    bus = e.bus
    bus.write(PT1, 4, 0x500000 | P | RW | G)
    bus.write(0x500000, 4, 0xA0)
    bus.write(0x600000, 4, 0xB0)
    e.code("""
        mov eax, [0x400000]
        mov dword ptr [0x22000], 0x600000 | 0x103
        mov ecx, cr4
        and ecx, ~0x80
        mov cr4, ecx
        mov eax, [0x400000]
        hlt
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[0] == 0xB0


def test_long_mode_activation_and_its_guards():
    from machine.x86.boot import identity_map_64
    e = Env("prot32")
    identity_map_64(e.bus, 0x100000, gib=1)
    e.code("""
        mov eax, 0x100000
        mov cr3, eax
        mov ecx, 0xC0000080
        rdmsr
        or eax, 0x100                   # EFER.LME
        wrmsr
        mov eax, cr0
        or eax, 0x80000000
        mov ebx, eax
        mov cr0, eax                    # CR4.PAE=0: #GP, nothing changes
    """)
    assert e.run() == "halt" and e.fault() == (GP, 0)
    assert not e.cpu.efer & 0x400 and not e.cpu.cr0 & (1 << 31)
    e = Env("prot32")
    identity_map_64(e.bus, 0x100000, gib=1)
    lo, hi = gate64(0x3000 + 4 * GP, 0x18, 0xE)          # the IDT as IA-32e will read it
    e.bus.write(0x11000 + 16 * GP, 8, lo)
    e.bus.write(0x11000 + 16 * GP + 8, 8, hi)
    e.code("""
        mov esp, 0x7000
        mov eax, cr4
        or eax, 0x20
        mov cr4, eax
        mov eax, 0x100000
        mov cr3, eax
        mov ecx, 0xC0000080
        rdmsr
        or eax, 0x100
        wrmsr
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax                    # IA-32e mode active, in compatibility mode
        mov esi, 0
        mov ecx, 0xC0000080
        rdmsr
        mov esi, eax
        jmp 0x18:long
    long:
        .code64
        mov rdi, 0x123456789
        mov rax, cr4
        and eax, ~0x20
        mov cr4, rax                    # clearing PAE with LMA=1: #GP
    """)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0)
    cpu = e.cpu
    assert cpu.regs[6] & 0x500 == 0x500 and cpu.regs[7] == 0x123456789
    assert cpu.cr4 & 0x20 and cpu.mode_name == "64-bit"
