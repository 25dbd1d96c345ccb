"""The Textual TUI driven through Textual's Pilot: keys and clicks become debugger commands,
the panes show what the engine says, the machine runs in a worker (the screen keeps working,
an endless guest is interrupted, serial output appears while it runs), and the exit table
stays light with 100,000 entries."""
from __future__ import annotations

import asyncio
import time

import pytest

from machine.board import Machine
from machine.x86 import boot
from tests.x86util import CODE, HAVE_AS, STACK, asm
from vtdbg.batch import make_session
from vtdbg.engine.arch import VirtEvent
from vtdbg.engine.breakpoints import Breakpoint
from vtdbg.engine.session import Session
from vtdbg.tui.app import VtdbgApp
from vtdbg.tui.disasm import DisasmView
from vtdbg.tui.exits import ExitTable
from vtdbg.tui.registers import RegistersView
from vtdbg.tui.screens import HelpScreen, palette_entries
from vtdbg.tui.vmcs import VmcsPane

needs_as = pytest.mark.skipif(not HAVE_AS, reason="needs GNU as")

GUEST = """
    nop
    cpuid
    hlt
2:  inc rdx
    jmp 2b
"""


def vmx_session():
    """A VMM that launches GUEST with HLT exiting on and resumes it after every exit: a
    CPUID exit, a HLT exit (caused by bit 7 of the primary controls), then an endless loop."""
    from tests.vmxutil import RESUME, vmx_machine
    cpu, bus, syms = vmx_machine(GUEST, {"CPU_BASED_VM_EXEC_CONTROL": 0x04006172 | 0x80},
                                 after_exit=RESUME)
    m = Machine(ram_mib=16)
    m.cpu, m.bus = cpu, bus
    cpu.breakpoints = set()
    m.symbols = {"guest_entry": syms["guest_entry"], "host_rip": syms["host_rip"]}
    return Session(m), syms


def loop_session(src: str = "1: inc rax\n   jmp 1b\n") -> Session:
    m = Machine(ram_mib=16)
    boot.enter_long64(m.cpu, m.bus, CODE, STACK, pt_base=0x100000)
    m.bus.load(CODE, asm(src, 64))
    s = Session(m)
    s.restart()
    return s


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def run_command(app, pilot, line: str) -> None:
    app.cmdline.focus()
    app.cmdline.value = line
    await pilot.press("enter")
    await settle(app, pilot)


def vmcs_labels(app) -> dict[str, str]:
    pane = app.query_one(VmcsPane)
    return {name: str(node.label) for name, node in pane._fnodes.items()}


@needs_as
def test_step_into_a_cpuid_exit_shows_the_exit_the_vmcs_and_the_host_rip():
    s, syms = vmx_session()

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            await run_command(app, pilot, f"break *{syms['guest_entry']:#x}")
            await pilot.press("f5")
            await settle(app, pilot)
            assert s.arch.context() == "guest"
            assert app.disasm.pc == syms["guest_entry"]
            await pilot.press("f11")                    # nop
            await settle(app, pilot)
            await pilot.press("f11")                    # cpuid: a VM exit
            await settle(app, pilot)
            host_rip = syms["host_rip"]
            assert s.arch.pc() == host_rip and s.arch.context() == "host"
            # the disassembly follows RIP into the VMM, marked with its label
            assert app.disasm.pc == host_rip
            assert app.disasm.rows[app.disasm.cursor][1].address == host_rip
            assert "<host_rip>" in "".join(seg.text for seg in app.disasm.segments(
                app.disasm.cursor - 1))
            # the registers pane: the badge and RIP (changed since the last stop)
            regs = app.query_one(RegistersView).rows
            rip = next(r for r in regs if r["name"] == "rip")
            assert rip["value"] == host_rip and rip["changed"]
            assert "VMX root" in str(app.query_one(RegistersView).render())
            # the exit log and the exit in full
            table = app.query_one(ExitTable)
            assert [r.name for r in table.rows] == ["CPUID"]
            row = "".join(seg.text for seg in table.segments(0))
            assert "CPUID" in row and f"{syms['guest_entry'] + 1:#x}" in row
            detail = str(app.query_one("#exit-detail").render())
            assert "cause: CPUID exits unconditionally" in detail
            # the VMCS pane: the exit reason decoded, the host RIP
            await pilot.press("escape", "3")            # the VMCS tab
            await pilot.pause()
            labels = vmcs_labels(app)
            assert "CPUID" in labels["VM_EXIT_REASON"]
            assert f"{host_rip:#x}" in labels["HOST_RIP"]
            assert "changed" not in labels["HOST_RIP"]
            # the console said it, like the REPL would
            assert "VM exit #1: CPUID, guest RIP " \
                f"{syms['guest_entry'] + 1:#x} <guest_entry+0x1>" in app.conlog.plain
            assert "(vtdbg) stepi" in app.conlog.plain
    asyncio.run(go())


@needs_as
def test_selecting_an_exit_marks_the_vmcs_field_that_caused_it():
    s, _ = vmx_session()

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(200, 50)) as pilot:
            await run_command(app, pilot, "catch vmexit hlt")
            await pilot.press("f5")
            await settle(app, pilot)
            table = app.query_one(ExitTable)
            assert [r.name for r in table.rows] == ["CPUID", "HLT"]
            vmcs = app.query_one(VmcsPane)
            # following the log: the newest exit is shown, its field marked
            assert vmcs.cause == ("CPU_BASED_VM_EXEC_CONTROL", 7)
            # click the CPUID row: unconditional, nothing marked
            await pilot.click(ExitTable, offset=(10, 0))
            await pilot.pause()
            assert table.cursor == 0 and vmcs.cause is None
            assert "exit reason        10 CPUID" in str(app.query_one("#exit-detail").render())
            # click the HLT row: bit 7 of the primary controls, in view in the tree
            await pilot.click(ExitTable, offset=(10, 1))
            await pilot.pause()
            await pilot.pause()
            assert vmcs.cause == ("CPU_BASED_VM_EXEC_CONTROL", 7)
            detail = str(app.query_one("#exit-detail").render())
            assert "HLT exiting" in detail
            node = vmcs.ftree.cursor_node
            assert node.data == ("bit", "CPU_BASED_VM_EXEC_CONTROL", 7)
            assert "HLT exiting" in str(node.label) and "caused the exit" in str(node.label)
            assert "caused the exit" in vmcs_labels(app)["CPU_BASED_VM_EXEC_CONTROL"]
            # the filter box finds any field by part of its name, zero ones too
            assert "EXIT_QUALIFICATION" not in vmcs_labels(app)       # zero: hidden
            await pilot.click("#vmcs-filter")
            await pilot.press(*"qualif")
            await pilot.pause()
            assert set(vmcs_labels(app)) == {"EXIT_QUALIFICATION"}
            await pilot.press(*["backspace"] * 6, *"cr3")
            await pilot.pause()
            assert set(vmcs_labels(app)) == {"GUEST_CR3", "HOST_CR3", "CR3_TARGET_COUNT",
                                             "CR3_TARGET_VALUE0", "CR3_TARGET_VALUE1",
                                             "CR3_TARGET_VALUE2", "CR3_TARGET_VALUE3"}
    asyncio.run(go())


def test_catch_vmexit_from_the_console_in_minivmm():
    s = make_session("minivmm")

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(80, 24)) as pilot:
            await run_command(app, pilot, "catch vmexit cpuid")
            assert "Catchpoint 1 (vmexit CPUID)" in app.conlog.plain
            await pilot.press("escape", "c")            # a letter key with the focus off the line
            await settle(app, pilot)
            plain = app.conlog.plain
            hit = [ln for ln in plain if ln.startswith("Catchpoint 1 (VM exit #")]
            assert hit and "CPUID" in hit[0]
            assert any(ln.startswith("guestos: started") for ln in plain)   # serial output
            status = str(app.query_one("#status").render())
            assert "stopped" in status and "Catchpoint 1" in status
            assert app.query_one(ExitTable).rows[-1].name == "CPUID"
    asyncio.run(go())


PRINTER = """
1:  mov ecx, 20000
2:  dec ecx
    jnz 2b
    mov al, 'x'
    out 0xe9, al
    mov al, 10
    out 0xe9, al
    jmp 1b
"""


@needs_as
def test_serial_output_appears_while_the_guest_runs():
    s = loop_session(PRINTER)

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            await key(app, "f5")
            await wait_until(lambda: "x" in app.conlog.plain, 10)
            assert s.running and "x" in app.conlog.plain, "no output while the guest ran"
            assert "running" in str(app.query_one("#status").render())
            await key(app, "f6")
            await settle(app, pilot)
            assert not s.running and "Interrupted." in app.conlog.plain
    asyncio.run(go())


async def key(app, name: str) -> None:
    """A key while the guest runs (Pilot.press waits for the CPU to idle, which a running
    guest never lets happen): posted like the terminal's, then one turn of the loop."""
    app.simulate_key(name)
    await asyncio.sleep(0.02)


async def wait_until(cond, limit: float = 5.0) -> float:
    t0 = time.monotonic()
    while not cond() and time.monotonic() - t0 < limit:
        await asyncio.sleep(0.005)
    return time.monotonic() - t0


@needs_as
def test_interrupt_an_endless_guest_quickly():
    s = loop_session()

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("escape")
            await key(app, "f5")
            await wait_until(lambda: s.running)
            await asyncio.sleep(0.2)
            assert app.link.busy and s.running
            # the screen still answers while the guest runs
            await key(app, "4")
            await wait_until(lambda: app.tab == "exits", 1.0)
            assert app.tab == "exits" and app.pane("exits").display
            assert "running" in str(app.query_one("#status").render())
            t0 = time.monotonic()
            app.simulate_key("f6")                      # posted as the terminal would
            await wait_until(lambda: not s.running)
            latency = time.monotonic() - t0
            await settle(app, pilot)
            assert not app.link.busy
            assert "Interrupted." in app.conlog.plain
            print(f"interrupt latency {latency * 1e3:.1f} ms")
            assert latency < 0.1, f"interrupt took {latency:.3f} s"
            n = s.arch.icount()
            assert n > 1000
            await pilot.press("f11")                    # consistent: stepping goes on
            await settle(app, pilot)
            assert s.arch.icount() == n + 1
            # the VMCS pane, shown while it runs, is filled at the stop
            await key(app, "f5")
            await wait_until(lambda: s.running)
            await key(app, "3")
            assert app.pane("vmcs").display and not app.query_one("#vmcs-tree").root.children
            await key(app, "f6")
            await wait_until(lambda: not s.running)
            await settle(app, pilot)
            assert "no current VMCS" in str(app.query_one("#vmcs-tree").root.children[0].label)
            # `interrupt` typed while it runs is not queued behind the run it stops
            await key(app, "f5")
            await wait_until(lambda: s.running)
            app.cmdline.focus()
            app.cmdline.value = "interrupt"
            await key(app, "enter")
            await wait_until(lambda: not s.running)
            await settle(app, pilot)
            assert not s.running and app.conlog.plain.count("Interrupted.") == 3
    asyncio.run(go())


@needs_as
def test_breakpoints_from_the_gutter_and_keys_and_the_step_mode():
    s = loop_session("nop\nnop\n1: inc rax\n   jmp 1b\n")

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            dis = app.query_one(DisasmView)
            row = dis.index_of(CODE + 2)
            # the pane's border is the first row and column; the gutter is the next column
            await pilot.click(DisasmView, offset=(1, 1 + row - int(dis.scroll_y)))
            await settle(app, pilot)
            bps = s.points.of(Breakpoint)
            assert [b.address for b in bps] == [CODE + 2]
            assert dis.segments(row)[0].text == "●"
            await pilot.press("f5")
            await settle(app, pilot)
            assert s.arch.pc() == CODE + 2
            # F9 on the cursor (now on RIP) deletes it again
            await pilot.press("f9")
            await settle(app, pilot)
            assert not s.points.of(Breakpoint)
            assert dis.segments(dis.index_of(CODE + 2))[0].text == " "
            await pilot.press("f7")
            await settle(app, pilot)
            assert s.step_mode == "guest"
            assert "(vtdbg) set step-mode guest" in app.conlog.plain
    asyncio.run(go())


@needs_as
def test_command_line_history_completion_and_errors():
    s = loop_session()

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            cl = app.cmdline
            await pilot.press(*"inf")
            await pilot.press("tab")
            assert cl.value == "info "
            await pilot.press(*"vm")
            await pilot.press("tab")                    # vmcs vmentry vmx: listed
            assert any("vmcs" in ln and "vmentry" in ln for ln in app.conlog.plain)
            cl.value = ""
            await run_command(app, pilot, "print 6*7")
            assert "$1 = 42" in app.conlog.plain
            await run_command(app, pilot, "frobnicate")
            assert any(ln.startswith('undefined command: "frobnicate"')
                       for ln in app.conlog.plain)
            await pilot.press("up")
            assert cl.value == "frobnicate"
            await pilot.press("up")
            assert cl.value == "print 6*7"
            cl.value = ""
            await run_command(app, pilot, "define twice")     # a block: the prompt says so
            assert str(app.query_one("#prompt").render()) == ">"
            await run_command(app, pilot, "print 1")
            await run_command(app, pilot, "end")
            assert str(app.query_one("#prompt").render()) == "(vtdbg)"
            await run_command(app, pilot, "twice")
            assert "$2 = 1" in app.conlog.plain
            await run_command(app, pilot, "stepi")
            n = s.arch.icount()
            await run_command(app, pilot, "")           # an empty line repeats the step
            assert s.arch.icount() == n + 1
            await run_command(app, pilot, "quit")
            assert app.return_code is not None or not app.is_running
    asyncio.run(go())


@needs_as
def test_layouts_panes_help_and_palette():
    s = loop_session()

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(80, 24)) as pilot:
            assert not app.wide and app.pane("tabs").display
            assert app.pane("console").display and not app.pane("vmcs").display
            await pilot.press("escape", "f4")
            assert app.tab == "exits" and app.pane("exits").display
            await pilot.press("1")
            assert not app.pane("registers").display
            await pilot.press("1")
            assert app.pane("registers").display
            await pilot.resize_terminal(200, 50)
            await pilot.pause()
            assert app.wide and not app.pane("tabs").display
            assert all(app.pane(p).display for p in
                       ("registers", "disasm", "exits", "console", "vmcs", "memory"))
            await pilot.press("5")
            assert not app.pane("memory").display
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help-text").render())
            assert "toggle a breakpoint" in text and "F11" in text
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)
            names = {t for t, _, _ in palette_entries()}
            assert {"continue", "stepi", "catch", "info vmcs", "info exits"} <= names
            await pilot.press("ctrl+p")                 # Textual's palette lists the commands
            await pilot.press(*"stepi")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(app, pilot)
            assert s.arch.icount() == 1 and "(vtdbg) stepi" in app.conlog.plain
            app.palette_command("x/4xg", False)
            assert app.cmdline.value == "x/4xg "
    asyncio.run(go())


@needs_as
def test_memory_pane_follows_an_expression_and_marks_changes():
    s = loop_session("mov qword ptr [0x8000], 1\nmov qword ptr [0x8000], 2\nhlt\n")

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("escape", "5")            # the memory tab
            mem = app.pane("memory")
            mem.goto("0x8000")
            await pilot.pause()
            assert mem.addr == 0x8000 and "00008000" in str(mem.query_one("#mem-dump").render())
            await pilot.press("f11")
            await settle(app, pilot)
            assert mem._shown[2][0] == 1
            mem.goto("p 0x8000")
            assert mem.phys and mem._shown[2][0] == 1
            mem.goto("nosuchsymbol")
            assert "nosuchsymbol" in str(mem.query_one("#mem-dump").render())
    asyncio.run(go())


def test_exit_table_with_100000_entries_stays_light():
    s = loop_session() if HAVE_AS else Session()
    for i in range(100_000):
        s.exitlog.record(VirtEvent("exit", 100 * i, 30, "IO_INSTRUCTION",
                                   qualification=(0x3F8 << 16), guest_rip=0x400000 + i,
                                   cause="I/O bitmap A bit 0x3f8", cause_field="IO_BITMAP_A",
                                   cause_bit=0x3F8), None)

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("escape", "4")
            await pilot.pause()
            table = app.query_one(ExitTable)
            assert table.count() == 100_000
            assert len(app.query("*")) < 200          # rows are drawn, not widgets
            t0 = time.perf_counter()
            app.refresh_panes(stopped=True)
            await pilot.press("ctrl+end")
            await pilot.pause()
            elapsed = time.perf_counter() - t0
            assert elapsed < 1.0, f"refresh and scroll to the end took {elapsed:.2f} s"
            assert table.cursor == 99_999
            assert "99999" in "".join(seg.text for seg in table.segments(table.cursor))
            assert "VM exit #99999" in str(app.query_one("#exit-detail").render())
            # a new exit: the ring drops the oldest, the table follows without a rebuild
            s.exitlog.record(VirtEvent("exit", 10**8, 10, "CPUID"), None)
            assert table.sync() and table.count() == 100_000
            assert table.rows[0].index == 1 and table.rows[-1].name == "CPUID"
            assert table.cursor == 99_999
    asyncio.run(go())


def test_cli_opens_the_tui_only_with_a_terminal(capsys, monkeypatch):
    import io

    from vtdbg import cli
    monkeypatch.setattr("sys.stdin", io.StringIO(""))      # no terminal, even under -s
    assert cli._wants_tui([]) and cli._wants_tui(["minivmm", "-ex", "info vmx"])
    assert not cli._wants_tui(["run", "hello"]) and not cli._wants_tui(["--help"])
    assert not cli._wants_tui(["--batch", "-ex", "p 1", "hello"])
    # no terminal (pytest captures stdout): the guest runs headless instead
    assert cli.main(["hello"]) == 0
    out = capsys.readouterr()
    assert "[vtdbg] stopped:" in out.out and "not a terminal" in out.err


def test_an_ia64_guest_opens_with_its_own_panes():
    """The panes are architecture-neutral: an IA-64 guest shows its registers, slot
    disassembly (bundle + slot addresses) and steps by slot."""
    from guests import find
    img = find("ia64/hello")
    s = make_session(str(img.elf))

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            pc0 = s.arch.pc()
            assert app.disasm.pc == pc0
            names = [r["name"] for r in app.query_one(RegistersView).rows]
            assert "r1" in names and "psr" in names
            await pilot.press("f11")
            await settle(app, pilot)
            pc1 = s.arch.pc()
            assert pc1 != pc0 and app.disasm.pc == pc1
            assert (pc1 & 0xF) in (0, 1, 2)             # bundle + slot
            assert "(vtdbg) stepi" in app.conlog.plain
    asyncio.run(go())


def test_a_vti_guest_shows_the_vpd_pane_and_its_faults_in_the_exit_log():
    """vtivmm: the control pane is the VPD; a MOV_FROM_PSR fault is a row of the exit log,
    and selecting it marks vac bit 3 (a_from_psr), clear, as what caused it."""
    from guests import find
    s = make_session(str(find("ia64/vtivmm").elf))

    async def go():
        app = VtdbgApp(s)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(app, pilot)
            assert app.pane("vmcs").border_title == "VPD"
            await run_command(app, pilot, "catch vfault MOV_FROM_PSR")
            await pilot.press("f5")
            await settle(app, pilot)
            table = app.query_one(ExitTable)
            assert table.rows[-1].name == "MOV_FROM_PSR"
            assert {r.name for r in table.rows} >= {"MOV_TO_CR", "MOV_FROM_CPUID"}
            vmcs = app.query_one(VmcsPane)
            assert vmcs.cause == ("vac", 3)
            labels = vmcs_labels(app)
            assert "vpsr" in labels and "vac" in labels and "caused the exit" in labels["vac"]
            bit = next(n for n in vmcs.ftree.root.children for n in n.children
                       if n.data == ("field", "vac")).children
            marked = [str(b.label) for b in bit if "caused the exit" in str(b.label)]
            assert marked == ["bit 3  a_from_psr  ◀ clear: caused the exit"]
            detail = str(app.query_one("#exit-detail").render())
            assert "cause (GR24)       7 MOV_FROM_PSR" in detail
            assert "responsible VPD field: vac bit 3 (a_from_psr)" in detail
            await pilot.click("#vmcs-filter")
            await pilot.press(*"TPR")
            await pilot.pause()
            assert set(vmcs_labels(app)) == {"vtpr"}
    asyncio.run(go())
