"""The outbox: every message, its state, why it failed, a retry; giving up on one stuck in sending."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import require
from app.accounts.services import ACCOUNT_KINDS
from app.database import unit_of_work
from app.extensions import db
from app.messages.delivery import ABANDONED, abandon, can_abandon, is_stuck, retry_now
from app.messages.models import STATUSES, OutboxMessage
from app.messages.services import NOTHING, render_message, subject_of
from app.staff.blueprint import bp
from app.staff.forms import ActionForm
from app.staff.services import outbox as outbox_page


@bp.get("/messages")
def outbox():
    require("see_outbox")
    status = request.args.get("status") or None
    bad = status is not None and status not in STATUSES
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 6 else 1
    messages, counts, pages = outbox_page(None if bad else status, page)
    subjects = {m.id: subject_of(m) for m in messages}  # a queued message's, rendered now
    return render_template("staff/outbox.html", messages=messages, subjects=subjects, counts=counts, pages=pages,
                           page=min(page, pages),
                           stuck={m.id for m in messages if is_stuck(m)}, abandoned=ABANDONED,
                           status=None if bad else status, bad_status=bad, statuses=STATUSES,
                           held=not current_app.config.get("SMTP_HOST")), 400 if bad else 200


@bp.get("/messages/<int:message_id>")
def outbox_message(message_id: int):
    require("see_outbox")
    message = db.get_or_404(OutboxMessage, message_id)
    shown = render_message(message) or NOTHING  # as it was sent, or as it would be sent now
    return render_template("staff/outbox_message.html", m=message, shown=shown, action=ActionForm(),
                           held=not current_app.config.get("SMTP_HOST"), secret_kinds=ACCOUNT_KINDS,
                           stuck=is_stuck(message),
                           can_retry=message.status in ("queued", "failed") or is_stuck(message),
                           can_abandon=can_abandon(message), abandoned=ABANDONED)


@bp.post("/messages/<int:message_id>/retry")
def outbox_retry(message_id: int):
    require("see_outbox")
    message = db.get_or_404(OutboxMessage, message_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
    else:
        with unit_of_work():
            message = retry_now(message.id)
            queued = message.status == "queued"
        if queued:
            flash(_("The message will be sent at the next round of the mail job."), "success")
        else:
            flash(_("This message is being sent or was sent already."), "info")
    return redirect(url_for("staff.outbox_message", message_id=message.id), 303)


@bp.post("/messages/<int:message_id>/abandon")
def outbox_abandon(message_id: int):
    require("see_outbox")
    message = db.get_or_404(OutboxMessage, message_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
    else:
        with unit_of_work():
            message = abandon(message.id)
            given_up = message.status == "failed" and message.last_error == ABANDONED
        if given_up:
            flash(_("The message will not be sent: it is marked failed."), "success")
        else:
            flash(_("This message is no longer waiting to be sent."), "info")
    return redirect(url_for("staff.outbox_message", message_id=message.id), 303)
