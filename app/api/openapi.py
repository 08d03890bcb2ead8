"""The OpenAPI 3.1 description of the API, built here and only here.

Each endpoint of the API has its operation in `paths()`; the shapes of its answers are in
`SCHEMAS`. A new endpoint adds its operation and schemas to this module.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from app.calendar.models import DELIVERY_LANGUAGES, FORMATS, STATUSES
from app.calendar.queries import EARLIEST, LATEST
from app.extensions import MAX_ID
from app.i18n import LANGS
from app.registrations.models import STATUSES as REGISTRATION_STATUSES

VERSION = "1.0.0"
# A day from 2000-01-01 to 2100-12-31 (the calendar's range); empty means "not given", as in a form.
DATE_PATTERN = r"^((20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$"
MIN_DATE, MAX_DATE = EARLIEST, LATEST


def ref(name: str, kind: str = "schemas") -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """An object whose every property is always present (null where the schema allows)."""
    found = {"type": "object", "required": list(properties), "properties": properties}
    return {**found, "description": description} if description else found


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}
INSTANT = {"type": "string", "format": "date-time",
           "description": "ISO 8601 in Brussels time with its offset, e.g. 2026-03-25T14:00:00+01:00."}
LANG_ENUM = {"type": "string", "enum": list(LANGS)}

SESSION_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer", "minimum": 1},
    "activity": {**STRING, "description": "The activity's stable code (slug)."},
    "title": STRING,
    "summary": {**STRING, "description": "In the language asked, French when it has no text in it."},
    "start": INSTANT,
    "end": INSTANT,
    "format": {"type": "string", "enum": list(FORMATS)},
    "language": {"type": "string", "enum": list(DELIVERY_LANGUAGES),
                 "description": "The language the session is given in (fr_nl: bilingual)."},
    "theme": ref("Labelled"),
    "audiences": {"type": "array", "items": ref("Labelled")},
    "partners": {"type": "array", "items": ref("PartnerRole"), "description": "The organiser first, then co-hosts."},
    "venue": nullable(ref("Venue")) | {"description": "Null for an online session."},
    "capacity": {"type": "integer", "minimum": 1},
    "seats_left": COUNT,
    "waiting_list": {**COUNT, "description": "How many people are on the waiting list."},
    "status": {"type": "string", "enum": list(STATUSES)},
    "cancel_reason": {**NULLABLE_STRING, "description": "Why it is cancelled, in the language asked (French when "
                                                        "it has no text in it); null unless cancelled."},
    "url": {"type": "string", "format": "uri", "description": "The session's public page in the language asked."},
    "ics": {"type": "string", "format": "uri", "description": "The session as an iCalendar file."},
    "revision": {**COUNT, "description": "Grows with every significant change (time, format, place, status)."},
    "updated_at": INSTANT,
}

SCHEMAS: dict[str, Any] = {
    "Error": obj({"errors": {"type": "object", "minProperties": 1, "additionalProperties": STRING,
                             "description": "A message per field (or `path`, `method`, `server`), "
                                            "in the language asked."}}),
    "Labelled": obj({"code": STRING, "label": STRING}),
    "PartnerRole": obj({"slug": STRING, "name": STRING, "role": {"type": "string", "enum": ["organiser", "cohost"]}}),
    "Partner": obj({"slug": STRING, "name": STRING, "website": NULLABLE_STRING}),
    "Venue": obj({"name": STRING, "address": STRING, "room": NULLABLE_STRING, "accessibility": NULLABLE_STRING},
                 "Where an on-site session takes place: names, address (Brussels streets have a French and a Dutch "
                 "name) and accessibility notes in the language asked, French when one has no text in it."),
    "Session": obj(SESSION_PROPERTIES, "A public session. Never carries a videoconference link."),
    "SessionDetail": obj({**SESSION_PROPERTIES, "description": STRING}, "A public session with its description."),
    "SessionList": obj({
        "sessions": {"type": "array", "items": ref("Session")},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "count": {**COUNT, "description": "Sessions on this page."},
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "next": {"type": ["string", "null"], "format": "uri",
                 "description": "The next page (also in the `Link` header, rel=\"next\"); null on the last page."},
        "lang": LANG_ENUM,
    }, "One page of the sessions starting from `from` to `to` included (Brussels days), soonest first."),
    "ThemeList": obj({"themes": {"type": "array", "items": ref("Labelled")}, "lang": LANG_ENUM}),
    "AudienceList": obj({"audiences": {"type": "array", "items": ref("Labelled")}, "lang": LANG_ENUM}),
    "PartnerList": obj({"partners": {"type": "array", "items": ref("Partner")}, "lang": LANG_ENUM}),
    "RegistrationRequest": {
        "type": "object", "required": ["name", "email", "consent"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": "\\S"},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "language": {**LANG_ENUM, "description": "The language of every message. Default: as `lang`."},
            "consent": {"type": "boolean", "const": True,
                        "description": "Consent to keep the registration (name, e-mail) "
                                       "until the statistics are made."},
            "audience": {"type": "string", "description": "An audience code from /audiences (for the statistics)."},
            "postcode": {"type": "string", "pattern": "^[0-9]{4}$", "description": "Belgian postcode (statistics)."},
        },
    },
    "Registration": obj({
        "status": {"type": "string", "enum": list(REGISTRATION_STATUSES)},
        "position": {"type": ["integer", "null"], "minimum": 1, "description": "Place on the waiting list, else null."},
        "token": {**STRING, "description": "The registration's secret: keep it, it is the key to cancel."},
        "session": {"type": "integer", "minimum": 1},
        "language": LANG_ENUM,
        "links": obj({"view": {"type": "string", "format": "uri"}, "cancel": {"type": "string", "format": "uri"},
                      "ics": {"type": "string", "format": "uri"},
                      "feed": {"type": ["string", "null"], "format": "uri",
                               "description": "The person's own iCalendar feed: every registration of this "
                                              "e-mail address, across sessions. Signed and secret; the person can "
                                              "replace it from the registration page (the old one then answers "
                                              "404)."}}),
    }, "A registration; one per e-mail address and session."),
}
_REGISTRATION = SCHEMAS["Registration"]["properties"]
SCHEMAS["RegistrationAnswer"] = obj({
    **_REGISTRATION, "message": {**STRING, "description": "Words to show the person, in the language asked."},
}, "A new registration: its status, place on the waiting list, secret and links.")
SCHEMAS["RegistrationReceived"] = obj({
    "status": {"type": "string", "const": "received"},
    "position": {"type": "null"},
    "token": {"type": "null"},
    "session": {"type": "integer", "minimum": 1},
    "language": LANG_ENUM,
    "links": {"type": "null"},
    "message": {**STRING, "description": "Words to show the person, in the language asked."},
}, "The address was registered for this session already. Nothing changed, and nothing of that registration "
   "is given to whoever asked: its links went again by e-mail to the address itself (at most once in "
   "REGISTRATION_LINKS_RESEND_MINUTES). Same status and keys as a new registration, so the answer does not "
   "tell whether a person is registered.")


MONTH_FIGURES = {
    "activities": {**COUNT, "description": "Group activities organised: sessions that took place (not cancelled, "
                                           "over), public or for a school, and imported past activities."},
    "face_to_face": COUNT, "online": COUNT, "hybrid": COUNT,
}
SCHEMAS["Stats"] = obj({
    "year": {"type": "integer", "minimum": 2000},
    "activities": obj({"total": COUNT, "face_to_face": COUNT, "online": COUNT, "hybrid": COUNT}),
    "contacts": {**COUNT, "description": "People who took part: registered people marked present, walk-ins, people "
                                         "who joined online (once per session), a class's pupils and adults."},
    "months": {"type": "array", "minItems": 12, "maxItems": 12, "items": obj({
        "month": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "YYYY-MM, Brussels time."},
        **MONTH_FIGURES, "contacts": COUNT,
        "contacts_previous_year": {**COUNT, "description": "The contacts of the same month a year before."},
    })},
    "closures": {"type": "array", "items": obj({
        "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
        "reason": STRING,
    }), "description": "The closures of the premises in the year (days included, clipped to the year)."},
}, "The year's group activities and contacts, month by month in Brussels time, against the previous year.")


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PARAMETERS: dict[str, Any] = {
    "lang": query("lang", LANG_ENUM, "Language of the texts (French when a text is missing in it). "
                                     "Default: from Accept-Language, else fr."),
    "from": query("from", {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                  f"First day (Brussels time), YYYY-MM-DD, from {MIN_DATE} to {MAX_DATE}. Default: today."),
    "to": query("to", {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                "Last day included, YYYY-MM-DD. Default: eight weeks after `from`; at most a year after it."),
    "theme": query("theme", STRING, "A theme code from /themes."),
    "audience": query("audience", STRING, "An audience code from /audiences."),
    "format": query("format", {"type": "string", "enum": list(FORMATS)}, "The format of the session."),
    "language": query("language", {"type": "string", "enum": list(DELIVERY_LANGUAGES)},
                      "The language the session is given in; fr and nl also find bilingual fr_nl sessions."),
    "limit": query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
                   "Sessions per page: 100 unless asked, at most 500."),
    "cursor": query("cursor", {"type": "string", "maxLength": 80},
                    "Where a page starts: take it from the `next` link of the page before."),
    "partner": query("partner", STRING, "A partner slug from /partners: sessions it organises or co-hosts."),
    "session_id": {"name": "id", "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    "year": {"name": "year", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
             "description": "A calendar year, from 2000 to the current one."},
    "token": {"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64},
              "description": "The registration's token, from the registration answer or its e-mail links."},
}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content(ref("Error"))}


RESPONSES: dict[str, Any] = {
    "NotModified": {"description": "The client's copy (If-None-Match) is current."},
    "NotFound": _error("No such resource."),
    "MethodNotAllowed": {**_error("Method not allowed; the Allow header lists the allowed ones."),
                         "headers": {"Allow": {"schema": STRING}}},
    "Invalid": _error("Invalid input: a message for each bad parameter."),
    "ServerError": _error("Something failed on the server; no detail is given."),
    "Conflict": _error("The session is full and its waiting list is closed (it starts soon)."),
    "Gone": _error("The session is cancelled or over."),
    "Busy": {**_error("Too many registrations at this instant; nothing was stored. Retry after the delay."),
             "headers": {"Retry-After": {"schema": STRING}}},
    "TooManyRequests": {**_error("Too many registrations from this client, for this session or with this e-mail "
                                 "address in a short time; nothing was stored. Retry after the delay (seconds)."),
                        "headers": {"Retry-After": {"schema": STRING}}},
}

ETAG = {"ETag": {"schema": STRING, "description": "Send it back in If-None-Match to get a 304."}}


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "headers": ETAG, "content": _json_content(ref(schema))}


def operation(op_id: str, summary: str, params: list[str], ok: dict[str, Any], *errors: str,
              tag: str = "calendar", cached: bool = True) -> dict[str, Any]:
    responses = {"200": ok}
    if cached:
        responses["304"] = ref("NotModified", "responses")
    codes = {"404": "NotFound", "405": "MethodNotAllowed", "422": "Invalid", "500": "ServerError"}
    for code in sorted({"405", "500", *errors}):
        responses[code] = ref(codes[code], "responses")
    return {"get": {"operationId": op_id, "summary": summary, "tags": [tag],
                    "parameters": [ref(p, "parameters") for p in params], "responses": responses}}


def paths() -> dict[str, Any]:
    return {
        "/sessions": operation(
            "listSessions", "Public sessions in a date range, with filters",
            ["from", "to", "lang", "theme", "audience", "format", "language", "partner", "limit", "cursor"],
            _ok("SessionList", "A page of the sessions, cancelled ones included (see `status`); follow `next` "
                               "for the following page."), "422"),
        "/sessions/{id}": operation(
            "getSession", "One public session, with its description", ["session_id", "lang"],
            _ok("SessionDetail", "The session."), "404", "422"),
        "/themes": operation("listThemes", "The themes, to filter on", ["lang"],
                             _ok("ThemeList", "Every theme."), "422", tag="lists"),
        "/audiences": operation("listAudiences", "The target audiences, to filter on", ["lang"],
                                _ok("AudienceList", "Every audience."), "422", tag="lists"),
        "/partners": operation("listPartners", "The partner organisations, to filter on", ["lang"],
                               _ok("PartnerList", "Every partner."), "422", tag="lists"),
        "/stats/{year}": operation("getStats", "The year's statistics: group activities and contacts by month",
                                   ["year"], _ok("Stats", "The year's figures."), "404", "422", tag="stats"),
        "/openapi.json": operation("getOpenApi", "This description", [],
                                   _ok_document(), tag="meta"),
        **registration_paths(),
    }


def _registration_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content(ref("Registration"))}


def _errors(*codes: str) -> dict[str, Any]:
    names = {"404": "NotFound", "405": "MethodNotAllowed", "409": "Conflict", "410": "Gone", "422": "Invalid",
             "429": "TooManyRequests", "500": "ServerError", "503": "Busy"}
    return {code: ref(names[code], "responses") for code in sorted({"405", "500", *codes})}


def registration_paths() -> dict[str, Any]:
    token = [ref("token", "parameters"), ref("lang", "parameters")]
    return {
        "/sessions/{id}/registrations": {"post": {
            "operationId": "register", "tags": ["registrations"],
            "summary": "Register a person: confirmed while seats are left, else on the waiting list",
            "parameters": [ref("session_id", "parameters"), ref("lang", "parameters")],
            "requestBody": {"required": True, "content": _json_content(ref("RegistrationRequest"))},
            "responses": {"201": {"description": "Registered (see status and position), or, for an address "
                                                 "registered already, received (its links went to that address).",
                                  "content": _json_content({"oneOf": [ref("RegistrationAnswer"),
                                                                      ref("RegistrationReceived")]})},
                          **_errors("404", "409", "410", "422", "429", "503")},
        }},
        "/registrations/{token}": {
            "get": {"operationId": "getRegistration", "tags": ["registrations"], "summary": "A registration",
                    "parameters": token,
                    "responses": {"200": _registration_answer("The registration."), **_errors("404")}},
            "delete": {"operationId": "cancelRegistration", "tags": ["registrations"],
                       "summary": "Cancel a registration (or leave the waiting list); the seat goes to the next person",
                       "parameters": token,
                       "responses": {"200": _registration_answer("Cancelled."), **_errors("404", "503")}},
        },
    }


def _ok_document() -> dict[str, Any]:
    return {"description": "The OpenAPI 3.1 document.", "headers": ETAG,
            "content": _json_content({"type": "object", "required": ["openapi", "paths"]})}


DESCRIPTION = """\
The public calendar of the group sessions of the Cité des métiers de Bruxelles / Beroepenpunt
van Brussel. Texts come in French, Dutch or English (`lang`, else the Accept-Language header,
else French), falling back to French where a text is missing. Times are ISO 8601 in Brussels
time with their offset. Every error answers `{"errors": {field: message}}`: 422 for invalid input,
404 for an unknown address or id, 405 for a wrong method. Answers carry an ETag and honour
If-None-Match."""


def document(base_url: str) -> dict[str, Any]:
    """The whole description, its server at `base_url`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cité des métiers de Bruxelles – workshops API", "version": VERSION,
                 "description": DESCRIPTION},
        "servers": [{"url": f"{base_url.rstrip('/')}/api/v1"}],
        "tags": [{"name": name} for name in ("calendar", "registrations", "lists", "stats", "meta")],
        "paths": paths(),
        "components": deepcopy({"schemas": SCHEMAS, "parameters": PARAMETERS, "responses": RESPONSES}),
    }
