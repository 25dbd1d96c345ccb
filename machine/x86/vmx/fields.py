"""Every VMCS field of the VT-x digest as data (SDM Vol. 3C, Appendix B).

Each row: encoding (the "full" encoding; a 64-bit field also answers at encoding + 1 for its
high half), name, description. Width and area follow from the encoding itself (bits 14:13 and
11:10, SDM 25.11.2) and are derived below, so the table cannot disagree with them.
"""
from __future__ import annotations

from dataclasses import dataclass

FIELDS = [
    (0x0000, "VIRTUAL_PROCESSOR_ID", "Virtual-processor identifier (VPID)"),
    (0x0002, "POSTED_INTR_NV", "Posted-interrupt notification vector"),
    (0x0004, "EPTP_INDEX", "EPTP index (#VE)"),
    (0x0006, "HLAT_PREFIX_SIZE", "HLAT prefix size"),
    (0x0008, "LAST_PID_POINTER_INDEX", "Last PID-pointer index (IPI virt.)"),
    (0x000A, "VIRTUAL_TIMER_VECTOR", "Virtual timer vector (APIC-timer virt.)"),
    (0x0800, "GUEST_ES_SELECTOR", "Guest ES selector"),
    (0x0802, "GUEST_CS_SELECTOR", "Guest CS selector"),
    (0x0804, "GUEST_SS_SELECTOR", "Guest SS selector"),
    (0x0806, "GUEST_DS_SELECTOR", "Guest DS selector"),
    (0x0808, "GUEST_FS_SELECTOR", "Guest FS selector"),
    (0x080A, "GUEST_GS_SELECTOR", "Guest GS selector"),
    (0x080C, "GUEST_LDTR_SELECTOR", "Guest LDTR selector"),
    (0x080E, "GUEST_TR_SELECTOR", "Guest TR selector"),
    (0x0810, "GUEST_INTR_STATUS", "Guest interrupt status (RVI low byte, SVI high byte)"),
    (0x0812, "GUEST_PML_INDEX", "PML index"),
    (0x0814, "GUEST_UINV", "Guest UINV (user-interrupt notification vector)"),
    (0x0C00, "HOST_ES_SELECTOR", "Host ES selector"),
    (0x0C02, "HOST_CS_SELECTOR", "Host CS selector"),
    (0x0C04, "HOST_SS_SELECTOR", "Host SS selector"),
    (0x0C06, "HOST_DS_SELECTOR", "Host DS selector"),
    (0x0C08, "HOST_FS_SELECTOR", "Host FS selector"),
    (0x0C0A, "HOST_GS_SELECTOR", "Host GS selector"),
    (0x0C0C, "HOST_TR_SELECTOR", "Host TR selector"),
    (0x2000, "IO_BITMAP_A", "Address of I/O bitmap A"),
    (0x2002, "IO_BITMAP_B", "Address of I/O bitmap B"),
    (0x2004, "MSR_BITMAP", "Address of MSR bitmaps"),
    (0x2006, "VM_EXIT_MSR_STORE_ADDR", "VM-exit MSR-store address"),
    (0x2008, "VM_EXIT_MSR_LOAD_ADDR", "VM-exit MSR-load address"),
    (0x200A, "VM_ENTRY_MSR_LOAD_ADDR", "VM-entry MSR-load address"),
    (0x200C, "EXECUTIVE_VMCS_POINTER", "Executive-VMCS pointer (SMM dual monitor)"),
    (0x200E, "PML_ADDRESS", "PML address"),
    (0x2010, "TSC_OFFSET", "TSC offset"),
    (0x2012, "VIRTUAL_APIC_PAGE_ADDR", "Virtual-APIC address"),
    (0x2014, "APIC_ACCESS_ADDR", "APIC-access address"),
    (0x2016, "POSTED_INTR_DESC_ADDR", "Posted-interrupt descriptor address"),
    (0x2018, "VM_FUNCTION_CONTROL", "VM-function controls"),
    (0x201A, "EPT_POINTER", "EPT pointer (EPTP)"),
    (0x201C, "EOI_EXIT_BITMAP0", "EOI-exit bitmap 0 (vectors 0-63)"),
    (0x201E, "EOI_EXIT_BITMAP1", "EOI-exit bitmap 1 (64-127)"),
    (0x2020, "EOI_EXIT_BITMAP2", "EOI-exit bitmap 2 (128-191)"),
    (0x2022, "EOI_EXIT_BITMAP3", "EOI-exit bitmap 3 (192-255)"),
    (0x2024, "EPTP_LIST_ADDRESS", "EPTP-list address (VMFUNC 0)"),
    (0x2026, "VMREAD_BITMAP", "VMREAD-bitmap address"),
    (0x2028, "VMWRITE_BITMAP", "VMWRITE-bitmap address"),
    (0x202A, "VE_INFORMATION_ADDRESS", "Virtualization-exception information address"),
    (0x202C, "XSS_EXIT_BITMAP", "XSS-exiting bitmap"),
    (0x202E, "ENCLS_EXITING_BITMAP", "ENCLS-exiting bitmap"),
    (0x2030, "SPPTP", "Sub-page-permission-table pointer"),
    (0x2032, "TSC_MULTIPLIER", "TSC multiplier"),
    (0x2034, "TERTIARY_VM_EXEC_CONTROL", "Tertiary processor-based VM-execution controls"),
    (0x2036, "ENCLV_EXITING_BITMAP", "ENCLV-exiting bitmap"),
    (0x2038, "LOW_PASID_DIRECTORY", "Low PASID directory address"),
    (0x203A, "HIGH_PASID_DIRECTORY", "High PASID directory address"),
    (0x203C, "SHARED_EPT_POINTER", "Shared EPT pointer (TDX/SEAM)"),
    (0x203E, "PCONFIG_EXITING_BITMAP", "PCONFIG-exiting bitmap"),
    (0x2040, "HLAT_POINTER", "HLATP (hypervisor-managed linear-address translation ptr)"),
    (0x2042, "PID_POINTER_TABLE", "PID-pointer table address (IPI virt.)"),
    (0x2044, "SECONDARY_VM_EXIT_CONTROLS", "Secondary VM-exit controls"),
    (0x204A, "IA32_SPEC_CTRL_MASK", "IA32_SPEC_CTRL mask"),
    (0x204C, "IA32_SPEC_CTRL_SHADOW", "IA32_SPEC_CTRL shadow"),
    (0x204E, "GUEST_DEADLINE_SHADOW", "Guest deadline shadow (APIC-timer virt.)"),
    (0x2052, "INJECTED_EVENT_DATA", "Injected-event data (FRED)"),
    (0x2400, "GUEST_PHYSICAL_ADDRESS", "Guest-physical address"),
    (0x2402, "MSR_DATA", "MSR data (RDMSRLIST/WRMSRLIST exits)"),
    (0x2404, "ORIGINAL_EVENT_DATA", "Original-event data (FRED)"),
    (0x2800, "VMCS_LINK_POINTER", "VMCS link pointer"),
    (0x2802, "GUEST_IA32_DEBUGCTL", "Guest IA32_DEBUGCTL"),
    (0x2804, "GUEST_IA32_PAT", "Guest IA32_PAT"),
    (0x2806, "GUEST_IA32_EFER", "Guest IA32_EFER"),
    (0x2808, "GUEST_IA32_PERF_GLOBAL_CTRL", "Guest IA32_PERF_GLOBAL_CTRL"),
    (0x280A, "GUEST_PDPTE0", "Guest PDPTE0"),
    (0x280C, "GUEST_PDPTE1", "Guest PDPTE1"),
    (0x280E, "GUEST_PDPTE2", "Guest PDPTE2"),
    (0x2810, "GUEST_PDPTE3", "Guest PDPTE3"),
    (0x2812, "GUEST_IA32_BNDCFGS", "Guest IA32_BNDCFGS"),
    (0x2814, "GUEST_IA32_RTIT_CTL", "Guest IA32_RTIT_CTL"),
    (0x2816, "GUEST_IA32_LBR_CTL", "Guest IA32_LBR_CTL"),
    (0x2818, "GUEST_IA32_PKRS", "Guest IA32_PKRS"),
    (0x281A, "GUEST_IA32_FRED_CONFIG", "Guest IA32_FRED_CONFIG"),
    (0x281C, "GUEST_IA32_FRED_RSP1", "Guest IA32_FRED_RSP1"),
    (0x281E, "GUEST_IA32_FRED_RSP2", "Guest IA32_FRED_RSP2"),
    (0x2820, "GUEST_IA32_FRED_RSP3", "Guest IA32_FRED_RSP3"),
    (0x2822, "GUEST_IA32_FRED_STKLVLS", "Guest IA32_FRED_STKLVLS"),
    (0x2824, "GUEST_IA32_FRED_SSP1", "Guest IA32_FRED_SSP1"),
    (0x2826, "GUEST_IA32_FRED_SSP2", "Guest IA32_FRED_SSP2"),
    (0x2828, "GUEST_IA32_FRED_SSP3", "Guest IA32_FRED_SSP3"),
    (0x282E, "GUEST_IA32_SPEC_CTRL", "Guest IA32_SPEC_CTRL"),
    (0x2830, "GUEST_DEADLINE", "Guest deadline (APIC-timer virt.)"),
    (0x2C00, "HOST_IA32_PAT", "Host IA32_PAT"),
    (0x2C02, "HOST_IA32_EFER", "Host IA32_EFER"),
    (0x2C04, "HOST_IA32_PERF_GLOBAL_CTRL", "Host IA32_PERF_GLOBAL_CTRL"),
    (0x2C06, "HOST_IA32_PKRS", "Host IA32_PKRS"),
    (0x2C08, "HOST_IA32_FRED_CONFIG", "Host IA32_FRED_CONFIG"),
    (0x2C0A, "HOST_IA32_FRED_RSP1", "Host IA32_FRED_RSP1"),
    (0x2C0C, "HOST_IA32_FRED_RSP2", "Host IA32_FRED_RSP2"),
    (0x2C0E, "HOST_IA32_FRED_RSP3", "Host IA32_FRED_RSP3"),
    (0x2C10, "HOST_IA32_FRED_STKLVLS", "Host IA32_FRED_STKLVLS"),
    (0x2C12, "HOST_IA32_FRED_SSP1", "Host IA32_FRED_SSP1"),
    (0x2C14, "HOST_IA32_FRED_SSP2", "Host IA32_FRED_SSP2"),
    (0x2C16, "HOST_IA32_FRED_SSP3", "Host IA32_FRED_SSP3"),
    (0x2C1A, "HOST_IA32_SPEC_CTRL", "Host IA32_SPEC_CTRL"),
    (0x4000, "PIN_BASED_VM_EXEC_CONTROL", "Pin-based VM-execution controls"),
    (0x4002, "CPU_BASED_VM_EXEC_CONTROL", "Primary processor-based VM-execution controls"),
    (0x4004, "EXCEPTION_BITMAP", "Exception bitmap"),
    (0x4006, "PAGE_FAULT_ERROR_CODE_MASK", "Page-fault error-code mask"),
    (0x4008, "PAGE_FAULT_ERROR_CODE_MATCH", "Page-fault error-code match"),
    (0x400A, "CR3_TARGET_COUNT", "CR3-target count"),
    (0x400C, "VM_EXIT_CONTROLS", "Primary VM-exit controls"),
    (0x400E, "VM_EXIT_MSR_STORE_COUNT", "VM-exit MSR-store count"),
    (0x4010, "VM_EXIT_MSR_LOAD_COUNT", "VM-exit MSR-load count"),
    (0x4012, "VM_ENTRY_CONTROLS", "VM-entry controls"),
    (0x4014, "VM_ENTRY_MSR_LOAD_COUNT", "VM-entry MSR-load count"),
    (0x4016, "VM_ENTRY_INTR_INFO_FIELD", "VM-entry interruption-information field"),
    (0x4018, "VM_ENTRY_EXCEPTION_ERROR_CODE", "VM-entry exception error code"),
    (0x401A, "VM_ENTRY_INSTRUCTION_LEN", "VM-entry instruction length"),
    (0x401C, "TPR_THRESHOLD", "TPR threshold"),
    (0x401E, "SECONDARY_VM_EXEC_CONTROL", "Secondary processor-based VM-execution controls"),
    (0x4020, "PLE_GAP", "PAUSE-loop-exiting gap"),
    (0x4022, "PLE_WINDOW", "PAUSE-loop-exiting window"),
    (0x4024, "NOTIFY_WINDOW", "Instruction-timeout control (Linux: NOTIFY_WINDOW)"),
    (0x4026, "SEAM_GUEST_KEYID", "SEAM guest KeyID"),
    (0x4400, "VM_INSTRUCTION_ERROR", "VM-instruction error"),
    (0x4402, "VM_EXIT_REASON", "Exit reason"),
    (0x4404, "VM_EXIT_INTR_INFO", "VM-exit interruption information"),
    (0x4406, "VM_EXIT_INTR_ERROR_CODE", "VM-exit interruption error code"),
    (0x4408, "IDT_VECTORING_INFO_FIELD", "IDT-vectoring information"),
    (0x440A, "IDT_VECTORING_ERROR_CODE", "IDT-vectoring error code"),
    (0x440C, "VM_EXIT_INSTRUCTION_LEN", "VM-exit instruction length"),
    (0x440E, "VMX_INSTRUCTION_INFO", "VM-exit instruction information"),
    (0x4800, "GUEST_ES_LIMIT", "Guest ES limit"),
    (0x4802, "GUEST_CS_LIMIT", "Guest CS limit"),
    (0x4804, "GUEST_SS_LIMIT", "Guest SS limit"),
    (0x4806, "GUEST_DS_LIMIT", "Guest DS limit"),
    (0x4808, "GUEST_FS_LIMIT", "Guest FS limit"),
    (0x480A, "GUEST_GS_LIMIT", "Guest GS limit"),
    (0x480C, "GUEST_LDTR_LIMIT", "Guest LDTR limit"),
    (0x480E, "GUEST_TR_LIMIT", "Guest TR limit"),
    (0x4810, "GUEST_GDTR_LIMIT", "Guest GDTR limit"),
    (0x4812, "GUEST_IDTR_LIMIT", "Guest IDTR limit"),
    (0x4814, "GUEST_ES_AR_BYTES", "Guest ES access rights"),
    (0x4816, "GUEST_CS_AR_BYTES", "Guest CS access rights"),
    (0x4818, "GUEST_SS_AR_BYTES", "Guest SS access rights"),
    (0x481A, "GUEST_DS_AR_BYTES", "Guest DS access rights"),
    (0x481C, "GUEST_FS_AR_BYTES", "Guest FS access rights"),
    (0x481E, "GUEST_GS_AR_BYTES", "Guest GS access rights"),
    (0x4820, "GUEST_LDTR_AR_BYTES", "Guest LDTR access rights"),
    (0x4822, "GUEST_TR_AR_BYTES", "Guest TR access rights"),
    (0x4824, "GUEST_INTERRUPTIBILITY_INFO", "Guest interruptibility state"),
    (0x4826, "GUEST_ACTIVITY_STATE", "Guest activity state"),
    (0x4828, "GUEST_SMBASE", "Guest SMBASE"),
    (0x482A, "GUEST_SYSENTER_CS", "Guest IA32_SYSENTER_CS"),
    (0x482E, "VMX_PREEMPTION_TIMER_VALUE", "VMX-preemption timer value"),
    (0x4C00, "HOST_IA32_SYSENTER_CS", "Host IA32_SYSENTER_CS"),
    (0x6000, "CR0_GUEST_HOST_MASK", "CR0 guest/host mask"),
    (0x6002, "CR4_GUEST_HOST_MASK", "CR4 guest/host mask"),
    (0x6004, "CR0_READ_SHADOW", "CR0 read shadow"),
    (0x6006, "CR4_READ_SHADOW", "CR4 read shadow"),
    (0x6008, "CR3_TARGET_VALUE0", "CR3-target value 0"),
    (0x600A, "CR3_TARGET_VALUE1", "CR3-target value 1"),
    (0x600C, "CR3_TARGET_VALUE2", "CR3-target value 2"),
    (0x600E, "CR3_TARGET_VALUE3", "CR3-target value 3"),
    (0x6400, "EXIT_QUALIFICATION", "Exit qualification"),
    (0x6402, "IO_RCX", "I/O RCX"),
    (0x6404, "IO_RSI", "I/O RSI"),
    (0x6406, "IO_RDI", "I/O RDI"),
    (0x6408, "IO_RIP", "I/O RIP"),
    (0x640A, "GUEST_LINEAR_ADDRESS", "Guest-linear address"),
    (0x6800, "GUEST_CR0", "Guest CR0"),
    (0x6802, "GUEST_CR3", "Guest CR3"),
    (0x6804, "GUEST_CR4", "Guest CR4"),
    (0x6806, "GUEST_ES_BASE", "Guest ES base"),
    (0x6808, "GUEST_CS_BASE", "Guest CS base"),
    (0x680A, "GUEST_SS_BASE", "Guest SS base"),
    (0x680C, "GUEST_DS_BASE", "Guest DS base"),
    (0x680E, "GUEST_FS_BASE", "Guest FS base"),
    (0x6810, "GUEST_GS_BASE", "Guest GS base"),
    (0x6812, "GUEST_LDTR_BASE", "Guest LDTR base"),
    (0x6814, "GUEST_TR_BASE", "Guest TR base"),
    (0x6816, "GUEST_GDTR_BASE", "Guest GDTR base"),
    (0x6818, "GUEST_IDTR_BASE", "Guest IDTR base"),
    (0x681A, "GUEST_DR7", "Guest DR7"),
    (0x681C, "GUEST_RSP", "Guest RSP"),
    (0x681E, "GUEST_RIP", "Guest RIP"),
    (0x6820, "GUEST_RFLAGS", "Guest RFLAGS"),
    (0x6822, "GUEST_PENDING_DBG_EXCEPTIONS", "Guest pending debug exceptions"),
    (0x6824, "GUEST_SYSENTER_ESP", "Guest IA32_SYSENTER_ESP"),
    (0x6826, "GUEST_SYSENTER_EIP", "Guest IA32_SYSENTER_EIP"),
    (0x6828, "GUEST_S_CET", "Guest IA32_S_CET"),
    (0x682A, "GUEST_SSP", "Guest SSP"),
    (0x682C, "GUEST_INTR_SSP_TABLE", "Guest IA32_INTERRUPT_SSP_TABLE_ADDR"),
    (0x6C00, "HOST_CR0", "Host CR0"),
    (0x6C02, "HOST_CR3", "Host CR3"),
    (0x6C04, "HOST_CR4", "Host CR4"),
    (0x6C06, "HOST_FS_BASE", "Host FS base"),
    (0x6C08, "HOST_GS_BASE", "Host GS base"),
    (0x6C0A, "HOST_TR_BASE", "Host TR base"),
    (0x6C0C, "HOST_GDTR_BASE", "Host GDTR base"),
    (0x6C0E, "HOST_IDTR_BASE", "Host IDTR base"),
    (0x6C10, "HOST_IA32_SYSENTER_ESP", "Host IA32_SYSENTER_ESP"),
    (0x6C12, "HOST_IA32_SYSENTER_EIP", "Host IA32_SYSENTER_EIP"),
    (0x6C14, "HOST_RSP", "Host RSP"),
    (0x6C16, "HOST_RIP", "Host RIP"),
    (0x6C18, "HOST_S_CET", "Host IA32_S_CET"),
    (0x6C1A, "HOST_SSP", "Host SSP"),
    (0x6C1C, "HOST_INTR_SSP_TABLE", "Host IA32_INTERRUPT_SSP_TABLE_ADDR"),
]

WIDTH_BITS = {0: 16, 1: 64, 2: 32, 3: 64}          # natural width is 64 bits on Intel 64
AREAS = {0: "control", 1: "exit-info", 2: "guest", 3: "host"}


@dataclass(frozen=True)
class Field:
    encoding: int
    name: str
    description: str

    @property
    def width(self) -> int:
        """16, 32, 64 or 64 for natural width; see `natural`."""
        return WIDTH_BITS[(self.encoding >> 13) & 3]

    @property
    def natural(self) -> bool:
        return (self.encoding >> 13) & 3 == 3

    @property
    def area(self) -> str:
        return AREAS[(self.encoding >> 10) & 3]

    @property
    def read_only(self) -> bool:
        return self.area == "exit-info"


BY_ENCODING = {enc: Field(enc, name, desc) for enc, name, desc in FIELDS}
BY_NAME = {f.name: f for f in BY_ENCODING.values()}


def lookup(encoding: int):
    """(field, high) for a VMREAD/VMWRITE encoding, or None when the component is unsupported
    (SDM 25.11.2: bit 0 selects the high half, legal only for 64-bit fields)."""
    if encoding & 0xFFFF9000 or encoding >> 32:
        return None
    high = encoding & 1
    f = BY_ENCODING.get(encoding & ~1)
    if f is None or (high and ((f.encoding >> 13) & 3) != 1):
        return None
    return f, bool(high)


# IA32_VMX_VMCS_ENUM bits 9:1: the highest index of any supported encoding (SDM A.9).
MAX_INDEX = max((e >> 1) & 0x1FF for e in BY_ENCODING)
