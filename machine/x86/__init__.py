"""The x86 CPU model (IA-32 and Intel 64), with VMX coming in machine/x86/vmx/."""
