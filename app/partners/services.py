"""What partner organisations do here: see their sessions, propose new ones, choose their provider."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.accounts.access import can
from app.attendance.services import attendance_by_registration
from app.calendar import services as calendar
from app.calendar.models import (
    DELIVERY_LANGUAGES,
    FORMATS,
    Activity,
    Partner,
    Room,
    Session,
    Venue,
    activity_cohost,
)
from app.database import lock_row
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.i18n import DEFAULT_LANG, LANGS
from app.integrations.registry import PROVIDERS
from app.messages.models import Kind
from app.messages.outbox import queue_message
from app.partners.models import SessionProposal
from app.registrations.models import Registration
from app.timeutil import BRUSSELS, UTC, to_local, utcnow
from app.validation import CAPACITY_OUT_OF_RANGE, Problem, clean_text, is_capacity, text_problem

RECENT_DAYS = 30
MAX_NOTE = 1000
MAX_PROPOSAL_DAYS_AHEAD = 2 * 366


# Sessions and registrations ---------------------------------------------------------------------


def organisation_filter(partner_id: int):
    """Sessions whose activity the organisation organises or co-hosts."""
    cohosted = db.select(activity_cohost.c.activity_id).where(activity_cohost.c.partner_id == partner_id)
    return sa.or_(Activity.organiser_id == partner_id, Activity.id.in_(cohosted))


def sessions_for(user, now: datetime | None = None) -> tuple[list[Session], list[Session]]:
    """(upcoming, recent) sessions the user may see: a partner's organisation's, or every one for staff."""
    now = now or utcnow()
    query = (db.select(Session).join(Session.activity)
             .where(Session.end_at >= now - timedelta(days=RECENT_DAYS))
             .order_by(Session.start_at, Session.id)
             .options(selectinload(Session.activity).selectinload(Activity.cohosts),
                      selectinload(Session.activity).selectinload(Activity.organiser),
                      selectinload(Session.venue), selectinload(Session.room)))
    if user.role == "partner":
        query = query.where(organisation_filter(user.partner_id))
    found = [s for s in db.session.scalars(query) if can(user, "see_session", s)]
    return [s for s in found if s.end_at >= now], [s for s in found if s.end_at < now][::-1]


def registrations_of(session: Session) -> list[Registration]:
    order = sa.case({"confirmed": 0, "waitlisted": 1}, value=Registration.status, else_=2)
    return list(db.session.scalars(db.select(Registration).where(Registration.session_id == session.id)
                                   .order_by(order, Registration.waitlist_rank, Registration.id)))


def safe_cell(value) -> str:
    """A spreadsheet never runs a cell as a formula: cells opening like one start with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def registrations_csv(session: Session, labels: dict[str, str], header: list[str]) -> str:
    """The session's registrations as CSV for Excel: UTF-8 with a BOM, semicolons (Belgian Excel)."""
    marks = attendance_by_registration(session)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for r in registrations_of(session):
        mark = marks.get(r.id)
        writer.writerow([safe_cell(v) for v in (
            r.name, r.email or r.phone or "", labels.get(r.status, r.status),
            labels.get(f"language:{r.language}", r.language), labels.get(f"channel:{r.channel}", r.channel),
            to_local(r.created_at).strftime("%Y-%m-%d %H:%M"), labels.get(mark.status, "") if mark else "")])
    return out.getvalue()


# Proposals --------------------------------------------------------------------------------------


def proposable_activities(partner_id: int) -> list[Activity]:
    """The organisation's activities and every public one."""
    query = (db.select(Activity).where(sa.or_(organisation_filter(partner_id), Activity.schools_only.is_(False)))
             .order_by(Activity.title_fr))
    return list(db.session.scalars(query))


def _local(day: date | None, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=BRUSSELS).astimezone(UTC)


def propose_session(user, data: dict) -> SessionProposal:
    """A partner user proposes a session: validated whole, stored pending."""
    errors: dict = {}
    activity = db.session.get(Activity, data["activity_id"]) if isinstance(data.get("activity_id"), int) else None
    if activity is None or activity not in proposable_activities(user.partner_id):
        errors["activity"] = _l("Choose one of the activities in the list.")
    start, end = _local(data.get("day"), data.get("start")), _local(data.get("day"), data.get("end"))
    if start is None or end is None:
        errors["day"] = _l("Give the date, the start and the end.")
    elif end <= start:
        errors["end"] = _l("The end must come after the start.")
    elif start <= utcnow():
        errors["day"] = _l("Propose a date in the future.")
    elif start > utcnow() + timedelta(days=MAX_PROPOSAL_DAYS_AHEAD):
        errors["day"] = _l("Propose a date within the next two years.")
    fmt = data.get("format")
    venue = db.session.get(Venue, data["venue_id"]) if isinstance(data.get("venue_id"), int) else None
    room = db.session.get(Room, data["room_id"]) if isinstance(data.get("room_id"), int) else None
    if fmt not in FORMATS:
        errors["format"] = _l("Choose face-to-face, online or hybrid.")
    elif fmt != "online" and venue is None:
        errors["venue"] = _l("A face-to-face or hybrid session needs a venue.")
    if fmt == "online":
        venue = room = None
    if room is not None and (venue is None or room.venue_id != venue.id):
        errors["room"] = _l("This room is not in the chosen venue.")
    capacity = data.get("capacity")
    if not is_capacity(capacity):
        errors["capacity"] = CAPACITY_OUT_OF_RANGE
    language = data.get("language")
    if language not in DELIVERY_LANGUAGES:
        errors["language"] = _l("Choose French, Dutch, English or bilingual French/Dutch.")
    note = clean_text(data.get("note"), multiline=True)
    problem = _note_problem(note)
    if problem:
        errors["note"] = problem
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    proposal = SessionProposal(partner_id=user.partner_id, proposer_id=user.id, activity=activity, start_at=start,
                               end_at=end, format=fmt, venue=venue, room=room, capacity=capacity,
                               language=language, note=note, status="pending")
    db.session.add(proposal)
    db.session.flush()
    return proposal


def proposals_for(user) -> list[SessionProposal]:
    """A partner's organisation's proposals; for staff, the pending ones then the latest decisions."""
    query = db.select(SessionProposal).options(selectinload(SessionProposal.activity),
                                               selectinload(SessionProposal.partner))
    if user.role == "partner":
        return list(db.session.scalars(query.where(SessionProposal.partner_id == user.partner_id)
                                       .order_by(SessionProposal.created_at.desc(), SessionProposal.id.desc())))
    pending = list(db.session.scalars(query.where(SessionProposal.status == "pending")
                                      .order_by(SessionProposal.start_at, SessionProposal.id)))
    decided = list(db.session.scalars(query.where(SessionProposal.status != "pending")
                                      .order_by(SessionProposal.reviewed_at.desc(), SessionProposal.id.desc())
                                      .limit(50)))
    return pending + decided


def _pending_locked(proposal_id: int) -> SessionProposal:
    """The proposal, held against a second reviewer until the commit; only while pending."""
    proposal = lock_row(SessionProposal, proposal_id)
    if proposal is None:
        raise NotFound({"proposal": str(_l("This proposal does not exist."))})
    if proposal.status != "pending":
        raise Conflict({"proposal": str(_l("This proposal has already been decided."))})
    return proposal


def approve_proposal(proposal_id: int, reviewer, note: str = "") -> SessionProposal:
    """Create the session through the calendar; the proposal, the session and the message are one unit."""
    note = _check_review_note(note, required=False)
    proposal = _pending_locked(proposal_id)
    proposal.created_session = calendar.create_session(
        proposal.activity, proposal.start_at, proposal.end_at, proposal.format, venue=proposal.venue,
        room=proposal.room, capacity=proposal.capacity, language=proposal.language)
    proposal.status, proposal.reviewer_id, proposal.review_note = "approved", reviewer.id, note
    proposal.reviewed_at = proposal.updated_at = utcnow()
    _tell_proposer(proposal)
    db.session.flush()
    return proposal


def refuse_proposal(proposal_id: int, reviewer, note: str) -> SessionProposal:
    note = _check_review_note(note, required=True)
    proposal = _pending_locked(proposal_id)
    proposal.status, proposal.reviewer_id, proposal.review_note = "refused", reviewer.id, note
    proposal.reviewed_at = proposal.updated_at = utcnow()
    _tell_proposer(proposal)
    db.session.flush()
    return proposal


def _note_problem(note: str, missing_message=None):
    """The message for a cleaned note (see `clean_text`), or None when it is good."""
    problem = text_problem(note, MAX_NOTE, multiline=True, required=missing_message is not None)
    return {Problem.MISSING: missing_message,
            Problem.TOO_LONG: _l("The note is too long (1000 characters at most)."),
            Problem.BAD_CHARACTERS: _l("The note contains characters that cannot be used.")}.get(problem)


def _check_review_note(note: str, required: bool) -> str:
    note = clean_text(note, multiline=True)
    problem = _note_problem(note, _l("Give the reason of the refusal: the partner reads it.") if required else None)
    if problem:
        raise ValidationError({"note": str(problem)})
    return note


def _tell_proposer(proposal: SessionProposal) -> None:
    """The decision, by e-mail through the outbox, in the proposer's language (same transaction)."""
    user = proposal.proposer
    lang = user.language if user.language in LANGS else DEFAULT_LANG
    base = current_app.config["BASE_URL"]
    title = proposal.activity.localized("title", lang)
    subject = (_l("Your proposal is approved: %(title)s", title=title) if proposal.status == "approved"
               else _l("Your proposal is refused: %(title)s", title=title))
    context = dict(proposal=proposal, user=user, title=title, start=to_local(proposal.start_at),
                   end=to_local(proposal.end_at), link=f"{base}/{lang}/partner/proposals")
    queue_message(Kind.PROPOSAL, to_email=user.email, to_name=user.name, language=lang, subject=subject,
                  template="partners/proposal_message", context=context)


# Videoconference provider -----------------------------------------------------------------------


def set_room_provider(partner: Partner, provider: str) -> Partner:
    if provider not in PROVIDERS:
        raise ValidationError({"provider": str(_l("Choose Jitsi Meet, Whereby or Google Meet."))})
    if partner.room_provider != provider:
        partner.room_provider = provider
        partner.updated_at = utcnow()
    db.session.flush()
    return partner
