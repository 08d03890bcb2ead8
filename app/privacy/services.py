"""A person's data: found by e-mail address or phone number, shown, exported, erased; the retention purge.

Erasing keeps the anonymous counts: a registration keeps its session, status, channel, audience, language,
postcode area (the first two digits), attendance, online joins and survey score; its name, address, phone
number, token and free text go, as do the addresses and texts of the messages sent about it. Every figure of
the statistics is the same before and after.

Services flush; the caller commits (a request, the purge command, the scheduler's job: one batch a unit).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import LoginAttempt, User
from app.attendance.models import Attendance
from app.calendar.models import Session
from app.errors import ValidationError
from app.extensions import db
from app.feeds.models import PersonFeed
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import queue_message
from app.privacy.models import AuditEntry
from app.registrations.models import Registration, SurveyAnswer
from app.registrations.services import cancel_registration, normalise_phone
from app.schools.models import SchoolRequest
from app.timeutil import utcnow
from app.validation import clean_text, email_key, normalise_email
from app.videorooms.models import JoinEvent

PHONE_MESSAGE = _l("Give a valid phone number, such as 0470 12 34 56 or +32 470 12 34 56.")
LINK_SALT = "privacy-my-data"
LINK_MAX_AGE = 3600  # seconds: the link to one's data works for one hour
REQUESTS_PER_HOUR = 3  # messages to one address per hour; more are silently not sent
# Messages whose text carries a sign-in or data link: their texts go once the link has expired.
SECRET_KINDS = (Kind.PASSWORD_RESET.value, Kind.ACCOUNT_WELCOME.value, Kind.MY_DATA.value, Kind.FEED_LINK.value)
SECRET_DAYS = 2
BATCH = 500  # rows of one purge step: bounded memory, short write transactions, no lock on sessions


# --- who is asked about ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A person as staff or the person names them: a normalised e-mail address, or a phone number in E.164."""

    kind: str  # "email" or "phone"
    value: str

    @property
    def digest(self) -> str:
        return subject_hash(self.kind, self.value)


def subject_hash(kind: str, value: str) -> str:
    """The keyed hash the audit log names a person by (nothing personal is stored there)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def parse_subject(raw: object) -> Subject:
    """An e-mail address or a phone number typed by staff; ValidationError when it is neither."""
    text = clean_text(raw)
    if not text:
        raise ValidationError({"who": str(_l("Give an e-mail address or a phone number."))})
    if "@" in text:
        try:
            return Subject("email", email_key(normalise_email(text)))
        except ValueError:
            raise ValidationError({"who": str(_l("Give a valid e-mail address, such as name@example.be."))}) from None
    try:
        return Subject("phone", normalise_phone(text))
    except ValueError:
        raise ValidationError({"who": str(PHONE_MESSAGE)}) from None


def email_subject(raw: object) -> Subject:
    """The address a person types on the "my data" page; ValidationError when it is not one."""
    text = clean_text(raw)
    try:
        if not text:
            raise ValueError(text)
        return Subject("email", email_key(normalise_email(text)))
    except ValueError:
        raise ValidationError({"email": str(_l("Give a valid e-mail address, such as name@example.be."))}) from None


# --- what is kept about them ------------------------------------------------------------------------------


@dataclass
class PersonData:
    subject: Subject
    registrations: list[Registration] = field(default_factory=list)
    walkins: list[Attendance] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)  # to the address, about a registration or not
    attendance: dict[int, Attendance] = field(default_factory=dict)  # by registration id
    joins: dict[int, list[datetime]] = field(default_factory=dict)
    surveys: dict[int, SurveyAnswer] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.registrations or self.walkins or self.messages)


def _registrations_of(subject: Subject) -> sa.Select:
    column = Registration.email_key if subject.kind == "email" else Registration.phone
    return sa.select(Registration).where(column == subject.value)


def gather(subject: Subject) -> PersonData:
    """Everything kept about `subject` (a handful of queries, whatever the number of registrations)."""
    data = PersonData(subject)
    data.registrations = list(db.session.scalars(
        _registrations_of(subject).join(Session).order_by(Session.start_at.desc(), Registration.id)))
    ids = [r.id for r in data.registrations]
    if ids:
        data.attendance = {a.registration_id: a for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.registration_id.in_(ids)))}
        data.surveys = {s.registration_id: s for s in db.session.scalars(
            sa.select(SurveyAnswer).where(SurveyAnswer.registration_id.in_(ids)))}
        for registration_id, at in db.session.execute(
                sa.select(JoinEvent.registration_id, JoinEvent.at).where(JoinEvent.registration_id.in_(ids))
                .order_by(JoinEvent.at)):
            data.joins.setdefault(registration_id, []).append(at)
    if subject.kind == "email":
        data.walkins = list(db.session.scalars(
            sa.select(Attendance).where(sa.func.lower(Attendance.walkin_email) == subject.value)
            .order_by(Attendance.marked_at.desc())))
    messages = _messages_of(subject, ids)
    data.messages = list(db.session.scalars(sa.select(OutboxMessage).where(messages)
                                            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)))
    return data


def _messages_of(subject: Subject, registration_ids: list[int]):
    about = OutboxMessage.registration_id.in_(registration_ids) if registration_ids else sa.false()
    if subject.kind == "email":
        return sa.or_(about, sa.func.lower(OutboxMessage.to_email) == subject.value)
    return about


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(data: PersonData) -> dict:
    """All of it, machine-readable (the right to portability): JSON-ready, times in UTC (ISO 8601)."""
    def session_of(session: Session) -> dict:
        return {"id": session.id, "activity": session.activity.slug,
                "title": session.activity.localized("title", "fr"), "start": _when(session.start_at),
                "end": _when(session.end_at), "format": session.format, "status": session.status}

    def message_of(message: OutboxMessage) -> dict:
        return {"kind": message.kind, "to": message.to_email or None, "subject": message.subject,
                "status": message.status, "queued_at": _when(message.created_at),
                "sent_at": _when(message.sent_at), "registration_id": message.registration_id}

    registrations = []
    for r in data.registrations:
        seen = data.attendance.get(r.id)
        survey = data.surveys.get(r.id)
        registrations.append({
            "id": r.id, "session": session_of(r.session), "name": r.name, "email": r.email, "phone": r.phone,
            "language": r.language, "postcode": r.postcode, "audience": r.audience.code if r.audience else None,
            "channel": r.channel, "status": r.status, "waiting_list_rank": r.waitlist_rank,
            "consent_at": _when(r.consent_at), "registered_at": _when(r.created_at),
            "confirmed_at": _when(r.confirmed_at), "cancelled_at": _when(r.cancelled_at),
            "reminded_at": _when(r.reminded_at), "erased_at": _when(r.erased_at),
            "attendance": {"status": seen.status, "marked_at": _when(seen.marked_at)} if seen else None,
            "online_joins": [_when(at) for at in data.joins.get(r.id, [])],
            "survey": {"rating": survey.rating, "comment": survey.comment,
                       "answered_at": _when(survey.created_at)} if survey else None,
        })
    return {
        "subject": {data.subject.kind: data.subject.value},
        "exported_at": _when(utcnow()),
        "registrations": registrations,
        "walk_ins": [{"session": session_of(a.session), "name": a.walkin_name, "email": a.walkin_email,
                      "status": a.status, "marked_at": _when(a.marked_at)} for a in data.walkins],
        "messages": [message_of(m) for m in data.messages],
    }


# --- erasure -----------------------------------------------------------------------------------------------


@dataclass
class Erased:
    registrations: int = 0
    cancelled: int = 0
    walkins: int = 0
    messages: int = 0


def erase(subject: Subject, now: datetime | None = None) -> Erased:
    """Erase everything personal about `subject` at once; registrations ahead are cancelled first (their
    seats go to the waiting list as with any cancellation, and no message goes to the erased address)."""
    now = now or utcnow()
    data = gather(subject)
    ids = [r.id for r in data.registrations if r.erased_at is None]
    ahead = [r.token for r in data.registrations
             if r.erased_at is None and r.status != "cancelled" and r.session.end_at > now]
    result = Erased()
    if ids:
        # The address goes first, so that the cancellations below write no message to it.
        db.session.execute(sa.update(Registration).where(Registration.id.in_(ids))
                           .values(email=None, email_key=None, phone=None, name="", erased_at=now)
                           .execution_options(synchronize_session="fetch"))
        db.session.flush()
        for token in ahead:
            cancel_registration(token)
        result.cancelled = len(ahead)
    result.registrations = anonymise_registrations(ids, now)
    if subject.kind == "email":
        result.walkins = _clear_walkins(sa.func.lower(Attendance.walkin_email) == subject.value)
        db.session.execute(sa.delete(PersonFeed).where(PersonFeed.email_key == subject.value))
    result.messages = _purge_messages(_messages_of(subject, ids), now)
    db.session.expire_all()
    return result


def anonymise_registrations(ids: list[int], now: datetime) -> int:
    """Remove the personal data of these registrations and of what hangs on them; the counts stay."""
    if not ids:
        return 0
    db.session.execute(
        sa.update(Registration).where(Registration.id.in_(ids)).values(
            name="", email=None, email_key=None, phone=None, token=None,
            postcode=sa.func.substr(Registration.postcode, 1, 2),
            erased_at=sa.func.coalesce(Registration.erased_at, now),
        ).execution_options(synchronize_session=False))
    db.session.execute(sa.update(SurveyAnswer).where(SurveyAnswer.registration_id.in_(ids), SurveyAnswer.comment != "")
                       .values(comment="").execution_options(synchronize_session=False))
    _purge_messages(OutboxMessage.registration_id.in_(ids), now)
    return len(ids)


def _clear_walkins(condition) -> int:
    result = db.session.execute(
        sa.update(Attendance).where(condition, sa.or_(Attendance.walkin_name != "", Attendance.walkin_email != ""))
        .values(walkin_name="", walkin_email="").execution_options(synchronize_session=False))
    return result.rowcount or 0


def _purge_messages(condition, now: datetime) -> int:
    """Erase the address and texts of these messages; one still to go is given up (it could not be written)."""
    result = db.session.execute(
        sa.update(OutboxMessage).where(condition, OutboxMessage.purged_at.is_(None)).values(
            to_email="", to_name="", subject=None, body_text=None, body_html=None, ics=None, purged_at=now,
            status=sa.case((OutboxMessage.status.in_(("queued", "sending")), "failed"), else_=OutboxMessage.status),
            last_error=sa.case((OutboxMessage.status.in_(("queued", "sending")), "personal data erased"),
                               else_=OutboxMessage.last_error),
            lease_until=None, lease_token=None,
        ).execution_options(synchronize_session=False))
    return result.rowcount or 0


# --- the person's own link -----------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def data_token(subject: Subject) -> str:
    return _serializer().dumps({"e": subject.value})


def subject_from_token(token: str) -> Subject | None:
    """The address a link was sent to, while the link is valid (an hour); None otherwise."""
    try:
        payload = _serializer().loads(token, max_age=LINK_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    value = payload.get("e") if isinstance(payload, dict) else None
    return Subject("email", value) if isinstance(value, str) and value else None


def request_link(raw_email: object, lang: str) -> None:
    """Send the link to the data kept about an address, to that address only; the same work whether or not
    anything is kept (a message saying so goes instead), so the answer tells a stranger nothing."""
    subject = email_subject(raw_email)
    since = utcnow() - timedelta(hours=1)
    sent = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == Kind.MY_DATA.value, sa.func.lower(OutboxMessage.to_email) == subject.value,
        OutboxMessage.created_at >= since))
    known = db.session.scalar(sa.select(sa.or_(
        sa.exists().where(Registration.email_key == subject.value),
        sa.exists().where(sa.func.lower(Attendance.walkin_email) == subject.value))))
    if sent >= REQUESTS_PER_HOUR:
        return  # said already: more would only fill the person's mailbox
    base = current_app.config["BASE_URL"]
    context = {"known": bool(known), "link": f"{base}/{lang}/my-data/{data_token(subject)}",
               "hours": LINK_MAX_AGE // 3600, "privacy": f"{base}/{lang}/privacy",
               "ask": f"{base}/{lang}/my-data/"}
    queue_message(Kind.MY_DATA, to_email=subject.value, to_name="", language=lang,
                  subject=_l("The data we keep about your e-mail address"), template="messages/my_data",
                  context=context)


# --- the audit log ---------------------------------------------------------------------------------------------


def record(actor: User, action: str, subject: Subject, registrations: int, reason: str) -> AuditEntry:
    entry = AuditEntry(actor_id=actor.id, action=action, subject_kind=subject.kind, subject_hash=subject.digest,
                       registrations=registrations, reason=reason[:300])
    db.session.add(entry)
    db.session.flush()
    return entry


def clean_reason(raw: object) -> str:
    reason = clean_text(raw)
    if not reason:
        raise ValidationError({"reason": str(_l("Say why you need this person's data (for example: their phone "
                                                 "call of today asking for it)."))})
    if len(reason) > 300:
        raise ValidationError({"reason": str(_l("Keep the reason under 300 characters."))})
    return reason


def audit_page(subject: Subject | None, page: int, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    query = sa.select(AuditEntry)
    if subject is not None:
        query = query.where(AuditEntry.subject_hash == subject.digest)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = list(db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                      .offset((page - 1) * per_page).limit(per_page)))
    return entries, pages


# --- retention ---------------------------------------------------------------------------------------------------


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=int(current_app.config.get(name, default)))


def _delete_some(model, condition, limit: int) -> int:
    """Delete at most `limit` rows of `model` matching `condition` (one batch); how many went."""
    ids = list(db.session.scalars(sa.select(model.id).where(condition).order_by(model.id).limit(limit)))
    if ids:
        db.session.execute(sa.delete(model).where(model.id.in_(ids)))
    return len(ids)


def purge_step(kind: str, now: datetime, limit: int = BATCH) -> int:
    """One batch of the retention purge of `kind` (at most `limit` rows); 0 when nothing is left to do.

    Each batch touches only the rows it purges (never a session's row), so it holds no lock on the calendar."""
    if kind == "registrations":
        ended = now - _days("RETENTION_DAYS", 365)
        ids = list(db.session.scalars(
            sa.select(Registration.id).join(Session, Session.id == Registration.session_id)
            .where(Session.end_at < ended, Registration.erased_at.is_(None)).order_by(Registration.id).limit(limit)))
        return anonymise_registrations(ids, now)
    if kind == "walkins":
        ended = now - _days("RETENTION_DAYS", 365)
        ids = list(db.session.scalars(
            sa.select(Attendance.id).join(Session, Session.id == Attendance.session_id)
            .where(Session.end_at < ended, Attendance.walkin_key.is_not(None),
                   sa.or_(Attendance.walkin_name != "", Attendance.walkin_email != "")).limit(limit)))
        return _clear_walkins(Attendance.id.in_(ids)) if ids else 0
    if kind in ("messages", "links"):
        if kind == "messages":
            older = now - _days("OUTBOX_RETENTION_DAYS", 90)
            which = OutboxMessage.created_at < older
        else:
            which = sa.and_(OutboxMessage.kind.in_(SECRET_KINDS),
                            OutboxMessage.created_at < now - timedelta(days=SECRET_DAYS))
        ids = list(db.session.scalars(sa.select(OutboxMessage.id).where(
            which, OutboxMessage.purged_at.is_(None), OutboxMessage.status.in_(("sent", "failed")))
            .order_by(OutboxMessage.id).limit(limit)))
        return _purge_messages(OutboxMessage.id.in_(ids), now) if ids else 0
    if kind == "feeds":  # a person's feed once no registration of the address is left
        return _delete_some(PersonFeed, ~sa.exists().where(Registration.email_key == PersonFeed.email_key), limit)
    if kind == "school_requests":  # a teacher's details, a school year after the class (or the request)
        held = now - _days("SCHOOL_RETENTION_DAYS", 365)
        ids = list(db.session.scalars(sa.select(SchoolRequest.id).where(
            sa.func.coalesce(SchoolRequest.slot_end, SchoolRequest.created_at) < held, SchoolRequest.email != "")
            .order_by(SchoolRequest.id).limit(limit)))
        for request_id in ids:  # a new random token: the teacher's link opens nothing any more
            db.session.execute(sa.update(SchoolRequest).where(SchoolRequest.id == request_id).values(
                teacher_name="", email="", phone="", comment="", accessibility="", decline_reason="",
                token=secrets.token_urlsafe(32)).execution_options(synchronize_session=False))
        if ids:
            _purge_messages(OutboxMessage.school_request_id.in_(ids), now)
        return len(ids)
    if kind == "login_attempts":
        return _delete_some(LoginAttempt, LoginAttempt.at < now - _days("LOGIN_ATTEMPT_RETENTION_DAYS", 30), limit)
    if kind == "audit":
        return _delete_some(AuditEntry, AuditEntry.at < now - _days("AUDIT_RETENTION_DAYS", 730), limit)
    raise ValueError(kind)


PURGES = ("registrations", "walkins", "feeds", "school_requests", "messages", "links", "login_attempts", "audit")
