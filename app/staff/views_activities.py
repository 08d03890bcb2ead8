"""Activities: the kinds of workshop, in three languages."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts.access import require
from app.calendar.activities import create_activity, update_activity
from app.calendar.models import LANGS, Activity, Audience, Partner, Theme
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.staff.blueprint import bp
from app.staff.common import attach_errors
from app.staff.forms import ActivityForm
from app.staff.services import activities as all_activities

TEXT_FIELDS = [f"{field}_{lang}" for lang in LANGS for field in ("title", "summary", "description")]


@bp.get("/activities")
def activities():
    require("plan")
    return render_template("staff/activities.html", activities=all_activities())


def _form(activity: Activity | None = None) -> ActivityForm:
    form = ActivityForm(obj=None)
    if activity is not None and not form.is_submitted():
        for name in TEXT_FIELDS + ["language", "default_duration_minutes", "default_capacity", "schools_only"]:
            getattr(form, name).data = getattr(activity, name)
        form.theme.data = str(activity.theme_id)
        form.organiser.data = str(activity.organiser_id or "")
        form.audiences.data = [str(a.id) for a in activity.audiences]
        form.cohosts.data = [str(p.id) for p in activity.cohosts]
    elif activity is None and not form.is_submitted():
        form.default_duration_minutes.data, form.default_capacity.data, form.language.data = 120, 20, "fr_nl"
    form.theme.choices = [("", "—")] + [(str(t.id), t.localized("label", g.lang)) for t in
                                        db.session.scalars(db.select(Theme).order_by(Theme.code))]
    form.audiences.choices = [(str(a.id), a.localized("label", g.lang)) for a in
                              db.session.scalars(db.select(Audience).order_by(Audience.code))]
    partners = [(str(p.id), p.localized("name", g.lang))
                for p in db.session.scalars(db.select(Partner).order_by(Partner.slug))]
    form.organiser.choices = [("", _("The Cité des métiers"))] + partners
    form.cohosts.choices = partners
    return form


def _values(form: ActivityForm) -> dict:
    values = {name: getattr(form, name).data for name in TEXT_FIELDS}
    values.update(theme=form.theme.data, audiences=form.audiences.data or [], language=form.language.data,
                  default_duration_minutes=form.default_duration_minutes.data,
                  default_capacity=form.default_capacity.data, organiser=form.organiser.data,
                  cohosts=form.cohosts.data or [], schools_only=form.schools_only.data)
    return values


def _save(form: ActivityForm, activity: Activity | None):
    problems = []
    if form.validate_on_submit():
        try:
            with unit_of_work():
                saved = create_activity(_values(form)) if activity is None else update_activity(activity, _values(form))
        except ValidationError as exc:
            problems = attach_errors(form, exc.errors)
        else:
            flash(_("The activity is saved."), "success")
            return redirect(url_for("staff.activity_edit", activity_id=saved.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("staff/activity_form.html", form=form, activity=activity, problems=problems), status


@bp.route("/activities/new", methods=["GET", "POST"])
def activity_new():
    require("plan")
    return _save(_form(), None)


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
def activity_edit(activity_id: int):
    require("plan")
    activity = db.get_or_404(Activity, activity_id)
    return _save(_form(activity), activity)
