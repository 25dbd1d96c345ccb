"""VMX names as data: basic exit reasons, VM-instruction errors, control bits, VMX aborts
(SDM Vol. 3C, Appendix C, Table 31-1 (30-1 in older editions), chapter 25)."""
from __future__ import annotations

EXIT_REASONS = {
    0: "EXCEPTION_NMI", 1: "EXTERNAL_INTERRUPT", 2: "TRIPLE_FAULT", 3: "INIT_SIGNAL", 4: "SIPI",
    5: "IO_SMI", 6: "OTHER_SMI", 7: "INTERRUPT_WINDOW", 8: "NMI_WINDOW", 9: "TASK_SWITCH",
    10: "CPUID", 11: "GETSEC", 12: "HLT", 13: "INVD", 14: "INVLPG", 15: "RDPMC", 16: "RDTSC",
    17: "RSM", 18: "VMCALL", 19: "VMCLEAR", 20: "VMLAUNCH", 21: "VMPTRLD", 22: "VMPTRST",
    23: "VMREAD", 24: "VMRESUME", 25: "VMWRITE", 26: "VMXOFF", 27: "VMXON", 28: "CR_ACCESS",
    29: "DR_ACCESS", 30: "IO_INSTRUCTION", 31: "RDMSR", 32: "WRMSR",
    33: "ENTRY_FAIL_GUEST_STATE", 34: "ENTRY_FAIL_MSR_LOAD", 36: "MWAIT",
    37: "MONITOR_TRAP_FLAG", 39: "MONITOR", 40: "PAUSE", 41: "ENTRY_FAIL_MACHINE_CHECK",
    43: "TPR_BELOW_THRESHOLD", 44: "APIC_ACCESS", 45: "VIRTUALIZED_EOI", 46: "GDTR_IDTR_ACCESS",
    47: "LDTR_TR_ACCESS", 48: "EPT_VIOLATION", 49: "EPT_MISCONFIG", 50: "INVEPT", 51: "RDTSCP",
    52: "PREEMPTION_TIMER", 53: "INVVPID", 54: "WBINVD", 55: "XSETBV", 56: "APIC_WRITE",
    57: "RDRAND", 58: "INVPCID", 59: "VMFUNC", 60: "ENCLS", 61: "RDSEED", 62: "PML_FULL",
    63: "XSAVES", 64: "XRSTORS", 65: "PCONFIG", 66: "SPP_EVENT", 67: "UMWAIT", 68: "TPAUSE",
    69: "LOADIWKEY", 70: "ENCLV", 72: "ENQCMD_PASID_FAIL", 73: "ENQCMDS_PASID_FAIL",
    74: "BUS_LOCK", 75: "NOTIFY", 76: "SEAMCALL", 77: "TDCALL", 78: "RDMSRLIST",
    79: "WRMSRLIST",
}
EXIT_REASON_NUMBERS = {v: k for k, v in EXIT_REASONS.items()}

VM_INSTRUCTION_ERRORS = {
    1: "VMCALL executed in VMX root operation",
    2: "VMCLEAR with invalid physical address",
    3: "VMCLEAR with VMXON pointer",
    4: "VMLAUNCH with non-clear VMCS",
    5: "VMRESUME with non-launched VMCS",
    6: "VMRESUME after VMXOFF",
    7: "VM entry with invalid control field(s)",
    8: "VM entry with invalid host-state field(s)",
    9: "VMPTRLD with invalid physical address",
    10: "VMPTRLD with VMXON pointer",
    11: "VMPTRLD with incorrect VMCS revision identifier",
    12: "VMREAD/VMWRITE from/to unsupported VMCS component",
    13: "VMWRITE to read-only VMCS component",
    15: "VMXON executed in VMX root operation",
    16: "VM entry with invalid executive-VMCS pointer",
    17: "VM entry with non-launched executive VMCS",
    18: "VM entry with executive-VMCS pointer not VMXON pointer",
    19: "VMCALL with non-clear VMCS",
    20: "VMCALL with invalid VM-exit control fields",
    22: "VMCALL with incorrect MSEG revision identifier",
    23: "VMXOFF under dual-monitor treatment of SMIs and SMM",
    24: "VMCALL with invalid SMM-monitor features",
    25: "VM entry with invalid VM-execution control fields in executive VMCS",
    26: "VM entry with events blocked by MOV SS",
    28: "Invalid operand to INVEPT/INVVPID",
}

VMX_ABORTS = {
    1: "failure saving guest MSRs", 2: "failure loading host PDPTEs",
    3: "current VMCS corrupted", 4: "failure loading host MSRs",
    5: "machine-check event during VM exit", 6: "VM exit to 32-bit host from 64-bit guest",
}

# Control bits by field name: bit -> name (SDM 25.6, 25.7, 25.8).
CONTROL_BITS = {
    "PIN_BASED_VM_EXEC_CONTROL": {
        0: "external-interrupt exiting", 3: "NMI exiting", 5: "virtual NMIs",
        6: "activate VMX-preemption timer", 7: "process posted interrupts",
    },
    "CPU_BASED_VM_EXEC_CONTROL": {
        2: "interrupt-window exiting", 3: "use TSC offsetting", 7: "HLT exiting",
        9: "INVLPG exiting", 10: "MWAIT exiting", 11: "RDPMC exiting", 12: "RDTSC exiting",
        15: "CR3-load exiting", 16: "CR3-store exiting", 17: "activate tertiary controls",
        19: "CR8-load exiting", 20: "CR8-store exiting", 21: "use TPR shadow",
        22: "NMI-window exiting", 23: "MOV-DR exiting", 24: "unconditional I/O exiting",
        25: "use I/O bitmaps", 27: "monitor trap flag", 28: "use MSR bitmaps",
        29: "MONITOR exiting", 30: "PAUSE exiting", 31: "activate secondary controls",
    },
    "SECONDARY_VM_EXEC_CONTROL": {
        0: "virtualize APIC accesses", 1: "enable EPT", 2: "descriptor-table exiting",
        3: "enable RDTSCP", 4: "virtualize x2APIC mode", 5: "enable VPID", 6: "WBINVD exiting",
        7: "unrestricted guest", 8: "APIC-register virtualization",
        9: "virtual-interrupt delivery", 10: "PAUSE-loop exiting", 11: "RDRAND exiting",
        12: "enable INVPCID", 13: "enable VM functions", 14: "VMCS shadowing",
        15: "enable ENCLS exiting", 16: "RDSEED exiting", 17: "enable PML",
        18: "EPT-violation #VE", 19: "conceal VMX from PT", 20: "enable XSAVES/XRSTORS",
        22: "mode-based execute control for EPT", 23: "sub-page write permissions for EPT",
        24: "Intel PT uses guest physical addresses", 25: "use TSC scaling",
        26: "enable user wait and pause", 27: "enable PCONFIG", 28: "enable ENCLV exiting",
        30: "VMM bus-lock detection", 31: "instruction timeout",
    },
    "VM_EXIT_CONTROLS": {
        2: "save debug controls", 9: "host address-space size",
        12: "load IA32_PERF_GLOBAL_CTRL", 15: "acknowledge interrupt on exit",
        18: "save IA32_PAT", 19: "load IA32_PAT", 20: "save IA32_EFER", 21: "load IA32_EFER",
        22: "save VMX-preemption timer value", 23: "clear IA32_BNDCFGS",
        24: "conceal VMX from PT", 25: "clear IA32_RTIT_CTL", 26: "clear IA32_LBR_CTL",
        27: "clear UINV", 28: "load CET state", 29: "load PKRS",
        30: "save IA32_PERF_GLOBAL_CTRL", 31: "activate secondary controls",
    },
    "VM_ENTRY_CONTROLS": {
        2: "load debug controls", 9: "IA-32e mode guest", 10: "entry to SMM",
        11: "deactivate dual-monitor treatment", 13: "load IA32_PERF_GLOBAL_CTRL",
        14: "load IA32_PAT", 15: "load IA32_EFER", 16: "load IA32_BNDCFGS",
        17: "conceal VMX from PT", 18: "load IA32_RTIT_CTL", 19: "load UINV",
        20: "load CET state", 21: "load IA32_LBR_CTL", 22: "load PKRS",
    },
}

INTERRUPTION_TYPES = {0: "external interrupt", 2: "NMI", 3: "hardware exception",
                      4: "software interrupt", 5: "privileged software exception",
                      6: "software exception", 7: "other event"}
ACTIVITY_STATES = {0: "active", 1: "HLT", 2: "shutdown", 3: "wait-for-SIPI"}
