"""External services, one module each (none yet)."""
