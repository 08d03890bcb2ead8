"""Health-measure capacity caps: the seats a session offers while a cap holds on its day and venue.

One rule for registrations (which it binds) and for every place that shows seats left (pages, API,
staff week): the session's capacity, under the tightest cap of its day, counted on its room's size.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.calendar.models import Session
from app.closures.models import CapacityCap
from app.extensions import db
from app.timeutil import BRUSSELS


def _capped(session: Session, percents: list[int]) -> int:
    if not percents:
        return session.capacity
    base = session.room.capacity if session.room is not None else session.capacity
    return max(0, min(session.capacity, base * min(percents) // 100))


def _is_capped(session: Session) -> bool:
    return session.format != "online" and session.venue_id is not None


def effective_capacity(session: Session) -> int:
    """The seats new registrations may take (one query)."""
    if not _is_capped(session):
        return session.capacity
    day = session.start_at.astimezone(BRUSSELS).date()
    percents = list(db.session.scalars(db.select(CapacityCap.percent).where(
        CapacityCap.first_day <= day, CapacityCap.last_day >= day,
        sa.or_(CapacityCap.venue_id.is_(None), CapacityCap.venue_id == session.venue_id))))
    return _capped(session, percents)


def apply_caps(sessions: Iterable[Session]) -> None:
    """Give each session its `capacity_now` (what `seats_left` counts from), in one query for them all."""
    sessions = list(sessions)
    on_site = [s for s in sessions if _is_capped(s)]
    for session in sessions:
        session.capacity_now = session.capacity
    if not on_site:
        return
    days = {s.id: s.start_at.astimezone(BRUSSELS).date() for s in on_site}
    caps = list(db.session.scalars(db.select(CapacityCap).where(
        CapacityCap.first_day <= max(days.values()), CapacityCap.last_day >= min(days.values()))))
    if not caps:
        return
    for session in on_site:
        day = days[session.id]
        percents = [c.percent for c in caps if c.first_day <= day <= c.last_day
                    and (c.venue_id is None or c.venue_id == session.venue_id)]
        session.capacity_now = _capped(session, percents)
