"""The privacy pages: the notice, a person's own data behind a signed link, and staff's handling of requests.

Opening a link changes nothing; erasing takes a confirmed button. Staff pages record every look at a
person's data in the audit log; the person's address travels in the form, never in a URL.
"""
from __future__ import annotations

import json

from flask import Response, current_app, flash, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import require
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import limiter
from app.privacy import services
from app.privacy.forms import ActOnForm, AskForm, EraseForm, FindForm, StaffEraseForm
from app.privacy.retention import periods
from app.web.urls import language_blueprint

bp = language_blueprint("privacy", __name__)
staff_bp = language_blueprint("privacy_staff", __name__, "/staff/privacy")


def _ask_limit() -> str:
    return current_app.config["MY_DATA_LIMIT_PER_ADDRESS"]


@bp.get("/privacy")
def notice():
    return render_template("privacy/notice.html", periods=periods())


@bp.route("/my-data/", methods=["GET", "POST"])
@limiter.limit(_ask_limit, methods=["POST"], scope="my-data-address")
def ask():
    form = AskForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.request_link(form.email.data, g.lang)
            return render_template("privacy/asked.html", hours=services.LINK_MAX_AGE // 3600)
        except ValidationError as exc:
            errors = exc.errors
    elif request.method == "POST":
        errors = {"email": _("The form has expired. Please try again.")}
    return render_template("privacy/ask.html", form=form, errors=errors), 422 if errors else 200


def _subject_or_expired(token: str):
    subject = services.subject_from_token(token)
    if subject is None:
        return None, (render_template("privacy/expired.html", hours=services.LINK_MAX_AGE // 3600), 404)
    return subject, None


@bp.get("/my-data/<token>")
def mine(token: str):
    subject, expired = _subject_or_expired(token)
    if expired:
        return expired
    data = services.gather(subject)
    return render_template("privacy/mine.html", data=data, token=token, staff=False, periods=periods())


def _json_download(data: services.PersonData, name: str) -> Response:
    body = json.dumps(services.export(data), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}.json"', "Cache-Control": "private, no-store"})


@bp.get("/my-data/<token>/export.json")
def download(token: str):
    subject, expired = _subject_or_expired(token)
    if expired:
        return expired
    return _json_download(services.gather(subject), _("my-data"))


@bp.route("/my-data/<token>/erase", methods=["GET", "POST"])
def erase(token: str):
    subject, expired = _subject_or_expired(token)
    if expired:
        return expired
    form = EraseForm()
    if form.validate_on_submit():
        with unit_of_work():
            done = services.erase(subject)
        return render_template("privacy/erased.html", done=done)
    errors = {name: messages[0] for name, messages in form.errors.items()}
    return render_template("privacy/erase.html", form=form, token=token, errors=errors,
                           data=services.gather(subject)), 422 if errors else 200


# --- staff ------------------------------------------------------------------------------------------------------


def _found(form, subject, reason, action: str = "view"):
    """The person's data, recorded in the audit log (who looked, when, at how much, why)."""
    with unit_of_work():
        data = services.gather(subject)
        services.record(current_user, action if not data.empty else "search", subject, len(data.registrations),
                        reason)
    return data


@staff_bp.route("/", methods=["GET", "POST"])
def find():
    require("handle_personal_data")
    form = FindForm()
    errors: dict[str, str] = {}
    data = None
    if form.validate_on_submit():
        try:
            subject = services.parse_subject(form.who.data)
            reason = services.clean_reason(form.reason.data)
        except ValidationError as exc:
            errors = exc.errors
        else:
            data = _found(form, subject, reason)
            return render_template("privacy/staff_found.html", data=data, reason=reason,
                                   act=ActOnForm(who=form.who.data, reason=reason),
                                   erase_form=StaffEraseForm(who=form.who.data, reason=reason), periods=periods())
    elif request.method == "POST":
        errors = {"who": _("The form has expired. Please try again.")}
    return render_template("privacy/staff_find.html", form=form, errors=errors), 422 if errors else 200


def _acted_on(form) -> tuple[services.Subject, str]:
    if not form.validate_on_submit():
        raise ValidationError({"who": _("The form has expired. Please try again.")})
    return services.parse_subject(form.who.data), services.clean_reason(form.reason.data)


@staff_bp.post("/export")
def export():
    require("handle_personal_data")
    form = ActOnForm()
    try:
        subject, reason = _acted_on(form)
    except ValidationError as exc:
        return render_template("privacy/staff_find.html", form=FindForm(formdata=None), errors=exc.errors), 422
    data = _found(form, subject, reason, "export")
    return _json_download(data, _("personal-data"))


@staff_bp.post("/erase")
def staff_erase():
    require("handle_personal_data")
    form = StaffEraseForm()
    confirmed = form.validate_on_submit()
    try:
        subject, reason = services.parse_subject(form.who.data), services.clean_reason(form.reason.data)
    except ValidationError as exc:
        return render_template("privacy/staff_find.html", form=FindForm(formdata=None), errors=exc.errors), 422
    if not confirmed:  # the box was not ticked (or the form expired): the same person again, with the message
        data = _found(form, subject, reason)
        return render_template("privacy/staff_found.html", data=data, reason=reason,
                               act=ActOnForm(who=form.who.data, reason=reason), erase_form=form,
                               periods=periods()), 422
    with unit_of_work():
        count = len(services.gather(subject).registrations)
        done = services.erase(subject)
        services.record(current_user, "erase", subject, count, reason)
    flash(_("The person's data is erased: %(registrations)s registrations, %(cancelled)s of them cancelled.",
            registrations=done.registrations, cancelled=done.cancelled), "success")
    return render_template("privacy/staff_find.html", form=FindForm(formdata=None), errors={})


@staff_bp.route("/audit", methods=["GET", "POST"])
def audit():
    require("read_audit")
    form = FindForm()
    subject, errors = None, {}
    if request.method == "POST" and form.validate_on_submit() and form.who.data:
        try:
            subject = services.parse_subject(form.who.data)
        except ValidationError as exc:
            errors = exc.errors
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
    entries, pages = services.audit_page(subject, page)
    return render_template("privacy/audit.html", entries=entries, pages=pages, page=min(page, pages), form=form,
                           errors=errors, filtered=subject is not None), 422 if errors else 200
