"""Registering, cancelling and the waiting list. Every write holds the session's lock until the commit."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.calendar.models import Activity, Audience, Session
from app.calendar.services import lock_session
from app.closures.caps import effective_capacity
from app.closures.models import ClosureEffect
from app.database import insert_linked, insert_row, is_postgresql, lock_one, start_writing
from app.errors import Conflict, Gone, NotFound, ValidationError
from app.extensions import db
from app.feeds.links import feed_nonce_columns, new_feed_values, person_feed_nonce
from app.i18n import LANGS
from app.messages.addresses import LOCAL_PART_NOT_DELIVERABLE, LocalPartNotDeliverable, check_address
from app.messages.models import Kind, OutboxMessage
from app.messages.services import enqueue, message_row
from app.registrations.models import CHANNELS, Registration, SurveyAnswer
from app.timeutil import utcnow
from app.validation import MAX_EMAIL, Problem, clean_text, email_key, is_code, name_error, text_problem

MAX_COMMENT = 2000


PHONE_REGION = "BE"  # a number written without its country code is Belgian


def normalise_phone(raw: str) -> str:
    """A phone number in E.164 (+32470123456); raises ValueError when it is not a possible, valid number."""
    if len(raw) > 30:
        raise ValueError(raw)
    try:
        number = phonenumbers.parse(raw, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _contact(data: dict, errors: dict, phone_allowed: bool) -> tuple[str | None, str | None]:
    """(e-mail address, phone number): the address is required unless staff may give a phone number instead."""
    email = clean_text(data.get("email"))
    phone = clean_text(data.get("phone")) if phone_allowed else ""
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["phone"] = _l("Give a valid phone number, such as 0470 12 34 56 or +32 470 12 34 56.")
    if phone_allowed and not email:
        if not phone and "phone" not in errors:
            errors["email"] = _l("Give an e-mail address or a phone number.")
        return None, phone or None
    try:
        if len(email) > MAX_EMAIL:
            raise EmailNotValidError("The address is too long.")
        email = check_address(email)  # checked and normalised once, and deliverable by our mail server
    except LocalPartNotDeliverable:
        errors["email"] = LOCAL_PART_NOT_DELIVERABLE
    except EmailNotValidError:
        errors["email"] = _l("Give a valid e-mail address, such as name@example.be.")
    return email, phone or None


def clean_registration(data: dict, phone_allowed: bool = False) -> dict:
    """Validate the fields of a registration; ValidationError lists every bad field.

    `phone_allowed` (staff at the desk): a phone number may be given, instead of the e-mail address or with it.
    """
    errors: dict = {}
    name = clean_text(data.get("name"))
    problem = name_error(name, _l("Give your name."))
    if problem:
        errors["name"] = problem
    email, phone = _contact(data, errors, phone_allowed)
    language = data.get("language") or "fr"
    if language not in LANGS:
        errors["language"] = _l("Choose French, Dutch or English.")
    if data.get("consent") is not True:
        errors["consent"] = _l("We need your consent to keep your registration.")
    audience = None
    if data.get("audience"):
        code = str(data["audience"])
        audience = db.session.scalar(db.select(Audience).where(Audience.code == code)) if is_code(code) else None
        if audience is None:
            errors["audience"] = _l("Unknown audience.")
    postcode = str(data.get("postcode") or "").strip() or None
    if postcode and not (postcode.isascii() and postcode.isdigit() and len(postcode) == 4):
        errors["postcode"] = _l("A Belgian postcode has four digits.")
    channel = data.get("channel") or "web"
    if channel not in CHANNELS:
        errors["channel"] = _l("Unknown channel.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    return dict(name=name, email=email, email_key=email_key(email) if email else None, phone=phone,
                language=language, audience=audience, postcode=postcode, channel=channel)


def promotion_closes_at(session: Session):
    hours = float(current_app.config.get("WAITLIST_PROMOTION_CUTOFF_HOURS", 2))
    return session.start_at - timedelta(hours=hours)


def _count(session: Session, status: str) -> int:
    return db.session.scalar(db.select(func.count(Registration.id)).where(
        Registration.session_id == session.id, Registration.status == status)) or 0


# What registering reads of the locked session: whether it is open, its seats (a cap counts on its venue
# and room) and the counters it moves. A page holding the same session keeps its other columns.
LOCKED_COLUMNS = (Session.id, Session.status, Session.start_at, Session.end_at, Session.format, Session.capacity,
                  Session.venue_id, Session.room_id, Session.confirmed_count, Session.waitlisted_count,
                  Session.seats_version, Session.changed_at)


@cache
def _lock_query():
    """The session open to the public (not kept for schools) by id, built once; only its own row is read."""
    table = Session.__table__
    return sa.select(*(table.c[attribute.property.columns[0].name] for attribute in LOCKED_COLUMNS)).join(
        Activity.__table__, Activity.__table__.c.id == table.c.activity_id).where(
        table.c.id == sa.bindparam("session_id"), Activity.__table__.c.schools_only.is_(False),
        table.c.visibility == "public")


BUSY = _l("Many people are registering right now. Please try again in a moment.")


def _lock_for_registration(session_id: int) -> Session | None:
    """The session held against other writers until the commit; None when it does not exist or is kept for
    schools."""
    return lock_one(Session, _lock_query(), {"session_id": session_id}, busy_field="session", busy_message=BUSY)


@cache
def _seats_query(by_email: bool, by_phone: bool, with_feed: bool = False):
    """The one aggregate read inside the lock, built once for each kind of contact (its values bound).
    `with_feed` (PostgreSQL): the same statement makes the address's feed row (see feed_nonce_columns)."""
    r = Registration.__table__.c
    active = r.status != "cancelled"
    same_email = func.max(r.id).filter(active, r.email_key == sa.bindparam("email_key")) if by_email else sa.null()
    same_phone = func.max(r.id).filter(active, r.phone == sa.bindparam("phone")) if by_phone else sa.null()
    feed = feed_nonce_columns() if with_feed else (sa.null(), sa.null())
    return sa.select(
        same_email, same_phone,
        func.count(r.id).filter(r.status == "confirmed"),
        func.count(r.id).filter(r.status == "waitlisted"),
        func.coalesce(func.max(r.waitlist_rank), 0),
        *feed,
    ).where(r.session_id == sa.bindparam("session_id"))


def _seats(session: Session, email_key: str | None, phone: str | None,
           with_feed: bool = False) -> tuple[int | None, int | None, int, int, int, str | None]:
    """Inside the lock, in one read: (the active registration of this address, of this phone number,
    confirmed, waiting, the last waiting rank, the nonce of the address's feed when `with_feed`: its row
    is made by the same statement, PostgreSQL only)."""
    params = {"session_id": session.id}
    if with_feed:
        params.update(new_feed_values(email_key))
    if email_key:
        params["email_key"] = email_key
    if phone:
        params["phone"] = phone
    found = db.session.connection().execute(_seats_query(bool(email_key), bool(phone), with_feed), params).one()
    nonce = None
    if with_feed:
        nonce = found[5] or found[6] or person_feed_nonce(email_key)  # both null: made meanwhile by another
    return found[0], found[1], found[2] or 0, found[3] or 0, found[4] or 0, nonce


@cache
def _counters_update():
    table = Session.__table__
    return sa.update(table).where(table.c.id == sa.bindparam("session_id")).values(
        confirmed_count=sa.bindparam("confirmed"), waitlisted_count=sa.bindparam("waiting"),
        seats_version=table.c.seats_version + 1, changed_at=sa.bindparam("now"))


def _move_counters(session: Session, confirmed: int, waiting: int, now) -> None:
    """Inside the lock: the session's counters set from what was read under it (no recount), in one UPDATE
    and on the loaded session alike (nothing left for a flush)."""
    db.session.connection().execute(_counters_update(), _counter_values(session, confirmed, waiting, now))
    _counters_moved(session, confirmed, waiting, now)


def _counter_values(session: Session, confirmed: int, waiting: int, now) -> dict:
    return {"session_id": session.id, "confirmed": confirmed, "waiting": waiting, "now": now}


def _counters_moved(session: Session, confirmed: int, waiting: int, now) -> None:
    """The loaded session as the counters' UPDATE left its row."""
    for name, value in (("confirmed_count", confirmed), ("waitlisted_count", waiting),
                        ("seats_version", session.seats_version + 1), ("changed_at", now)):
        set_committed_value(session, name, value)


def _recount(session: Session) -> None:
    session.confirmed_count = _count(session, "confirmed")
    session.waitlisted_count = _count(session, "waitlisted")
    session.seats_version += 1


def register(session_id: int, data: dict, *, phone_allowed: bool = False) -> tuple[Registration, bool]:
    """Register a person: (registration, created). The same address (or phone number) gets its registration back.

    `phone_allowed`: staff at the desk may give a phone number instead of an e-mail address; such a
    registration gets no message (the desk reads out or prints its confirmation).
    """
    cleaned = clean_registration(data, phone_allowed=phone_allowed)
    now = utcnow()
    audience = cleaned.pop("audience")
    values = dict(cleaned, session_id=session_id, audience_id=audience.id if audience is not None else None,
                  consent_at=now, token=secrets.token_urlsafe(32), created_at=now, updated_at=now, confirmed_at=None,
                  waitlist_rank=None, cancelled_at=None, reminded_at=None, surveyed_at=None, told_full_at=None)
    # The address's feed row (its link is in the answer and in the messages): on PostgreSQL the aggregate
    # read makes it, in the same statement; SQLite's one writer starts here and makes it first.
    start_writing(busy_field="session", busy_message=BUSY)
    email = cleaned["email_key"]
    feed_in_read = bool(email) and is_postgresql()
    feed_nonce = person_feed_nonce(email) if email and not feed_in_read else None
    session = _lock_for_registration(session_id)  # everything above needs no lock
    if session is None:
        raise NotFound({"session": str(_l("This session does not exist."))})
    if session.status == "cancelled" or session.end_at <= now:
        raise Gone({"session": str(_l("This session is cancelled or over."))})
    same_email, same_phone, confirmed, waiting, top, made = _seats(session, email, cleaned["phone"], feed_in_read)
    feed_nonce = made or feed_nonce
    if same_email or same_phone:
        return db.session.get(Registration, same_email or same_phone), False
    position = None
    if confirmed < effective_capacity(session):
        values.update(status="confirmed", confirmed_at=now)
        confirmed += 1
    elif now >= promotion_closes_at(session):
        raise Conflict({"session": str(_l("This session is full."))})
    else:
        values.update(status="waitlisted", waitlist_rank=top + 1)
        waiting += 1
        position = waiting  # the last in the line
    # One INSERT … RETURNING id; the unique index refuses a second active registration, should two ever pass
    # the lock.
    kind = "confirmation" if values["status"] == "confirmed" else "waitlisted"
    message = message_row(kind, SimpleNamespace(**values, id=None), position=position)  # as it will be written
    if message is None:  # no address (registered at the desk with a phone number): no message
        registration = insert_row(Registration, values)
        _move_counters(session, confirmed, waiting, now)
    else:  # the registration, the counters and the message: one statement on PostgreSQL
        registration, _message = insert_linked(
            Registration, values, OutboxMessage, message, "registration_id",
            alongside=_counters_update(), alongside_params=_counter_values(session, confirmed, waiting, now))
        _counters_moved(session, confirmed, waiting, now)
    registration.known_feed_nonce = feed_nonce
    set_committed_value(registration, "session", session)  # the locked session itself: nothing to load
    set_committed_value(registration, "audience", audience)
    if position is not None:
        registration.known_position = (session.seats_version, position)  # the answer needs no count
    return registration, True


def register_or_resend(session_id: int, data: dict) -> Registration | None:
    """A registration from the public (page or API): the new registration, or None when the address was
    registered already. Then its links go again to that address only, never to whoever asked, at most
    once per REGISTRATION_LINKS_RESEND_MINUTES: the answer never tells a stranger who is registered."""
    registration, created = register(session_id, data)
    if created:
        return registration
    resend_links(registration)
    return None


def resend_links(registration: Registration) -> OutboxMessage | None:
    """The links of a registration, by e-mail to its address; None when they went out a moment ago."""
    since = utcnow() - timedelta(minutes=float(current_app.config.get("REGISTRATION_LINKS_RESEND_MINUTES", 30)))
    recent = db.session.scalar(db.select(func.count(OutboxMessage.id)).where(
        OutboxMessage.registration_id == registration.id, OutboxMessage.kind == Kind.LINKS,
        OutboxMessage.created_at > since))
    if recent:
        return None
    return enqueue(Kind.LINKS, registration, position=waitlist_position(registration))


TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def find_by_token(token: str) -> Registration | None:
    """The registration of a well-formed token, or None (nothing malformed reaches the database)."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return db.session.scalar(db.select(Registration).where(Registration.token == token))


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != "waitlisted":
        return None
    known = registration.known_position  # read under the lock that wrote it, while no seat has moved since
    if known is not None and known[0] == registration.session.seats_version:
        return known[1]
    return db.session.scalar(db.select(func.count(Registration.id)).where(
        Registration.session_id == registration.session_id, Registration.status == "waitlisted",
        Registration.waitlist_rank <= registration.waitlist_rank))


def cancel_registration(token: str) -> Registration:
    """Cancel (or leave the waiting list); a freed seat goes to the first person waiting."""
    found = find_by_token(token)
    if found is None:
        raise NotFound({"token": str(_l("Unknown registration."))})
    session = lock_session(found.session_id)
    registration = db.session.get(Registration, found.id, populate_existing=True)
    if registration.status != "cancelled":
        now = utcnow()
        was_confirmed, was_waiting = registration.status == "confirmed", registration.status == "waitlisted"
        registration.status, registration.cancelled_at, registration.updated_at = "cancelled", now, now
        db.session.flush()
        if session.end_at > now:
            enqueue("unregistered", registration, remove_from_calendar=was_confirmed)
        # The counters moved by this cancellation and the promotions it allows (no recount).
        confirmed, waiting = session.confirmed_count - was_confirmed, session.waitlisted_count - was_waiting
        promoted = len(promote_waiting(session, now, confirmed=confirmed))
        _move_counters(session, confirmed + promoted, waiting - promoted, now)
    return registration


def promote_waiting(session: Session, now=None, *, confirmed: int | None = None) -> list[Registration]:
    """Inside the session's lock: fill free seats from the waiting list, in order, until the cut-off.
    `confirmed`: the seats taken now, when the caller has moved them (else the session's counter). The
    caller moves the counters by the promotions returned."""
    now = now or utcnow()
    if session.status == "cancelled" or now >= promotion_closes_at(session):
        return []
    taken = session.confirmed_count if confirmed is None else confirmed
    free = effective_capacity(session) - taken
    if free <= 0:
        return []
    waiting = list(db.session.scalars(db.select(Registration).where(
        Registration.session_id == session.id, Registration.status == "waitlisted",
    ).order_by(Registration.waitlist_rank).limit(free)))
    for registration in waiting:
        registration.status, registration.confirmed_at, registration.updated_at = "confirmed", now, now
    db.session.flush()
    for registration in waiting:
        enqueue("promotion", registration)
    return waiting


def active_registrations(session: Session) -> list[Registration]:
    return list(db.session.scalars(db.select(Registration).where(
        Registration.session_id == session.id, Registration.status != "cancelled").order_by(Registration.id)))


def _change_details(session: Session, changes: set[str], before: dict) -> dict:
    """What a change or cancellation message needs besides the registration: the session's former time,
    format and place (the message shows them next to the new ones), and the closure behind it."""
    details: dict = {}
    wanted = {"time": ("start_at", "end_at"), "format": ("format", "venue_id", "room_id"),
              "place": ("format", "venue_id", "room_id")}
    names = {name for change in changes for name in wanted.get(change, ())}
    if names and before:
        details["before"] = {name: before[name].isoformat() if hasattr(before[name], "isoformat") else before[name]
                             for name in sorted(names) if name in before}
    closure_id = db.session.scalar(db.select(ClosureEffect.closure_id).where(
        ClosureEffect.session_id == session.id, ClosureEffect.undone_at.is_(None)).order_by(ClosureEffect.id.desc()))
    if closure_id is not None and ("cancelled" in changes or ("format" in changes and session.format == "online")):
        details["closure"] = closure_id
    return details


def on_session_changed(session: Session, changes: set[str], before: dict | None = None) -> None:
    """Inside the calendar's transaction: promote on a larger capacity, tell everyone of a change (what
    it was, what it is now, and the closure that caused it)."""
    if "capacity" in changes:
        lock_session(session.id)
        promote_waiting(session, confirmed=_count(session, "confirmed"))
        _recount(session)
    if "cancelled" in changes:
        details = _change_details(session, changes, {})
        for registration in active_registrations(session):
            enqueue("cancellation", registration, reason=session.localized("cancel_reason", registration.language),
                    details=details)
    elif changes & {"time", "format", "place", "restored"}:
        details = _change_details(session, changes, before or {})
        for registration in active_registrations(session):
            enqueue("change", registration, details=details, supersede=True)


def answer_survey(token: str, rating: int, comment: str) -> SurveyAnswer:
    """Store (or correct) the person's answer; only once the session has started."""
    registration = find_by_token(token)
    if registration is None:
        raise NotFound({"token": str(_l("Unknown registration."))})
    errors = {}
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = _l("Choose a mark from 1 to 5.")
    comment = clean_text(comment, multiline=True)
    problem = text_problem(comment, MAX_COMMENT, multiline=True)
    if problem is Problem.TOO_LONG:
        errors["comment"] = _l("The comment is too long (2000 characters at most).")
    elif problem is Problem.BAD_CHARACTERS:
        errors["comment"] = _l("The comment contains characters that cannot be used.")
    if registration.session.start_at > utcnow():
        errors["rating"] = _l("The survey opens when the session has started.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    values = dict(rating=rating, comment=comment, updated_at=utcnow())
    query = db.select(SurveyAnswer).where(SurveyAnswer.registration_id == registration.id)
    answer = db.session.scalar(query)
    if answer is None:
        try:
            with db.session.begin_nested():
                answer = SurveyAnswer(registration_id=registration.id, session_id=registration.session_id, **values)
                db.session.add(answer)
            return answer
        except IntegrityError:  # the same link answered twice at once: correct the first answer
            answer = db.session.scalar(query)
    for name, value in values.items():
        setattr(answer, name, value)
    db.session.flush()
    return answer


# Desk operations (staff) -----------------------------------------------------------------------


def promote_by_hand(registration_id: int) -> Registration:
    """Staff: confirm one person from the waiting list now, if a seat is free; they are told."""
    found = db.session.get(Registration, registration_id) if 0 < registration_id < 2**31 else None
    if found is None:
        raise NotFound({"registration": str(_l("Unknown registration."))})
    session = lock_session(found.session_id)
    registration = db.session.get(Registration, found.id, populate_existing=True)
    now = utcnow()
    problem = None
    if registration.status != "waitlisted":
        problem = Conflict({"registration": str(_l("This person is not on the waiting list any more."))})
    elif session.status == "cancelled" or session.end_at <= now:
        problem = Gone({"session": str(_l("This session is cancelled or over."))})
    elif session.confirmed_count >= effective_capacity(session):  # a health-measure cap counts too
        problem = Conflict({"capacity": str(_l(
            "No seat is free: raise the session's capacity first, then move this person from the waiting list."))})
    if problem is not None:
        raise problem
    registration.status, registration.confirmed_at, registration.updated_at = "confirmed", now, now
    db.session.flush()
    _move_counters(session, session.confirmed_count + 1, session.waitlisted_count - 1, now)
    enqueue("promotion", registration)
    return registration
