"""The figures of the annual report, computed by SQL aggregates over the data, in Brussels time.

What counts:
- a **group activity organised** is a session that took place (not cancelled, its end in the past), public
  or for a school, counted in the format it ran in; an imported past activity counts the same way;
- a **contact** is a person who took part: each source in `CONTACT_SOURCES` gives, per session and per
  registration channel, the people it counts (registered people marked present, walk-ins, people who
  joined online through the join page and have no mark, a class's pupils and adults counted present);
  an imported past activity brings its participants.

Months are Brussels months: their boundaries are computed here as UTC instants (the clock changes
included) and the rows are put in their month by a CASE over those boundaries, the same SQL on SQLite
and PostgreSQL. Nothing loops over rows in Python: every figure is an aggregate, and Python only shapes
the few rows they return.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.attendance.models import Attendance
from app.calendar.models import FORMATS, Activity, Session, activity_audience, activity_cohost
from app.closures.models import Closure
from app.extensions import db
from app.registrations.models import Registration, SurveyAnswer
from app.stats.models import PastActivity, PastClosure
from app.timeutil import local_to_utc, utcnow
from app.videorooms.models import JoinEvent

SATISFIED_FROM = 4  # a rating of 4 or 5 out of 5 is satisfied
NONE = "none"  # the key of what was not recorded (no partner, no audience, a channel unknown)
# The channels a contact came through, as the report shows them: the API is an online form too.
CHANNELS = ("web", "phone", "email", "desk", NONE)
CHANNEL_OF = {"web": "web", "api": "web", "phone": "phone", "email": "email", "desk": "desk"}
BREAKDOWNS = ("audience", "partner", "theme", "channel", "language", "format")
# Another feature's table of a school class's attendance: (session_id unique, pupils_present, adults_present).
CLASS_ATTENDANCE = "class_attendance"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """Brussels days from `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return self.first == date(self.first.year, 1, 1) and self.last == date(self.first.year, 12, 31)

    def month_starts(self) -> list[date]:
        """The first day of each month the period touches (the first one: the period's first day)."""
        starts, day = [self.first], date(self.first.year, self.first.month, 1)
        while True:
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            if day > self.last:
                return starts
            starts.append(day)

    def day_bounds(self) -> list[date]:
        """Month boundaries as dates: each month's first day in the period, then the day after it."""
        return self.month_starts() + [self.last + timedelta(days=1)]

    def instant_bounds(self) -> list[datetime]:
        """The same boundaries as UTC instants: midnight in Brussels, whatever the clock change."""
        return [local_to_utc(day, time(0)) for day in self.day_bounds()]

    def previous_year(self) -> Period:
        return Period(_year_before(self.first), _year_before(self.last))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def last_complete_year(today: date) -> int:
    return today.year - 1


@dataclass
class Month:
    month: str  # YYYY-MM
    activities: int = 0
    face_to_face: int = 0
    online: int = 0
    hybrid: int = 0
    contacts: int = 0
    activities_previous_year: int = 0
    contacts_previous_year: int = 0


@dataclass
class Row:
    key: object  # an id (audience, partner, theme), a code (channel, language, format), or NONE
    activities: int
    contacts: int


@dataclass
class Satisfaction:
    activity_id: int
    answers: int
    satisfied: int
    average: float

    @property
    def share_satisfied(self) -> float:
        return self.satisfied / self.answers if self.answers else 0.0


@dataclass
class Figures:
    period: Period
    months: list[Month]
    activities: dict[str, int]  # total, face_to_face, online, hybrid
    contacts: int
    contacts_previous_year: int
    activities_previous_year: int
    cancelled: int
    confirmed: int
    present: int  # of the confirmed
    no_shows: int
    waiting_left: int  # demand left unmet
    breakdowns: dict[str, list[Row]] = field(default_factory=dict)
    satisfaction: list[Satisfaction] = field(default_factory=list)
    closures: list[tuple[date, date, str]] = field(default_factory=list)

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.confirmed if self.confirmed else None


# Building blocks -------------------------------------------------------------------------------------


def month_of(column, bounds: list) -> sa.ColumnElement:
    """The index of the month of `column` among the period's months, by a CASE over its boundaries (the
    rows are already inside the period)."""
    inner = bounds[1:-1]
    if not inner:
        return sa.literal(0, sa.Integer)
    return sa.case(*[(column < bound, index) for index, bound in enumerate(inner)], else_=len(inner))


def took_place(period: Period, now: datetime):
    """The conditions of a session that counts: not cancelled, over, starting inside the period."""
    bounds = period.instant_bounds()
    return (Session.status == "scheduled", Session.end_at <= now, Session.start_at >= bounds[0],
            Session.start_at < bounds[-1])


def _registered_present(session_ids):
    return (sa.select(Attendance.session_id.label("session_id"), Registration.channel.label("channel"),
                      sa.func.count().label("contacts"))
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(Attendance.status == "present", Attendance.session_id.in_(session_ids))
            .group_by(Attendance.session_id, Registration.channel))


def _walk_ins(session_ids):
    return (sa.select(Attendance.session_id.label("session_id"), sa.literal("desk").label("channel"),
                      sa.func.count().label("contacts"))
            .where(Attendance.status == "present", Attendance.registration_id.is_(None),
                   Attendance.session_id.in_(session_ids))
            .group_by(Attendance.session_id))


def _joins_unmarked(session_ids):
    """People who went into the room through the join page and carry no mark (a join normally marks its
    person present, counted above; a host's "absent" wins): each person once per session."""
    marked = sa.select(Attendance.id).where(Attendance.session_id == JoinEvent.session_id,
                                            Attendance.registration_id == JoinEvent.registration_id)
    return (sa.select(JoinEvent.session_id.label("session_id"), Registration.channel.label("channel"),
                      sa.func.count(sa.distinct(JoinEvent.registration_id)).label("contacts"))
            .join(Registration, Registration.id == JoinEvent.registration_id)
            .where(JoinEvent.session_id.in_(session_ids), Registration.status != "cancelled", ~marked.exists())
            .group_by(JoinEvent.session_id, Registration.channel))


def _class_attendance(session_ids):
    """A school class's pupils and adults counted present, once that table exists."""
    table = db.metadata.tables.get(CLASS_ATTENDANCE)
    if table is None:
        return None
    return (sa.select(table.c.session_id.label("session_id"), sa.literal(NONE).label("channel"),
                      (table.c.pupils_present + table.c.adults_present).label("contacts"))
            .where(table.c.session_id.in_(session_ids)))


# Each source of contacts: (session_id, channel, contacts) rows for the sessions given. Add one here.
CONTACT_SOURCES = (_registered_present, _walk_ins, _joins_unmarked, _class_attendance)


def contact_rows(session_ids) -> sa.Subquery:
    """Every source's rows, one after the other (UNION ALL)."""
    parts = [part for part in (source(session_ids) for source in CONTACT_SOURCES) if part is not None]
    return sa.union_all(*parts).subquery("contact_rows")


def _null(kind=sa.Integer):
    return sa.cast(sa.null(), kind)


def facts(period: Period, now: datetime) -> sa.Subquery:
    """One row per activity organised in the period, live or imported: fid (a session's id, minus a past
    activity's), activity_id, month, format, language, theme_id, contacts, and the partner and audience an
    imported row names (else null: the activity's own)."""
    counted = sa.select(Session.id).where(*took_place(period, now))
    rows = contact_rows(counted)
    per_session = (sa.select(rows.c.session_id, sa.func.sum(rows.c.contacts).label("contacts"))
                   .group_by(rows.c.session_id).subquery("per_session"))
    live = (sa.select(Session.id.label("fid"), Session.activity_id.label("activity_id"),
                      month_of(Session.start_at, period.instant_bounds()).label("month"),
                      Session.format.label("format"), Session.language.label("language"),
                      Activity.theme_id.label("theme_id"),
                      sa.func.coalesce(per_session.c.contacts, 0).label("contacts"),
                      _null().label("partner_id"), _null().label("audience_id"))
            .join(Activity, Activity.id == Session.activity_id)
            .outerjoin(per_session, per_session.c.session_id == Session.id)
            .where(*took_place(period, now)))
    days = period.day_bounds()
    past = (sa.select((-PastActivity.id).label("fid"), PastActivity.activity_id,
                      month_of(PastActivity.day, days).label("month"), PastActivity.format,
                      sa.func.coalesce(PastActivity.language, Activity.language),
                      sa.func.coalesce(PastActivity.theme_id, Activity.theme_id), PastActivity.participants,
                      PastActivity.partner_id, PastActivity.audience_id)
            .outerjoin(Activity, Activity.id == PastActivity.activity_id)
            .where(PastActivity.day >= period.first, PastActivity.day <= period.last))
    return sa.union_all(live, past).subquery("facts")


def _by_format(f) -> list:
    return [sa.func.count().label("activities")] + [
        sa.func.coalesce(sa.func.sum(sa.case((f.c.format == fmt, 1), else_=0)), 0).label(fmt) for fmt in FORMATS
    ] + [sa.func.coalesce(sa.func.sum(f.c.contacts), 0).label("contacts")]


def _monthly(period: Period, now: datetime) -> dict[int, sa.Row]:
    f = facts(period, now)
    query = sa.select(f.c.month, *_by_format(f)).group_by(f.c.month)
    return {row.month: row for row in db.session.execute(query)}


def _grouped(f, key, joins=None) -> list[Row]:
    source = joins if joins is not None else f
    query = (sa.select(key.label("key"), sa.func.count().label("activities"),
                       sa.func.coalesce(sa.func.sum(f.c.contacts), 0).label("contacts"))
             .select_from(source).group_by(key))
    rows = [Row(NONE if r.key is None else r.key, int(r.activities), int(r.contacts))
            for r in db.session.execute(query)]
    return sorted(rows, key=lambda r: (-r.contacts, -r.activities, str(r.key)))


def _activity_partners() -> sa.Subquery:
    organisers = sa.select(Activity.id.label("activity_id"), Activity.organiser_id.label("partner_id")).where(
        Activity.organiser_id.is_not(None))
    cohosts = sa.select(activity_cohost.c.activity_id, activity_cohost.c.partner_id)
    return sa.union(organisers, cohosts).subquery("activity_partner")


def _linked(f, links, column: str) -> list[Row]:
    """A breakdown by something an activity has several of (its audiences, its partners): an activity
    counts in each of them; an imported row that names one counts in that one only."""
    joined = f.outerjoin(links, sa.and_(links.c.activity_id == f.c.activity_id, f.c[column].is_(None)))
    return _grouped(f, sa.func.coalesce(f.c[column], links.c[column]), joined)


def _by_channel(period: Period, now: datetime) -> list[Row]:
    counted = sa.select(Session.id).where(*took_place(period, now))
    rows = contact_rows(counted)
    channel = sa.case(*[(rows.c.channel == stored, shown) for stored, shown in CHANNEL_OF.items()], else_=NONE)
    live = sa.select(rows.c.session_id.label("fid"), channel.label("channel"), rows.c.contacts)
    past = sa.select((-PastActivity.id).label("fid"), sa.literal(NONE).label("channel"),
                     PastActivity.participants).where(PastActivity.day >= period.first,
                                                      PastActivity.day <= period.last)
    both = sa.union_all(live, past).subquery("by_channel")
    query = (sa.select(both.c.channel, sa.func.count(sa.distinct(both.c.fid)).label("activities"),
                       sa.func.sum(both.c.contacts).label("contacts"))
             .where(both.c.contacts > 0).group_by(both.c.channel))
    found = {r.channel: Row(r.channel, int(r.activities), int(r.contacts)) for r in db.session.execute(query)}
    return [found[c] for c in CHANNELS if c in found]


def _registrations(period: Period, now: datetime) -> sa.Row:
    """Confirmed, present among them (marked present, or joined online with no mark), and still waiting,
    over the sessions that took place."""
    counted = sa.select(Session.id).where(*took_place(period, now))
    confirmed = Registration.status == "confirmed"
    joined = sa.select(JoinEvent.id).where(JoinEvent.registration_id == Registration.id).exists()
    present = sa.or_(Attendance.status == "present", sa.and_(Attendance.id.is_(None), joined))
    query = (sa.select(
        sa.func.count().filter(confirmed).label("confirmed"),
        sa.func.count().filter(confirmed, present).label("present"),
        sa.func.count().filter(Registration.status == "waitlisted").label("waiting"))
        .select_from(Registration)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.session_id.in_(counted)))
    return db.session.execute(query).one()


def _cancelled(period: Period) -> int:
    bounds = period.instant_bounds()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Session).where(
        Session.status == "cancelled", Session.start_at >= bounds[0], Session.start_at < bounds[-1])) or 0


def _satisfaction(period: Period, now: datetime) -> list[Satisfaction]:
    query = (sa.select(Session.activity_id, sa.func.count().label("answers"),
                       sa.func.sum(sa.case((SurveyAnswer.rating >= SATISFIED_FROM, 1), else_=0)).label("satisfied"),
                       sa.func.avg(SurveyAnswer.rating).label("average"))
             .join(Session, Session.id == SurveyAnswer.session_id)
             .where(*took_place(period, now)).group_by(Session.activity_id))
    rows = [Satisfaction(r.activity_id, int(r.answers), int(r.satisfied), float(r.average))
            for r in db.session.execute(query)]
    return sorted(rows, key=lambda s: (-s.answers, s.activity_id))


def closures_in(period: Period) -> list[tuple[date, date, str]]:
    """The closures of the premises that touch the period, imported or declared (one per span of days,
    whatever the number of venues), clipped to the period, in order."""
    imported = sa.select(PastClosure.first_day, PastClosure.last_day, PastClosure.reason).where(
        PastClosure.first_day <= period.last, PastClosure.last_day >= period.first)
    reason = sa.func.coalesce(sa.func.nullif(Closure.reason_fr, ""), sa.func.nullif(Closure.reason_nl, ""),
                              Closure.reason_en)  # the closure's first text (imported ones have one)
    declared = sa.select(Closure.first_day, Closure.last_day, sa.func.min(reason)).where(
        Closure.first_day <= period.last, Closure.last_day >= period.first).group_by(Closure.first_day,
                                                                                      Closure.last_day)
    spans: dict[tuple[date, date], str] = {}
    for first, last, reason in db.session.execute(sa.union_all(imported, declared)):
        spans.setdefault((max(first, period.first), min(last, period.last)), reason)
    return [(first, last, reason) for (first, last), reason in sorted(spans.items())]


# The figures -----------------------------------------------------------------------------------------


def compute(period: Period, now: datetime | None = None) -> Figures:
    """Every figure of the period (and the previous year's months to compare)."""
    now = now or utcnow()
    starts = period.month_starts()
    current, previous = _monthly(period, now), _monthly(period.previous_year(), now)
    months = []
    for index, start in enumerate(starts):
        row, before = current.get(index), previous.get(index)
        month = Month(f"{start.year:04d}-{start.month:02d}")
        if row is not None:
            month.activities, month.contacts = int(row.activities), int(row.contacts)
            month.face_to_face, month.online, month.hybrid = (int(row._mapping[fmt]) for fmt in FORMATS)
        if before is not None:
            month.activities_previous_year, month.contacts_previous_year = int(before.activities), int(before.contacts)
        months.append(month)
    totals = {fmt: sum(getattr(m, fmt) for m in months) for fmt in FORMATS}
    registrations = _registrations(period, now)
    f = facts(period, now)
    breakdowns = {
        "audience": _linked(f, activity_audience, "audience_id"),
        "partner": _linked(f, _activity_partners(), "partner_id"),
        "theme": _grouped(f, f.c.theme_id),
        "channel": _by_channel(period, now),
        "language": _grouped(f, f.c.language),
        "format": sorted(_grouped(f, f.c.format), key=lambda r: FORMATS.index(r.key)),
    }
    confirmed, present = int(registrations.confirmed or 0), int(registrations.present or 0)
    return Figures(
        period=period, months=months,
        activities={"total": sum(m.activities for m in months), **totals},
        contacts=sum(m.contacts for m in months),
        contacts_previous_year=sum(m.contacts_previous_year for m in months),
        activities_previous_year=sum(m.activities_previous_year for m in months),
        cancelled=_cancelled(period), confirmed=confirmed, present=present, no_shows=confirmed - present,
        waiting_left=int(registrations.waiting or 0), breakdowns=breakdowns,
        satisfaction=_satisfaction(period, now), closures=closures_in(period),
    )


def data_version() -> tuple:
    """What the figures depend on beyond the calendar's version: rows added to the attendance, the joins,
    the survey and the history (marks changed in place are seen when the cached figures expire)."""
    def latest(column):
        return sa.select(sa.func.max(column)).scalar_subquery()

    query = sa.select(latest(Attendance.id), latest(JoinEvent.id), latest(SurveyAnswer.id),
                      latest(Registration.id), latest(PastActivity.id), latest(PastClosure.id),
                      sa.select(sa.func.count(PastClosure.id)).scalar_subquery())
    return tuple(db.session.execute(query).one())


CACHE_SECONDS = 60.0


def version(period: Period) -> tuple[tuple, float]:
    """The key of the period's figures in the cache, and how long they may live there."""
    from app.calendar.queries import calendar_version

    calendar, ttl = calendar_version()
    return ("stats", period.first, period.last, calendar, data_version()), (ttl if ttl is not None else CACHE_SECONDS)


def cached(period: Period, key: tuple[tuple, float] | None = None) -> Figures:
    """The figures of the period, computed once per version of the data (and at most CACHE_SECONDS old, for
    the sessions that end meanwhile and marks changed in place)."""
    from app.cache import renders

    found, ttl = key or version(period)
    return renders.get_or_build(found, lambda: compute(period), ttl)
