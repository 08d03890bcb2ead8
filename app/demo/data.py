"""Load the demo calendar (idempotent): the reference rows, weekly series and one-off sessions around today.

Run twice on the same day, it changes nothing; run on a later day, it extends the series and adds one-off
sessions again, so the calendar always shows two weeks back and eight weeks ahead.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.calendar import services
from app.calendar.models import Activity, Audience, Partner, Room, Series, Session, Theme, Venue
from app.calendar.public_holidays import belgian_holidays, is_belgian_holiday
from app.demo import content
from app.demo.accounts import load_demo_accounts
from app.demo.history import load_history
from app.demo.posts import load_demo_posts
from app.demo.schools import load_demo_schools
from app.errors import ValidationError
from app.extensions import db
from app.timeutil import BRUSSELS, local_to_utc, local_today, utcnow

MAX_SPAN_DAYS = 700  # a series spans at most two years: restart old ones from the window's start


def load_demo(today: date | None = None) -> str:
    today = today or local_today()
    first, last = today - timedelta(days=content.WINDOW_BEFORE_DAYS), today + timedelta(days=content.WINDOW_AFTER_DAYS)
    activities = load_reference()
    series = [_ensure_series(activities[slug], days, at, fmt, venue, room, first, last)
              for slug, days, at, fmt, venue, room in content.SERIES]
    _ensure_exceptions({s.activity.slug: s for s in series}, today)
    added = _ensure_one_offs(activities, today, first)
    history = load_history(today)
    count = db.session.scalar(db.select(db.func.count(Session.id)).where(
        Session.start_at >= local_to_utc(first, time(0)),
        Session.start_at < local_to_utc(last + timedelta(days=1), time(0))))
    posts = load_demo_posts(today)
    return (f"Demo calendar: {len(activities)} activities, {len(content.PARTNERS)} partners, "
            f"{len(series)} weekly series, {added} one-off sessions added; "
            f"{count} sessions from {first.isoformat()} to {last.isoformat()}.\n{history}"
            + "".join(f"\n{line}" for line in load_demo_accounts()) + f"\n{posts}\n" + load_demo_schools())


def load_reference() -> dict[str, Activity]:
    """Themes, audiences, partners, venues and activities, created or brought up to date; activities by slug."""
    themes = {code: _upsert(Theme, "code", code, label_fr=fr, label_nl=nl, label_en=en)
              for code, (fr, nl, en) in content.THEMES.items()}
    audiences = {code: _upsert(Audience, "code", code, label_fr=fr, label_nl=nl, label_en=en)
                 for code, (fr, nl, en) in content.AUDIENCES.items()}
    partners = {slug: _upsert(Partner, "slug", slug, name_fr=fr, name_nl=nl, name_en=en, room_provider=provider,
                              website=site)
                for slug, (fr, nl, en, provider, site) in content.PARTNERS.items()}
    for name, spec in content.VENUES.items():
        _rename_former(Venue, name)
        venue = _upsert(Venue, "name_fr", name, **_three("name", spec["name"]), **_three("address", spec["address"]),
                        **_three("accessibility_notes", spec["notes"]))
        db.session.flush()
        for room_names, capacity, room_notes in spec["rooms"]:
            _rename_former(Room, room_names[0], venue_id=venue.id)
            room = db.session.scalar(db.select(Room).filter_by(venue_id=venue.id, name_fr=room_names[0]))
            if room is None:
                room = Room(venue=venue, name_fr=room_names[0])
                db.session.add(room)
            room.capacity = capacity
            for field, value in {**_three("name", room_names), **_three("accessibility_notes", room_notes)}.items():
                if getattr(room, field) != value:
                    setattr(room, field, value)
    activities = {}
    for slug, spec in content.ACTIVITIES.items():
        texts = {}
        for lang, (title, summary, description) in spec["texts"].items():
            texts.update({f"title_{lang}": title, f"summary_{lang}": summary, f"description_{lang}": description})
        row = _upsert(Activity, "slug", slug, theme=themes[spec["theme"]], language=spec["language"],
                      default_duration_minutes=spec["minutes"], default_capacity=spec["capacity"],
                      organiser=partners[spec["organiser"]] if spec["organiser"] else None,
                      schools_only=spec.get("schools_only", False), **texts)
        row.audiences = [audiences[code] for code in spec["audiences"]]
        row.cohosts = [partners[p] for p in spec["cohosts"]]
        activities[slug] = row
    db.session.flush()
    return activities


def _three(field: str, texts: tuple[str, str, str]) -> dict[str, str]:
    """`field_fr/_nl/_en` from (French, Dutch, English)."""
    return dict(zip((f"{field}_fr", f"{field}_nl", f"{field}_en"), texts, strict=True))


def _rename_former(model, name: str, **where) -> None:
    """A venue or room an earlier demo named in French and Dutch at once takes its French name."""
    for former, current in content.FORMER_NAMES.items():
        if current == name and db.session.scalar(db.select(model).filter_by(name_fr=name, **where)) is None:
            row = db.session.scalar(db.select(model).filter_by(name_fr=former, **where))
            if row is not None:
                row.name_fr = name


def _upsert(model, key: str, value, **fields):
    row = db.session.scalar(db.select(model).filter_by(**{key: value}))
    if row is None:
        row = model(**{key: value})
        db.session.add(row)
    for name, field_value in fields.items():
        if getattr(row, name) != field_value:
            setattr(row, name, field_value)
    return row


def place(venue_name: str | None, room_name: str | None) -> tuple[Venue | None, Room | None]:
    if venue_name is None:
        return None, None
    venue = db.session.scalar(db.select(Venue).filter_by(name_fr=venue_name))
    room = next((r for r in venue.rooms if r.name_fr == room_name), None)
    return venue, room


def _capacity(activity: Activity, room: Room | None) -> int:
    return min(activity.default_capacity, room.capacity) if room else activity.default_capacity


def holiday_skips(first: date, last: date) -> dict[date, dict[str, str]]:
    """The Belgian public holidays of the window, as skipped dates with their names in each language."""
    french, dutch, english = (belgian_holidays(first, last, lang) for lang in ("fr", "nl", "en"))
    return {day: {"fr": f"Jour férié\u00a0: {name}.", "nl": f"Feestdag: {dutch[day]}.",
                  "en": f"Public holiday: {english[day]}."} for day, name in french.items()}


def _ensure_series(activity, weekdays, at, fmt, venue_name, room_name, first: date, last: date) -> Series:
    """The series over the window, without a session on a Belgian public holiday."""
    start_time = time.fromisoformat(at)
    series = db.session.scalar(db.select(Series).filter_by(
        activity_id=activity.id, weekdays=",".join(map(str, weekdays)), start_time=start_time).order_by(Series.id))
    venue, room = place(venue_name, room_name)
    skips = holiday_skips(first, last)
    if series is None:
        return services.create_series(activity, weekdays=weekdays, start_time=start_time, start_date=first,
                                      end_date=last, format=fmt, venue=venue, room=room,
                                      capacity=_capacity(activity, room), skips=skips)
    services.skip_dates(series, skips)
    if series.end_date < last:
        start = series.start_date if (last - series.start_date).days <= MAX_SPAN_DAYS else first
        return services.update_series(series, start_date=start, end_date=last)
    return services.expand_series(series)


def _occurrence_on_or_after(series: Series, day: date, shift: int = 0) -> date | None:
    """The first date of the series from `day` on that is, and whose `shift` days later is, no public holiday."""
    return next((d for d in services.occurrence_dates(series) if d >= day and not is_belgian_holiday(d)
                 and not is_belgian_holiday(d + timedelta(days=shift))), None)


def _ensure_exceptions(series_by_slug: dict[str, Series], today: date) -> None:
    """One skipped date and one moved occurrence ahead, unless such exceptions are already ahead."""
    now = utcnow()
    slug, days, reason = content.SKIP
    series = series_by_slug[slug]
    if not any(e.kind == "skip" and e.original_date > today and e.reason_fr == reason["fr"]
               for e in series.exceptions):
        day = _occurrence_on_or_after(series, today + timedelta(days=days))
        if day:
            services.skip_occurrence(series, day, reason)
    slug, days, shift, reason = content.MOVE
    series = series_by_slug[slug]
    if not any(e.kind == "move" and e.new_start and e.new_start > now for e in series.exceptions):
        day = _occurrence_on_or_after(series, today + timedelta(days=days), shift)
        if day:
            start = datetime.combine(day + timedelta(days=shift), series.start_time, tzinfo=BRUSSELS)
            services.move_occurrence(series, day, start, start + timedelta(minutes=series.duration_minutes), reason)


def _weekday_on_or_after(day: date) -> date:
    """The first working day from `day` on: no weekend, no Belgian public holiday."""
    while day.isoweekday() > 5 or is_belgian_holiday(day):
        day += timedelta(days=1)
    return day


def create_in_a_free_room(activity, start, end, fmt, venue, room) -> Session:
    """The room asked for, else another room of the venue, else the venue without a room."""
    rooms = [room] + [r for r in (venue.rooms if venue else []) if r is not room] + [None] if room else [None]
    for candidate in rooms:
        try:
            return services.create_session(activity, start, end, fmt, venue=venue, room=candidate,
                                           capacity=_capacity(activity, candidate))
        except ValidationError as exc:  # refused before anything changed: try the next room
            if "room" not in exc.errors or candidate is None:
                raise
    raise AssertionError("unreachable")


def _ensure_one_offs(activities: dict[str, Activity], today: date, first: date) -> int:
    """The one-off sessions of an activity, unless it already has one-offs in the window."""
    window_start = local_to_utc(first, time(0))
    added = 0
    for slug in dict.fromkeys(spec[0] for spec in content.ONE_OFFS):
        activity = activities[slug]
        present = db.session.scalar(db.select(Session.id).where(
            Session.activity_id == activity.id, Session.series_id.is_(None), Session.start_at >= window_start).limit(1))
        if present:
            continue
        for _, days, at, fmt, venue_name, room_name, cancelled in (s for s in content.ONE_OFFS if s[0] == slug):
            venue, room = place(venue_name, room_name)
            start = datetime.combine(_weekday_on_or_after(today + timedelta(days=days)), time.fromisoformat(at),
                                     tzinfo=BRUSSELS)
            end = start + timedelta(minutes=activity.default_duration_minutes)
            session = create_in_a_free_room(activity, start, end, fmt, venue, room)
            if cancelled:
                services.cancel_session(session, cancelled)
            added += 1
    return added
