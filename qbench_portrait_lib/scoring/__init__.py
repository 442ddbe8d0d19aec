"""The scoring core: pure functions that import neither ``datasets`` nor ``evaluate``."""
