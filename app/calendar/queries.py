"""Reading the calendar: the filters shared by the public pages, the API and the feeds."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.calendar.models import (
    DELIVERY_LANGUAGES,
    FORMATS,
    Activity,
    Audience,
    Partner,
    Room,
    Session,
    Theme,
    Venue,
    activity_audience,
    activity_cohost,
)
from app.closures.caps import apply_caps
from app.closures.models import CapacityCap, Closure
from app.database import flush_pending
from app.extensions import MAX_ID, db
from app.text import fold
from app.timeutil import local_day_bounds, local_today, utcnow

MAX_SPAN_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
DEFAULT_SPAN_DAYS = 8 * 7
FILTER_NAMES = ("theme", "audience", "format", "language", "partner")


@dataclass(frozen=True)
class SessionFilter:
    first: date
    last: date
    theme: str | None = None
    audience: str | None = None
    format: str | None = None
    language: str | None = None  # delivery language; "fr" also finds bilingual FR/NL sessions
    partner: str | None = None
    include_cancelled: bool = True
    cancelled_since: datetime | None = None  # cancelled sessions only if cancelled after this

    def query_args(self) -> dict[str, str]:
        """The filters (not the dates) as query-string arguments, for links that keep them."""
        return {name: getattr(self, name) for name in FILTER_NAMES if getattr(self, name)}

    def shifted(self, first: date, last: date) -> "SessionFilter":
        return replace(self, first=first, last=last)


@dataclass
class FilterChoices:
    themes: list[Theme] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)


def filter_choices() -> FilterChoices:
    return FilterChoices(
        themes=list(db.session.scalars(db.select(Theme).order_by(Theme.code))),
        audiences=list(db.session.scalars(db.select(Audience).order_by(Audience.code))),
        partners=list(db.session.scalars(db.select(Partner).order_by(Partner.slug))),
    )


def parse_filters(args, default_first: date | None = None,
                  default_days: int = DEFAULT_SPAN_DAYS) -> tuple[SessionFilter | None, dict[str, str]]:
    """Read `from`, `to` and the filters from query arguments; (filter, {}) or (None, errors)."""
    errors: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = args.get(name)
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
            if raw and len(raw) != 10:
                raise ValueError(raw)
        except ValueError:
            errors[name] = str(_l("Give a date as YYYY-MM-DD."))
            continue
        if dates[name] and not EARLIEST <= dates[name] <= LATEST:
            errors[name] = str(_l("Give a date between the years 2000 and 2100."))
    values: dict[str, str | None] = {}
    known = {
        "format": set(FORMATS),
        "language": set(DELIVERY_LANGUAGES),
        "theme": set(db.session.scalars(db.select(Theme.code))),
        "audience": set(db.session.scalars(db.select(Audience.code))),
        "partner": set(db.session.scalars(db.select(Partner.slug))),
    }
    messages = {
        "format": _l("Unknown format: choose face_to_face, online or hybrid."),
        "language": _l("Unknown language: choose fr, nl, en or fr_nl."),
        "theme": _l("Unknown theme."),
        "audience": _l("Unknown audience."),
        "partner": _l("Unknown partner."),
    }
    for name in FILTER_NAMES:
        raw = (args.get(name) or "").strip()
        if raw and raw not in known[name]:
            errors[name] = str(messages[name])
        values[name] = raw or None
    if errors:
        return None, errors
    first = dates["from"] or default_first or local_today()
    last = dates["to"] or first + timedelta(days=default_days)
    if last < first:
        return None, {"to": str(_l("The end date must not come before the start date."))}
    if (last - first).days > MAX_SPAN_DAYS:
        return None, {"to": str(_l("Ask for at most one year at a time."))}
    return SessionFilter(first=first, last=last, **values), {}


def session_query(flt: SessionFilter) -> sa.Select:
    """Public sessions (neither of an activity for schools only nor one class's) in the filter's dates, soonest
    first: the one query behind every public list (pages, feeds, the API)."""
    start, end = local_day_bounds(flt.first, flt.last)
    query = (
        db.select(Session)
        .join(Session.activity)
        .where(Session.start_at >= start, Session.start_at < end, Activity.schools_only.is_(False),
               Session.visibility == "public")
        .order_by(Session.start_at, Session.id)
        .options(
            selectinload(Session.activity).selectinload(Activity.theme),
            selectinload(Session.activity).selectinload(Activity.audiences),
            selectinload(Session.activity).selectinload(Activity.organiser),
            selectinload(Session.activity).selectinload(Activity.cohosts),
            selectinload(Session.venue),
            selectinload(Session.room),
        )
    )
    if not flt.include_cancelled:
        query = query.where(Session.status == "scheduled")
    elif flt.cancelled_since is not None:
        query = query.where(sa.or_(Session.status == "scheduled", Session.cancelled_at >= flt.cancelled_since))
    if flt.format:
        query = query.where(Session.format == flt.format)
    if flt.language:
        accepted = {flt.language, "fr_nl"} if flt.language in ("fr", "nl") else {flt.language}
        query = query.where(Session.language.in_(sorted(accepted)))
    if flt.theme:
        query = query.where(Activity.theme_id == db.select(Theme.id).where(Theme.code == flt.theme).scalar_subquery())
    if flt.audience:
        query = query.where(Activity.id.in_(
            db.select(activity_audience.c.activity_id).join(Audience).where(Audience.code == flt.audience)))
    if flt.partner:
        partner_id = db.select(Partner.id).where(Partner.slug == flt.partner).scalar_subquery()
        query = query.where(sa.or_(
            Activity.organiser_id == partner_id,
            Activity.id.in_(db.select(activity_cohost.c.activity_id).where(activity_cohost.c.partner_id == partner_id)),
        ))
    return query


def list_sessions(flt: SessionFilter) -> list[Session]:
    rows = list(db.session.scalars(session_query(flt)))
    apply_caps(rows)
    return rows


def page_of_sessions(flt: SessionFilter, limit: int, after: tuple[datetime, int] | None = None
                     ) -> tuple[list[Session], tuple[datetime, int] | None]:
    """At most `limit` sessions of the filter after the (start, id) `after`, and where the next page
    starts (None on the last page): a keyset page, as cheap at the thousandth page as at the first."""
    query = session_query(flt)
    if after is not None:
        query = query.where(sa.tuple_(Session.start_at, Session.id) > sa.tuple_(*after))
    rows = list(db.session.scalars(query.limit(limit + 1)))
    apply_caps(rows)
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], (last.start_at, last.id)


SEARCH_MAX = 100  # characters of a text search


def search_words(raw: str | None) -> list[str]:
    """The words of a text search, folded (no case, no accents); at most SEARCH_MAX characters are read."""
    text = "".join(c if c.isprintable() else " " for c in (raw or "")[:SEARCH_MAX])
    return fold(text).split()


def matching_text(sessions: list[Session], words: list[str], lang: str) -> list[Session]:
    """The sessions whose activity's title or summary, as shown in `lang`, holds every word."""
    if not words:
        return sessions
    texts: dict[int, str] = {}
    found = []
    for session in sessions:
        activity = session.activity
        if activity.id not in texts:
            texts[activity.id] = fold(activity.localized("title", lang) + "\n" + activity.localized("summary", lang))
        if all(word in texts[activity.id] for word in words):
            found.append(session)
    return found


def get_public_session(session_id: int) -> Session | None:
    """A session shown to the public, or None (unknown or for schools only)."""
    if not 1 <= session_id <= MAX_ID:
        return None
    session = db.session.get(Session, session_id)
    if session is None or session.activity.schools_only or session.visibility != "public":
        return None
    apply_caps([session])
    return session


# A change committed this long after it was stamped is still seen at once: answers cached while the
# newest change is younger than this live RECENT_TTL seconds only (see calendar_version).
SETTLING = timedelta(seconds=10)
RECENT_TTL = 1.0


@functools.cache
def _version_query() -> sa.Select:
    """The statement of calendar_version, built once: building it and its cache key cost more than running it."""
    def latest(model, column="updated_at"):
        return sa.select(sa.func.max(getattr(model, column))).scalar_subquery()

    return sa.select(
        latest(Session, "id"), latest(Session, "changed_at"), latest(Activity), latest(Theme), latest(Audience),
        latest(Partner), latest(Venue), latest(Room), latest(Closure), latest(Closure, "id"),
        latest(CapacityCap, "id"), sa.select(sa.func.count(CapacityCap.id)).scalar_subquery(),
    )


def calendar_version() -> tuple[tuple, float | None]:
    """A value that changes whenever anything the public sees changes, and how long an answer cached
    under it may live (None: the cache's own time).

    Its cost does not grow with the calendar: sessions are never deleted and every write of one moves
    its indexed `changed_at` (seat counts included), so two index look-ups version them all; the
    reference tables are small. Two writers may commit in the other order than they stamped: right
    after a change, cached answers are kept a moment only, so the later commit is seen too.
    """
    flush_pending()  # what this unit of work changed counts
    version = tuple(db.session.connection().execute(_version_query()).one())
    changed = version[1]
    recent = changed is not None and utcnow() - changed < SETTLING
    return version, (RECENT_TTL if recent else None)


def venues_by_name(lang: str) -> list[Venue]:
    """Every venue, sorted by its name in `lang` without regard to case or accents."""
    venues = list(db.session.scalars(db.select(Venue).options(selectinload(Venue.rooms))))
    return sorted(venues, key=lambda v: (fold(v.localized("name", lang)), v.id))


def rooms_by_name(venue: Venue, lang: str) -> list[Room]:
    """The rooms of a venue, sorted by their name in `lang`."""
    return sorted(venue.rooms, key=lambda r: (fold(r.localized("name", lang)), r.id))
