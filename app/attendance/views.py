"""The attendance sheet (a phone page saving every tap), its JSON endpoint, and the check-in link."""
from __future__ import annotations

import secrets

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import require
from app.attendance import services
from app.calendar.models import Audience, Session
from app.database import unit_of_work
from app.errors import DomainError
from app.extensions import db
from app.registrations.services import find_by_token
from app.web.urls import id_from, language_blueprint

bp = language_blueprint("attendance", __name__)


def _session(session_id: int) -> Session:
    found = db.get_or_404(Session, session_id)
    require("take_attendance", session=found)
    return found


def _sheet_page(session: Session, errors: dict | None = None, status: int = 200):
    rows, walkins = services.sheet(session)
    audiences = list(db.session.scalars(db.select(Audience).order_by(Audience.code)))
    return render_template("attendance/sheet.html", s=session, rows=rows, walkins=walkins, audiences=audiences,
                           present=services.present_count(session), errors=errors or {},
                           walkin_key=secrets.token_urlsafe(12), form_values=request.form), status


@bp.get("/staff/sessions/<int:session_id>/attendance")
def sheet(session_id: int):
    return _sheet_page(_session(session_id))


def _int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 11 else None


@bp.post("/staff/sessions/<int:session_id>/attendance/mark")
def mark(session_id: int):
    """One tap: {"registration": id, "status"} or {"walkin": {"key", "name", "email", "audience", "status"}}.

    JSON from the page's script (CSRF token in X-CSRFToken), or a plain form when scripts do not run.
    """
    session = _session(session_id)
    as_json = request.is_json
    data = request.get_json(silent=True) if as_json else request.form
    if not isinstance(data, dict) and not hasattr(data, "get"):
        data = {}
    walkin = data.get("walkin") if as_json else (
        {k: data.get(k) for k in ("key", "name", "email", "audience")} | {"status": data.get("status") or "present"}
        if data.get("key") else None)
    try:
        with unit_of_work():
            if isinstance(walkin, dict):
                row = services.save_walkin(session, walkin.get("key"), current_user, name=walkin.get("name"),
                                           email=walkin.get("email"), audience=walkin.get("audience"),
                                           status=walkin.get("status") or "present")
            else:
                row = services.mark(session, _int(data.get("registration")), data.get("status"), current_user)
    except DomainError as exc:
        if as_json:
            return jsonify(errors=exc.errors), exc.status
        return _sheet_page(session, exc.errors, exc.status)
    if as_json:
        return jsonify(ok=True, id=row.id, status=row.status, present=services.present_count(session))
    return redirect(url_for("attendance.sheet", session_id=session.id) + "#sheet", 303)


def _checkin_target(token: str):
    """The registration of a check-in link, the sheet's session it was scanned from, and what stands in the way."""
    registration = find_by_token(token)
    if registration is None:
        require("backoffice")  # the anonymous go to the login page first
        abort(404)
    sheet_id = _int(request.values.get("session"))
    if sheet_id is not None:
        sheet_session = db.session.get(Session, id_from(sheet_id)) if id_from(sheet_id) else None
        if sheet_session is None:
            abort(404)
        require("take_attendance", session=sheet_session)
        if sheet_session.id != registration.session_id:
            return registration, sheet_session, services.checkin_problem(registration, sheet_session.id)
    require("take_attendance", session=registration.session)
    return registration, registration.session, services.checkin_problem(registration)


@bp.route("/checkin/<token>", methods=["GET", "POST"])
def checkin(token: str):
    """Opening the link shows the person; only the button marks them present."""
    registration, sheet_session, problem = _checkin_target(token)
    done, status = None, 200
    already = None if problem else services.already_present(registration)
    if problem:
        status = 409
    elif already is not None:  # scanned again: nothing to do, and the host is told so
        pass
    elif request.method == "POST":
        try:
            with unit_of_work():
                done = services.check_in(registration, current_user, sheet_session.id)
        except DomainError as exc:
            problem, status = next(iter(exc.errors.values())), exc.status
    same = sheet_session.id == registration.session_id
    return render_template("attendance/checkin.html", r=registration if same else None, s=sheet_session,
                           token=token, problem=problem, done=done, already=already,
                           sheet_param=request.values.get("session") if _int(request.values.get("session")) else None,
                           title=_("Check-in")), status
