"""Registering and cancelling through the API: parse, call the registration service, answer."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from app.api import errors
from app.api.blueprint import bp
from app.database import unit_of_work
from app.errors import NotFound, ValidationError
from app.messages.services import feed_link, links
from app.registrations import services
from app.registrations.models import Registration
from app.web.limits import registration_limits
from app.web.urls import id_from


def registration_json(registration: Registration, new: bool = False) -> dict:
    found = links(registration)
    answer = {
        "status": registration.status,
        "position": services.waitlist_position(registration),
        "token": registration.token,
        "session": registration.session_id,
        "language": registration.language,
        "links": {"view": found["view"], "cancel": found["cancel"], "ics": found["ics"],
                  "feed": feed_link(registration)},
    }
    if new:
        answer["message"] = received_message()
    return answer


def received_message() -> str:
    """One text for a new registration and a repeated one alike."""
    return _("We have received your registration and sent its details by e-mail. "
             "If you were already registered, we have sent your links again.")


def repeat_json(session_id: int, language: str) -> dict:
    """The answer to an address already registered for the session: its links went to that address."""
    return {"status": "received", "position": None, "token": None, "session": session_id, "language": language,
            "links": None, "message": received_message()}


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
        registration = services.register_or_resend(id_from(session_id), data)
        # Built before the commit: nothing to reload. The same status and shape whether or not the address
        # was registered already; only a new registration's own secret comes back to whoever sent it.
        answer = registration_json(registration, new=True) if registration else repeat_json(
            id_from(session_id), data["language"])
    response = jsonify(answer)
    response.status_code = 201
    return response


def _by_token(token: str) -> Registration:
    registration = services.find_by_token(token)
    if registration is None:
        raise NotFound({"token": _("Unknown registration.")})
    return registration


@bp.get("/registrations/<token>")
def registration(token: str):
    errors.use_lang()
    registration = _by_token(token)
    with unit_of_work():  # the address's feed link is made the first time it is shown, and kept
        answer = registration_json(registration)
    return jsonify(answer)


@bp.delete("/registrations/<token>")
def cancel(token: str):
    errors.use_lang()
    _by_token(token)
    with unit_of_work():
        answer = registration_json(services.cancel_registration(token))
    return jsonify(answer)
