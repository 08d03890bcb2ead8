"""The public iCalendar feed and the download of one session."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, g, request
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.http import http_date

from app.accounts.access import can
from app.cache import feeds
from app.calendar.queries import MAX_SPAN_DAYS, get_public_session, list_sessions, parse_filters
from app.feeds import personal
from app.feeds.freshness import feed_validators
from app.feeds.ics import build_feed
from app.feeds.links import find_person_feed, find_user_feed
from app.feeds.services import may_have_feed
from app.i18n import LANGS, negotiate
from app.text import file_name
from app.timeutil import local_day_bounds, local_today, to_local, utcnow

bp = Blueprint("feeds", __name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "public, max-age=300"
# A feed of one's own: kept by the calendar app alone (never a shared cache), revalidated with its ETag.
PRIVATE_CACHE_CONTROL = "private, max-age=300"


def _plain(status: int, lines) -> Response:
    return Response("\n".join(lines) + "\n", status=status, content_type="text/plain; charset=utf-8")


def _lang() -> str | None:
    """The `lang` asked (None when unknown); the request's language from now on."""
    raw = request.args.get("lang")
    g.lang = raw if raw in LANGS else negotiate()
    refresh()  # forget a locale chosen earlier in the same application context
    return g.lang if raw is None or raw in LANGS else None


def _feed_filter():
    """(filter, errors) from the query; default dates: 60 days back (FEED_PAST_DAYS) to a year ahead."""
    args = request.args.copy()
    today = local_today()
    past = today - timedelta(days=current_app.config.get("FEED_PAST_DAYS", 60))
    defaulted = not args.get("from") and not args.get("to")
    if not args.get("from") and args.get("to"):
        try:
            last = date.fromisoformat(args["to"])
            args["from"] = min(max(past, last - timedelta(days=MAX_SPAN_DAYS)), last).isoformat()
        except (ValueError, OverflowError):
            pass  # parse_filters explains
    try:
        flt, errors = parse_filters(args, default_first=past, default_days=MAX_SPAN_DAYS)
        if flt is not None:
            local_day_bounds(flt.first, flt.last)  # the instants exist
    except OverflowError:
        return None, {"from": _("Choose dates between the years 1900 and 2999.")}
    if flt is not None and defaulted:
        flt = flt.shifted(past, today + timedelta(days=365))
    return flt, errors


@bp.get("/workshops.ics")
def workshops():
    lang = _lang()
    if lang is None:
        return _plain(400, [_("Unknown language: choose fr, nl or en.")])
    flt, errors = _feed_filter()
    if flt is None:
        return _plain(400, [errors[name] for name in sorted(errors)])
    config = current_app.config
    base_url, days = config["BASE_URL"], int(config.get("FEED_CANCELLED_DAYS", 30))
    since = utcnow() - timedelta(days=days)
    refresh = config.get("FEED_REFRESH_HOURS", 6)
    validators = feed_validators(flt, since, days, lang, base_url, refresh)
    headers = {"ETag": f'"{validators.etag}"', "Cache-Control": CACHE_CONTROL}
    if validators.last_modified is not None:
        headers["Last-Modified"] = http_date(validators.last_modified)
    if _not_modified(validators):
        return Response(status=304, headers=headers)
    body = feeds.get_or_build(("workshops", validators.etag), lambda: build_feed(
        list_sessions(replace(flt, cancelled_since=since)), lang, base_url, refresh_hours=refresh))
    return Response(body, headers=headers, content_type=CALENDAR_TYPE)


@bp.get("/sessions/<int:session_id>.ics")
def session_ics(session_id: int):
    lang = _lang()
    if lang is None:
        return _plain(400, [_("Unknown language: choose fr, nl or en.")])
    session = get_public_session(session_id)
    if session is None:
        return _plain(404, [_("There is no such session.")])
    body = build_feed([session], lang, current_app.config["BASE_URL"], name=None, refresh_hours=None)
    response = Response(body, content_type=CALENDAR_TYPE)
    day = to_local(session.start_at).date().isoformat()
    name = file_name(session.activity.localized("title", lang), day, "ics")  # in the language asked
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag()
    response.last_modified = session.updated_at
    return response.make_conditional(request)


def _not_modified(validators) -> bool:
    """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(validators.etag)
    since = request.if_modified_since
    last = validators.last_modified
    return since is not None and last is not None and last.replace(microsecond=0) <= since


def _own_feed(built: personal.Built) -> Response:
    headers = {"ETag": f'"{built.etag}"', "Cache-Control": PRIVATE_CACHE_CONTROL}
    if built.last_modified is not None:
        headers["Last-Modified"] = http_date(built.last_modified)
    if _not_modified(built):
        return Response(status=304, headers=headers)
    return Response(built.body, headers=headers, content_type=CALENDAR_TYPE)


def _unknown_feed() -> Response:
    return _plain(404, [_("There is no such feed: its link may have been replaced or revoked.")])


@bp.get("/people/<token>.ics")
def person(token: str):
    """A person's feed: every registration of one e-mail address (the link is the secret)."""
    feed = find_person_feed(token)
    lang = _lang()
    if feed is None:
        return _unknown_feed()
    if lang is None:
        return _plain(400, [_("Unknown language: choose fr, nl or en.")])
    return _own_feed(personal.person_feed(feed.email_key, lang))


@bp.get("/users/<token>.ics")
def user(token: str):
    """A staff user's feed (every session) or a partner user's (their organisation's), while the account
    is active and the link not revoked."""
    feed = find_user_feed(token)
    lang = _lang()
    if feed is None or not may_have_feed(feed.user):
        return _unknown_feed()
    if lang is None:
        return _plain(400, [_("Unknown language: choose fr, nl or en.")])
    account = feed.user
    if request.args.get("hosted") == "1":  # the sessions the account hosts, with its links to lead them
        return _own_feed(personal.host_feed(account.id, lang))
    if can(account, "see_centre"):
        return _own_feed(personal.staff_feed(lang))
    return _own_feed(personal.partner_feed(account.partner_id, lang))
