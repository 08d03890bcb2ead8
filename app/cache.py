"""A small in-process cache of rendered answers, keyed by what they depend on.

Each web process keeps its own. A key always carries the calendar's version (see
`calendar_version`), so an edit anywhere is seen at once; entries also expire after `ttl` seconds,
for what depends on the clock alone (today's date, sessions already over).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class RenderCache:
    def __init__(self, size: int = 256, ttl: float = 60.0):
        self.size, self.ttl = size, ttl
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], T], ttl: float | None = None) -> T:
        """The entry of `key`, built when missing or expired; `ttl` shortens the life of a new entry."""
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] > now:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[1]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self.misses += 1
            self._entries[key] = (now + (self.ttl if ttl is None else min(ttl, self.ttl)), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


renders = RenderCache()
# Whole feeds, by their ETag (which changes with anything they show): few, large, and long-lived.
feeds = RenderCache(size=16, ttl=600.0)
# The feeds of one's own (a person's, a staff user's, a partner's): many, small, polled.
personal_feeds = RenderCache(size=512, ttl=600.0)
