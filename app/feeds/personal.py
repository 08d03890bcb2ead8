"""The feeds of one's own: a person's registrations, a staff user's centre, a partner's sessions.

Each is built by the public feed's builder (app.feeds.ics) with what its reader may see added to the
events (`Extra`): a person's status, registration page and join page (never the room itself); for staff
and partners, the registrations counts and the back-office page. Bodies are kept in a cache keyed by
what they depend on (the calendar's version, the person's registrations), so a poll that changes
nothing costs two small queries and ends in a 304.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.cache import personal_feeds
from app.calendar.models import ONLINE_FORMATS, Activity, Session, activity_cohost, session_host
from app.calendar.queries import calendar_version
from app.closures.caps import apply_caps
from app.extensions import db
from app.feeds.ics import Extra, build_feed
from app.messages.services import links
from app.registrations.models import Registration
from app.timeutil import local_day_bounds, local_today, utcnow


@dataclass(frozen=True)
class Built:
    body: bytes
    etag: str
    last_modified: datetime | None


def _settings() -> tuple[str, int, int, int]:
    config = current_app.config
    return (config["BASE_URL"], int(config.get("FEED_CANCELLED_DAYS", 30)), int(config.get("FEED_PAST_DAYS", 60)),
            int(config.get("FEED_REFRESH_HOURS", 6)))


def _window(past_days: int) -> tuple[datetime, datetime]:
    today = local_today()
    return local_day_bounds(today - timedelta(days=past_days), today + timedelta(days=365))


def _session_options():
    return (selectinload(Session.activity).selectinload(Activity.theme),
            selectinload(Session.activity).selectinload(Activity.organiser),
            selectinload(Session.activity).selectinload(Activity.cohosts),
            selectinload(Session.venue), selectinload(Session.room), selectinload(Session.hosts))


def _latest(*stamps) -> datetime | None:
    found = [s for s in stamps if isinstance(s, datetime)]
    return max(found) if found else None


def _dropped_out(cancelled_days: int) -> datetime | None:
    """When the last cancelled session went out of the feeds (30 days after its cancellation)."""
    limit = utcnow() - timedelta(days=cancelled_days)
    last = db.session.scalar(sa.select(sa.func.max(Session.cancelled_at)).where(Session.cancelled_at < limit))
    return last + timedelta(days=cancelled_days) if last else None


def _cached(key: tuple, extra_stamp: datetime | None, build) -> Built:
    """The body of `key` under the calendar's current version; Last-Modified covers any change of it."""
    version, ttl = calendar_version()
    base_url, cancelled_days, _past, _refresh = _settings()

    def make() -> Built:
        body = build()
        last = _latest(*version, extra_stamp, _dropped_out(cancelled_days))
        return Built(body, hashlib.sha256(body).hexdigest()[:32], last)

    return personal_feeds.get_or_build((*key, base_url, version), make, ttl)


# A person's feed ---------------------------------------------------------------------------------


def person_registrations(email_key: str) -> list[Registration]:
    """The registrations of an address the feed shows: active ones, and those cancelled (or whose session
    was cancelled) in the last FEED_CANCELLED_DAYS; one per session, the active one first."""
    _base, cancelled_days, past_days, _refresh = _settings()
    since = utcnow() - timedelta(days=cancelled_days)
    start, end = _window(past_days)
    rows = db.session.scalars(
        sa.select(Registration).join(Registration.session)
        .where(Registration.email_key == email_key, Session.start_at >= start, Session.start_at < end,
               sa.or_(Registration.status != "cancelled", Registration.cancelled_at >= since),
               sa.or_(Session.status == "scheduled", Session.cancelled_at >= since))
        .order_by(Session.start_at, Registration.id)
        .options(selectinload(Registration.session).options(*_session_options())))
    kept: dict[int, Registration] = {}
    for row in rows:
        held = kept.get(row.session_id)
        if held is None or (held.status == "cancelled" and row.status != "cancelled"):
            kept[row.session_id] = row
    return list(kept.values())


def _person_extra(registration: Registration):
    found = links(registration)
    session = registration.session
    location = None
    if registration.status == "cancelled":
        lines, status = [_("Your registration is cancelled.")], "CANCELLED"
    elif registration.status == "waitlisted":
        lines, status = [_("You are on the waiting list.")], "TENTATIVE"
    else:
        lines, status = [_("Your seat is booked.")], None
    lines.append(_("Your registration: %(url)s", url=found["view"]))
    if registration.status == "confirmed" and session.format in ONLINE_FORMATS and session.status == "scheduled":
        lines.append(_("Join online (the link opens 30 minutes before the start): %(url)s", url=found["join"]))
        if session.format == "online":
            location = found["join"]
    return Extra(lines=tuple(lines), location=location, status=status)


def person_feed(email_key: str, lang: str) -> Built:
    stamp = db.session.execute(sa.select(sa.func.max(Registration.updated_at), sa.func.count(Registration.id),
                                         sa.func.coalesce(sa.func.sum(Registration.id), 0))
                               .where(Registration.email_key == email_key)).one()

    def build() -> bytes:
        registrations = person_registrations(email_key)
        apply_caps([r.session for r in registrations])
        by_session = {r.session_id: r for r in registrations}
        with force_locale(lang):
            name = _("Cité des métiers – my registrations")
            return build_feed([r.session for r in registrations], lang, _settings()[0], name=name,
                              refresh_hours=_settings()[3], extras=lambda s: _person_extra(by_session[s.id]))

    return _cached(("person", email_key, lang, tuple(stamp)), stamp[0], build)


# Staff and partner feeds -------------------------------------------------------------------------


def _sessions_of(partner_id: int | None) -> list[Session]:
    """Every session of the window (schools' included), cancelled ones for FEED_CANCELLED_DAYS; only the
    sessions a partner organises or co-hosts when `partner_id` is given."""
    _base, cancelled_days, past_days, _refresh = _settings()
    since = utcnow() - timedelta(days=cancelled_days)
    start, end = _window(past_days)
    query = (sa.select(Session).join(Session.activity)
             .where(Session.start_at >= start, Session.start_at < end,
                    sa.or_(Session.status == "scheduled", Session.cancelled_at >= since))
             .order_by(Session.start_at, Session.id).options(*_session_options()))
    if partner_id is not None:
        query = query.where(sa.or_(Activity.organiser_id == partner_id, Activity.id.in_(
            sa.select(activity_cohost.c.activity_id).where(activity_cohost.c.partner_id == partner_id))))
    rows = list(db.session.scalars(query))
    apply_caps(rows)
    return rows


def staff_lines(session: Session) -> list[str]:
    """What staff and partners read about a session in their feeds, besides what the public reads (the
    place for the session's hosts, and its visibility, when sessions have them)."""
    lines = []
    if session.visibility == "school":
        lines.append(_("A school class's session: never shown to the public."))
    elif session.activity.schools_only:
        lines.append(_("For schools only."))
    if session.hosts:
        lines.append(_("Hosts: %(names)s", names=", ".join(host.name for host in session.hosts)))
    lines.append(_("Registrations: %(confirmed)s of %(capacity)s seats booked, %(waiting)s on the waiting list.",
                   confirmed=session.seats_taken(), capacity=getattr(session, "capacity_now", session.capacity),
                   waiting=session.waiting_count()))
    return lines


def _hosted(user_id: int) -> list[Session]:
    """The sessions of the window a user hosts, cancelled ones for FEED_CANCELLED_DAYS."""
    _base, cancelled_days, past_days, _refresh = _settings()
    since = utcnow() - timedelta(days=cancelled_days)
    start, end = _window(past_days)
    hosted = sa.select(session_host.c.session_id).where(session_host.c.user_id == user_id)
    rows = list(db.session.scalars(
        sa.select(Session).where(Session.id.in_(hosted), Session.start_at >= start, Session.start_at < end,
                                 sa.or_(Session.status == "scheduled", Session.cancelled_at >= since))
        .order_by(Session.start_at, Session.id).options(*_session_options())))
    apply_caps(rows)
    return rows


def host_feed(user_id: int, lang: str) -> Built:
    """The sessions a counsellor (or partner user) hosts, each with the link to lead its room online."""
    from app.videorooms.models import VideoRoom

    hosted = session_host.c.session_id.in_(sa.select(session_host.c.session_id).where(
        session_host.c.user_id == user_id))
    stamp = (*db.session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(session_host.c.session_id), 0))
                                 .where(session_host.c.user_id == user_id)).one(),
             db.session.scalar(sa.select(sa.func.max(VideoRoom.updated_at)).where(
                 VideoRoom.session_id.in_(sa.select(session_host.c.session_id).where(hosted)))))

    def build() -> bytes:
        sessions = _hosted(user_id)
        rooms = {room.session_id: room for room in db.session.scalars(
            sa.select(VideoRoom).where(VideoRoom.session_id.in_([s.id for s in sessions])))} if sessions else {}
        base = _settings()[0].rstrip("/")

        def extra(session: Session) -> Extra:
            lines = list(staff_lines(session))
            room = rooms.get(session.id)
            link = room and (room.host_url or room.join_url)
            if link and session.format in ONLINE_FORMATS:
                lines.append(_("Your link to lead the room online: %(url)s", url=link))
            lines.append(_("In the back-office: %(url)s", url=f"{base}/{lang}/staff/sessions/{session.id}"))
            return Extra(lines=tuple(lines))

        with force_locale(lang):
            name = _("Cité des métiers – the sessions I host")
            return build_feed(sessions, lang, _settings()[0], name=name, refresh_hours=_settings()[3], extras=extra)

    return _cached(("host", user_id, lang, tuple(stamp)), None, build)


def _backoffice_extra(page: str):
    base = _settings()[0].rstrip("/")

    def extra(session: Session) -> Extra:
        url = page.format(base=base, id=session.id)
        return Extra(lines=(*staff_lines(session), _("In the back-office: %(url)s", url=url)))

    return extra


def staff_feed(lang: str) -> Built:
    def build() -> bytes:
        with force_locale(lang):
            name = _("Cité des métiers – all sessions (staff)")
            return build_feed(_sessions_of(None), lang, _settings()[0], name=name, refresh_hours=_settings()[3],
                              extras=_backoffice_extra("{base}/" + lang + "/staff/sessions/{id}"))

    return _cached(("staff", lang), None, build)


def partner_feed(partner_id: int, lang: str) -> Built:
    def build() -> bytes:
        with force_locale(lang):
            name = _("Cité des métiers – our organisation's sessions")
            return build_feed(_sessions_of(partner_id), lang, _settings()[0], name=name,
                              refresh_hours=_settings()[3],
                              extras=_backoffice_extra("{base}/" + lang + "/partner/sessions/{id}"))

    return _cached(("partner", partner_id, lang), None, build)
