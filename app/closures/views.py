"""Staff pages: closures (preview, confirm, change) and capacity caps."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import require
from app.calendar.models import Venue
from app.calendar.queries import venues_by_name
from app.closures import services
from app.closures.forms import CapacityCapForm, ChangeClosureForm, ClosureForm
from app.closures.models import Closure
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.i18n import current_lang
from app.videorooms.services import sync_due
from app.web.forms import texts_of
from app.web.urls import language_blueprint

bp = language_blueprint("closures", __name__, "/staff")


def _venues() -> list[tuple[int, str]]:
    lang = current_lang()
    return [(v.id, v.localized("name", lang)) for v in venues_by_name(lang)]


def _attach(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = form._fields.get(name) or form._fields.get(f"{name}_fr")  # a text's French field
        if field is not None:
            field.errors = list(field.errors) + [message]


@bp.get("/closures")
def index():
    require("plan")
    return render_template("closures/index.html", closures=services.closures_ahead(),
                           over_cap=services.sessions_over_cap(), caps=services.caps_ahead())


@bp.route("/closures/new", methods=["GET", "POST"])
def new():
    require("plan")
    form = ClosureForm()
    form.venue.choices = _venues()
    affected, status = None, 200
    if form.validate_on_submit():
        venue = db.session.get(Venue, form.venue.data)
        values = (venue, form.first_day.data, form.last_day.data, texts_of(form, "reason"), form.action.data)
        try:
            if form.confirm.data:
                with unit_of_work():
                    closure = services.declare_closure(*values, user=current_user)
                sync_due(session_ids=[e.session_id for e in closure.effects], timeout=3)
                flash(_("The closure is recorded; %(count)s sessions were changed and everyone registered is told.",
                        count=len(closure.effects)), "success")
                return redirect(url_for("closures.index"), 303)
            affected = services.preview_closure(*values)
        except ValidationError as exc:
            _attach(form, exc.errors)
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template("closures/new.html", form=form, affected=affected), status


@bp.route("/closures/<int:closure_id>", methods=["GET", "POST"])
def change(closure_id: int):
    require("plan")
    closure = db.get_or_404(Closure, closure_id)
    form = ChangeClosureForm(obj=closure)
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.change_closure(closure, form.first_day.data, form.last_day.data)
            sync_due(session_ids=[e.session_id for e in closure.effects], timeout=3)
            flash(_("The closure's dates are changed and the sessions concerned follow."), "success")
            return redirect(url_for("closures.index"), 303)
        except ValidationError as exc:
            _attach(form, exc.errors)
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template("closures/change.html", form=form, closure=closure), status


@bp.route("/capacity-caps/new", methods=["GET", "POST"])
def new_cap():
    require("plan")
    form = CapacityCapForm()
    form.venue.choices = [(0, _("Every venue"))] + _venues()
    status = 200
    if form.validate_on_submit():
        venue = db.session.get(Venue, form.venue.data) if form.venue.data else None
        try:
            with unit_of_work():
                services.add_capacity_cap(venue, form.first_day.data, form.last_day.data, form.percent.data,
                                          texts_of(form, "reason"))
            flash(_("The capacity cap is set. Sessions already over it are listed below."), "success")
            return redirect(url_for("closures.index"), 303)
        except ValidationError as exc:
            _attach(form, exc.errors)
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template("closures/cap.html", form=form), status
