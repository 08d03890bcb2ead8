"""Taking attendance: marks on the sheet, walk-ins, check-in by QR code, joins of online sessions.

Every write is idempotent: the same mark sent twice (a retry after a lost answer) stores one row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError
from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.attendance.models import ATTENDANCE_STATUSES, Attendance
from app.calendar.models import Audience, Session
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.i18n import current_lang
from app.messages.addresses import LOCAL_PART_NOT_DELIVERABLE, LocalPartNotDeliverable, check_address
from app.registrations.models import Registration
from app.timeutil import to_local, utcnow
from app.validation import clean_text, is_code, name_error, normalise_email
from app.videorooms.models import JoinEvent

WALKIN_KEY = re.compile(r"[A-Za-z0-9_-]{8,40}")


@dataclass
class SheetRow:
    registration: Registration
    attendance: Attendance | None


def attendance_by_registration(session: Session) -> dict[int, Attendance]:
    rows = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session.id,
                                                          Attendance.registration_id.is_not(None)))
    return {a.registration_id: a for a in rows}


def sheet(session: Session) -> tuple[list[SheetRow], list[Attendance]]:
    """The people expected (confirmed, then the waiting list) with their marks, and the walk-ins."""
    marks = attendance_by_registration(session)
    people = db.session.scalars(db.select(Registration).where(
        Registration.session_id == session.id, Registration.status.in_(("confirmed", "waitlisted"))))
    people = sorted(people, key=lambda r: (r.status != "confirmed", r.waitlist_rank or 0, r.name.casefold(), r.id))
    walkins = list(db.session.scalars(db.select(Attendance).where(
        Attendance.session_id == session.id, Attendance.registration_id.is_(None)).order_by(Attendance.id)))
    return [SheetRow(r, marks.get(r.id)) for r in people], walkins


def present_count(session: Session) -> int:
    return db.session.scalar(db.select(db.func.count(Attendance.id)).where(
        Attendance.session_id == session.id, Attendance.status == "present")) or 0


def _check_status(status) -> None:
    if status not in ATTENDANCE_STATUSES:
        raise ValidationError({"status": str(_l("Choose present or absent."))})


def _save(row: Attendance, status: str, user, source: str) -> Attendance:
    row.status, row.source, row.marked_at = status, source, utcnow()
    row.marked_by_id = getattr(user, "id", None)
    return row


def mark(session: Session, registration_id, status: str, user, source: str = "sheet") -> Attendance:
    """Mark a registered person present or absent (again and again: the last mark counts)."""
    _check_status(status)
    registration = db.session.get(Registration, registration_id) if isinstance(registration_id, int) \
        and not isinstance(registration_id, bool) and 0 < registration_id < 2**31 else None
    if registration is None or registration.session_id != session.id:
        raise NotFound({"registration": str(_l("This person is not registered for this session."))})
    if registration.status == "cancelled":
        raise Conflict({"registration": str(_l("This registration is cancelled."))})
    return _upsert(session, dict(registration_id=registration.id), status, user, source)


def _upsert(session: Session, key: dict, status: str, user, source: str, **fields) -> Attendance:
    query = db.select(Attendance).where(Attendance.session_id == session.id,
                                        *[getattr(Attendance, k) == v for k, v in key.items()])
    row = db.session.scalar(query)
    if row is None:
        row = Attendance(session_id=session.id, **key, **fields)
        _save(row, status, user, source)
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row
        except IntegrityError:  # the same mark from another request at the same moment
            row = db.session.scalar(query)
    _save(row, status, user, source)
    db.session.flush()
    return row


def save_walkin(session: Session, key: str, user, name: str | None = None, email: str | None = None,
                audience: str | None = None, status: str = "present") -> Attendance:
    """Add a walk-in (its sheet gives it a key), or mark the one with this key again."""
    _check_status(status)
    if not isinstance(key, str) or not WALKIN_KEY.fullmatch(key):
        raise ValidationError({"key": str(_l("This walk-in cannot be saved: reload the page."))})
    existing = db.session.scalar(db.select(Attendance).where(Attendance.session_id == session.id,
                                                             Attendance.walkin_key == key))
    if existing is not None and not name:
        return _upsert(session, dict(walkin_key=key), status, user, "sheet")
    fields = clean_walkin(name, email, audience)
    return _upsert(session, dict(walkin_key=key), status, user, "sheet", **fields)


def clean_walkin(name, email, audience) -> dict:
    errors: dict = {}
    name = clean_text(name)
    problem = name_error(name, _l("Give the person's name."))
    if problem:
        errors["name"] = problem
    email = clean_text(email)
    if email:
        try:
            email = check_address(normalise_email(email))  # and deliverable by our mail server
        except LocalPartNotDeliverable:
            errors["email"] = LOCAL_PART_NOT_DELIVERABLE
        except EmailNotValidError:
            errors["email"] = _l("Give a valid e-mail address, such as name@example.be, or leave it empty.")
    found = None
    if audience:
        code = str(audience)
        found = db.session.scalar(db.select(Audience).where(Audience.code == code)) if is_code(code) else None
        if found is None:
            errors["audience"] = _l("Unknown audience.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    return dict(walkin_name=name, walkin_email=email, audience_id=found.id if found else None)


def check_in(registration: Registration, user, sheet_session_id: int | None = None) -> Attendance:
    """The QR code of a confirmation, scanned by a host: the person is present."""
    problem = checkin_problem(registration, sheet_session_id)
    if problem:
        raise Conflict({"registration": problem})
    return _upsert(registration.session, dict(registration_id=registration.id), "present", user, "qr")


def checkin_problem(registration: Registration, sheet_session_id: int | None = None) -> str | None:
    """Why this check-in cannot be taken, in words for the host; None when it can."""
    if sheet_session_id is not None and sheet_session_id != registration.session_id:
        other = registration.session
        return str(_l("This QR code is for another session: %(title)s, %(day)s at %(time)s. "
                      "This person is not registered for the session of your sheet.",
                      title=other.activity.localized("title", current_lang()),
                      day=format_date(to_local(other.start_at), "EEEE d MMMM"),
                      time=format_time(to_local(other.start_at), "HH:mm")))
    if registration.status == "cancelled":
        return str(_l("This registration is cancelled: the person cannot be checked in with it."))
    if registration.session.status == "cancelled":
        return str(_l("This session is cancelled."))
    return None


def already_present(registration: Registration) -> Attendance | None:
    """The mark of a registered person already present (a second scan says so instead of marking again)."""
    row = db.session.scalar(db.select(Attendance).where(Attendance.session_id == registration.session_id,
                                                        Attendance.registration_id == registration.id))
    return row if row is not None and row.status == "present" else None


def record_join(registration: Registration) -> Attendance | None:
    """Someone registered went into the room of an online session: the join is recorded, and they are
    present, unless a host said otherwise."""
    if registration.status == "cancelled":
        return None
    db.session.add(JoinEvent(registration_id=registration.id, session_id=registration.session_id, at=utcnow()))
    existing = db.session.scalar(db.select(Attendance).where(Attendance.session_id == registration.session_id,
                                                             Attendance.registration_id == registration.id))
    if existing is not None:
        return existing
    return _upsert(registration.session, dict(registration_id=registration.id), "present", None, "join")
