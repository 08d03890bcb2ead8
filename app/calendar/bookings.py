"""Rooms and hosts held by sessions: never in two places at once.

Every scheduled session holds its room (on site) and each of its hosts, written as rows of `booking`
by `sync_bookings`, which the calendar services call with every change of a session. A host's booking
of a class at a school spans SCHOOL_TRAVEL_MINUTES before and after it. A clash is refused with a
message that names the other session. The check runs under the write lock on SQLite; on PostgreSQL the
database's exclusion constraint settles two writers that checked at the same moment: the second gets
the same clear message.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date, format_time, get_locale, gettext
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.calendar.models import Booking, Room, Session, counsellor_activity, session_host
from app.database import begin_write
from app.errors import ValidationError
from app.extensions import db
from app.timeutil import BRUSSELS

EXCLUSION_VIOLATION = "23P01"  # PostgreSQL's SQLSTATE for a row an exclusion constraint refuses


def travel() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("SCHOOL_TRAVEL_MINUTES", 45)))


def host_span(start: datetime, end: datetime, at_school: bool) -> tuple[datetime, datetime]:
    """The time a host is held by a session: with the travel to and from a school."""
    return (start - travel(), end + travel()) if at_school else (start, end)


def wanted_bookings(session: Session, host_ids=None) -> list[tuple[str, int, datetime, datetime]]:
    """(kind, resource id, start, end) of what the session should hold now."""
    if session.status != "scheduled":
        return []
    found = []
    if session.format != "online" and session.room_id is not None:
        found.append(("room", session.room_id, session.start_at, session.end_at))
    start, end = host_span(session.start_at, session.end_at, session.at_school)
    ids = [h.id for h in session.hosts] if host_ids is None else host_ids
    found += [("host", user_id, start, end) for user_id in sorted(set(ids))]
    return found


def _describe(kind: str, resource_id: int, other: Session) -> str:
    begins, ends = other.start_at.astimezone(BRUSSELS), other.end_at.astimezone(BRUSSELS)
    values = dict(day=format_date(begins.date(), "EEEE d MMMM y"), start=format_time(begins, "HH:mm"),
                  end=format_time(ends, "HH:mm"), id=other.id,
                  title=other.activity.localized("title", str(get_locale() or "fr")[:2]))
    if kind == "room":
        room = db.session.get(Room, resource_id)
        return gettext(
            "%(room)s is already booked on %(day)s from %(start)s to %(end)s for “%(title)s” (session %(id)s).",
            room=room.localized("name", str(get_locale() or "fr")[:2]) if room else "?", **values)
    user = db.session.get(User, resource_id)
    if other.at_school:
        return gettext(
            "%(host)s already leads “%(title)s” (session %(id)s) at a school on %(day)s from %(start)s to "
            "%(end)s, with %(minutes)s minutes of travel before and after.",
            host=user.name if user else "?", minutes=int(travel().total_seconds() // 60), **values)
    return gettext("%(host)s already leads “%(title)s” (session %(id)s) on %(day)s from %(start)s to %(end)s.",
                   host=user.name if user else "?", **values)


def find_clash(wanted, exclude_session: int | None) -> tuple[str, Booking] | None:
    """The first booking of another session that one of `wanted` would overlap, with its field name."""
    for kind, resource_id, start, end in wanted:
        query = (db.select(Booking).join(Booking.session)
                 .where(Booking.kind == kind, Booking.resource_id == resource_id,
                        Booking.start_at < end, Booking.end_at > start)
                 .order_by(Booking.start_at).limit(1))
        if exclude_session is not None:
            query = query.where(Booking.session_id != exclude_session)
        other = db.session.scalars(query).first()
        if other is not None:
            return ("room" if kind == "room" else "hosts"), other
    return None


def check_free(wanted, exclude_session: int | None = None) -> None:
    """Refuse a room or host already held at an overlapping time (the write lock taken first on SQLite)."""
    begin_write()
    clash = find_clash(wanted, exclude_session)
    if clash is not None:
        field, other = clash
        raise ValidationError({field: _describe(other.kind, other.resource_id, other.session)})


def check_hosts_free(host_ids, start: datetime, end: datetime, at_school: bool,
                     exclude_session: int | None = None) -> None:
    """Refuse hosts already held (travel included) when a session would be at this time."""
    span = host_span(start, end, at_school)
    check_free([("host", user_id, *span) for user_id in sorted(set(host_ids))], exclude_session)


def sync_bookings(session: Session) -> None:
    """Make the session's bookings what it holds now; a clash is refused (ValidationError) and the
    session's bookings are then left as they were."""
    db.session.flush()
    wanted = wanted_bookings(session)
    held = list(db.session.scalars(db.select(Booking).where(Booking.session_id == session.id)))
    if sorted((b.kind, b.resource_id, b.start_at, b.end_at) for b in held) == sorted(wanted):
        return
    check_free(wanted, exclude_session=session.id)
    try:
        with db.session.begin_nested():
            for booking in held:
                db.session.delete(booking)
            db.session.flush()
            db.session.add_all([Booking(session_id=session.id, kind=kind, resource_id=resource_id, start_at=start,
                                        end_at=end) for kind, resource_id, start, end in wanted])
            db.session.flush()
    except IntegrityError as exc:  # another writer booked the same room or host since the check
        if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        clash = _committed_clash(wanted, session.id)
        raise ValidationError(clash or {
            "hosts": gettext("This time was booked a moment ago. Please choose another.")}) from exc


def _committed_clash(wanted, session_id: int) -> dict | None:
    clash = find_clash(wanted, session_id)
    if clash is None:
        return None
    field, other = clash
    return {field: _describe(other.kind, other.resource_id, other.session)}


def set_hosts(session: Session, users) -> Session:
    """The session's hosts become `users` (staff or partner accounts); a host busy elsewhere is refused."""
    errors = {}
    wrong = [u for u in users if u.role not in HOST_ROLES]
    if wrong:
        errors["hosts"] = gettext("Only staff and partner users can host a session.")
    if errors:
        raise ValidationError(errors)
    ids = sorted({u.id for u in users})
    check_free([w for w in wanted_bookings(session, ids) if w[0] == "host"], exclude_session=session.id)
    session.hosts = sorted(set(users), key=lambda u: (u.name, u.id))
    sync_bookings(session)
    return session


def sessions_of_host(user_id: int, start: datetime, end: datetime) -> list[Session]:
    """The sessions a user hosts from `start` to `end`, cancelled ones too, soonest first."""
    return list(db.session.scalars(
        db.select(Session).join(session_host, session_host.c.session_id == Session.id)
        .where(session_host.c.user_id == user_id, Session.start_at >= start, Session.start_at < end)
        .order_by(Session.start_at, Session.id)))


HOST_ROLES = ("admin", "coordinator", "counsellor", "partner")


def possible_hosts() -> list[User]:
    """Every active staff or partner account, by name."""
    return list(db.session.scalars(db.select(User).where(User.active.is_(True), User.role.in_(HOST_ROLES))
                                   .order_by(User.name, User.id)))


def counsellors() -> list[User]:
    """The staff who may lead activities: every active staff account, by name."""
    return list(db.session.scalars(db.select(User).where(
        User.active.is_(True), User.role.in_(("admin", "coordinator", "counsellor"))).order_by(User.name, User.id)))


def set_counsellor_activities(user: User, activities) -> User:
    """The activities `user` may lead become `activities`."""
    if user.role not in ("admin", "coordinator", "counsellor"):
        raise ValidationError({"activities": gettext("Only staff members lead the centre's activities.")})
    user.activities = sorted(set(activities), key=lambda a: a.slug)
    db.session.flush()
    return user


def qualified_counsellors(activity_id: int) -> list[User]:
    """The active staff marked as able to lead the activity, by name."""
    return list(db.session.scalars(
        db.select(User).join(counsellor_activity, counsellor_activity.c.user_id == User.id)
        .where(counsellor_activity.c.activity_id == activity_id, User.active.is_(True)).order_by(User.name, User.id)))
