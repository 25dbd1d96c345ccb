"""The x86 opcode map as data (SDM Vol. 2, Appendix A).

Each entry is `mnemonic operands [flags]`: operands use the SDM's Appendix A notation
(E/G/I/J/M/O/S/C/D/R/Z addressing, b/w/d/q/v/z/y/p/s sizes; `Ibs` is an imm8 sign-extended to
the operand size; fixed registers are written as al, eAX, rAX, dx, cl, 1). Flags:
  T    ends a decoded block (control transfer, mode or interrupt-state change)
  d64  operand size defaults to 64 bits in 64-bit mode      f64  forced to 64 bits there
  i64  invalid in 64-bit mode                                o64  valid only in 64-bit mode
  L    LOCK prefix allowed (with a memory destination)
A list of eight is a group selected by ModRM.reg; `{"m": ..., "r": ...}` splits a slot by
ModRM.mod (memory / register form), and `r` may itself be a dict keyed by ModRM.rm.
"""

ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]
SHIFT = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"]
CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"]

ONE: dict = {}
TWO: dict = {}          # 0F xx
PREFIXED: dict = {}     # (mandatory prefix, 0F xx) -> entry, checked before TWO

for i, m in enumerate(ALU):
    lk = "" if m == "cmp" else " L"
    ONE[i * 8 + 0] = f"{m} Eb,Gb{lk}"
    ONE[i * 8 + 1] = f"{m} Ev,Gv{lk}"
    ONE[i * 8 + 2] = f"{m} Gb,Eb"
    ONE[i * 8 + 3] = f"{m} Gv,Ev"
    ONE[i * 8 + 4] = f"{m} al,Ib"
    ONE[i * 8 + 5] = f"{m} rAX,Iz"
ONE.update({
    0x06: "push es i64", 0x07: "pop es i64 T", 0x0E: "push cs i64", 0x16: "push ss i64",
    0x17: "pop ss i64 T", 0x1E: "push ds i64", 0x1F: "pop ds i64",
    0x27: "daa i64", 0x2F: "das i64", 0x37: "aaa i64", 0x3F: "aas i64",
    0x60: "pusha i64", 0x61: "popa i64", 0x62: "bound Gv,M i64", 0x63: "arpl Ew,Gw i64",
    0x68: "push Iz d64", 0x69: "imul3 Gv,Ev,Iz", 0x6A: "push Ibs d64", 0x6B: "imul3 Gv,Ev,Ibs",
    0x6C: "insb T", 0x6D: "insv T", 0x6E: "outsb T", 0x6F: "outsv T",
    0x80: [f"{m} Eb,Ib{'' if m == 'cmp' else ' L'}" for m in ALU],
    0x81: [f"{m} Ev,Iz{'' if m == 'cmp' else ' L'}" for m in ALU],
    0x82: [f"{m} Eb,Ib i64{'' if m == 'cmp' else ' L'}" for m in ALU],
    0x83: [f"{m} Ev,Ibs{'' if m == 'cmp' else ' L'}" for m in ALU],
    0x84: "test Eb,Gb", 0x85: "test Ev,Gv", 0x86: "xchg Eb,Gb L", 0x87: "xchg Ev,Gv L",
    0x88: "mov Eb,Gb", 0x89: "mov Ev,Gv", 0x8A: "mov Gb,Eb", 0x8B: "mov Gv,Ev",
    0x8C: "movsr Ev,Sw", 0x8D: "lea Gv,M", 0x8E: "movsr Sw,Ew T",
    0x8F: ["pop Ev d64", None, None, None, None, None, None, None],
    0x90: "nop", 0x98: "cbw", 0x99: "cwd", 0x9A: "callf Ap i64 T", 0x9B: "wait",
    0x9C: "pushf d64", 0x9D: "popf d64 T", 0x9E: "sahf", 0x9F: "lahf",
    0xA0: "mov al,Ob", 0xA1: "mov rAX,Ov", 0xA2: "mov Ob,al", 0xA3: "mov Ov,rAX",
    0xA4: "movsb", 0xA5: "movsv", 0xA6: "cmpsb", 0xA7: "cmpsv",
    0xA8: "test al,Ib", 0xA9: "test rAX,Iz",
    0xAA: "stosb", 0xAB: "stosv", 0xAC: "lodsb", 0xAD: "lodsv", 0xAE: "scasb", 0xAF: "scasv",
    0xC0: [f"{m} Eb,Ib" for m in SHIFT], 0xC1: [f"{m} Ev,Ib" for m in SHIFT],
    0xC2: "ret Iw f64 T", 0xC3: "ret f64 T", 0xC4: "les Gz,Mp i64", 0xC5: "lds Gz,Mp i64",
    0xC6: ["mov Eb,Ib"] + [None] * 7, 0xC7: ["mov Ev,Iz"] + [None] * 7,
    0xC8: "enter Iw,Ib d64", 0xC9: "leave d64", 0xCA: "retf Iw T", 0xCB: "retf T",
    0xCC: "int3 T", 0xCD: "int Ib T", 0xCE: "into i64 T", 0xCF: "iret T",
    0xD0: [f"{m} Eb,1" for m in SHIFT], 0xD1: [f"{m} Ev,1" for m in SHIFT],
    0xD2: [f"{m} Eb,cl" for m in SHIFT], 0xD3: [f"{m} Ev,cl" for m in SHIFT],
    0xD4: "aam Ib i64", 0xD5: "aad Ib i64", 0xD6: "salc i64", 0xD7: "xlat",
    0xE0: "loopne Jb f64 T", 0xE1: "loope Jb f64 T", 0xE2: "loop Jb f64 T", 0xE3: "jcxz Jb f64 T",
    0xE4: "in al,Ib T", 0xE5: "in eAX,Ib T", 0xE6: "out Ib,al T", 0xE7: "out Ib,eAX T",
    0xE8: "call Jz f64 T", 0xE9: "jmp Jz f64 T", 0xEA: "jmpf Ap i64 T", 0xEB: "jmp Jb f64 T",
    0xEC: "in al,dx T", 0xED: "in eAX,dx T", 0xEE: "out dx,al T", 0xEF: "out dx,eAX T",
    0xF1: "int1 T", 0xF4: "hlt T", 0xF5: "cmc",
    0xF6: ["test Eb,Ib", "test Eb,Ib", "not Eb L", "neg Eb L", "mul Eb", "imul1 Eb", "div Eb",
           "idiv Eb"],
    0xF7: ["test Ev,Iz", "test Ev,Iz", "not Ev L", "neg Ev L", "mul Ev", "imul1 Ev", "div Ev",
           "idiv Ev"],
    0xF8: "clc", 0xF9: "stc", 0xFA: "cli T", 0xFB: "sti T", 0xFC: "cld", 0xFD: "std",
    0xFE: ["inc Eb L", "dec Eb L", None, None, None, None, None, None],
    0xFF: ["inc Ev L", "dec Ev L", "call Ev f64 T", "callf Mp T", "jmp Ev f64 T", "jmpf Mp T",
           "push Ev d64", None],
})
for r in range(8):
    ONE[0x40 + r] = "inc Zv i64"
    ONE[0x48 + r] = "dec Zv i64"
    ONE[0x50 + r] = "push Zv d64"
    ONE[0x58 + r] = "pop Zv d64"
    ONE[0xB0 + r] = "mov Zb,Ib"
    ONE[0xB8 + r] = "mov Zv,Iv"
    if r:
        ONE[0x90 + r] = "xchg Zv,rAX"
for c in range(16):
    ONE[0x70 + c] = f"j{CC[c]} Jb f64 T"
    TWO[0x80 + c] = f"j{CC[c]} Jz f64 T"
    TWO[0x90 + c] = f"set{CC[c]} Eb"
    TWO[0x40 + c] = f"cmov{CC[c]} Gv,Ev"
for r in range(8):
    TWO[0xC8 + r] = "bswap Zv"

TWO.update({
    0x00: ["sldt Ev", "str Ev", "lldt Ew T", "ltr Ew T", "verr Ew", "verw Ew", None, None],
    0x01: [{"m": "sgdt Ms", "r": {1: "vmcall T", 2: "vmlaunch T", 3: "vmresume T", 4: "vmxoff T"}},
           {"m": "sidt Ms", "r": {0: "monitor T", 1: "mwait T"}},
           {"m": "lgdt Ms T", "r": {0: "xgetbv", 1: "xsetbv T"}},
           {"m": "lidt Ms T", "r": None},
           "smsw Ev", None, "lmsw Ew T",
           {"m": "invlpg M T", "r": {0: "swapgs o64", 1: "rdtscp T"}}],
    0x02: "lar Gv,Ew", 0x03: "lsl Gv,Ew", 0x05: "syscall T", 0x06: "clts T", 0x07: "sysret T",
    0x08: "invd T", 0x09: "wbinvd T", 0x0B: "ud2 T", 0x0D: "nop Ev",
    0x18: "nop Ev", 0x19: "nop Ev", 0x1A: "nop Ev", 0x1B: "nop Ev", 0x1C: "nop Ev",
    0x1D: "nop Ev", 0x1E: "nop Ev", 0x1F: "nop Ev",
    0x20: "movcr Rd,Cd", 0x21: "movdr Rd,Dd", 0x22: "movcr Cd,Rd T", 0x23: "movdr Dd,Rd T",
    0x30: "wrmsr T", 0x31: "rdtsc", 0x32: "rdmsr", 0x33: "rdpmc", 0x34: "sysenter T",
    0x35: "sysexit T", 0x37: "getsec T",
    0x78: "vmread Ey,Gy f64", 0x79: "vmwrite Gy,Ey f64",
    0xA0: "push fs d64", 0xA1: "pop fs d64", 0xA2: "cpuid T", 0xA3: "bt Ev,Gv",
    0xA4: "shld Ev,Gv,Ib", 0xA5: "shld Ev,Gv,cl", 0xA8: "push gs d64", 0xA9: "pop gs d64",
    0xAA: "rsm T", 0xAB: "bts Ev,Gv L", 0xAC: "shrd Ev,Gv,Ib", 0xAD: "shrd Ev,Gv,cl",
    0xAF: "imul2 Gv,Ev",
    0xB0: "cmpxchg Eb,Gb L", 0xB1: "cmpxchg Ev,Gv L", 0xB2: "lss Gv,Mp", 0xB3: "btr Ev,Gv L",
    0xB4: "lfs Gv,Mp", 0xB5: "lgs Gv,Mp", 0xB6: "movzx Gv,Eb", 0xB7: "movzx Gv,Ew",
    0xB9: "ud1 Gv,Ev T",
    0xBA: [None, None, None, None, "bt Ev,Ib", "bts Ev,Ib L", "btr Ev,Ib L", "btc Ev,Ib L"],
    0xBB: "btc Ev,Gv L", 0xBC: "bsf Gv,Ev", 0xBD: "bsr Gv,Ev", 0xBE: "movsx Gv,Eb",
    0xBF: "movsx Gv,Ew", 0xC0: "xadd Eb,Gb L", 0xC1: "xadd Ev,Gv L",
    0xC7: [None, {"m": "cmpxchg8b Mq L", "r": None}, None, None, None, None,
           {"m": "vmptrld Mq T", "r": "rdrand Rv"}, {"m": "vmptrst Mq", "r": "rdseed Rv"}],
    0xFF: "ud0 Gv,Ev T",
})
PREFIXED.update({
    (0xF3, 0xB8): "popcnt Gv,Ev",
    (0xF3, 0xBC): "tzcnt Gv,Ev",
    (0xF3, 0xBD): "lzcnt Gv,Ev",
    (0x66, 0xC7): [None, None, None, None, None, None, {"m": "vmclear Mq T", "r": None}, None],
    (0xF3, 0xC7): [None, None, None, None, None, None, {"m": "vmxon Mq T", "r": None}, None],
    # VMREAD/VMWRITE take no mandatory prefix ("NP 0F 78/79"); with one they are #UD on Intel.
    **{(p, op): "ud Ev T" for p in (0x66, 0xF2, 0xF3) for op in (0x78, 0x79)},
})
# 0F 38 map: only the VMX/VT-x invalidation instructions for now.
THREE_38: dict = {(0x66, 0x80): "invept Gy,Mo f64 T", (0x66, 0x81): "invvpid Gy,Mo f64 T"}
