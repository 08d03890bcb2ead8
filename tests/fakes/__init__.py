"""Servers on 127.0.0.1 that behave like the external APIs, for the integration tests.

Fixtures are in ``tests.fakes.fixtures``; a test module imports the ones it uses.
"""
from .base import FakeServer, Logged
from .google import FakeGoogle
from .graph import FakeGraph
from .linkedin import FakeLinkedIn
from .whereby import FakeWhereby

__all__ = ["FakeGoogle", "FakeGraph", "FakeLinkedIn", "FakeServer", "FakeWhereby", "Logged"]
