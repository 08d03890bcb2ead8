"""A year of sessions like 2020, written through the calendar services.

Scale 1 is about 900 sessions in a year (in 2020: 831 group activities, two thirds of them online, plus the
school classes); scale 10 is ten times that. The year is centred on today, so the default windows of the
pages, the API and the feeds fall inside it.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.calendar import services
from app.calendar.models import Session
from app.database import unit_of_work
from app.demo import content
from app.demo.data import create_in_a_free_room, load_reference, place
from app.errors import ValidationError
from app.extensions import db
from app.timeutil import BRUSSELS

# Weekly slots of a 2020-like week: (activity, ISO weekday, start, format, venue, room).
WEEKLY = [
    ("how-to-use-your-cv", 2, "10:00", "online", None, None),
    ("how-to-use-your-cv", 4, "14:00", "online", None, None),
    ("applying-by-video", 5, "10:00", "hybrid", content.CENTRE, "Horizon"),
    ("applying-by-video", 2, "14:00", "online", None, None),
    ("work-linked-training", 1, "14:00", "online", None, None),
    ("career-focus-network", 1, "10:00", "face_to_face", content.CENTRE, "Tremplin"),
    ("career-focus-network", 3, "10:00", "online", None, None),
    ("verder-studeren-in-brussel", 2, "16:00", "online", None, None),
    ("study-wednesdays", 3, "14:00", "hybrid", content.CENTRE, "Auditorium"),
    ("thursday-late-sessions", 4, "16:00", "face_to_face", content.CENTRE, "Horizon"),
    ("pto", 2, "09:00", "face_to_face", content.CENTRE, "Auditorium"),
    ("pto", 4, "09:00", "online", None, None),
    ("explorama", 1, "09:30", "face_to_face", content.CENTRE, content.MULTIMEDIA),
    ("inforizon", 5, "13:00", "online", None, None),
]
ONE_OFF_ACTIVITIES = ["becoming-a-teacher", "becoming-a-nurse", "self-employment-african-origin",
                      "police-pre-training", "working-at-the-airport", "pass-avenir", "work-linked-training"]
ONE_OFFS_PER_SCALE = 175
FORMATS = ["online", "online", "face_to_face", "hybrid"]
HOURS = ["09:00", "09:30", "10:00", "13:30", "14:00", "16:00"]


def seed_year(scale: int, today: date, rng_seed: int = 2020) -> dict:
    """Write `scale` copies of a 2020-like year around `today`; returns what was written. Run it inside a unit
    of work (`app.database.unit_of_work`): it commits nothing itself."""
    rng = random.Random(rng_seed)
    activities = load_reference()
    first, last = today - timedelta(days=182), today + timedelta(days=182)
    series_count = 0
    for copy in range(scale):
        for slug, weekday, at, fmt, venue_name, room_name in WEEKLY:
            venue, room = place(venue_name, room_name)
            day = (weekday - 1 + copy) % 5 + 1  # the copies spread over the week
            hour = time.fromisoformat(at)
            start_time = hour.replace(hour=min(hour.hour + copy % 3, 18))
            activity = activities[slug]
            capacity = min(activity.default_capacity, room.capacity) if room else activity.default_capacity
            values = dict(weekdays=[day], start_time=start_time, start_date=first, end_date=last, format=fmt,
                          venue=venue, capacity=capacity)
            try:
                with unit_of_work():  # a savepoint inside the caller's unit: a refusal undoes this series only
                    services.create_series(activity, room=room, **values)
            except ValidationError as exc:  # the room is taken at that hour by another copy: no room
                if "room" not in exc.errors:
                    raise
                services.create_series(activity, room=None, **values)
            series_count += 1
    cancelled = 0
    one_offs = ONE_OFFS_PER_SCALE * scale
    for n in range(one_offs):
        activity = activities[ONE_OFF_ACTIVITIES[n % len(ONE_OFF_ACTIVITIES)]]
        day = first + timedelta(days=rng.randrange((last - first).days))
        while day.isoweekday() > 5:
            day += timedelta(days=1)
        fmt = rng.choice(FORMATS)
        venue, room = place(content.CENTRE, rng.choice(["Auditorium", "Horizon", "Tremplin"])) if fmt != "online" \
            else (None, None)
        start = datetime.combine(day, time.fromisoformat(rng.choice(HOURS)), tzinfo=BRUSSELS)
        end = start + timedelta(minutes=activity.default_duration_minutes)
        session = create_in_a_free_room(activity, start, end, fmt, venue, room)
        if rng.random() < 0.03:
            services.cancel_session(session, "Annulé. / Geannuleerd.")
            cancelled += 1
    total = db.session.scalar(db.select(db.func.count(Session.id)))
    return {"scale": scale, "first": first.isoformat(), "last": last.isoformat(), "series": series_count,
            "one_offs": one_offs, "cancelled_one_offs": cancelled, "sessions": total}


def seed_stats(scale: int, today: date, rng_seed: int = 2021) -> dict:
    """What the statistics read, for the sessions `seed_year` wrote: the sessions already over get their people
    (8 registrations, 6 of them marked present, and 4 walk-ins, in bulk), and the 365 days before the seeded
    year get imported past activities through the history import (about 900 per scale, 14 people each on
    average), so the current calendar year is full. Run inside a unit of work, after `seed_year`."""
    import secrets

    import sqlalchemy as sa

    from app.attendance.models import Attendance
    from app.registrations.models import Registration
    from app.stats.history import import_activities
    from app.timeutil import utcnow

    rng = random.Random(rng_seed)
    now = utcnow()
    over = list(db.session.scalars(sa.select(Session.id).where(Session.status == "scheduled", Session.end_at <= now)))
    channels = ["web", "web", "web", "api", "phone", "email", "desk"]
    registrations = [dict(session_id=sid, name=f"Person {n}", email=f"p{sid}-{n}@example.be",
                          email_key=f"p{sid}-{n}@example.be", language=rng.choice(("fr", "nl", "en")),
                          consent_at=now, channel=rng.choice(channels), status="confirmed",
                          token=secrets.token_urlsafe(24), created_at=now, updated_at=now, confirmed_at=now)
                     for sid in over for n in range(8)]
    ids = db.session.scalars(sa.insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                             registrations).all() if registrations else []
    marks = [dict(session_id=row["session_id"], registration_id=rid, status="present" if n % 8 < 6 else "absent",
                  source="sheet", marked_at=now, created_at=now, walkin_name="", walkin_email="")
             for n, (row, rid) in enumerate(zip(registrations, ids, strict=True))]
    marks += [dict(session_id=sid, registration_id=None, walkin_key=f"bench-{sid}-{n:04d}", walkin_name="Walk-in",
                   walkin_email="", status="present", source="sheet", marked_at=now, created_at=now)
              for sid in over for n in range(4)]
    if marks:
        db.session.execute(sa.insert(Attendance), marks)
    slugs = sorted({*ONE_OFF_ACTIVITIES, *(slot[0] for slot in WEEKLY)})
    first = today - timedelta(days=182)
    lines = ["date,activity,format,participants,partner,theme,audience,language"]
    for _ in range(900 * scale):
        day = first - timedelta(days=rng.randrange(1, 366))
        lines.append(f"{day.isoformat()},{rng.choice(slugs)},{rng.choice(FORMATS)},{rng.randrange(4, 25)},,,,")
    report = import_activities("\n".join(lines) + "\n", "bench history")
    if not report.ok:
        raise ValueError(report.errors[:3])
    return {"sessions_over": len(over), "registrations": len(ids), "attendance_rows": len(marks),
            "contacts_live": len(over) * 10, "past_activities": report.imported}


def analyze(engine) -> None:
    """The planner's statistics of the seeded tables, as a database in service has them (PostgreSQL's
    autovacuum, off on some servers, would take them later; SQLite keeps none until asked)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
