"""What the staff pages need beyond the calendar and registration services."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.calendar import services as calendar
from app.calendar.models import Activity, Room, Session, Venue, session_host
from app.closures.caps import apply_caps
from app.errors import NotFound
from app.extensions import db
from app.messages.models import STATUSES, OutboxMessage
from app.registrations.models import Registration
from app.timeutil import local_day_bounds


def week_sessions(monday: date) -> list[Session]:
    """Every session of the centre in the week from `monday` (schools only and cancelled too), in one query."""
    start, end = local_day_bounds(monday, monday + timedelta(days=6))
    rows = list(db.session.scalars(
        db.select(Session).where(Session.start_at >= start, Session.start_at < end)
        .order_by(Session.start_at, Session.id)
        .options(selectinload(Session.activity).selectinload(Activity.organiser),
                 selectinload(Session.activity).selectinload(Activity.cohosts),
                 selectinload(Session.venue), selectinload(Session.room))))
    apply_caps(rows)
    load_hosts(rows)
    return rows


def load_hosts(sessions: list[Session]) -> None:
    """Every session's hosts in one query from the hosts table (the sessions are not read again)."""
    if not sessions:
        return
    found: dict[int, list[User]] = {s.id: [] for s in sessions}
    for session_id, user in db.session.execute(
            db.select(session_host.c.session_id, User).join(User, User.id == session_host.c.user_id)
            .where(session_host.c.session_id.in_(list(found))).order_by(User.name, User.id)):
        found[session_id].append(user)
    for session in sessions:
        set_committed_value(session, "hosts", found[session.id])


@dataclass
class PreviewRow:
    day: date
    start: datetime  # Brussels
    end: datetime
    kind: str  # regular, skip or move
    session: Session | None = None

    @property
    def offset(self) -> str:
        return self.start.isoformat()[-6:]

    @property
    def summer(self) -> bool:
        return bool(self.start.dst())


def preview(series_or_values, sessions: dict | None = None) -> list[PreviewRow]:
    """The dates a series (saved, or only values from a form) generates, in Brussels time."""
    if isinstance(series_or_values, dict):
        v = series_or_values
        series_or_values = SimpleNamespace(weekday_list=sorted(set(v["weekdays"])), exceptions=[], **{
            k: v[k] for k in ("start_time", "duration_minutes", "start_date", "end_date")})
    sessions = sessions or {}
    return [PreviewRow(day, start, end, kind, sessions.get(day))
            for day, start, end, kind in calendar.preview_series(series_or_values)]


def clock_changes(rows: list[PreviewRow]) -> set[date]:
    """Dates whose offset differs from the occurrence before: the clocks changed in between."""
    return {row.day for before, row in zip(rows, rows[1:], strict=False) if before.offset != row.offset}


def series_sessions(series_id: int) -> dict[date, Session]:
    return {s.occurrence_date: s for s in db.session.scalars(db.select(Session).where(Session.series_id == series_id))}


def edit_session(session_id: int, *, start: datetime, end: datetime, format: str, venue: Venue | None,
                 room: Room | None, capacity) -> Session:
    """Change time, place and seats of one session through the calendar services, under the session's
    lock until the commit, so no registration slips in between; an error in either leaves nothing changed.

    A capacity below the confirmed registrations is refused: seats are never taken from people.
    """
    session = calendar.lock_session(session_id)
    if session is None:
        raise NotFound({"session": str(_l("This session does not exist."))})
    place = dict(format=format, venue=venue, room=room, capacity=capacity)
    if (start, end) == (session.start_at, session.end_at):
        calendar.update_session(session, **place)
    elif _free_at_present_time(session, format, room):
        calendar.update_session(session, **place)
        calendar.reschedule_session(session, start, end)
    else:  # the new room is busy now but free at the new time: move first
        calendar.reschedule_session(session, start, end)
        calendar.update_session(session, **place)
    return session


def _free_at_present_time(session: Session, format: str, room: Room | None) -> bool:
    """Whether the new room may be taken at the session's present time (then the place changes first)."""
    if format == "online" or room is None or room == session.room:
        return True
    return not db.session.scalar(db.select(func.count(Session.id)).where(
        Session.room_id == room.id, Session.status == "scheduled", Session.id != session.id,
        Session.start_at < session.end_at, Session.end_at > session.start_at))


def session_registrations(session: Session) -> list[Registration]:
    """Everyone who registered, cancelled people last; the waiting list in its order."""
    rows = db.session.scalars(db.select(Registration).where(Registration.session_id == session.id)
                              .options(selectinload(Registration.audience)))
    order = {"confirmed": 0, "waitlisted": 1, "cancelled": 2}
    return sorted(rows, key=lambda r: (order[r.status], r.waitlist_rank or 0, r.id))


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    waiting = [r for r in registrations if r.status == "waitlisted"]
    return {r.id: n for n, r in enumerate(waiting, start=1)}


OUTBOX_PAGE = 100


def outbox(status: str | None, page: int) -> tuple[list[OutboxMessage], dict[str, int], int]:
    """(messages of the page, count per status, pages), newest first."""
    counts = dict(db.session.execute(db.select(OutboxMessage.status, func.count())
                                     .group_by(OutboxMessage.status)).all())
    counts = {s: counts.get(s, 0) for s in STATUSES}
    total = counts.get(status, 0) if status else sum(counts.values())
    pages = max(1, -(-total // OUTBOX_PAGE))
    page = min(max(page, 1), pages)
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query.limit(OUTBOX_PAGE).offset((page - 1) * OUTBOX_PAGE))), counts, pages


def activities() -> list[Activity]:
    return list(db.session.scalars(db.select(Activity).order_by(Activity.slug).options(
        selectinload(Activity.theme), selectinload(Activity.organiser), selectinload(Activity.cohosts),
        selectinload(Activity.audiences))))


def series_defaults(activity: Activity | None) -> dict:
    """Starting values of the series form."""
    return dict(start_time=time(14, 0), duration_minutes=activity.default_duration_minutes if activity else 120,
                capacity=activity.default_capacity if activity else 20)
