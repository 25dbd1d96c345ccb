"""IA-64 bundles, decoder, disassembler and encoder, checked against GNU binutils: every bundle
of the digest's test vectors (vti.md 6.4), of tests/ia64/groups.s and of the IA-64 guests must
disassemble exactly as ia64-linux-gnu-objdump prints it, and the in-house encoder must give
back the assembler's bytes from that text."""
from __future__ import annotations

import random

import pytest

from machine.ia64.bundle import TEMPLATES, join, split, template_for
from machine.ia64.decode import decode_bundle
from machine.ia64.disasm import bundle_lines, disassemble, normalize_objdump
from machine.ia64.encode import EncodeError, encode_bundle
from tests.ia64util import HERE, assemble, needs_binutils

# vti.md 6.4: (address, w0, w1) of the bundles assembled from tests/ia64/vectors.s
VECTORS = [
    (0x000, 0x2840200006080800, 0x80144880e0400218),
    (0x010, 0x00c0202516145000, 0x9427d801c0460236),
    (0x030, 0x2480380704043000, 0xd22c28414062120f),
    (0x040, 0x10c0000100000000, 0x5220c0e2e0281a1a),
    (0x050, 0xd190000100000000, 0x4d7ce9c3602996ec),
    (0x060, 0xf9e0000100000000, 0x79001840403c9004),
    (0x070, 0x789a800100000004, 0x66f79700a0123456),
    (0x080, 0x008014180e403000, 0x00cc000120006000),
    (0x090, 0x70c01791142f4008, 0x0b7f80f3e0240034),
    (0x0a0, 0x9800041722008008, 0x00aa014000080048),
    (0x0b0, 0xb80004102c00a808, 0x00ca080300085808),
    (0x0c0, 0xd00004242000c808, 0x0004000000085414),
    (0x0d0, 0x680004225800d808, 0x082a0fb000005082),
    (0x0e0, 0x01d0042d00700008, 0x0004000000084a00),
    (0x0f0, 0x0080000603000008, 0x0004000000040e00),
    (0x100, 0x0080000400002008, 0x0004000000000a00),
    (0x110, 0x0000042e0078000a, 0x0004000000000200),
    (0x120, 0x0000042f007c000a, 0x0004000000000200),
    (0x130, 0x2000040e02080008, 0x0004000000081e0c),
    (0x140, 0x000004090a18000a, 0x0004000000000200),
    (0x150, 0x0000040a0e20000a, 0x0004000000000200),
    (0x160, 0x5800043412000008, 0x0004000000081828),
    (0x170, 0x0000040d18340008, 0x0004000000000200),
    (0x180, 0x0100041a1e007008, 0x0004000000083644),
    (0x190, 0x0140041e26009008, 0x0004000000083e54),
    (0x1a0, 0x180004382e60b008, 0x0004000000086664),
    (0x1b0, 0x01c00403346c0008, 0x0004000000082674),
    (0x1c0, 0x0030040102080008, 0x0004000000082410),
    (0x1d0, 0x007004040a180008, 0x0004000000082a20),
    (0x1e0, 0x000000310000000a, 0x0004000000006000),
    (0x1f0, 0x0000003300000008, 0x0004000000000200),
    (0x200, 0x3450043012000009, 0x00003579a0000012),
    (0x210, 0x500005810a250008, 0x0004000000085200),
    (0x220, 0x0000042100005808, 0x0004000000000200),
    (0x230, 0x0000000100000018, 0x5000000800000200),
    (0x240, 0x6060000100000010, 0x0080006800038004),
    (0x250, 0x30d0000100000010, 0x0084000880006200),
    (0x260, 0x0000000100000010, 0x4200000003000200),
    (0x270, 0x0000080000000017, 0x0008000000100000),
    (0x280, 0x0000080000000017, 0x0020000000100000),
    (0x290, 0x0000080000000017, 0x0030000000100000),
    (0x2a0, 0x01f0080000000017, 0x0034000000000000),
    (0x2b0, 0x0000001800000016, 0x0040000000003200),
    (0x2c0, 0x0000000100000004, 0xc000000800000000),
    (0x2d0, 0x0246800100000004, 0x0000acf120000000),
    (0x2e0, 0x000000010000000d, 0x0004000000000200),
]


def _raw(w0, w1):
    return w0.to_bytes(8, "little") + w1.to_bytes(8, "little")


def test_templates_and_slots():
    assert TEMPLATES[0x04][0] == "MLX" and TEMPLATES[0x0A] == ("MMI", (0,))
    assert sum(t is not None for t in TEMPLATES) == 24
    raw = join(0x11, 1, (1 << 41) - 1, 5)
    assert split(raw) == (0x11, 1, (1 << 41) - 1, 5)
    assert template_for("MMI", (0, 2)) == 0x0B and template_for("MLI") is None


def test_digest_vectors_decode_by_hand():
    """A few bundles checked against hand-decoded fields (vti.md 6.2)."""
    b = decode_bundle(_raw(0x2840200006080800, 0x80144880e0400218))
    assert [i.mnem for i in b.insns] == ["add", "add", "sub"]
    assert b.insns[2].v == {"qp": 0, "r1": 7, "r2": 8, "r3": 9}
    b = decode_bundle(_raw(0x789a800100000004, 0x66f79700a0123456))
    assert b.insns[1].v["imm64"] == 0x123456789ABCDEF0 and b.insns[2] is None
    b = decode_bundle(_raw(0x500005810a250008, 0x0004000000085200))
    assert (b.insns[0].v["sof"], b.insns[0].v["sol"], b.insns[0].v["sor"]) == (9, 5, 8)
    b = decode_bundle(_raw(0x0000000100000010, 0x4200000003000200))
    assert b.insns[2].qp == 6 and b.insns[2].v["target"] == 0
    assert bundle_lines(b, 0x260)[2] == "      (p06) br.cond.dptk.few 0x260"


def _check_against_binutils(code: bytes, bundles: list[list[str]], base: int = 0):
    assert len(code) == 16 * len(bundles)
    for i, lines in enumerate(bundles):
        addr = base + 16 * i
        raw = code[16 * i:16 * i + 16]
        mine = bundle_lines(decode_bundle(raw), addr)
        assert [normalize_objdump(t) for t in mine] == [normalize_objdump(t) for t in lines], \
            f"bundle at {addr:#x}"
        assert encode_bundle(lines, addr) == raw, f"encoder differs at {addr:#x}: {lines}"


@needs_binutils
def test_vectors_round_trip():
    code, bundles = assemble((HERE / "vectors.s").read_text())
    got = [(16 * i, int.from_bytes(code[16 * i:16 * i + 8], "little"),
            int.from_bytes(code[16 * i + 8:16 * i + 16], "little")) for i in range(len(bundles))]
    assert [g for g in got if g[0] in {v[0] for v in VECTORS}] == VECTORS
    _check_against_binutils(code, bundles)


@needs_binutils
def test_instruction_groups_round_trip():
    code, bundles = assemble((HERE / "groups.s").read_text())
    assert len(bundles) > 70
    _check_against_binutils(code, bundles)


@needs_binutils
def test_guest_images_round_trip():
    import subprocess

    from elftools.elf.elffile import ELFFile

    from guests import IA64_GUESTS
    from tests.ia64util import OBJDUMP, objdump_bundles
    assert IA64_GUESTS
    for g in IA64_GUESTS:
        with open(g.elf, "rb") as fh:
            e = ELFFile(fh)
            secs = [(s.name, s.data(), s["sh_addr"]) for s in e.iter_sections()
                    if s.name in (".text", ".ivt")]
        for name, code, base in secs:
            dis = subprocess.run([OBJDUMP, "-d", "-z", "-j", name, str(g.elf)], capture_output=True,
                                 text=True, check=True).stdout
            _check_against_binutils(code, objdump_bundles(dis), base)


def test_encoder_rejects_nonsense():
    with pytest.raises(EncodeError):
        encode_bundle(["[MII] add r1=r2", "nop.i 0x0", "nop.i 0x0"])
    with pytest.raises(EncodeError):
        encode_bundle(["[MII] nop.m 0x0", "nop.i 0x0"])
    with pytest.raises(EncodeError):
        encode_bundle(["[MLI] nop.m 0x0", "nop.i 0x0", "nop.i 0x0"])


def test_random_bundles_never_raise():
    rng = random.Random(7)
    for _ in range(3000):
        raw = rng.getrandbits(128).to_bytes(16, "little")
        b = decode_bundle(raw)
        for line in bundle_lines(b, 0x1000):
            assert isinstance(line, str)


def test_disassemble_face():
    mem = _raw(0x789a800100000004, 0x66f79700a0123456) + \
        _raw(0x2840200006080800, 0x80144880e0400218)
    lines = disassemble(lambda a, n: mem[a - 0x4000:a - 0x4000 + n], 0x4000, 4,
                        {"start": 0x4000})
    assert [(ln.address, ln.length) for ln in lines] == \
        [(0x4000, 1), (0x4001, 15), (0x4010, 1), (0x4011, 1)]
    assert lines[1].text == "movl r5=0x123456789abcdef0" and lines[0].symbol == "start"
    assert lines[0].text == "[MLX] nop.m 0x0"
    one = disassemble(lambda a, n: mem[a - 0x4000:a - 0x4000 + n], 0x4012, 1)
    assert one[0].text == "sub r7=r8,r9" and one[0].length == 14
