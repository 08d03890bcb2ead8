"""One-off sessions, the staff page of a session, editing and cancelling it."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts.access import require
from app.calendar import services as calendar
from app.calendar.models import DELIVERY_LANGUAGES, Activity, Session
from app.calendar.queries import filter_choices
from app.database import unit_of_work
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.staff.blueprint import bp
from app.staff.common import (
    activity_choices,
    attach_errors,
    load_session,
    local_datetime,
    place_choices,
    venue_and_room,
    wall_clock_end,
)
from app.staff.forms import ActionForm, CancelSessionForm, DeskForm, SessionEditForm, SessionForm
from app.staff.services import edit_session, session_registrations, waitlist_positions
from app.timeutil import BRUSSELS, utcnow
from app.videorooms.services import room_of
from app.web.forms import texts_of
from app.web.labels import DELIVERY_LANGUAGE_LABELS, PROVIDER_LABELS, REGISTRATION_CHANNEL_LABELS
from app.web.urls import id_from

ALIASES = {"start": "start", "end": "duration_minutes"}


def _start(form) -> tuple:
    start = local_datetime(form.start.data.date(), form.start.data.time())
    return start, wall_clock_end(start, form.duration_minutes.data)


@bp.route("/sessions/new", methods=["GET", "POST"])
def session_new():
    require("plan")
    form = SessionForm()
    form.venue.choices, form.room.choices = place_choices()
    form.activity.choices = activity_choices(g.lang)
    form.language.choices = [("", _("The activity's language"))] + [
        (c, str(DELIVERY_LANGUAGE_LABELS[c])) for c in DELIVERY_LANGUAGES]
    problems, status = [], 200
    if not form.is_submitted():
        form.format.data = "face_to_face"
    elif form.validate_on_submit():
        activity = db.session.get(Activity, id_from(form.activity.data)) if id_from(form.activity.data) else None
        if activity is None:
            form.activity.errors = [_("Choose an activity.")]
        else:
            form.duration_minutes.data = form.duration_minutes.data or activity.default_duration_minutes
            venue, room = venue_and_room(form.venue.data, form.room.data)
            try:
                with unit_of_work():
                    created = calendar.create_session(activity, *_start(form), form.format.data, venue=venue,
                                                      room=room, capacity=form.capacity.data,
                                                      language=form.language.data or None)
            except ValidationError as exc:
                problems = attach_errors(form, exc.errors, ALIASES)
            else:
                flash(_("The session is created."), "success")
                return redirect(url_for("staff.session", session_id=created.id), 303)
        status = 422
    else:
        status = 422
    return render_template("staff/session_new.html", form=form, problems=problems), status


def session_page(found: Session, desk: DeskForm | None = None, status: int = 200, problems=()):
    """The staff page of one session; the desk form may come back with its errors."""
    if desk is None:
        desk = DeskForm(formdata=None, data={"language": g.lang, "channel": "phone"})
    desk.audience.choices = [("", _("Prefer not to say"))] + [
        (a.code, a.localized("label", g.lang)) for a in filter_choices().audiences]
    registrations = session_registrations(found)
    return render_template(
        "staff/session.html", s=found, registrations=registrations, positions=waitlist_positions(registrations),
        desk=desk, action=ActionForm(), problems=list(problems), room=room_of(found), provider_labels=PROVIDER_LABELS,
        channel_labels=REGISTRATION_CHANNEL_LABELS,
        is_open=found.status == "scheduled" and found.end_at > utcnow(),
    ), status


@bp.get("/sessions/<int:session_id>")
def session(session_id: int):
    found = load_session(session_id)
    require("see_registrations", session=found)
    return session_page(found)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def session_edit(session_id: int):
    require("plan")
    found = load_session(session_id)
    if not form_editable(found):
        flash(_("A cancelled session cannot be changed."), "error")
        return redirect(url_for("staff.session", session_id=found.id), 303)
    start = found.start_at.astimezone(BRUSSELS).replace(tzinfo=None)
    minutes = int((found.end_at - found.start_at).total_seconds() // 60)
    form = SessionEditForm(data=dict(start=start, duration_minutes=minutes, format=found.format,
                                     capacity=found.capacity, venue=str(found.venue_id or ""),
                                     room=str(found.room_id or "")))
    form.venue.choices, form.room.choices = place_choices()
    problems, status = [], 200
    if form.validate_on_submit():
        venue, room = venue_and_room(form.venue.data, form.room.data)
        try:
            with unit_of_work():
                edit_session(found.id, start=_start(form)[0], end=_start(form)[1], format=form.format.data,
                             venue=venue, room=room, capacity=form.capacity.data)
        except DomainError as exc:
            problems = attach_errors(form, exc.errors, ALIASES)
        else:
            flash(_("The session is changed; people registered are told."), "success")
            return redirect(url_for("staff.session", session_id=found.id), 303)
        found = load_session(session_id)
    if form.is_submitted():
        status = 422
    return render_template("staff/session_edit.html", s=found, form=form, problems=problems), status


def form_editable(found: Session) -> bool:
    return found.status == "scheduled"


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
def session_cancel(session_id: int):
    require("plan")
    found = load_session(session_id)
    form = CancelSessionForm()
    if found.status == "cancelled":
        flash(_("This session is already cancelled."), "info")
        return redirect(url_for("staff.session", session_id=found.id), 303)
    if form.validate_on_submit():
        with unit_of_work():
            calendar.cancel_session(found, texts_of(form, "reason"))
        flash(_("The session is cancelled; everyone registered is told."), "success")
        return redirect(url_for("staff.session", session_id=found.id), 303)
    return render_template("staff/session_cancel.html", s=found, form=form), 422 if form.is_submitted() else 200
