"""Weekly series: create with a preview of every date, then skip, move, restore, edit the future."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.accounts.access import require
from app.calendar import services as calendar
from app.calendar.models import DELIVERY_LANGUAGES, Activity, Series
from app.calendar.public_holidays import belgian_holidays
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.staff.blueprint import bp
from app.staff.common import (
    activity_choices,
    attach_errors,
    local_datetime,
    place_choices,
    venue_and_room,
    wall_clock_end,
)
from app.staff.forms import WEEKDAYS, MoveForm, RestoreForm, SeriesEditForm, SeriesForm, SkipForm
from app.staff.services import clock_changes, preview, series_defaults, series_sessions
from app.timeutil import utcnow
from app.web.forms import texts_of
from app.web.labels import DELIVERY_LANGUAGE_LABELS
from app.web.urls import id_from


def _choices(form) -> None:
    form.venue.choices, form.room.choices = place_choices()
    form.language.choices = [("", _("The activity's language"))] + [
        (c, str(DELIVERY_LANGUAGE_LABELS[c])) for c in DELIVERY_LANGUAGES]
    if hasattr(form, "activity"):
        form.activity.choices = activity_choices(g.lang)


def _values(form) -> dict:
    venue, room = venue_and_room(form.venue.data, form.room.data)
    return dict(weekdays=form.weekdays.data or [], start_time=form.start_time.data,
                duration_minutes=form.duration_minutes.data, start_date=form.start_date.data,
                end_date=form.end_date.data, format=form.format.data, venue=venue, room=room,
                capacity=form.capacity.data, language=form.language.data or None)


def _preview_problems(values: dict) -> dict:
    """What keeps the dates from being listed (the services check the rest when creating)."""
    errors = {}
    if not values["weekdays"] or any(d not in range(1, 8) for d in values["weekdays"]):
        errors["weekdays"] = _("Choose at least one weekday.")
    if not 1 <= values["duration_minutes"] <= 24 * 60:
        errors["duration_minutes"] = _("The duration must be from 1 minute to 24 hours.")
    if values["end_date"] < values["start_date"]:
        errors["end_date"] = _("The last date must not come before the first.")
    elif (values["end_date"] - values["start_date"]).days > calendar.MAX_SERIES_DAYS:
        errors["end_date"] = _("A series spans at most two years.")
    if not errors and values["format"] != "online":
        rows = preview(values)
        calendar.check_room_free(errors, values["room"], [(r.start, r.end) for r in rows if r.start > utcnow()])
    return errors


@bp.route("/series/new", methods=["GET", "POST"])
def series_new():
    require("plan")
    form = SeriesForm()
    _choices(form)
    rows, problems, status = None, [], 200
    if not form.is_submitted():
        chosen = request.args.get("activity", "")
        activity = db.session.get(Activity, id_from(chosen)) if id_from(chosen) else None
        form.activity.data = str(activity.id) if activity else ""
        defaults = series_defaults(activity)
        form.start_time.data, form.duration_minutes.data = defaults["start_time"], defaults["duration_minutes"]
        form.capacity.data, form.format.data = defaults["capacity"], "face_to_face"
    elif form.validate_on_submit():
        activity = db.session.get(Activity, id_from(form.activity.data)) if id_from(form.activity.data) else None
        values = _values(form)
        errors = _preview_problems(values) if activity else {"activity": _("Choose an activity.")}
        if not errors and form.confirm.data:
            try:
                with unit_of_work():
                    series = calendar.create_series(activity, **values)
            except ValidationError as exc:
                errors = exc.errors
            else:
                flash(ngettext("The series is created: %(num)d session.", "The series is created: %(num)d sessions.",
                               len(series_sessions(series.id))), "success")
                return redirect(url_for("staff.series", series_id=series.id), 303)
        if errors:
            problems, status = attach_errors(form, errors), 422
        else:
            rows = preview(values)
    else:
        status = 422
    return render_template("staff/series_new.html", form=form, rows=rows, problems=problems,
                           changes=clock_changes(rows or []), holidays=_holidays(rows or [])), status


def _holidays(rows) -> dict:
    """The Belgian public holidays among the dates of a preview, named in the page's language."""
    return belgian_holidays(rows[0].day, rows[-1].day, g.lang) if rows else {}


def _page(series: Series, edit_form=None, status: int = 200, problems=()):
    if edit_form is None:
        edit_form = SeriesEditForm(formdata=None, data=dict(
            weekdays=series.weekday_list, start_time=series.start_time, duration_minutes=series.duration_minutes,
            start_date=series.start_date, end_date=series.end_date, format=series.format, capacity=series.capacity,
            venue=str(series.venue_id or ""), room=str(series.room_id or ""), language=series.language or ""))
    _choices(edit_form)
    rows = preview(series, series_sessions(series.id))
    days = ", ".join(str(label) for number, label in WEEKDAYS if number in series.weekday_list)
    return render_template("staff/series.html", series=series, form=edit_form, rows=rows, problems=list(problems),
                           days=days, changes=clock_changes(rows), holidays=_holidays(rows), now=utcnow()), status


@bp.get("/series/<int:series_id>")
def series(series_id: int):
    require("see_centre")
    return _page(db.get_or_404(Series, series_id))


@bp.post("/series/<int:series_id>/edit")
def series_edit(series_id: int):
    require("plan")
    found = db.get_or_404(Series, series_id)
    form = SeriesEditForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                calendar.update_series(found, **_values(form))
        except ValidationError as exc:
                return _page(found, form, 422, attach_errors(form, exc.errors))
        flash(_("The series is changed; its future sessions follow, except those edited by hand."), "success")
        return redirect(url_for("staff.series", series_id=found.id), 303)
    return _page(found, form, 422)


def _occurrence_action(series_id: int, form, act):
    require("plan")
    found = db.get_or_404(Series, series_id)
    if not form.validate_on_submit():
        messages = [m for field in form for m in field.errors] or [_("The form has expired. Please try again.")]
        return _page(found, status=422, problems=messages)
    try:
        with unit_of_work():
            act(found, form)
    except ValidationError as exc:
        return _page(db.session.get(Series, series_id), status=422, problems=list(exc.errors.values()))
    return redirect(url_for("staff.series", series_id=series_id) + f"#d{form.day.data.isoformat()}", 303)


@bp.post("/series/<int:series_id>/skip")
def series_skip(series_id: int):
    def act(series, form):
        calendar.skip_occurrence(series, form.day.data, texts_of(form, "reason"))
        flash(_("The date is skipped; people registered are told."), "success")
    return _occurrence_action(series_id, SkipForm(), act)


@bp.post("/series/<int:series_id>/move")
def series_move(series_id: int):
    def act(series, form):
        start = local_datetime(form.start.data.date(), form.start.data.time())
        calendar.move_occurrence(series, form.day.data, start, wall_clock_end(start, series.duration_minutes))
        flash(_("The date is moved; people registered are told."), "success")
    return _occurrence_action(series_id, MoveForm(), act)


@bp.post("/series/<int:series_id>/restore")
def series_restore(series_id: int):
    def act(series, form):
        calendar.restore_occurrence(series, form.day.data)
        flash(_("The date follows the series again."), "success")
    return _occurrence_action(series_id, RestoreForm(), act)
