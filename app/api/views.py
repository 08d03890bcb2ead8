"""The public JSON API, version 1: read the query, ask the calendar, serialise."""
from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime
from urllib.parse import urlencode

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from app.api import errors, openapi
from app.api import serializers as out
from app.api.blueprint import bp
from app.cache import renders
from app.calendar.queries import calendar_version, filter_choices, get_public_session, page_of_sessions, parse_filters
from app.errors import NotFound, ValidationError
from app.extensions import MAX_ID
from app.timeutil import UTC
from app.web.urls import id_from

errors.register(bp)

MIN_DATE, MAX_DATE = openapi.MIN_DATE, openapi.MAX_DATE


def _lang() -> tuple[str, dict[str, str]]:
    """The language of the texts (`lang`, else Accept-Language, else French), and its error if any."""
    lang, valid = errors.use_lang()
    return lang, ({} if valid else {"lang": _("Unknown language: choose fr, nl or en.")})


def _date_range_errors() -> dict[str, str]:
    """Dates the calendar can compute with (the filters check their format)."""
    found = {}
    for name in ("from", "to"):
        try:
            day = date.fromisoformat(request.args.get(name) or "")
        except ValueError:
            continue
        if not MIN_DATE <= day <= MAX_DATE:
            found[name] = _("Give a date from %(first)s to %(last)s.", first=MIN_DATE.isoformat(),
                            last=MAX_DATE.isoformat())
    return found


def _json(payload: dict | tuple[bytes, str], cache: bool = True):
    """JSON with an ETag, answering 304 when the client already has this body."""
    if isinstance(payload, tuple):  # a rendered body and its ETag
        response = current_app.response_class(payload[0], mimetype="application/json")
        response.set_etag(payload[1])
    else:
        response = jsonify(payload)
        if cache:
            response.add_etag()
    response.vary.add("Accept-Language")
    if cache:
        response.cache_control.public = True
        response.cache_control.no_cache = True
        response.make_conditional(request)
    return response


def _rendered(build) -> tuple[bytes, str, str | None]:
    """The JSON body of this request, its ETag and its next page, built once per calendar version
    (see app.cache)."""
    version, ttl = calendar_version()
    key = ("api", request.full_path, g.lang, version)

    def render() -> tuple[bytes, str, str | None]:
        payload = build()
        body = current_app.json.dumps(payload).encode()
        return body, hashlib.sha1(body).hexdigest(), payload.get("next")

    return renders.get_or_build(key, render, ttl)


PAGE_DEFAULT, PAGE_MAX = 100, 500


@bp.get("/sessions")
def sessions():
    _lang()
    body, etag, following = _rendered(_session_list)
    response = _json((body, etag))
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


def _page_arguments() -> tuple[int | None, tuple | None, dict[str, str]]:
    """`limit` (1 to PAGE_MAX, default PAGE_DEFAULT) and the `cursor` of a `next` link, or their errors."""
    errors: dict[str, str] = {}
    raw = request.args.get("limit")
    limit = PAGE_DEFAULT
    if raw is not None:
        limit = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 0
        if not 1 <= limit <= PAGE_MAX:
            errors["limit"] = _("Give a limit from 1 to %(most)s.", most=PAGE_MAX)
    cursor = request.args.get("cursor")
    after = decode_cursor(cursor) if cursor is not None else None
    if cursor is not None and after is None:
        errors["cursor"] = _("This cursor is not valid: follow the `next` link of the previous page.")
    return limit, after, errors


def encode_cursor(after: tuple) -> str:
    start, ident = after
    return base64.urlsafe_b64encode(f"{start.astimezone(UTC).isoformat()}|{ident}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple | None:
    if len(cursor) > 80:
        return None
    try:
        start, ident = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        moment = datetime.fromisoformat(start)
        number = int(ident)
    except (ValueError, UnicodeDecodeError):
        return None
    if moment.tzinfo is None or not 0 < number <= MAX_ID:
        return None
    return moment.astimezone(UTC), number


def _session_list() -> dict:
    lang, lang_errors = _lang()
    range_errors = _date_range_errors()
    limit, after, page_errors = _page_arguments()
    flt, filter_errors = (None, {}) if range_errors else parse_filters(request.args)
    if flt is None or lang_errors or page_errors:
        raise ValidationError({**filter_errors, **range_errors, **lang_errors, **page_errors})
    rows, following = page_of_sessions(flt, limit, after)
    next_url = None
    if following is not None:
        args = request.args.to_dict()
        args["cursor"] = encode_cursor(following)
        next_url = f"{out.base_url()}/api/v1/sessions?{urlencode(args)}"
    return {
        "sessions": [out.session(row, lang) for row in rows],
        "from": flt.first.isoformat(),
        "to": flt.last.isoformat(),
        "count": len(rows),
        "limit": limit,
        "next": next_url,
        "lang": lang,
    }


@bp.get("/sessions/<session_id>")
def session(session_id: str):
    _lang()
    body, etag, _next = _rendered(lambda: _one_session(session_id))
    return _json((body, etag))


def _one_session(session_id: str) -> dict:
    lang, problems = _lang()
    if problems:
        raise ValidationError(problems)
    ident = id_from(session_id)
    found = get_public_session(ident) if ident else None
    if found is None:
        raise NotFound({"id": _("There is no such session.")})
    return out.session(found, lang, detail=True)


def _choices(name: str, build):
    lang, problems = _lang()
    if problems:
        raise ValidationError(problems)
    return _json({name: [build(row, lang) for row in getattr(filter_choices(), name)], "lang": lang})


@bp.get("/themes")
def themes():
    return _choices("themes", out.labelled)


@bp.get("/audiences")
def audiences():
    return _choices("audiences", out.labelled)


@bp.get("/partners")
def partners():
    return _choices("partners", out.partner_entry)


@bp.get("/openapi.json")
def openapi_document():
    return _json(openapi.document(out.base_url()))
