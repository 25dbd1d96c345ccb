"""Differential testing of the x86 model against unicorn, from our own opcode table."""
