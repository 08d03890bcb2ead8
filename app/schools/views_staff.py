"""Staff handle the schools' requests: the list by state, one request with the free slots that fit its
preferences, and confirming, proposing, declining or cancelling it."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import require
from app.accounts.models import User
from app.calendar.models import Room, Session
from app.database import unit_of_work
from app.errors import DomainError
from app.extensions import db
from app.schools import services
from app.schools.forms import (
    CLASS_LEVEL_LABELS,
    HALF_DAY_LABELS,
    NETWORK_LABELS,
    PLACE_LABELS,
    STATE_LABELS,
    TEACHING_LANGUAGE_LABELS,
    ButtonForm,
    ClassAttendanceForm,
    DeclineForm,
    SlotForm,
)
from app.schools.messages import slot_text, where_text
from app.schools.models import STATES, SchoolRequest
from app.staff.blueprint import bp
from app.web.urls import id_from


@bp.context_processor
def school_labels() -> dict:
    return dict(state_labels=STATE_LABELS, place_labels=PLACE_LABELS, class_level_labels=CLASS_LEVEL_LABELS,
                half_day_labels=HALF_DAY_LABELS, network_labels=NETWORK_LABELS,
                teaching_language_labels=TEACHING_LANGUAGE_LABELS)


@bp.get("/schools/")
def school_requests():
    require("see_centre")
    state = request.args.get("state")
    if state is not None and state not in STATES:
        state = None
    return render_template("schools/staff_list.html", groups=services.requests_by_state(state), chosen=state,
                           states=STATES)


def _load(request_id: int) -> SchoolRequest:
    return db.get_or_404(SchoolRequest, request_id)


def _page(found: SchoolRequest, problems=(), status: int = 200):
    return render_template("schools/staff_request.html", r=found, slots=services.free_slots(found),
                           slot_form=SlotForm(), decline_form=DeclineForm(), button=ButtonForm(),
                           problems=list(problems), slot=slot_text(found), where=where_text(found)), status


@bp.get("/schools/<int:request_id>")
def school_request(request_id: int):
    require("see_centre")
    return _page(_load(request_id))


@bp.post("/schools/<int:request_id>/slot")
def school_request_slot(request_id: int):
    require("plan")
    found = _load(request_id)
    form = SlotForm()
    if not form.validate_on_submit():
        return _page(found, [_("The page expired. Please press the button again.")], 400)
    raw = form.slot.data or ""
    try:
        day, half = date.fromisoformat(raw[:10]), raw[11:]
    except ValueError:
        return _page(found, [_("Choose one of the slots.")], 422)
    room = db.session.get(Room, id_from(form.room.data)) if id_from(form.room.data) else None
    counsellor = db.session.get(User, id_from(form.counsellor.data)) if id_from(form.counsellor.data) else None
    try:
        with unit_of_work():
            start = services.slot_start(found, day, half)
            if form.propose.data:
                services.propose(found.id, start, room, counsellor)
            else:
                services.confirm(found.id, start, room, counsellor)
    except DomainError as exc:
        db.session.expire_all()
        return _page(_load(request_id), list(exc.errors.values()), exc.status)
    flash(_("The date is proposed to the teacher.") if form.propose.data else
          _("The class is booked; the teacher is told."), "success")
    return redirect(url_for("staff.school_request", request_id=request_id), 303)


@bp.post("/schools/<int:request_id>/decline")
def school_request_decline(request_id: int):
    require("plan")
    found = _load(request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _page(found, [_("The page expired. Please press the button again.")], 400)
    try:
        with unit_of_work():
            services.decline(found.id, form.reason.data or "")
    except DomainError as exc:
        return _page(found, list(exc.errors.values()), exc.status)
    flash(_("The request is declined; the teacher is told."), "success")
    return redirect(url_for("staff.school_request", request_id=request_id), 303)


@bp.post("/schools/<int:request_id>/cancel")
def school_request_cancel(request_id: int):
    require("plan")
    found = _load(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        services.cancel_by_staff(found.id)
    flash(_("The request is cancelled; the room and the counsellor are free again."), "success")
    return redirect(url_for("staff.school_request", request_id=request_id), 303)


@bp.route("/sessions/<int:session_id>/class-attendance", methods=["GET", "POST"])
def class_attendance(session_id: int):
    found = db.get_or_404(Session, session_id)
    require("take_attendance", session=found)
    if found.visibility != "school":
        abort(404)
    marked = services.class_attendance(found.id)
    form = ClassAttendanceForm(data={"pupils_present": marked.pupils_present if marked else "",
                                     "adults_present": marked.adults_present if marked else ""})
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.mark_class_attendance(found, form.pupils_present.data, form.adults_present.data,
                                               current_user)
        except DomainError as exc:
            for name, message in exc.errors.items():
                if name in form._fields:
                    form[name].errors = [message]
            status = 422
        else:
            flash(_("The attendance is saved."), "success")
            return redirect(url_for("staff.class_attendance", session_id=found.id), 303)
    elif form.is_submitted():
        status = 400
    request_of = db.session.scalar(db.select(SchoolRequest).where(SchoolRequest.session_id == found.id))
    return render_template("schools/class_attendance.html", s=found, form=form, r=request_of, marked=marked), status


@bp.post("/schools/<int:request_id>/contact")
def school_request_contact(request_id: int):
    require("plan")
    found = _load(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            services.give_school_contact_account(found.id)
    except DomainError as exc:
        return _page(found, list(exc.errors.values()), exc.status)
    flash(_("The teacher has an account for their school; the welcome e-mail is on its way."), "success")
    return redirect(url_for("staff.school_request", request_id=request_id), 303)
