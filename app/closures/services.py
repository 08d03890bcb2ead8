"""Declaring, extending and ending closures; capacity caps. Sessions change through the calendar's
services, so registered people are told, rooms are asked for and feeds follow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.calendar import services as calendar
from app.calendar.models import ON_SITE_FORMATS, Room, Session, Texts, Venue, as_texts
from app.closures.caps import effective_capacity
from app.closures.models import ACTIONS, CapacityCap, Closure, ClosureEffect
from app.errors import ValidationError
from app.extensions import db
from app.registrations.models import Registration
from app.timeutil import local_day_bounds, local_today, utcnow


@dataclass
class Affected:
    session: Session
    registrations: list[Registration]


def _check(venue: Venue | None, first: date | None, last: date | None, reason: Texts, action: str) -> None:
    errors = {}
    if venue is None:
        errors["venue"] = _l("Choose a venue.")
    if first is None:
        errors["first_day"] = _l("Give the first day.")
    if last is None:
        errors["last_day"] = _l("Give the last day.")
    elif first is not None and last < first:
        errors["last_day"] = _l("The last day must not come before the first.")
    elif first is not None and (last - first).days > 366:
        errors["last_day"] = _l("A closure lasts at most a year.")
    if not (reason.get("fr") or "").strip():
        errors["reason_fr"] = _l("Give the reason, as the public will read it.")
    for lang, text in reason.items():
        if len(text or "") > 300:
            errors[f"reason_{lang}"] = _l("The reason is too long (300 characters at most).")
    if action not in ACTIONS:
        errors["action"] = _l("Choose to switch the sessions online or to cancel them.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})


def affected_sessions(venue: Venue, first: date, last: date) -> list[Affected]:
    """Scheduled on-site sessions of the venue in those days, from now on, with who is registered."""
    start, end = local_day_bounds(first, last)
    sessions = list(db.session.scalars(
        db.select(Session).where(Session.venue_id == venue.id, Session.status == "scheduled",
                                 Session.format.in_(ON_SITE_FORMATS), Session.start_at >= max(start, utcnow()),
                                 Session.start_at < end).order_by(Session.start_at)))
    people: dict[int, list[Registration]] = {s.id: [] for s in sessions}
    if sessions:
        for registration in db.session.scalars(db.select(Registration).where(
                Registration.session_id.in_(people), Registration.status != "cancelled").order_by(Registration.id)):
            people[registration.session_id].append(registration)
    return [Affected(s, people[s.id]) for s in sessions]


def preview_closure(venue: Venue | None, first: date | None, last: date | None, reason: str | Texts,
                    action: str) -> list[Affected]:
    _check(venue, first, last, as_texts(reason), action)
    return affected_sessions(venue, first, last)


def declare_closure(venue: Venue | None, first: date | None, last: date | None, reason: str | Texts, action: str,
                    user=None) -> Closure:
    """Record the closure and apply it to every session concerned (each told in their language), all or
    nothing: a session that cannot be changed leaves the closure and every other session as they were."""
    reason = as_texts(reason)
    _check(venue, first, last, reason, action)
    closure = Closure(venue=venue, first_day=first, last_day=last, action=action,
                      created_by_id=getattr(user, "id", None))
    closure.set_texts("reason", reason)
    db.session.add(closure)
    db.session.flush()
    apply_closure(closure)
    return closure


def apply_closure(closure: Closure) -> list[Session]:
    """Switch online or cancel the closure's sessions not yet handled (idempotent)."""
    effects = {e.session_id: e for e in closure.effects}
    changed = []
    for item in affected_sessions(closure.venue, closure.first_day, closure.last_day):
        session = item.session
        effect = effects.get(session.id)
        if effect is not None and effect.undone_at is None:
            continue
        previous = dict(action=closure.action, undone_at=None, previous_format=session.format,
                        previous_venue_id=session.venue_id, previous_room_id=session.room_id)
        if effect is None:
            db.session.add(ClosureEffect(closure=closure, session_id=session.id, **previous))
        else:  # an effect undone by an earlier end is taken up again
            for name, value in previous.items():
                setattr(effect, name, value)
        if closure.action == "online":
            calendar.update_session(session, format="online")
        else:
            calendar.cancel_session(session, closure.texts("reason"))
        changed.append(session)
    db.session.flush()
    return changed


def change_closure(closure: Closure, first: date | None, last: date | None) -> Closure:
    """Extend a closure or end it early: new days are handled, days no longer closed get their sessions back."""
    _check(closure.venue, first, last, closure.texts("reason"), closure.action)
    closure.first_day, closure.last_day = first, last
    start, end = local_day_bounds(first, last)
    for effect in list(closure.effects):
        session = effect.session
        inside = start <= session.start_at < end
        if inside or effect.undone_at or effect.action != "online" or session.start_at <= utcnow():
            continue
        if session.status == "scheduled" and session.format == "online":
            venue = db.session.get(Venue, effect.previous_venue_id) if effect.previous_venue_id else None
            room = db.session.get(Room, effect.previous_room_id) if effect.previous_room_id else None
            try:
                with db.session.begin_nested():
                    calendar.update_session(session, format=effect.previous_format, venue=venue, room=room)
            except ValidationError:  # the room was taken meanwhile: the session stays online
                continue
        effect.undone_at = utcnow()
    db.session.flush()
    apply_closure(closure)
    return closure


def closures_ahead(days: int = 8 * 7) -> list[Closure]:
    """Closures that are on or coming, for the public notice and the staff list."""
    today = local_today()
    return list(db.session.scalars(db.select(Closure).where(Closure.last_day >= today).order_by(Closure.first_day)))


# Capacity caps --------------------------------------------------------------------------------


def add_capacity_cap(venue: Venue | None, first: date | None, last: date | None, percent,
                     reason: str | Texts = "") -> CapacityCap:
    errors = {}
    if first is None or last is None or last < first:
        errors["last_day"] = str(_l("The last day must not come before the first."))
    if not isinstance(percent, int) or not 1 <= percent <= 100:
        errors["percent"] = str(_l("Give a share from 1 to 100 %."))
    reason = as_texts(reason)
    for lang, text in reason.items():
        if len(text or "") > 300:
            errors[f"reason_{lang}"] = str(_l("The reason is too long (300 characters at most)."))
    if errors:
        raise ValidationError(errors)
    cap = CapacityCap(venue=venue, first_day=first, last_day=last, percent=percent)
    cap.set_texts("reason", reason)
    db.session.add(cap)
    db.session.flush()
    return cap


def sessions_over_cap() -> list[tuple[Session, int]]:
    """Upcoming on-site sessions with more confirmed people than their cap allows (nobody is moved)."""
    found = []
    for cap in db.session.scalars(db.select(CapacityCap).where(CapacityCap.last_day >= local_today())):
        start, end = local_day_bounds(cap.first_day, cap.last_day)
        query = db.select(Session).where(Session.status == "scheduled", Session.format.in_(ON_SITE_FORMATS),
                                         Session.start_at >= max(start, utcnow()), Session.start_at < end)
        if cap.venue_id is not None:
            query = query.where(Session.venue_id == cap.venue_id)
        for session in db.session.scalars(query):
            allowed = effective_capacity(session)
            if session.confirmed_count > allowed and all(s.id != session.id for s, _ in found):
                found.append((session, allowed))
    return sorted(found, key=lambda pair: pair[0].start_at)


def caps_ahead() -> list[CapacityCap]:
    return list(db.session.scalars(db.select(CapacityCap).where(CapacityCap.last_day >= local_today())
                                   .order_by(CapacityCap.first_day)))
