"""Registrations without an account: exact capacity, the waiting list, signed links."""
