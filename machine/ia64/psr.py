"""PSR bit positions (vti.md 1.1) and the field table the debugger decodes it with."""
from __future__ import annotations

PSR_FIELDS = [  # (name, low bit, width)
    ("be", 1, 1), ("up", 2, 1), ("ac", 3, 1), ("mfl", 4, 1), ("mfh", 5, 1), ("ic", 13, 1),
    ("i", 14, 1), ("pk", 15, 1), ("dt", 17, 1), ("dfl", 18, 1), ("dfh", 19, 1), ("sp", 20, 1),
    ("pp", 21, 1), ("di", 22, 1), ("si", 23, 1), ("db", 24, 1), ("lp", 25, 1), ("tb", 26, 1),
    ("rt", 27, 1), ("cpl", 32, 2), ("is", 34, 1), ("mc", 35, 1), ("it", 36, 1), ("id", 37, 1),
    ("da", 38, 1), ("dd", 39, 1), ("ss", 40, 1), ("ri", 41, 2), ("ed", 43, 1), ("bn", 44, 1),
    ("ia", 45, 1), ("vm", 46, 1)]
BIT = {n: lo for n, lo, _ in PSR_FIELDS}
BE, UP, AC, MFL, MFH = (1 << BIT[n] for n in ("be", "up", "ac", "mfl", "mfh"))
IC, I, PK, DT, DFL, DFH, SP, PP, DI, SI, DB, LP, TB, RT = (
    1 << BIT[n] for n in ("ic", "i", "pk", "dt", "dfl", "dfh", "sp", "pp", "di", "si", "db",
                          "lp", "tb", "rt"))
IS, MC, IT, ID, DA, DD, SS, ED, BN, IA, VM = (
    1 << BIT[n] for n in ("is", "mc", "it", "id", "da", "dd", "ss", "ed", "bn", "ia", "vm"))
CPL_SHIFT, RI_SHIFT = 32, 41
CPL_MASK, RI_MASK = 3 << 32, 3 << 41
UM = 0x3E                        # user mask: be up ac mfl mfh
SM = sum(((1 << w) - 1) << lo for _, lo, w in PSR_FIELDS if lo < 24)  # ssm/rsm
# bits that exist at all (others reserved: writing 1 there is a Reserved Register/Field fault)
DEFINED = sum(((1 << w) - 1) << lo for _, lo, w in PSR_FIELDS)
# an interruption keeps these, takes be/pp from DCR and clears everything else (vti.md 2.2)
KEPT_ON_INTERRUPTION = UP | MFL | MFH | PK | DT | RT | MC | IT


def describe(psr: int) -> str:
    """'ic=1 dt=1 cpl=0 ...' listing the fields that are not zero."""
    parts = []
    for n, lo, w in PSR_FIELDS:
        v = (psr >> lo) & ((1 << w) - 1)
        if v:
            parts.append(f"{n}={v}" if w > 1 else n)
    return " ".join(parts)
