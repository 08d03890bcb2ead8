"""Registering and cancelling through the API: parse, call the registration service, answer."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from app.api import bp, errors
from app.database import unit_of_work
from app.errors import NotFound, ValidationError
from app.messages.services import links
from app.registrations import services
from app.registrations.models import Registration
from app.web.limits import registration_limits
from app.web.urls import id_from


def registration_json(registration: Registration) -> dict:
    found = links(registration)
    return {
        "status": registration.status,
        "position": services.waitlist_position(registration),
        "token": registration.token,
        "session": registration.session_id,
        "language": registration.language,
        "links": {"view": found["view"], "cancel": found["cancel"], "ics": found["ics"]},
    }


@bp.post("/sessions/<session_id>/registrations")
@registration_limits
def register(session_id: str):
    lang, _valid = errors.use_lang()
    if id_from(session_id) is None:
        raise NotFound({"id": _("There is no such session.")})
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError({"body": _("Send a JSON object with name, email, language and consent.")})
    data = {key: body.get(key) for key in ("name", "email", "language", "consent", "audience", "postcode")}
    for key in ("name", "email", "language", "audience", "postcode"):
        if data[key] is not None and not isinstance(data[key], str):
            raise ValidationError({key: _("This field must be text.")})
    data["language"] = data["language"] or lang
    data["channel"] = "api"
    with unit_of_work():
        registration, created = services.register(id_from(session_id), data)
        answer = registration_json(registration)  # built before the commit: nothing to reload
    response = jsonify(answer)
    response.status_code = 201 if created else 200
    return response


def _by_token(token: str) -> Registration:
    registration = services.find_by_token(token)
    if registration is None:
        raise NotFound({"token": _("Unknown registration.")})
    return registration


@bp.get("/registrations/<token>")
def registration(token: str):
    errors.use_lang()
    return jsonify(registration_json(_by_token(token)))


@bp.delete("/registrations/<token>")
def cancel(token: str):
    errors.use_lang()
    _by_token(token)
    with unit_of_work():
        answer = registration_json(services.cancel_registration(token))
    return jsonify(answer)
