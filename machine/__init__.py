"""The hardware model: CPUs, memory, devices and firmware. Knows nothing of debugging."""
