"""IA-64 instruction formats: where each operand lives in the 41-bit slot (SDM vol 3 ch. 4).

Each format has a decoder (slot -> operand values) and an encoder (operand values -> slot bits
for those operands).  X-unit formats see the L slot in bits 81:41 of a combined value.
"""
from __future__ import annotations

M64 = (1 << 64) - 1


def f(s: int, lo: int, n: int) -> int:
    return (s >> lo) & ((1 << n) - 1)


def sx(v: int, n: int) -> int:
    v &= (1 << n) - 1
    return v - (1 << n) if v >> (n - 1) else v


def put(v: int, lo: int, n: int) -> int:
    return (v & ((1 << n) - 1)) << lo


WH = (".sptk", ".spnt", ".dptk", ".dpnt")                # B1, B3, B4, X3, X4 (bits 34:33)
WH3 = {1: ".sptk", 3: ".spnt", 5: ".dptk", 7: ".dpnt"}   # B5 (bits 34:32)
PH = (".few", ".many")
DH = ("", ".clr")
MBTYPE = {0: "@brcst", 8: "@mix", 9: "@shuf", 0xA: "@alt", 0xB: "@rev"}
INC3 = (16, 8, 4, 1)


# -- operand groups: (decode(s, d), encode(d) -> bits) -----------------------------------
def _imm8(s, d):
    d["imm8"] = sx(f(s, 36, 1) << 7 | f(s, 13, 7), 8)


def _e_imm8(d):
    return put(d["imm8"] >> 7, 36, 1) | put(d["imm8"], 13, 7)


def _imm21(s, d):
    d["imm21"] = f(s, 36, 1) << 20 | f(s, 6, 20)


def _e_imm21(d):
    return put(d["imm21"] >> 20, 36, 1) | put(d["imm21"], 6, 20)


def _tgt21(s, d):                        # B1-B3, M22: s 36, imm20b 32:13
    d["target"] = sx(f(s, 36, 1) << 20 | f(s, 13, 20), 21) << 4


def _e_tgt21(d):
    t = d["target"] >> 4
    return put(t >> 20, 36, 1) | put(t, 13, 20)


def _tgt_chk(s, d):                      # I20, M20: s 36, imm13c 32:20, imm7a 12:6
    d["target"] = sx(f(s, 36, 1) << 20 | f(s, 20, 13) << 7 | f(s, 6, 7), 21) << 4


def _e_tgt_chk(d):
    t = d["target"] >> 4
    return put(t >> 20, 36, 1) | put(t >> 7, 20, 13) | put(t, 6, 7)


def _hints(s, d):
    d["wh"], d["ph"], d["dh"] = WH[f(s, 33, 2)], PH[f(s, 12, 1)], DH[f(s, 35, 1)]


def _e_hints(d):
    return put(WH.index(d["wh"]), 33, 2) | put(PH.index(d["ph"]), 12, 1) \
        | put(DH.index(d["dh"]), 35, 1)


def _hints3(s, d):
    d["wh"], d["ph"], d["dh"] = WH3.get(f(s, 32, 3), ".sptk"), PH[f(s, 12, 1)], DH[f(s, 35, 1)]


def _e_hints3(d):
    w = {v: k for k, v in WH3.items()}[d["wh"]]
    return put(w, 32, 3) | put(PH.index(d["ph"]), 12, 1) | put(DH.index(d["dh"]), 35, 1)


def _reg(name, lo, n):
    def dec(s, d):
        d[name] = f(s, lo, n)

    def enc(d):
        return put(d[name], lo, n)
    return dec, enc


def _plus1(name, lo, n):                 # a length/count field stored minus one
    def dec(s, d):
        d[name] = f(s, lo, n) + 1

    def enc(d):
        return put(d[name] - 1, lo, n)
    return dec, enc


def _inv63(name, lo):                    # a bit position stored as 63 - pos
    def dec(s, d):
        d[name] = 63 - f(s, lo, 6)

    def enc(d):
        return put(63 - d[name], lo, 6)
    return dec, enc


def _simple(dec_fn, enc_fn):
    return dec_fn, enc_fn


R1, R2, R3 = _reg("r1", 6, 7), _reg("r2", 13, 7), _reg("r3", 20, 7)
P1, P2 = _reg("p1", 6, 6), _reg("p2", 27, 6)
B1, B2 = _reg("b1", 6, 3), _reg("b2", 13, 3)
IMM8, IMM21 = (_imm8, _e_imm8), (_imm21, _e_imm21)
TGT, TGTC, HINTS, HINTS3 = (_tgt21, _e_tgt21), (_tgt_chk, _e_tgt_chk), (_hints, _e_hints), \
    (_hints3, _e_hints3)


def _imm14(s, d):
    d["imm14"] = sx(f(s, 36, 1) << 13 | f(s, 27, 6) << 7 | f(s, 13, 7), 14)


def _e_imm14(d):
    v = d["imm14"]
    return put(v >> 13, 36, 1) | put(v >> 7, 27, 6) | put(v, 13, 7)


def _imm22(s, d):
    d["imm22"] = sx(f(s, 36, 1) << 21 | f(s, 22, 5) << 16 | f(s, 27, 9) << 7 | f(s, 13, 7), 22)
    d["r3"] = f(s, 20, 2)


def _e_imm22(d):
    v = d["imm22"]
    return put(v >> 21, 36, 1) | put(v >> 16, 22, 5) | put(v >> 7, 27, 9) | put(v, 13, 7) \
        | put(d["r3"], 20, 2)


def _imm9b(s, d):                        # M3: s 36, i 27, imm7b 19:13
    d["imm9"] = sx(f(s, 36, 1) << 8 | f(s, 27, 1) << 7 | f(s, 13, 7), 9)


def _e_imm9b(d):
    v = d["imm9"]
    return put(v >> 8, 36, 1) | put(v >> 7, 27, 1) | put(v, 13, 7)


def _imm9a(s, d):                        # M5: s 36, i 27, imm7a 12:6
    d["imm9"] = sx(f(s, 36, 1) << 8 | f(s, 27, 1) << 7 | f(s, 6, 7), 9)


def _e_imm9a(d):
    v = d["imm9"]
    return put(v >> 8, 36, 1) | put(v >> 7, 27, 1) | put(v, 6, 7)


def _inc3(s, d):
    v = INC3[f(s, 13, 2)]
    d["inc3"] = -v if f(s, 15, 1) else v


def _e_inc3(d):
    v = d["inc3"]
    return put(INC3.index(abs(v)), 13, 2) | put(v < 0, 15, 1)


def _imm24(s, d):
    d["imm24"] = f(s, 36, 1) << 23 | f(s, 31, 2) << 21 | f(s, 6, 21)


def _e_imm24(d):
    v = d["imm24"]
    return put(v >> 23, 36, 1) | put(v >> 21, 31, 2) | put(v, 6, 21)


def _mask17(s, d):
    d["mask17"] = sx(f(s, 36, 1) << 16 | f(s, 24, 8) << 8 | f(s, 6, 7) << 1, 17) & M64


def _e_mask17(d):
    v = d["mask17"]
    return put(v >> 16, 36, 1) | put(v >> 8, 24, 8) | put(v >> 1, 6, 7)


def _imm44(s, d):
    d["imm44"] = sx(f(s, 36, 1) << 43 | f(s, 6, 27) << 16, 44) & M64


def _e_imm44(d):
    v = d["imm44"]
    return put(v >> 43, 36, 1) | put(v >> 16, 6, 27)


def _alloc(s, d):
    d["sof"], d["sol"], d["sor"] = f(s, 13, 7), f(s, 20, 7), f(s, 27, 4) << 3


def _e_alloc(d):
    return put(d["sof"], 13, 7) | put(d["sol"], 20, 7) | put(d["sor"] >> 3, 27, 4)


def _tag(s, d):
    d["tag"] = sx(f(s, 24, 9), 9) << 4


def _e_tag(d):
    return put(d["tag"] >> 4, 24, 9)


MWH = {0: ".sptk", 1: "", 2: ".dptk"}                  # I21 whether hint (bits 21:20)


def _mwh(s, d):
    d["mwh"], d["mih"] = MWH.get(f(s, 20, 2), ".sptk"), ("", ".imp")[f(s, 23, 1)]


def _e_mwh(d):
    return put({v: k for k, v in MWH.items()}[d["mwh"]], 20, 2) | put(d["mih"] == ".imp", 23, 1)


def _mbtype(s, d):
    d["mbtype"] = MBTYPE.get(f(s, 20, 4), str(f(s, 20, 4)))


def _e_mbtype(d):
    return put({v: k for k, v in MBTYPE.items()}[d["mbtype"]], 20, 4)


def _imm62(s, d):
    d["imm62"] = f(s, 41, 41) << 21 | f(s, 36, 1) << 20 | f(s, 6, 20)


def _e_imm62(d):
    v = d["imm62"]
    return put(v >> 21, 41, 41) | put(v >> 20, 36, 1) | put(v, 6, 20)


def _imm64(s, d):
    d["imm64"] = (f(s, 36, 1) << 63 | f(s, 41, 41) << 22 | f(s, 21, 1) << 21
                  | f(s, 22, 5) << 16 | f(s, 27, 9) << 7 | f(s, 13, 7))


def _e_imm64(d):
    v = d["imm64"] & M64
    return (put(v >> 63, 36, 1) | put(v >> 22, 41, 41) | put(v >> 21, 21, 1)
            | put(v >> 16, 22, 5) | put(v >> 7, 27, 9) | put(v, 13, 7))


def _tgt60(s, d):
    d["target"] = sx(f(s, 36, 1) << 59 | f(s, 43, 39) << 20 | f(s, 13, 20), 60) << 4


def _e_tgt60(d):
    t = d["target"] >> 4
    return put(t >> 59, 36, 1) | put(t >> 20, 43, 39) | put(t, 13, 20)


BWH = (".sptk", ".loop", ".dptk", ".exit")              # brp whether hint (bits 4:3)


def _brp(s, d):
    d["qp"] = 0                                          # brp has no qualifying predicate
    d["bwh"], d["bih"] = BWH[f(s, 3, 2)], ("", ".imp")[f(s, 35, 1)]
    d["tag"] = sx(f(s, 33, 2) << 7 | f(s, 6, 7), 9) << 4


def _e_brp(d):
    t = d["tag"] >> 4
    return put(BWH.index(d["bwh"]), 3, 2) | put(d["bih"] == ".imp", 35, 1) | \
        put(t >> 7, 33, 2) | put(t, 6, 7)


# format name -> operand groups
FORMATS: dict[str, tuple] = {
    "A1": (R1, R2, R3), "A2": (R1, R2, R3, _plus1("count2", 27, 2)),
    "A3": (R1, R3, IMM8), "A4": (R1, R3, (_imm14, _e_imm14)), "A5": (R1, (_imm22, _e_imm22)),
    "A6": (P1, P2, R2, R3), "A8": (P1, P2, R3, IMM8),
    "I5": (R1, R2, R3), "I7": (R1, R2, R3), "I6": (R1, R3, _reg("count5", 14, 5)),
    "I8": (R1, R2, ((lambda s, d: d.__setitem__("count5", 31 - f(s, 20, 5))),
                    (lambda d: put(31 - d["count5"], 20, 5)))),
    "I3": (R1, R2, (_mbtype, _e_mbtype)), "I4": (R1, R2, _reg("mht8", 20, 8)),
    "I9": (R1, R3), "I10": (R1, R2, R3, _reg("count6", 27, 6)),
    "I11": (R1, R3, _reg("pos6", 14, 6), _plus1("len6", 27, 6)),
    "I12": (R1, R2, _inv63("pos6", 20), _plus1("len6", 27, 6)),
    "I13": (R1, IMM8, _inv63("pos6", 20), _plus1("len6", 27, 6)),
    "I14": (R1, R3, _inv63("pos6", 14), _plus1("len6", 27, 6),
            ((lambda s, d: d.__setitem__("imm1", -f(s, 36, 1))),
             (lambda d: put(d["imm1"] & 1, 36, 1)))),
    "I15": (R1, R2, R3, _inv63("pos6", 31), _plus1("len4", 27, 4)),
    "I16": (P1, P2, R3, _reg("pos6", 14, 6)), "I17": (P1, P2, R3),
    "I18": (IMM21,), "I20": (R2, TGTC), "I21": (B1, R2, (_tag, _e_tag), (_mwh, _e_mwh)),
    "I22": (R1, B2), "I23": (R2, (_mask17, _e_mask17)), "I24": ((_imm44, _e_imm44),),
    "I25": (R1,), "I26": (R2, _reg("ar3", 20, 7)), "I27": (_reg("ar3", 20, 7), IMM8),
    "I28": (R1, _reg("ar3", 20, 7)), "I29": (R1, R3),
    "M1": (R1, R3), "M2": (R1, R2, R3), "M3": (R1, R3, (_imm9b, _e_imm9b)),
    "M4": (R2, R3), "M5": (R2, R3, (_imm9a, _e_imm9a)), "M16": (R1, R2, R3),
    "M17": (R1, R3, (_inc3, _e_inc3)), "M20": (R2, TGTC), "M22": (R1, TGT),
    "M0": (), "M26": (R1,), "M28": (R3,), "M29": (R2, _reg("ar3", 20, 7)),
    "M30": (_reg("ar3", 20, 7), IMM8), "M31": (R1, _reg("ar3", 20, 7)),
    "M32": (R2, _reg("cr3", 20, 7)), "M33": (R1, _reg("cr3", 20, 7)),
    "M34": (R1, (_alloc, _e_alloc)), "M35": (R2,), "M36": (R1,), "M38": (R1, R2, R3),
    "M39": (R1, R3, _reg("imm2", 13, 2)), "M40": (R3, _reg("imm2", 13, 2)), "M41": (R2,),
    "M42": (R2, R3), "M43": (R1, R3), "M44": ((_imm24, _e_imm24),), "M46": (R1, R3),
    "B1": (TGT, HINTS), "B3": (B1, TGT, HINTS), "B4": (B2, HINTS), "B5": (B1, B2, HINTS3),
    "B8": (), "B6": (TGT, (_brp, _e_brp)), "B7": (B2, (_brp, _e_brp)), "X1": ((_imm62, _e_imm62),), "X2": (R1, (_imm64, _e_imm64)),
    "X3": ((_tgt60, _e_tgt60), HINTS), "X4": (B1, (_tgt60, _e_tgt60), HINTS),
}


def operands(fmt: str, s: int) -> dict:
    d = {"qp": s & 0x3F}
    for dec, _ in FORMATS[fmt]:
        dec(s, d)
    return d


def encode_operands(fmt: str, d: dict) -> int:
    v = d.get("qp", 0) & 0x3F
    for _, enc in FORMATS[fmt]:
        v |= enc(d)
    return v
