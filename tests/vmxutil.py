"""Build small VMX host programs for tests: a 64-bit VMM that enables VMX, loads a VMCS from
a table of (field, value) pairs with VMWRITE, and launches a guest written in assembly."""
from __future__ import annotations

from machine.x86.vmx.fields import BY_NAME
from tests.x86util import asm, make_cpu

VMXON_REGION, VMCS_REGION = 0x20000, 0x21000
GUEST_STACK, HOST_STACK = 0x6000, 0x7000
TABLE = 0x30000
RESULTS = 0x8000            # the host stores VMREAD results here (8 bytes each)

HOST = """
    mov ecx, 0x3a
    rdmsr
    or eax, 5                   # lock + VMX outside SMX (SDM 24.7)
    wrmsr
    mov rax, cr4
    or rax, 0x2000              # CR4.VMXE
    mov cr4, rax
    mov rax, cr0
    or rax, 0x20                # CR0.NE: required by IA32_VMX_CR0_FIXED0
    mov cr0, rax
    vmxon [rip + vmxon_ptr]
    vmclear [rip + vmcs_ptr]
    vmptrld [rip + vmcs_ptr]
    mov rsi, {table}
1:  mov rax, [rsi]
    cmp rax, -1
    je 2f
    mov rbx, [rsi + 8]
    vmwrite rax, rbx
    add rsi, 16
    jmp 1b
2:  {launch}
    pushfq                      # VMfail: record RFLAGS and the instruction error
    pop qword ptr [{results} + 0x100]
    mov eax, 0x4400
    vmread [{results} + 0x108], rax
    hlt
host_rip:
    mov eax, 0x4402             # exit reason
    vmread [{results}], rax
    mov eax, 0x6400             # exit qualification
    vmread [{results} + 8], rax
    mov eax, 0x681e             # guest RIP
    vmread [{results} + 16], rax
    mov eax, 0x440c             # instruction length
    vmread [{results} + 24], rax
    mov eax, 0x4404             # exit interruption information
    vmread [{results} + 32], rax
    {after_exit}
    hlt
vmxon_ptr: .quad {vmxon}
vmcs_ptr: .quad {vmcs}
.balign 16
guest_entry:
{guest}
"""


# after_exit code: step the guest past the exiting instruction (GUEST_RIP += the VM-exit
# instruction length) and resume it; uses rax, rbx, rcx
RESUME = """
    mov eax, 0x681e
    vmread rbx, rax
    mov eax, 0x440c
    vmread rcx, rax
    add rbx, rcx
    mov eax, 0x681e
    vmwrite rax, rbx
    vmresume
"""


def base_fields(cpu, guest_rip: int, host_rip: int) -> dict:
    """A valid 64-bit host and 64-bit guest, both the flat state boot.enter_long64 builds."""
    f = {
        "PIN_BASED_VM_EXEC_CONTROL": 0x16,
        "CPU_BASED_VM_EXEC_CONTROL": 0x04006172,
        "VM_EXIT_CONTROLS": 0x00036DFB | (1 << 9),
        "VM_ENTRY_CONTROLS": 0x000011FB | (1 << 9),
        "HOST_CR0": cpu.cr0 | 0x20, "HOST_CR3": cpu.cr3, "HOST_CR4": cpu.cr4 | 0x2000,
        "HOST_CS_SELECTOR": 0x18, "HOST_SS_SELECTOR": 0x10, "HOST_DS_SELECTOR": 0x10,
        "HOST_ES_SELECTOR": 0x10, "HOST_FS_SELECTOR": 0, "HOST_GS_SELECTOR": 0,
        "HOST_TR_SELECTOR": 0x28, "HOST_GDTR_BASE": cpu.gdtr[0],
        "HOST_RSP": HOST_STACK, "HOST_RIP": host_rip,
        "GUEST_CR0": cpu.cr0 | 0x20, "GUEST_CR3": cpu.cr3, "GUEST_CR4": cpu.cr4 | 0x2000,
        "GUEST_DR7": 0x400, "GUEST_RFLAGS": 0x2, "GUEST_RIP": guest_rip,
        "GUEST_RSP": GUEST_STACK, "VMCS_LINK_POINTER": (1 << 64) - 1,
        "GUEST_GDTR_BASE": cpu.gdtr[0], "GUEST_GDTR_LIMIT": cpu.gdtr[1],
        "GUEST_IDTR_LIMIT": 0xFFFF,
        "GUEST_TR_SELECTOR": 0x28, "GUEST_TR_LIMIT": 0x67, "GUEST_TR_AR_BYTES": 0x8B,
        "GUEST_LDTR_AR_BYTES": 0x10000,
    }
    for s in ("ES", "SS", "DS", "FS", "GS"):
        f[f"GUEST_{s}_SELECTOR"] = 0x10
        f[f"GUEST_{s}_LIMIT"] = 0xFFFFFFFF
        f[f"GUEST_{s}_AR_BYTES"] = 0xC093
    f["GUEST_CS_SELECTOR"] = 0x18
    f["GUEST_CS_LIMIT"] = 0xFFFFFFFF
    f["GUEST_CS_AR_BYTES"] = 0xA09B
    return f


def vmx_machine(guest: str, fields: dict | None = None, launch: str = "vmlaunch",
                after_exit: str = ""):
    """A long-mode CPU that will VMLAUNCH `guest` with base_fields() updated by `fields`.

    Returns (cpu, bus, symbols) before running; field values may be callables of the symbol
    table (for addresses inside the program)."""
    src = HOST.format(table=TABLE, results=RESULTS, vmxon=VMXON_REGION, vmcs=VMCS_REGION,
                      launch=launch, after_exit=after_exit, guest=guest)
    code = asm(src + "\nend_of_program:\n", 64)
    syms = _symbols(src)
    cpu, bus = make_cpu("long64", code)
    from machine.x86.vmx.msrs import REVISION_ID
    bus.write(VMXON_REGION, 4, REVISION_ID)
    bus.write(VMCS_REGION, 4, REVISION_ID)
    f = base_fields(cpu, syms["guest_entry"], syms["host_rip"])
    for k, v in (fields or {}).items():
        f[k] = v(syms) if callable(v) else v
    addr = TABLE
    for name, value in f.items():
        bus.write(addr, 8, BY_NAME[name].encoding)
        bus.write(addr + 8, 8, value & ((1 << 64) - 1))
        addr += 16
    bus.write(addr, 8, (1 << 64) - 1)
    return cpu, bus, syms


def _symbols(src: str) -> dict:
    """Addresses of the labels the tests need, found by assembling with a marker."""
    from tests.x86util import CODE
    out = {}
    for label in ("guest_entry", "host_rip"):
        code = asm(src + f"\n.quad {label}\n", 64)
        out[label] = int.from_bytes(code[-8:], "little")
    assert all(v >= CODE for v in out.values())
    return out


def results(bus) -> dict:
    r = {k: bus.read(RESULTS + 8 * i, 8) for i, k in enumerate(
        ("reason", "qualification", "guest_rip", "length", "intr_info"))}
    r["fail_rflags"] = bus.read(RESULTS + 0x100, 8)
    r["fail_error"] = bus.read(RESULTS + 0x108, 8)
    return r
