"""Hosts: who leads a session, which activities each counsellor may lead, and a host's own sessions."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import require
from app.accounts.models import User
from app.calendar import bookings
from app.calendar.models import Activity
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.staff.blueprint import bp
from app.staff.common import attach_errors, load_session
from app.staff.forms import CounsellorActivitiesForm, HostsForm
from app.text import fold
from app.timeutil import local_day_bounds, local_today


@bp.route("/sessions/<int:session_id>/hosts", methods=["GET", "POST"])
def session_hosts(session_id: int):
    require("plan")
    found = load_session(session_id)
    people = bookings.possible_hosts()
    form = HostsForm(data={"hosts": [h.id for h in found.hosts]})
    form.hosts.choices = [(u.id, f"{u.name} ({u.partner.localized('name', g.lang) if u.partner else u.email})")
                          for u in people]
    problems, status = [], 200
    if form.validate_on_submit():
        chosen = [u for u in people if u.id in set(form.hosts.data or [])]
        try:
            with unit_of_work():
                bookings.set_hosts(found, chosen)
        except ValidationError as exc:
            problems = attach_errors(form, exc.errors)
        else:
            flash(_("The hosts are saved."), "success")
            return redirect(url_for("staff.session", session_id=found.id), 303)
    if form.is_submitted():
        status = 422
    return render_template("staff/session_hosts.html", s=found, form=form, problems=problems), status


@bp.get("/counsellors/")
def counsellors():
    require("plan")
    return render_template("staff/counsellors.html", people=bookings.counsellors())


@bp.route("/counsellors/<int:user_id>", methods=["GET", "POST"])
def counsellor(user_id: int):
    require("plan")
    person = db.get_or_404(User, user_id)
    if not person.is_staff:
        abort(404)
    activities = sorted(db.session.scalars(db.select(Activity)),
                        key=lambda a: (not a.schools_only, fold(a.localized("title", g.lang))))
    form = CounsellorActivitiesForm(data={"activities": [a.id for a in person.activities]})
    form.activities.choices = [(a.id, a.localized("title", g.lang)) for a in activities]
    problems, status = [], 200
    if form.validate_on_submit():
        chosen = [a for a in activities if a.id in set(form.activities.data or [])]
        try:
            with unit_of_work():
                bookings.set_counsellor_activities(person, chosen)
        except ValidationError as exc:
            problems = attach_errors(form, exc.errors)
        else:
            flash(_("The activities are saved."), "success")
            return redirect(url_for("staff.counsellors"), 303)
    if form.is_submitted():
        status = 422
    return render_template("staff/counsellor.html", person=person, form=form, problems=problems), status


def host_page(person: User):
    first = local_today()
    start, end = local_day_bounds(first, first + timedelta(days=8 * 7))
    sessions = bookings.sessions_of_host(person.id, start, end)
    return render_template("staff/host_sessions.html", person=person, sessions=sessions, first=first)


@bp.get("/my-sessions")
def my_sessions():
    require("backoffice")
    return host_page(current_user)


@bp.get("/hosts/<int:user_id>/sessions")
def host_sessions(user_id: int):
    require("see_centre")
    person = db.get_or_404(User, user_id)
    return host_page(person)
