"""VMX: VT-x root and non-root operation (SDM Vol. 3C, chapters 24-30)."""
