"""`/join/<token>`: a registered person's way into the room, open from 30 minutes before the start."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g, redirect, render_template

from app.attendance.services import record_join
from app.extensions import db
from app.registrations.services import find_by_token
from app.timeutil import utcnow
from app.videorooms.models import JoinEvent
from app.videorooms.services import room_of

bp = Blueprint("videorooms", __name__)
OPENS_BEFORE = timedelta(minutes=30)


@bp.get("/join/<token>")
def join(token: str):
    registration = find_by_token(token)
    if registration is None:
        return render_template("videorooms/join.html", state="unknown"), 404
    g.lang = registration.language
    session, now = registration.session, utcnow()
    opens_at = session.start_at - OPENS_BEFORE
    room = room_of(session)
    if registration.status != "confirmed":
        state = "not_confirmed"
    elif session.status == "cancelled":
        state = "cancelled"
    elif session.format == "face_to_face":
        state = "on_site"
    elif now < opens_at:
        state = "not_yet"
    elif now > session.end_at:
        state = "over"
    elif room is None or room.state != "ready" or not room.join_url:
        state = "preparing"
    else:
        db.session.add(JoinEvent(registration_id=registration.id, session_id=session.id, at=now))
        db.session.commit()
        record_join(registration)  # present, unless a host already said otherwise (commits)
        return redirect(room.join_url, 303)
    status = 200 if state in ("not_yet", "preparing") else 410 if state in ("cancelled", "over") else 403
    return render_template("videorooms/join.html", state=state, r=registration, s=session, opens_at=opens_at), status
