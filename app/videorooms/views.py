"""`/join/<token>`: a registered person's way into the room, open from 30 minutes before the start."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.accounts.access import require
from app.attendance.services import record_join
from app.calendar.models import Session
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.i18n import LANGS
from app.registrations.services import find_by_token
from app.timeutil import utcnow
from app.videorooms.services import (
    JOIN_OPENS_BEFORE,
    ask_again_now,
    choose_provider,
    join_status,
    room_of,
    room_state,
    sync_due,
)
from app.web.urls import LANG_PREFIX, speaks_language


class JoinForm(FlaskForm):
    """Only the button of the join page: its CSRF token proves the person pressed it on our page."""


bp = speaks_language(Blueprint("videorooms", __name__))  # /join/<token> carries no language
OPENS_BEFORE = JOIN_OPENS_BEFORE


@bp.post(f"{LANG_PREFIX}/staff/sessions/<int:session_id>/room")
def staff_room(session_id: int):
    """Staff choose the provider of one session's room, or ask the provider again now."""
    require("plan")
    session = db.get_or_404(Session, session_id)
    try:
        with unit_of_work():
            if request.form.get("action") == "provider":
                choose_provider(session, request.form.get("provider", ""))
            else:
                ask_again_now(session)
    except ValidationError:
        flash(_("Choose Jitsi Meet, Whereby or Google Meet."), "error")
        return redirect(url_for("staff.session", session_id=session_id), 303)
    sync_due(session_ids=[session_id], timeout=5)  # once stored, the provider is asked at once
    room = room_of(session)
    if room is not None and room.state == "ready":
        flash(_("The videoconference room is ready."), "success")
    elif room is not None:
        flash(_("The provider did not answer well: %(error)s. It will be asked again automatically.",
                error=room.last_error or _("unknown error")), "error")
    return redirect(url_for("staff.session", session_id=session_id), 303)


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """Opening the link shows the session and one button: only pressing it (a POST) records the join and
    opens the room, so a mail scanner that opens links never marks anyone present."""
    registration = find_by_token(token)
    if registration is None:  # a damaged link: in the language of the message it came in, if it says so
        asked = request.args.get("lang", "")
        if asked in LANGS:
            g.lang = asked
        return render_template("videorooms/join.html", state="unknown"), 404
    g.lang = registration.language
    session, now = registration.session, utcnow()
    opens_at = session.start_at - OPENS_BEFORE
    room = room_of(session)
    state = "not_confirmed" if registration.status != "confirmed" else room_state(session, room, now)
    if state is None:
        if request.method == "POST" and JoinForm().validate_on_submit():
            with unit_of_work():
                record_join(registration)  # present, unless a host already said otherwise
            return redirect(room.join_url, 303)
        state = "ready"
    return render_template("videorooms/join.html", state=state, r=registration, s=session, opens_at=opens_at,
                           form=JoinForm()), join_status(state)


@bp.route("/join/class/<token>", methods=["GET", "POST"])
def join_class(token: str):
    """A teacher's way into the room of an online class, from the link of the class's messages: the same
    page and the same one button as a registered person's."""
    from app.schools.services import find_by_token as find_request

    found = find_request(token)
    if found is None or found.session is None:
        return render_template("videorooms/join.html", state="unknown"), 404
    g.lang = found.language
    session, now = found.session, utcnow()
    opens_at = session.start_at - OPENS_BEFORE
    room = room_of(session)
    if found.state not in ("confirmed", "done"):
        state = "cancelled" if found.state == "cancelled" else "not_confirmed"
    else:
        state = room_state(session, room, now)
    if state is None:
        if request.method == "POST" and JoinForm().validate_on_submit():
            return redirect(room.join_url, 303)
        state = "ready"
    return render_template("videorooms/join.html", state=state, s=session, opens_at=opens_at, form=JoinForm(),
                           action=url_for("videorooms.join_class", token=token)), join_status(state)
