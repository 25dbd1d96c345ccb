"""The Itanium (IA-64) processor model: bundles, decoder, disassembler, CPU, RSE, MMU."""
