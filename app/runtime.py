"""Garbage collection only between units of work (requests, jobs), in the serving processes.

CPython 3.11 can crash (SIGSEGV, heap corruption) when a cyclic collection starts while an object's
attribute dictionary is being resized and a weakref callback run by that collection writes
attributes of another instance of the same class: the ORM's instance states do exactly that when a
page loads a few thousand rows. Collecting only at the end of a request or a job, when no such write
is in progress, removes the window; the generational thresholds are kept, so the memory stays bounded.
"""
from __future__ import annotations

import gc

from flask import Flask, appcontext_popped


def collect_if_due(*_args, **_kwargs) -> None:
    """What the automatic collector would do now, done at a safe point."""
    threshold0, threshold1, threshold2 = gc.get_threshold()
    count0, count1, count2 = gc.get_count()
    if count2 > threshold2:
        gc.collect(2)
    elif count1 > threshold1:
        gc.collect(1)
    elif count0 > threshold0:
        gc.collect(0)


def collect_between_requests(app: Flask) -> None:
    """For a serving process: no automatic collection; one after each app context (request, job)."""
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the process: never scan it again
    gc.disable()
    appcontext_popped.connect(collect_if_due, app, weak=False)
