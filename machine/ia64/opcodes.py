"""The IA-64 opcode table as data: (units, major opcode, fixed fields, format, mnemonic,
operand template, semantic key).  Rows are tried in order, so pseudo-op spellings that GNU
objdump prefers (mov = adds 0, shl = dep.z, ...) come before the general form.

Fixed fields name bit ranges of the 41-bit slot (FIELDS).  Templates use the operand names of
machine/ia64/formats.py; `{x:#x}` prints hex, plain `{x}` decimal, as objdump does.
"""
from __future__ import annotations

# name -> (low bit, width) in the 41-bit slot
FIELDS = {
    "x2a": (34, 2), "ve": (33, 1), "x4": (29, 4), "x2b": (27, 2), "tb": (36, 1), "x2": (34, 2),
    "ta": (33, 1), "c": (12, 1), "za": (36, 1), "zb": (33, 1), "v32": (32, 1), "x2c": (30, 2),
    "x2d": (28, 2), "xb": (33, 1), "y13": (13, 1), "y26": (26, 1), "x3": (33, 3), "x6": (27, 6),
    "b36": (36, 1), "m": (36, 1), "x6a": (30, 6), "hint": (28, 2), "x": (27, 1), "x2m": (31, 2),
    "x4m": (27, 4), "btype": (6, 3), "x22": (22, 1), "ih": (23, 1), "vc": (20, 1),
    "r1": (6, 7), "r2": (13, 7), "r3": (20, 7), "z14": (14, 6), "r3hi": (22, 5),
}

# Each row: (units, major, fixed, fmt, mnemonic, operands, sem[, condition on operands])
ROWS: list[tuple] = []


def row(units, major, fixed, fmt, mnem, ops, sem, cond=None, fill=None):
    ROWS.append((units, major, fixed, fmt, mnem, ops, sem, cond, fill))


# -- A unit (M or I slots) -----------------------------------------------------------------
A = "MI"
row(A, 8, "x2a=0 ve=0 x4=0 x2b=0", "A1", "add", "r{r1}=r{r2},r{r3}", "add")
row(A, 8, "x2a=0 ve=0 x4=0 x2b=1", "A1", "add", "r{r1}=r{r2},r{r3},1", "add1")
row(A, 8, "x2a=0 ve=0 x4=1 x2b=1", "A1", "sub", "r{r1}=r{r2},r{r3}", "sub")
row(A, 8, "x2a=0 ve=0 x4=1 x2b=0", "A1", "sub", "r{r1}=r{r2},r{r3},1", "sub1")
row(A, 8, "x2a=0 ve=0 x4=2 x2b=0", "A1", "addp4", "r{r1}=r{r2},r{r3}", "addp4")
for _i, _n in enumerate(("and", "andcm", "or", "xor")):
    row(A, 8, f"x2a=0 ve=0 x4=3 x2b={_i}", "A1", _n, "r{r1}=r{r2},r{r3}", _n)
    row(A, 8, f"x2a=0 ve=0 x4=11 x2b={_i}", "A3", _n, "r{r1}={imm8},r{r3}", _n + "_i")
row(A, 8, "x2a=0 ve=0 x4=4", "A2", "shladd", "r{r1}=r{r2},{count2},r{r3}", "shladd")
row(A, 8, "x2a=0 ve=0 x4=6", "A2", "shladdp4", "r{r1}=r{r2},{count2},r{r3}", "shladdp4")
row(A, 8, "x2a=0 ve=0 x4=9 x2b=1", "A3", "sub", "r{r1}={imm8},r{r3}", "sub_i")
row(A, 8, "x2a=2 ve=0", "A4", "mov", "r{r1}=r{r3}", "adds", lambda d: d["imm14"] == 0,
    {"imm14": 0})
row(A, 8, "x2a=2 ve=0", "A4", "adds", "r{r1}={imm14},r{r3}", "adds")
row(A, 8, "x2a=3 ve=0", "A4", "addp4", "r{r1}={imm14},r{r3}", "addp4_i")
row(A, 9, "", "A5", "mov", "r{r1}={imm22}", "addl", lambda d: d["r3"] == 0, {"r3": 0})
row(A, 9, "", "A5", "addl", "r{r1}={imm22},r{r3}", "addl")

# Compares (A6-A8): major 0xC lt family, 0xD ltu family, 0xE eq family.
_REL = {0xC: "lt", 0xD: "ltu", 0xE: "eq"}
_PAR = {0xC: ("eq.and", "ne.and"), 0xD: ("eq.or", "ne.or"), 0xE: ("eq.or.andcm", "ne.or.andcm")}
_ZREL = {0xC: ".and", 0xD: ".or", 0xE: ".or.andcm"}
for _maj in (0xC, 0xD, 0xE):
    for _x2, _w in ((0, ""), (1, "4")):
        _p = f"cmp{_w}."
        row(A, _maj, f"x2={_x2} tb=0 ta=0 c=0", "A6", _p + _REL[_maj],
            "p{p1},p{p2}=r{r2},r{r3}", "cmp")
        row(A, _maj, f"x2={_x2} tb=0 ta=0 c=1", "A6", _p + _REL[_maj] + ".unc",
            "p{p1},p{p2}=r{r2},r{r3}", "cmp")
        row(A, _maj, f"x2={_x2} tb=0 ta=1 c=0", "A6", _p + _PAR[_maj][0],
            "p{p1},p{p2}=r{r2},r{r3}", "cmp")
        row(A, _maj, f"x2={_x2} tb=0 ta=1 c=1", "A6", _p + _PAR[_maj][1],
            "p{p1},p{p2}=r{r2},r{r3}", "cmp")
        for (_ta, _c), _r in zip(((0, 0), (0, 1), (1, 0), (1, 1)), ("gt", "le", "ge", "lt")):
            row(A, _maj, f"x2={_x2} tb=1 ta={_ta} c={_c} r2=0", "A6", _p + _r + _ZREL[_maj],
                "p{p1},p{p2}=r0,r{r3}", "cmpz", None, {"r2": 0})
    for _x2, _w in ((2, ""), (3, "4")):
        _p = f"cmp{_w}."
        row(A, _maj, f"x2={_x2} ta=0 c=0", "A8", _p + _REL[_maj], "p{p1},p{p2}={imm8},r{r3}",
            "cmp_i")
        row(A, _maj, f"x2={_x2} ta=0 c=1", "A8", _p + _REL[_maj] + ".unc",
            "p{p1},p{p2}={imm8},r{r3}", "cmp_i")
        row(A, _maj, f"x2={_x2} ta=1 c=0", "A8", _p + _PAR[_maj][0], "p{p1},p{p2}={imm8},r{r3}",
            "cmp_i")
        row(A, _maj, f"x2={_x2} ta=1 c=1", "A8", _p + _PAR[_maj][1], "p{p1},p{p2}={imm8},r{r3}",
            "cmp_i")

# -- I unit ----------------------------------------------------------------------------------
I = "I"
row(I, 0, "x3=0 x6=0", "I18", "break.i", "{imm21:#x}", "break")
row(I, 0, "x3=0 x6=1 y26=0", "I18", "nop.i", "{imm21:#x}", "nop")
row(I, 0, "x3=0 x6=1 y26=1", "I18", "hint.i", "{imm21:#x}", "nop")
row(I, 0, "x3=1", "I20", "chk.s.i", "r{r2},{target}", "chk_s")
row(I, 0, "x3=2", "I24", "mov", "pr.rot={imm44:#x}", "mov_pr_rot")
row(I, 0, "x3=3", "I23", "mov", "pr=r{r2},{mask17:#x}", "mov_pr")
row(I, 0, "x3=0 x6=10", "I27", "mov.i", "{ar3}={imm8}", "mov_to_ar_i")
for _x6, _n in ((0x10, "zxt1"), (0x11, "zxt2"), (0x12, "zxt4"), (0x14, "sxt1"), (0x15, "sxt2"),
                (0x16, "sxt4"), (0x18, "czx1.l"), (0x19, "czx2.l"), (0x1C, "czx1.r"),
                (0x1D, "czx2.r")):
    row(I, 0, f"x3=0 x6={_x6}", "I29", _n, "r{r1}=r{r3}", _n.replace(".", "_"))
row(I, 0, "x3=0 x6=42", "I26", "mov.i", "{ar3}=r{r2}", "mov_to_ar")
row(I, 0, "x3=0 x6=48", "I25", "mov", "r{r1}=ip", "mov_ip")
row(I, 0, "x3=0 x6=49", "I22", "mov", "r{r1}=b{b2}", "mov_from_br")
row(I, 0, "x3=0 x6=50", "I28", "mov.i", "r{r1}={ar3}", "mov_from_ar")
row(I, 0, "x3=0 x6=51", "I25", "mov", "r{r1}=pr", "mov_from_pr")
row(I, 0, "x3=7 x22=0", "I21", "mov{mwh}{mih}", "b{b1}=r{r2}", "mov_to_br",
    lambda d: d["tag"] == 0, {"tag": 0})
row(I, 0, "x3=7 x22=0", "I21", "mov{mwh}{mih}", "b{b1}=r{r2},{tag}", "mov_to_br")
row(I, 0, "x3=7 x22=1", "I21", "mov.ret{mwh}{mih}", "b{b1}=r{r2},{tag}", "mov_to_br")
row(I, 4, "", "I15", "dep", "r{r1}=r{r2},r{r3},{pos6},{len4}", "dep")
for (_tb, _ta, _c), _n in (((0, 0, 0), "z"), ((0, 0, 1), "z.unc"), ((1, 0, 0), "z.and"),
                           ((1, 0, 1), "nz.and"), ((0, 1, 0), "z.or"), ((0, 1, 1), "nz.or"),
                           ((1, 1, 0), "z.or.andcm"), ((1, 1, 1), "nz.or.andcm")):
    row(I, 5, f"x2=0 tb={_tb} ta={_ta} c={_c} y13=0", "I16", "tbit." + _n,
        "p{p1},p{p2}=r{r3},{pos6}", "tbit")
    row(I, 5, f"x2=0 tb={_tb} ta={_ta} c={_c} y13=1 z14=0", "I17", "tnat." + _n,
        "p{p1},p{p2}=r{r3}", "tnat")
row(I, 5, "x2=3 xb=0", "I10", "shrp", "r{r1}=r{r2},r{r3},{count6}", "shrp")
row(I, 5, "x2=1 xb=0 y13=0", "I11", "shr.u", "r{r1}=r{r3},{pos6}", "extr_u",
    lambda d: d["pos6"] + d["len6"] == 64, lambda d: {"len6": 64 - d["pos6"]})
row(I, 5, "x2=1 xb=0 y13=0", "I11", "extr.u", "r{r1}=r{r3},{pos6},{len6}", "extr_u")
row(I, 5, "x2=1 xb=0 y13=1", "I11", "shr", "r{r1}=r{r3},{pos6}", "extr",
    lambda d: d["pos6"] + d["len6"] == 64, lambda d: {"len6": 64 - d["pos6"]})
row(I, 5, "x2=1 xb=0 y13=1", "I11", "extr", "r{r1}=r{r3},{pos6},{len6}", "extr")
row(I, 5, "x2=1 xb=1 y26=0", "I12", "shl", "r{r1}=r{r2},{pos6}", "dep_z",
    lambda d: d["pos6"] + d["len6"] == 64, lambda d: {"len6": 64 - d["pos6"]})
row(I, 5, "x2=1 xb=1 y26=0", "I12", "dep.z", "r{r1}=r{r2},{pos6},{len6}", "dep_z")
row(I, 5, "x2=1 xb=1 y26=1", "I13", "dep.z", "r{r1}={imm8},{pos6},{len6}", "dep_z_i")
row(I, 5, "x2=3 xb=1", "I14", "dep", "r{r1}={imm1},r{r3},{pos6},{len6}", "dep_i")
# multimedia shifts (major 7: za 36, x2a 35:34, zb 33, ve 32, x2c 31:30, x2b 29:28)
for (_za, _zb), _sz in (((1, 1), ""), ((0, 1), "2"), ((1, 0), "4")):
    _pre = "shr" if not _sz else f"pshr{_sz}"
    _pl = "shl" if not _sz else f"pshl{_sz}"
    row(I, 7, f"za={_za} zb={_zb} x2a=0 v32=0 x2c=0 x2d=2", "I5", _pre, "r{r1}=r{r3},r{r2}",
        "shr" if not _sz else "pshr" + _sz)
    row(I, 7, f"za={_za} zb={_zb} x2a=0 v32=0 x2c=0 x2d=0", "I5", _pre + ".u",
        "r{r1}=r{r3},r{r2}", "shr_u" if not _sz else f"pshr{_sz}_u")
    row(I, 7, f"za={_za} zb={_zb} x2a=0 v32=0 x2c=1 x2d=0", "I7", _pl, "r{r1}=r{r2},r{r3}",
        "shl" if not _sz else "pshl" + _sz)
    if _sz:
        row(I, 7, f"za={_za} zb={_zb} x2a=1 v32=0 x2c=0 x2d=3", "I6", _pre,
            "r{r1}=r{r3},{count5}", f"pshr{_sz}_i")
        row(I, 7, f"za={_za} zb={_zb} x2a=1 v32=0 x2c=0 x2d=1", "I6", _pre + ".u",
            "r{r1}=r{r3},{count5}", f"pshr{_sz}_u_i")
        row(I, 7, f"za={_za} zb={_zb} x2a=3 v32=0 x2c=1 x2d=1", "I8", _pl,
            "r{r1}=r{r2},{count5}", f"pshl{_sz}_i")
row(I, 7, "za=0 zb=1 x2a=1 v32=0 x2c=2 x2d=1", "I9", "popcnt", "r{r1}=r{r3}", "popcnt")
row(I, 7, "za=0 zb=0 x2a=3 v32=0 x2c=2 x2d=2", "I3", "mux1", "r{r1}=r{r2},{mbtype}", "mux1")
row(I, 7, "za=0 zb=1 x2a=3 v32=0 x2c=2 x2d=2", "I4", "mux2", "r{r1}=r{r2},{mht8:#x}", "mux2")

# -- M unit ----------------------------------------------------------------------------------
M = "M"
for (_x2, _x4), _n, _f, _o, _s in (
        ((0, 0), "break.m", "M0", "{imm21:#x}", "break"),
        ((0, 10), "loadrs", "M0", "", "loadrs"), ((0, 12), "flushrs", "M0", "", "flushrs"),
        ((1, 0), "invala", "M0", "", "nop"), ((1, 2), "invala.e", "M26", "r{r1}", "nop"),
        ((2, 0), "fwb", "M0", "", "nop"), ((2, 2), "mf", "M0", "", "nop"),
        ((2, 3), "mf.a", "M0", "", "nop"), ((3, 0), "srlz.d", "M0", "", "srlz"),
        ((3, 1), "srlz.i", "M0", "", "srlz"), ((3, 3), "sync.i", "M0", "", "nop"),
        ((2, 8), "mov.m", "M30", "{ar3}={imm8}", "mov_to_ar_i")):
    if _f == "M0" and _o:
        _f = "I18"
    row(M, 0, f"x3=0 x2m={_x2} x4m={_x4}", _f, _n, _o, _s)
row(M, 0, "x3=0 x2m=0 x4m=1 y26=0", "I18", "nop.m", "{imm21:#x}", "nop")
row(M, 0, "x3=0 x2m=0 x4m=1 y26=1", "I18", "hint.m", "{imm21}", "nop")
for _x4, _n in ((4, "sum"), (5, "rum"), (6, "ssm"), (7, "rsm")):
    row(M, 0, f"x3=0 x4m={_x4}", "M44", _n, "{imm24:#x}", _n)
row(M, 0, "x3=4", "M22", "chk.a.nc", "r{r1},{target}", "chk_a")
row(M, 0, "x3=5", "M22", "chk.a.clr", "r{r1},{target}", "chk_a")
row(M, 1, "x3=1", "M20", "chk.s.m", "r{r2},{target}", "chk_s")
row(M, 1, "x3=6 b36=0", "M34", "alloc", "r{r1}=ar.pfs,{sof},{sol},{sor}", "alloc")
_IND = ("rr", "dbr", "ibr", "pkr", "pmc", "pmd", "msr")
for _i, _r in enumerate(_IND):
    row(M, 1, f"x3=0 x6={_i}", "M42", "mov", _r + "[r{r3}]=r{r2}", "mov_to_" + _r)
    row(M, 1, f"x3=0 x6={16 + _i}", "M43", "mov", "r{r1}=" + _r + "[r{r3}]", "mov_from_" + _r)
row(M, 1, "x3=0 x6=23", "M43", "mov", "r{r1}=cpuid[r{r3}]", "mov_from_cpuid")
row(M, 1, "x3=0 x6=14", "M42", "itr.d", "dtr[r{r3}]=r{r2}", "itr_d")
row(M, 1, "x3=0 x6=15", "M42", "itr.i", "itr[r{r3}]=r{r2}", "itr_i")
for _x6, _n in ((9, "ptc.l"), (10, "ptc.g"), (11, "ptc.ga"), (12, "ptr.d"), (13, "ptr.i")):
    row(M, 1, f"x3=0 x6={_x6}", "M42", _n, "r{r3},r{r2}", _n.replace(".", "_"))
row(M, 1, "x3=0 x6=24", "M39", "probe.r", "r{r1}=r{r3},{imm2}", "probe_r_i")
row(M, 1, "x3=0 x6=25", "M39", "probe.w", "r{r1}=r{r3},{imm2}", "probe_w_i")
row(M, 1, "x3=0 x6=56", "M38", "probe.r", "r{r1}=r{r3},r{r2}", "probe_r")
row(M, 1, "x3=0 x6=57", "M38", "probe.w", "r{r1}=r{r3},r{r2}", "probe_w")
for _x6, _n in ((49, "probe.rw.fault"), (50, "probe.r.fault"), (51, "probe.w.fault")):
    row(M, 1, f"x3=0 x6={_x6}", "M40", _n, "r{r3},{imm2}", "probe_fault")
for _x6, _n in ((26, "thash"), (27, "ttag"), (30, "tpa"), (31, "tak")):
    row(M, 1, f"x3=0 x6={_x6}", "M46", _n, "r{r1}=r{r3}", _n)
row(M, 1, "x3=0 x6=33", "M36", "mov", "r{r1}=psr.um", "mov_from_psr_um")
row(M, 1, "x3=0 x6=34", "M31", "mov.m", "r{r1}={ar3}", "mov_from_ar")
row(M, 1, "x3=0 x6=36", "M33", "mov", "r{r1}={cr3}", "mov_from_cr")
row(M, 1, "x3=0 x6=37", "M36", "mov", "r{r1}=psr", "mov_from_psr")
row(M, 1, "x3=0 x6=41", "M35", "mov", "psr.um=r{r2}", "mov_to_psr_um")
row(M, 1, "x3=0 x6=42", "M29", "mov.m", "{ar3}=r{r2}", "mov_to_ar")
row(M, 1, "x3=0 x6=44", "M32", "mov", "{cr3}=r{r2}", "mov_to_cr")
row(M, 1, "x3=0 x6=45", "M35", "mov", "psr.l=r{r2}", "mov_to_psr_l")
row(M, 1, "x3=0 x6=46", "M41", "itc.d", "r{r2}", "itc_d")
row(M, 1, "x3=0 x6=47", "M41", "itc.i", "r{r2}", "itc_i")
row(M, 1, "x3=0 x6=48 b36=0", "M28", "fc", "r{r3}", "fc")
row(M, 1, "x3=0 x6=48 b36=1", "M28", "fc.i", "r{r3}", "fc")
row(M, 1, "x3=0 x6=52", "M28", "ptc.e", "r{r3}", "ptc_e")

# integer loads and stores: x6a (bits 35:30) -> kind
_LD = {0x00: "", 0x04: ".s", 0x08: ".a", 0x0C: ".sa", 0x10: ".bias", 0x14: ".acq",
       0x20: ".c.clr", 0x24: ".c.nc", 0x28: ".c.clr.acq"}
_LDH = ((0, ""), (1, ".nt1"), (3, ".nta"))
for _base, _k in _LD.items():
    for _i, _sz in enumerate((1, 2, 4, 8)):
        for _h, _hn in _LDH:
            _n = f"ld{_sz}{_k}{_hn}"
            _f = f"x6a={_base + _i} hint={_h}"
            row(M, 4, "m=0 x=0 " + _f, "M1", _n, "r{r1}=[r{r3}]", "ld")
            row(M, 4, "m=1 x=0 " + _f, "M2", _n, "r{r1}=[r{r3}],r{r2}", "ld")
            row(M, 5, _f, "M3", _n, "r{r1}=[r{r3}],{imm9}", "ld")
for _h, _hn in _LDH:
    row(M, 4, f"m=0 x=0 x6a=27 hint={_h}", "M1", "ld8.fill" + _hn, "r{r1}=[r{r3}]", "ld")
    row(M, 4, f"m=1 x=0 x6a=27 hint={_h}", "M2", "ld8.fill" + _hn, "r{r1}=[r{r3}],r{r2}", "ld")
    row(M, 5, f"x6a=27 hint={_h}", "M3", "ld8.fill" + _hn, "r{r1}=[r{r3}],{imm9}", "ld")
    for _i, _sz in enumerate((1, 2, 4, 8)):
        for _b, _k in ((0, ".acq"), (4, ".rel")):
            row(M, 4, f"m=0 x=1 x6a={_b + _i} hint={_h}", "M16", f"cmpxchg{_sz}{_k}{_hn}",
                "r{r1}=[r{r3}],r{r2},ar.ccv", "cmpxchg")
        row(M, 4, f"m=0 x=1 x6a={8 + _i} hint={_h}", "M16", f"xchg{_sz}{_hn}",
            "r{r1}=[r{r3}],r{r2}", "xchg")
    for _x6, _n in ((0x12, "fetchadd4.acq"), (0x13, "fetchadd8.acq"), (0x16, "fetchadd4.rel"),
                    (0x17, "fetchadd8.rel")):
        row(M, 4, f"m=0 x=1 x6a={_x6} hint={_h}", "M17", _n + _hn, "r{r1}=[r{r3}],{inc3}",
            "fetchadd")
for _base, _k in ((0x30, ""), (0x34, ".rel")):
    for _i, _sz in enumerate((1, 2, 4, 8)):
        for _h, _hn in ((0, ""), (3, ".nta")):
            row(M, 4, f"m=0 x=0 x6a={_base + _i} hint={_h}", "M4", f"st{_sz}{_k}{_hn}",
                "[r{r3}]=r{r2}", "st")
            row(M, 5, f"x6a={_base + _i} hint={_h}", "M5", f"st{_sz}{_k}{_hn}",
                "[r{r3}]=r{r2},{imm9}", "st")
for _h, _hn in ((0, ""), (3, ".nta")):
    row(M, 4, f"m=0 x=0 x6a=59 hint={_h}", "M4", "st8.spill" + _hn, "[r{r3}]=r{r2}", "st")
    row(M, 5, f"x6a=59 hint={_h}", "M5", "st8.spill" + _hn, "[r{r3}]=r{r2},{imm9}", "st")

# line prefetch (M13): a hint, executed as a no-op; the .fault forms translate like a load
for _x6, _k in ((44, ""), (45, ".excl"), (46, ".fault"), (47, ".fault.excl")):
    for _h, _hn in ((0, ""), (1, ".nt1"), (2, ".nt2"), (3, ".nta")):
        row(M, 6, f"m=0 x=0 x6a={_x6} hint={_h}", "M28", "lfetch" + _k + _hn, "[r{r3}]",
            "lfetch_fault" if "fault" in _k else "lfetch")

# -- B unit ----------------------------------------------------------------------------------
B = "B"
row(B, 0, "x6=0", "I18", "break.b", "{imm21:#x}", "break")
for _x6, _n in ((2, "cover"), (4, "clrrrb"), (5, "clrrrb.pr"), (8, "rfi"), (12, "bsw.0"),
                (13, "bsw.1"), (16, "epc"), (24, "vmsw.0"), (25, "vmsw.1")):
    row(B, 0, f"x6={_x6}", "B8", _n, "", _n.replace(".", "_"))
_H = "{wh}{ph}{dh}"
row(B, 0, "x6=32 btype=0", "B4", "br.cond" + _H, "b{b2}", "br_ind")
row(B, 0, "x6=32 btype=1", "B4", "br.ia" + _H, "b{b2}", "br_ia")
row(B, 0, "x6=33 btype=4", "B4", "br.ret" + _H, "b{b2}", "br_ret")
row(B, 1, "", "B5", "br.call" + _H, "b{b1}=b{b2}", "br_call_ind")
row(B, 2, "x6=0", "I18", "nop.b", "{imm21:#x}", "nop")
row(B, 2, "x6=16", "B7", "brp{bwh}{bih}", "b{b2},{tag}", "nop")
row(B, 2, "x6=17", "B7", "brp.ret{bwh}{bih}", "b{b2},{tag}", "nop")
row(B, 7, "", "B6", "brp{bwh}{bih}", "{target},{tag}", "nop")
row(B, 2, "x6=1", "I18", "hint.b", "{imm21:#x}", "nop")
for _bt, _n in ((0, "cond"), (2, "wexit"), (3, "wtop"), (5, "cloop"), (6, "cexit"), (7, "ctop")):
    row(B, 4, f"btype={_bt}", "B1", f"br.{_n}" + _H, "{target}", "br_" + _n)
row(B, 5, "", "B3", "br.call" + _H, "b{b1}={target}", "br_call")

# -- X unit (slot 2 of MLX; the L slot is bits 81:41 of the operand value) -----------------
X = "X"
row(X, 0, "x3=0 x6=0", "X1", "break.x", "{imm62:#x}", "break")
row(X, 0, "x3=0 x6=1 y26=0", "X1", "nop.x", "{imm62:#x}", "nop")
row(X, 0, "x3=0 x6=1 y26=1", "X1", "hint.x", "{imm62:#x}", "nop")
row(X, 6, "vc=0", "X2", "movl", "r{r1}={imm64:#x}", "movl")
row(X, 12, "btype=0", "X3", "brl.cond" + _H, "{target}", "brl")
row(X, 13, "", "X4", "brl.call" + _H, "b{b1}={target}", "brl_call")

# -- F unit: only break.f/nop.f (floating point is not modelled) -----------------------------
F = "F"
row(F, 0, "xb=0 x6=0", "I18", "break.f", "{imm21:#x}", "break")
row(F, 0, "xb=0 x6=1 y26=0", "I18", "nop.f", "{imm21:#x}", "nop")
row(F, 0, "xb=0 x6=1 y26=1", "I18", "hint.f", "{imm21:#x}", "nop")

AR_NAMES = {0: "ar.k0", 1: "ar.k1", 2: "ar.k2", 3: "ar.k3", 4: "ar.k4", 5: "ar.k5", 6: "ar.k6",
            7: "ar.k7", 16: "ar.rsc", 17: "ar.bsp", 18: "ar.bspstore", 19: "ar.rnat",
            21: "ar.fcr", 24: "ar.eflag", 25: "ar.csd", 26: "ar.ssd", 27: "ar.cflg",
            28: "ar.fsr", 29: "ar.fir", 30: "ar.fdr", 32: "ar.ccv", 36: "ar.unat",
            40: "ar.fpsr", 44: "ar.itc", 45: "ar.ruc", 64: "ar.pfs", 65: "ar.lc", 66: "ar.ec"}
CR_NAMES = {0: "cr.dcr", 1: "cr.itm", 2: "cr.iva", 8: "cr.pta", 16: "cr.ipsr", 17: "cr.isr",
            19: "cr.iip", 20: "cr.ifa", 21: "cr.itir", 22: "cr.iipa", 23: "cr.ifs", 24: "cr.iim",
            25: "cr.iha", 26: "cr.iib0", 27: "cr.iib1", 64: "cr.lid", 65: "cr.ivr", 66: "cr.tpr",
            67: "cr.eoi", 68: "cr.irr0", 69: "cr.irr1", 70: "cr.irr2", 71: "cr.irr3",
            72: "cr.itv", 73: "cr.pmv", 74: "cr.cmcv", 80: "cr.lrr0", 81: "cr.lrr1"}
