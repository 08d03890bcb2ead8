"""The public JSON API, version 1: read the query, ask the calendar, serialise."""
from __future__ import annotations

import hashlib
from datetime import date

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from app.api import errors, openapi
from app.api.blueprint import bp
from app.api import serializers as out
from app.cache import renders
from app.calendar.queries import calendar_version, filter_choices, get_public_session, list_sessions, parse_filters
from app.errors import NotFound, ValidationError
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
            found[name] = _("Give a date from %(first)s to %(last)s.", first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat())
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


def _rendered(build) -> tuple[bytes, str]:
    """The JSON body of this request and its ETag, built once per calendar version (see app.cache)."""
    key = ("api", request.full_path, g.lang, calendar_version())

    def render() -> tuple[bytes, str]:
        body = current_app.json.dumps(build()).encode()
        return body, hashlib.sha1(body).hexdigest()

    return renders.get_or_build(key, render)


@bp.get("/sessions")
def sessions():
    _lang()
    return _json(_rendered(_session_list))


def _session_list() -> dict:
    lang, lang_errors = _lang()
    range_errors = _date_range_errors()
    flt, filter_errors = (None, {}) if range_errors else parse_filters(request.args)
    if flt is None or lang_errors:
        raise ValidationError({**filter_errors, **range_errors, **lang_errors})
    rows = list_sessions(flt)
    return {
        "sessions": [out.session(row, lang) for row in rows],
        "from": flt.first.isoformat(),
        "to": flt.last.isoformat(),
        "count": len(rows),
        "lang": lang,
    }


@bp.get("/sessions/<session_id>")
def session(session_id: str):
    _lang()
    return _json(_rendered(lambda: _one_session(session_id)))


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
