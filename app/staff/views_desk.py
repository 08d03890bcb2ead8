"""Desk work on a session: register a caller, move someone from the waiting list, cancel for them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.accounts.access import require
from app.database import unit_of_work
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.services import cancel_registration, promote_by_hand, register, waitlist_position
from app.staff.blueprint import bp
from app.staff.common import attach_errors, load_session
from app.staff.forms import ActionForm, ConfirmForm, DeskForm
from app.staff.views_sessions import session_page


def _back(session_id: int):
    return redirect(url_for("staff.session", session_id=session_id) + "#registrations", 303)


@bp.post("/sessions/<int:session_id>/registrations")
def desk_register(session_id: int):
    found = load_session(session_id)
    require("register_for_someone", session=found)
    form = DeskForm()
    problems = []
    if form.validate_on_submit():
        data = {name: getattr(form, name).data or None
                for name in ("name", "email", "phone", "language", "audience", "postcode")}
        data.update(consent=bool(form.agreed.data), channel=form.channel.data)
        try:
            with unit_of_work():
                registration, created = register(found.id, data, phone_allowed=True)
        except ValidationError as exc:
            problems = attach_errors(form, exc.errors, {"consent": "agreed"})
        except DomainError as exc:
            problems = list(exc.errors.values())
        else:
            if not created:
                flash(_("%(name)s was already registered for this session.", name=registration.name), "info")
            elif not registration.email:  # no message goes out: the desk reads out or prints the confirmation
                flash(_("%(name)s is registered. No e-mail is sent: read out or print this confirmation.",
                        name=registration.name), "success")
                return redirect(url_for("staff.desk_confirmation", session_id=found.id,
                                        registration_id=registration.id), 303)
            elif registration.status == "confirmed":
                flash(_("%(name)s is registered; the confirmation is on its way.", name=registration.name), "success")
            else:
                flash(_("The session is full: %(name)s is on the waiting list and is told so.", name=registration.name),
                      "success")
            return _back(found.id)
        found = load_session(session_id)
    return session_page(found, desk=form, status=422, problems=problems)


def _registration(session_id: int, registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if registration.session_id != session_id:
        abort(404)
    return registration


def _act(session_id: int, registration_id: int, action: str, work, form=None):
    found = load_session(session_id)
    require(action, session=found)
    registration = _registration(found.id, registration_id)
    if not (form or ActionForm()).validate_on_submit():
        return session_page(found, status=400, problems=[_("The form has expired. Please try again.")])
    try:
        with unit_of_work():
            message = work(registration)
    except DomainError as exc:
        return session_page(load_session(session_id), status=exc.status if exc.status != 404 else 409,
                            problems=list(exc.errors.values()))
    flash(message, "success")
    return _back(found.id)


@bp.post("/sessions/<int:session_id>/registrations/<int:registration_id>/promote")
def desk_promote(session_id: int, registration_id: int):
    def work(registration):
        promote_by_hand(registration.id)
        return _("%(name)s has a seat now and is told so.", name=registration.name)
    return _act(session_id, registration_id, "manage_waiting_list", work)


@bp.get("/sessions/<int:session_id>/registrations/<int:registration_id>/confirmation")
def desk_confirmation(session_id: int, registration_id: int):
    """The registration's confirmation in the person's language, to read out on the phone or to print."""
    found = load_session(session_id)
    require("register_for_someone", session=found)
    registration = _registration(found.id, registration_id)
    with force_locale(registration.language):
        confirmation = Markup(render_template("staff/_desk_confirmation.html", r=registration, s=found,
                                              person_lang=registration.language,
                                              position=waitlist_position(registration)))  # escaped when rendered
    return render_template("staff/desk_confirmation.html", r=registration, s=found, confirmation=confirmation)


def _cancel_page(found, registration, status: int = 200):
    return render_template("staff/desk_cancel.html", s=found, r=registration, form=ConfirmForm(formdata=None)), status


@bp.get("/sessions/<int:session_id>/registrations/<int:registration_id>/cancel")
def desk_cancel_confirm(session_id: int, registration_id: int):
    """Cancelling for someone asks first: this page's one button does it."""
    found = load_session(session_id)
    require("register_for_someone", session=found)
    registration = _registration(found.id, registration_id)
    if registration.status == "cancelled":
        flash(_("The registration of %(name)s is already cancelled.", name=registration.name), "info")
        return _back(found.id)
    return _cancel_page(found, registration)


@bp.post("/sessions/<int:session_id>/registrations/<int:registration_id>/cancel")
def desk_cancel(session_id: int, registration_id: int):
    found = load_session(session_id)
    require("register_for_someone", session=found)
    form = ConfirmForm()
    if form.validate_on_submit() and form.confirmed.data != "yes":  # not from the confirmation step: ask first
        return _cancel_page(found, _registration(found.id, registration_id))

    def work(registration):
        name = registration.name
        cancel_registration(registration.token)
        return _("The registration of %(name)s is cancelled; the seat goes to the waiting list.", name=name)
    return _act(session_id, registration_id, "register_for_someone", work, form)
