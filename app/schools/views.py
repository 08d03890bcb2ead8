"""The school pages, without an account: the activities for schools, the teacher's request, and the
request's own page behind its signed link (opening it changes nothing; one button does)."""
from __future__ import annotations

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.database import unit_of_work
from app.errors import DomainError, ValidationError
from app.schools import services
from app.schools.forms import (
    CLASS_LEVEL_LABELS,
    FIELDS,
    HALF_DAY_LABELS,
    NETWORK_LABELS,
    PLACE_LABELS,
    STATE_LABELS,
    TEACHING_LANGUAGE_LABELS,
    ButtonForm,
    RequestForm,
)
from app.schools.messages import slot_text, where_text
from app.web.limits import school_request_limits
from app.web.urls import language_blueprint

bp = language_blueprint("schools", __name__, "/schools")


@bp.context_processor
def labels() -> dict:
    return dict(state_labels=STATE_LABELS, place_labels=PLACE_LABELS, class_level_labels=CLASS_LEVEL_LABELS,
                half_day_labels=HALF_DAY_LABELS, network_labels=NETWORK_LABELS,
                teaching_language_labels=TEACHING_LANGUAGE_LABELS)


def _index(form: RequestForm, problems=(), status: int = 200):
    activities = services.school_activities()
    form.activity.choices = [(str(a.id), a.localized("title", g.lang)) for a in activities]
    return render_template("schools/index.html", form=form, activities=activities, problems=list(problems),
                           pupils_range=services.pupils_range), status


@bp.route("/", methods=["GET", "POST"])
@school_request_limits
def index():
    form = RequestForm()
    if not form.is_submitted():
        return _index(form)
    if not form.validate_on_submit():  # the CSRF token only: every field is the service's
        return _index(form, [_("The form expired. Please send it again.")], 400)
    data = {name: form[name].data for name in FIELDS}
    try:
        with unit_of_work():
            services.submit_request(data, g.lang)
    except ValidationError as exc:
        for name, message in exc.errors.items():
            if name in form._fields:
                form[name].errors = [message]
        return _index(form, status=422)
    return redirect(url_for("schools.received"), 303)


@bp.get("/received")
def received():
    return render_template("schools/received.html")


def _request_page(token: str, problem: str | None = None, status: int = 200):
    found = services.find_by_token(token)
    if found is None:
        abort(404)
    return render_template("schools/request.html", r=found, button=ButtonForm(), problem=problem,
                           slot=slot_text(found), where=where_text(found),
                           may_cancel=services.teacher_may_cancel(found),
                           deadline=services.cancel_deadline(found)), status


@bp.get("/requests/<token>")
def request_page(token: str):
    return _request_page(token)


def _act(token: str, action):
    if services.find_by_token(token) is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        return _request_page(token, _("The page expired. Please press the button again."), 400)
    try:
        with unit_of_work():
            action(token)
    except DomainError as exc:
        return _request_page(token, next(iter(exc.errors.values())), exc.status)
    return redirect(url_for("schools.request_page", token=token), 303)


@bp.post("/requests/<token>/accept")
def accept(token: str):
    return _act(token, services.accept_proposal)


@bp.post("/requests/<token>/cancel")
def cancel(token: str):
    return _act(token, services.cancel_by_teacher)


@bp.get("/account")
def account():
    """A school contact's page: every request and class of their school."""
    from flask import current_app
    from flask_login import current_user

    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if current_user.role != "school" or current_user.school_id is None or not current_user.is_active:
        abort(403)
    return render_template("schools/account.html", school=current_user.school,
                           requests=services.requests_of_school(current_user.school_id))
