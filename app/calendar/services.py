"""The writes of the calendar. Each service validates, changes and flushes; the caller's unit of work commits."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import format_time, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.calendar.bookings import check_hosts_free, sync_bookings
from app.calendar.models import (
    DELIVERY_LANGUAGES,
    FORMATS,
    VISIBILITIES,
    Activity,
    Room,
    Series,
    SeriesException,
    Session,
    Texts,
    Venue,
    as_texts,
)
from app.calendar.signals import session_changed
from app.database import lock_rows
from app.errors import ValidationError
from app.extensions import db
from app.timeutil import BRUSSELS, UTC, local_span, utcnow
from app.typography import format_date
from app.validation import CAPACITY_OUT_OF_RANGE, is_capacity, is_whole_number

MAX_SERIES_DAYS = 2 * 366


def check_place(errors: dict, fmt: str, venue: Venue | None, room: Room | None) -> None:
    if fmt not in FORMATS:
        errors["format"] = _l("Choose face-to-face, online or hybrid.")
    elif fmt != "online" and venue is None:
        errors["venue"] = _l("A face-to-face or hybrid session needs a venue.")
    if room is not None and venue is not None and room.venue_id != venue.id:
        errors["room"] = _l("This room is not in the chosen venue.")


def _check_capacity(errors: dict, capacity) -> None:
    if not is_capacity(capacity):
        errors["capacity"] = CAPACITY_OUT_OF_RANGE


def _check_language(errors: dict, language: str | None) -> None:
    if language is not None and language not in DELIVERY_LANGUAGES:
        errors["language"] = _l("Choose French, Dutch, English or bilingual French/Dutch.")


def _check_times(errors: dict, start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        errors["start"] = _l("Times must carry their time zone.")
        return
    # Compared as instants: two Brussels times of one tzinfo would compare as wall clocks (no offsets)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        errors["end"] = _l("The end must come after the start.")
    elif end - start > timedelta(hours=24):
        errors["end"] = _l("A session lasts at most 24 hours.")


@cache
def _lock_session_query():
    """The session by id with its activity read alongside (not locked), built once: a registration sends it as
    it is, without building it again."""
    return db.select(Session).where(Session.id == sa.bindparam("session_id")).options(joinedload(Session.activity))


def lock_session(session_id: int) -> Session | None:
    """The session, reloaded and held against other writers (registrations, staff) until the commit."""
    rows = lock_rows(_lock_session_query(), params={"session_id": session_id}, of=Session, busy_field="session",
                     busy_message=_l("Many people are registering right now. Please try again in a moment."))
    return rows[0] if rows else None


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})


def check_room_free(errors: dict, room: Room | None, spans, exclude_session: int | None = None,
                exclude_series: int | None = None) -> None:
    """Refuse a room already held, at an overlapping time, by another scheduled session (one query)."""
    spans = sorted(spans)
    if errors or room is None or not spans:
        return
    query = db.select(Session).where(
        Session.room_id == room.id, Session.status == "scheduled",
        Session.start_at < max(end for _, end in spans), Session.end_at > spans[0][0]).order_by(Session.start_at)
    if exclude_session is not None:
        query = query.where(Session.id != exclude_session)
    if exclude_series is not None:  # the series' own sessions that follow it are being replaced
        query = query.where(sa.or_(Session.series_id.is_(None), Session.series_id != exclude_series,
                                   Session.detached.is_(True)))
    others = list(db.session.scalars(query))
    for start, end in spans:
        other = next((o for o in others if o.start_at < end and start < o.end_at), None)
        if other is not None:
            begins, ends = other.start_at.astimezone(BRUSSELS), other.end_at.astimezone(BRUSSELS)
            lang = str(get_locale() or "fr")[:2]
            errors["room"] = gettext(
                "%(room)s is already booked on %(day)s from %(start)s to %(end)s for “%(title)s” (session %(id)s).",
                room=room.localized("name", lang), day=format_date(begins.date(), "EEEE d MMMM y"),
                start=format_time(begins, "HH:mm"), end=format_time(ends, "HH:mm"),
                title=other.activity.localized("title", lang),
                id=other.id)
            return


def _series_spans(values: dict, exceptions, now: datetime, skip_days=frozenset()) -> list:
    """The future occurrences a series with these values would hold its room for."""
    probe = SimpleNamespace(weekday_list=values["weekdays"], exceptions=exceptions, **{
        k: values[k] for k in ("start_time", "duration_minutes", "start_date", "end_date")})
    return [(start, end) for day, start, end, kind in preview_series(probe)
            if kind != "skip" and start > now and day not in skip_days]


def _touch(session: Session, significant: bool) -> None:
    session.updated_at = utcnow()
    if significant:
        session.revision += 1


def _announce(session: Session, changes: set[str], before: dict | None = None) -> None:
    """Flush the change, then let registrations and messages add theirs to this transaction; `before`:
    the time, format and place the session had (what a change message tells as "was")."""
    if changes:
        db.session.flush()
        sync_bookings(session)  # a room or host taken meanwhile refuses the change
        session_changed.send(session, changes=changes, before=before or {})


def _before(session: Session) -> dict:
    return dict(start_at=session.start_at, end_at=session.end_at, format=session.format,
                venue_id=session.venue_id, room_id=session.room_id)


def create_session(
    activity: Activity,
    start: datetime,
    end: datetime,
    format: str,
    venue: Venue | None = None,
    room: Room | None = None,
    capacity: int | None = None,
    language: str | None = None,
    *,
    hosts=(),
    offsite_address: str | None = None,
    visibility: str = "public",
) -> Session:
    """A one-off session of an activity; `hosts` lead it (never two places at once), `offsite_address`
    holds it elsewhere than at a venue (a class at its school), `visibility` "school" keeps it out of
    every public output."""
    capacity = activity.default_capacity if capacity is None else capacity
    offsite_address = (offsite_address or "").strip()[:300] or None
    errors: dict = {}
    _check_times(errors, start, end)
    if offsite_address and format != "online":
        venue = room = None
        if format not in FORMATS:
            errors["format"] = _l("Choose face-to-face, online or hybrid.")
    else:
        check_place(errors, format, venue, room)
    if visibility not in VISIBILITIES:
        errors["visibility"] = _l("Choose public or school.")
    _check_capacity(errors, capacity)
    _check_language(errors, language)
    if format != "online":
        check_room_free(errors, room, [(start, end)])
    _raise(errors)
    check_hosts_free([h.id for h in hosts], start.astimezone(UTC), end.astimezone(UTC),
                     bool(offsite_address and format != "online"))
    session = Session(
        activity=activity,
        start_at=start.astimezone(UTC),
        end_at=end.astimezone(UTC),
        format=format,
        venue=venue if format != "online" else None,
        room=room if format != "online" else None,
        capacity=capacity,
        language=language or activity.language,
        status="scheduled",
        revision=0,
        visibility=visibility,
        offsite_address=offsite_address if format != "online" else None,
        hosts=sorted(set(hosts), key=lambda u: (u.name, u.id)),
    )
    db.session.add(session)
    _announce(session, {"created"})
    return session


def reschedule_session(session: Session, start: datetime, end: datetime) -> Session:
    """Move a session to another time; a series edit no longer touches it."""
    errors: dict = {}
    _check_times(errors, start, end)
    if session.status == "scheduled" and session.format != "online":
        check_room_free(errors, session.room, [(start, end)], exclude_session=session.id)
    _raise(errors)
    if (start, end) != (session.start_at, session.end_at):
        before = _before(session)
        session.start_at, session.end_at = start.astimezone(UTC), end.astimezone(UTC)
        session.detached = session.series_id is not None
        _touch(session, significant=True)
        _announce(session, {"time"}, before)
    return session


def update_session(session: Session, **changes) -> Session:
    """Change format, venue, room, capacity or delivery language of one session."""
    fmt = changes.get("format", session.format)
    venue = changes.get("venue", session.venue)
    room = changes.get("room", session.room)
    capacity = changes.get("capacity", session.capacity)
    language = changes.get("language", session.language)
    errors: dict = {}
    if not (session.offsite_address and venue is None):  # a class at its school needs no venue
        check_place(errors, fmt, venue, room)
    _check_capacity(errors, capacity)
    if "capacity" not in errors and capacity != session.capacity and capacity < session.confirmed_count:
        errors["capacity"] = _l(  # seats are never taken from people
            "%(num)d people are confirmed: the capacity cannot go below that. Cancel registrations first.",
            num=session.confirmed_count)
    _check_language(errors, language)
    if fmt != "online" and session.status == "scheduled" and (room != session.room or session.format == "online"):
        check_room_free(errors, room, [(session.start_at, session.end_at)], exclude_session=session.id)
    _raise(errors)
    if fmt == "online":
        venue = room = None
    changes = {name for name, before, after in (
        ("format", session.format, fmt), ("place", (session.venue, session.room), (venue, room)),
        ("capacity", session.capacity, capacity), ("language", session.language, language)) if before != after}
    if changes:
        before = _before(session)
        session.format, session.venue, session.room = fmt, venue, room
        session.capacity, session.language = capacity, language
        session.detached = session.series_id is not None
        _touch(session, significant=bool(changes - {"capacity"}))
        _announce(session, changes, before)
    return session


def reason_texts(reason: str | Texts | None) -> Texts:
    """A reason in each language as stored: 300 characters at most each; a plain string is French."""
    return {lang: (text or "").strip()[:300] for lang, text in as_texts(reason).items()}


def cancel_session(session: Session, reason: str | Texts = "") -> Session:
    """Cancel a session; `reason` is told to everyone registered, in each person's language."""
    if session.status != "cancelled":
        session.status = "cancelled"
        session.set_texts("cancel_reason", reason_texts(reason))
        session.cancelled_at = utcnow()
        session.detached = session.series_id is not None
        _touch(session, significant=True)
        _announce(session, {"cancelled"})
    return session


# Series ---------------------------------------------------------------------------------------


def _check_series(errors: dict, values: dict) -> None:
    weekdays = values["weekdays"]
    if not weekdays or any(d not in range(1, 8) for d in weekdays):
        errors["weekdays"] = _l("Choose at least one weekday.")
    if not isinstance(values["start_time"], time):
        errors["start_time"] = _l("Give a start time.")
    minutes = values["duration_minutes"]
    if not is_whole_number(minutes, 1, 24 * 60):
        errors["duration_minutes"] = _l("The duration must be from 1 minute to 24 hours.")
    first, last = values["start_date"], values["end_date"]
    if last < first:
        errors["end_date"] = _l("The last date must not come before the first.")
    elif (last - first).days > MAX_SERIES_DAYS:
        errors["end_date"] = _l("A series spans at most two years.")
    check_place(errors, values["format"], values["venue"], values["room"])
    _check_capacity(errors, values["capacity"])
    _check_language(errors, values["language"])


SERIES_FIELDS = ("weekdays", "start_time", "duration_minutes", "start_date", "end_date", "format", "venue", "room",
                 "capacity", "language")


def create_series(activity: Activity, *, weekdays: list[int], start_time: time, start_date: date, end_date: date,
                  format: str, duration_minutes: int | None = None, venue: Venue | None = None,
                  room: Room | None = None, capacity: int | None = None, language: str | None = None,
                  skips: dict[date, str | Texts] | None = None) -> Series:
    """A weekly series, expanded at once into its sessions; `skips`: dates left out from the start, with a reason."""
    values = dict(weekdays=sorted(set(weekdays)), start_time=start_time, start_date=start_date, end_date=end_date,
                  format=format, venue=venue, room=room, language=language,
                  duration_minutes=duration_minutes or activity.default_duration_minutes,
                  capacity=activity.default_capacity if capacity is None else capacity)
    errors: dict = {}
    _check_series(errors, values)
    if values["format"] != "online" and not errors:
        check_room_free(errors, values["room"], _series_spans(values, [], utcnow()))
    _raise(errors)
    series = Series(activity=activity)
    _assign(series, values)
    db.session.add(series)
    _add_skips(series, skips or {})
    _expand(series)
    return series


def skip_dates(series: Series, skips: dict[date, str | Texts]) -> Series:
    """Skip several dates at once (public holidays, say), also dates the series reaches only once extended;
    a date that has an exception already keeps it."""
    _add_skips(series, skips)
    _expand(series)
    return series


def _add_skips(series: Series, skips: dict[date, str | Texts]) -> None:
    taken = {e.original_date for e in series.exceptions}
    for day, reason in sorted(skips.items()):
        if day not in taken and day.isoweekday() in series.weekday_list:
            exc = SeriesException(original_date=day, kind="skip")
            exc.set_texts("reason", reason_texts(reason))
            series.exceptions.append(exc)


def update_series(series: Series, **changes) -> Series:
    """Edit a series; only its future sessions that were not edited by hand follow."""
    unknown = set(changes) - set(SERIES_FIELDS)
    if unknown:
        raise ValidationError({name: "unknown field" for name in unknown})
    values = {name: getattr(series, name) for name in SERIES_FIELDS}
    values["weekdays"] = series.weekday_list
    values.update(changes)
    values["weekdays"] = sorted(set(values["weekdays"]))
    errors: dict = {}
    _check_series(errors, values)
    if values["format"] != "online" and not errors:
        detached = set(db.session.scalars(db.select(Session.occurrence_date).where(
            Session.series_id == series.id, Session.detached.is_(True))))
        check_room_free(errors, values["room"], _series_spans(values, series.exceptions, utcnow(), detached),
                    exclude_series=series.id)
    _raise(errors)
    _assign(series, values)
    _expand(series)
    return series


def _assign(series: Series, values: dict) -> None:
    for name in SERIES_FIELDS:
        value = values[name]
        if name == "weekdays":
            value = ",".join(str(d) for d in value)
        setattr(series, name, value)
    if series.format == "online":
        series.venue = series.room = None
    series.updated_at = utcnow()


def skip_occurrence(series: Series, day: date, reason: str | Texts = "") -> Series:
    """Skip one date of the series (a holiday); survives every later edit."""
    _set_exception(series, day, "skip", None, None, reason)
    return series


def move_occurrence(series: Series, day: date, start: datetime, end: datetime,
                    reason: str | Texts = "") -> Series:
    """Move one occurrence to another time; survives every later edit."""
    errors: dict = {}
    _check_times(errors, start, end)
    if series.format != "online" and start.tzinfo is not None and end > start:
        check_room_free(errors, series.room, [(start, end)], exclude_series=series.id)
    _raise(errors)
    _set_exception(series, day, "move", start.astimezone(UTC), end.astimezone(UTC), reason)
    return series


def restore_occurrence(series: Series, day: date) -> Series:
    """Remove the exception of a date: it follows the series again."""
    for exc in list(series.exceptions):
        if exc.original_date == day:
            series.exceptions.remove(exc)
    db.session.flush()
    _expand(series)
    return series


def _set_exception(series, day, kind, start, end, reason) -> None:
    if day not in occurrence_dates(series):
        raise ValidationError({"date": str(_l("This date is not one of the series' dates."))})
    exc = next((e for e in series.exceptions if e.original_date == day), None)
    if exc is None:
        exc = SeriesException(original_date=day)
        series.exceptions.append(exc)
    exc.kind, exc.new_start, exc.new_end = kind, start, end
    exc.set_texts("reason", reason_texts(reason))
    _expand(series)


def occurrence_dates(series: Series) -> list[date]:
    """Every date of the series, before exceptions."""
    days = set(series.weekday_list)
    found, day = [], series.start_date
    while day <= series.end_date:
        if day.isoweekday() in days:
            found.append(day)
        day += timedelta(days=1)
    return found


def preview_series(series: Series) -> list[tuple[date, datetime, datetime, str]]:
    """(date, start, end in Brussels time, kind) for every occurrence: 'regular', 'skip' or 'move'."""
    exceptions = {e.original_date: e for e in series.exceptions}
    rows = []
    for day in occurrence_dates(series):
        exc = exceptions.get(day)
        if exc and exc.kind == "move":
            start, end, kind = exc.new_start, exc.new_end, "move"
        else:
            start, end = local_span(day, series.start_time, series.duration_minutes)
            kind = "skip" if exc else "regular"
        rows.append((day, start.astimezone(BRUSSELS), end.astimezone(BRUSSELS), kind))
    return rows


def expand_series(series: Series, now: datetime | None = None) -> Series:
    """Bring the series' sessions in line with it (idempotent)."""
    _expand(series, now)
    return series


def _expand(series: Series, now: datetime | None = None) -> None:
    """Create missing sessions; update, cancel or revive future ones not edited by hand."""
    now = now or utcnow()
    db.session.flush()
    existing = {s.occurrence_date: s
                for s in db.session.scalars(db.select(Session).where(Session.series_id == series.id))}
    exceptions = {e.original_date: e for e in series.exceptions}
    language = series.language or series.activity.language
    wanted, created = set(), []
    for day in occurrence_dates(series):
        wanted.add(day)
        session = existing.get(day)
        exc = exceptions.get(day)
        if exc and exc.kind == "move":
            start, end = exc.new_start, exc.new_end
        else:
            start, end = local_span(day, series.start_time, series.duration_minutes)
        status = "cancelled" if exc and exc.kind == "skip" else "scheduled"
        if session is None:
            if status == "scheduled":
                created.append(Session(
                    activity=series.activity, series=series, occurrence_date=day, start_at=start, end_at=end,
                    format=series.format, venue=series.venue, room=series.room, capacity=series.capacity,
                    language=language, status="scheduled", revision=0,
                ))
            continue
        if session.detached or min(session.start_at, start) <= now:
            continue
        _follow(session, series, start, end, language, status, exc.texts("reason") if exc else {})
    for day, session in existing.items():
        if day not in wanted and not session.detached and session.start_at > now:
            _follow(session, series, session.start_at, session.end_at, session.language, "cancelled", {})
    db.session.add_all(created)
    for session in created:
        _announce(session, {"created"})


def _follow(session: Session, series: Series, start, end, language, status, reason) -> None:
    """Set a series-owned session to what the series says, bumping its revision on change."""
    target = dict(start_at=start, end_at=end, format=series.format, venue_id=series.venue_id,
                  room_id=series.room_id, capacity=series.capacity, language=language, status=status)
    changed = {k: v for k, v in target.items() if getattr(session, k) != v}
    if not changed:
        return
    before = _before(session)
    for key, value in changed.items():
        setattr(session, key, value)
    if "status" in changed:
        session.cancelled_at = utcnow() if status == "cancelled" else None
        session.set_texts("cancel_reason", reason_texts(reason) if status == "cancelled" else {})
    _touch(session, significant=bool(set(changed) - {"capacity"}))
    names = {"start_at": "time", "end_at": "time", "format": "format", "venue_id": "place", "room_id": "place",
             "capacity": "capacity", "language": "language"}
    changes = {names[k] for k in changed if k in names}
    if "status" in changed:
        changes.add("cancelled" if status == "cancelled" else "restored")
    _announce(session, changes, before)
