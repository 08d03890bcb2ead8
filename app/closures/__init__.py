"""Closures of a venue (lockdown, holidays, works) and health-measure capacity caps."""
