"""The retention purge, in batches: each batch is one unit of work, so memory stays bounded and no
transaction holds its rows for long. Run each night by the scheduler, and by `privacy purge`."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from app.database import unit_of_work
from app.privacy.services import BATCH, PURGES, purge_step
from app.timeutil import utcnow


def purge(now: datetime | None = None, batch: int = BATCH,
          on_batch: Callable[[float], None] | None = None) -> dict[str, int]:
    """Purge what is past its retention; how many rows of each kind were purged. `on_batch` is told how long
    each batch's transaction took (seconds)."""
    now = now or utcnow()
    done = {}
    for kind in PURGES:
        total = 0
        while True:
            started = time.perf_counter()
            with unit_of_work():
                count = purge_step(kind, now, batch)
            if on_batch is not None:
                on_batch(time.perf_counter() - started)
            total += count
            if count < batch:
                break
        done[kind] = total
    return done
