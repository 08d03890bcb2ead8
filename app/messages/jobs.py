"""Timed work: reminders before, surveys after, and closing the waiting lists at the cut-off.

Each job may run in several processes at once: a registration is stamped in the transaction that
queues its message, and the message's unique key refuses a second copy.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from app.calendar.models import Session
from app.database import unit_of_work
from app.extensions import db
from app.messages.services import confirmed_late, enqueue
from app.registrations.models import Registration
from app.timeutil import utcnow


def _hours(name: str, default: float) -> timedelta:
    return timedelta(hours=float(current_app.config.get(name, default)))


def _each(query, kind: str, stamp: str, now: datetime, wanted=lambda registration: True) -> int:
    """Queue `kind` for every registration found (and wanted), stamping it; one unit of work per registration."""
    sent = 0
    with unit_of_work():
        found = list(db.session.scalars(query.limit(500)))
    for registration_id in found:
        with unit_of_work():
            registration = db.session.get(Registration, registration_id)
            if getattr(registration, stamp) is None and wanted(registration) and enqueue(
                    kind, registration, dedupe_key=f"{kind}:{registration.id}"):
                sent += 1
            setattr(registration, stamp, now)
    return sent


def send_due_reminders(now: datetime | None = None) -> int:
    """A reminder to each confirmed person, REMINDER_HOURS (default 24) before the start, once."""
    now = now or utcnow()
    window = _hours("REMINDER_HOURS", 24)
    query = (db.select(Registration.id).join(Session)
             .where(Registration.status == "confirmed", Registration.reminded_at.is_(None),
                    Session.status == "scheduled", Session.start_at > now, Session.start_at <= now + window)
             .order_by(Registration.id))
    # Someone confirmed inside the window had everything in the confirmation (the join link of an online or
    # hybrid session too: the same rule decides both), so no reminder for them.
    return _each(query, "reminder", "reminded_at", now, wanted=lambda r: not confirmed_late(r))


def send_due_surveys(now: datetime | None = None) -> int:
    """The satisfaction survey after the session (SURVEY_DELAY_HOURS, default 1), once, within a week."""
    now = now or utcnow()
    delay = _hours("SURVEY_DELAY_HOURS", 1)
    query = (db.select(Registration.id).join(Session)
             .where(Registration.status == "confirmed", Registration.surveyed_at.is_(None),
                    Session.status == "scheduled", Session.end_at <= now - delay,
                    Session.end_at > now - timedelta(days=7))
             .order_by(Registration.id))
    return _each(query, "survey", "surveyed_at", now)


def close_waiting_lists(now: datetime | None = None) -> int:
    """At the promotion cut-off, those still waiting are told that the session is full."""
    now = now or utcnow()
    cutoff = _hours("WAITLIST_PROMOTION_CUTOFF_HOURS", 2)
    query = (db.select(Registration.id).join(Session)
             .where(Registration.status == "waitlisted", Registration.told_full_at.is_(None),
                    Session.status == "scheduled", Session.start_at <= now + cutoff, Session.end_at > now)
             .order_by(Registration.id))
    return _each(query, "full", "told_full_at", now)
