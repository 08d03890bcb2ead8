"""Timed work of the schools: the teacher's reminder before the class, requests whose class is over."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from app.calendar.models import Session
from app.database import unit_of_work
from app.extensions import db
from app.messages.models import Kind
from app.schools import services
from app.schools.models import SchoolRequest
from app.schools.outbox import notify
from app.timeutil import utcnow


def send_school_reminders(now: datetime | None = None) -> int:
    """A reminder to the teacher of each confirmed class, REMINDER_HOURS (default 24) before it, once per
    time the class is held (a moved class is reminded again); also marks the classes that are over as done."""
    now = now or utcnow()
    window = timedelta(hours=float(current_app.config.get("REMINDER_HOURS", 24)))
    sent = 0
    with unit_of_work():
        services.mark_done(now)
        found = list(db.session.scalars(
            db.select(SchoolRequest.id).join(SchoolRequest.session)
            .where(SchoolRequest.state == "confirmed", Session.status == "scheduled", Session.start_at > now,
                   Session.start_at <= now + window).order_by(SchoolRequest.id).limit(500)))
    for request_id in found:
        with unit_of_work():
            request = db.session.get(SchoolRequest, request_id)
            key = f"school_reminder:{request.id}:{int(request.session.start_at.timestamp())}"
            if notify(Kind.SCHOOL_REMINDER, request, dedupe_key=key) is not None:
                sent += 1
    return sent


def on_session_changed(session: Session, changes: set[str], **_signal) -> None:
    """A class's session moved or changed place or format by staff: the teacher is told."""
    if session.visibility != "school" or not changes & {"time", "place", "format"}:
        return
    request = db.session.scalar(db.select(SchoolRequest).where(SchoolRequest.session_id == session.id))
    if request is None or request.state != "confirmed":
        return
    request.slot_start, request.slot_end, request.room = session.start_at, session.end_at, session.room
    notify(Kind.SCHOOL_CHANGE, request)
