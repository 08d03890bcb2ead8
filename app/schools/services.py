"""The teacher's request and what staff do with it. Services flush; the caller's unit of work commits.

A request goes new → proposed (staff offered a slot) → confirmed (a session for that class only) → done,
or ends declined (by staff, with a reason) or cancelled (by the teacher through the link, until
SCHOOL_CANCEL_HOURS before, or by staff). Pupils are minors: nothing about any of them is stored.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from email_validator import EmailNotValidError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.calendar import bookings
from app.calendar import services as calendar
from app.calendar.models import Activity, Booking, Room, Session, Venue
from app.calendar.public_holidays import belgian_holidays
from app.database import begin_write, lock_row
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import MAX_ID, db
from app.messages.addresses import LOCAL_PART_NOT_DELIVERABLE, LocalPartNotDeliverable, check_address
from app.messages.models import Kind
from app.registrations.services import normalise_phone
from app.schools.models import (
    CLASS_LEVELS,
    HALF_DAYS,
    MAX_DATES,
    NETWORKS,
    PLACES,
    STATES,
    TEACHING_LANGUAGES,
    PreferredDate,
    School,
    SchoolRequest,
    community_of,
)
from app.schools.outbox import notify
from app.text import fold
from app.timeutil import BRUSSELS, UTC, local_span, local_today, utcnow
from app.validation import Problem, clean_text, name_error, normalise_email, text_problem

MIN_DATES = 2
MAX_SCHOOL_NAME = 200
MAX_ADDRESS = 300
MAX_NOTES = 2000
DEFAULT_PUPILS_MIN = 1
MIN_NOTICE_DAYS = 7  # a class is asked for at least a week ahead
MAX_AHEAD_DAYS = 366


def school_activities() -> list[Activity]:
    """The activities offered to schools only, in a stable order."""
    return list(db.session.scalars(db.select(Activity).where(Activity.schools_only.is_(True)).order_by(Activity.slug)))


def pupils_range(activity: Activity) -> tuple[int, int]:
    return (activity.pupils_min or DEFAULT_PUPILS_MIN), (activity.pupils_max or activity.default_capacity)


# The teacher's request ------------------------------------------------------------------------


def _choice(errors: dict, data: dict, name: str, allowed, message) -> str | None:
    value = str(data.get(name) or "")
    if value not in allowed:
        errors[name] = message
        return None
    return value


def _text(errors: dict, data: dict, name: str, longest: int, *, required_message=None, multiline=False) -> str:
    value = clean_text(data.get(name), multiline=multiline)
    problem = text_problem(value, longest, multiline=multiline, required=required_message is not None)
    if problem is not None:
        errors[name] = {Problem.MISSING: required_message,
                        Problem.TOO_LONG: _l("This text is too long (%(num)d characters at most).", num=longest),
                        Problem.BAD_CHARACTERS: _l("This text contains characters that cannot be used.")}[problem]
    return value


def _read_date(raw: str) -> date | None:
    """A date as a date field sends it (2027-03-18), or as it is typed (18/03/2027, 18.03.2027, 18-03-2027)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
        found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
        return date(int(found[3]), int(found[2]), int(found[1])) if found else None
    except ValueError:
        return None


def _dates(errors: dict, data: dict) -> list[tuple[date, str]]:
    """The preferred dates (date_1 … date_3, each with half_1 … half_3), checked."""
    found: list[tuple[date, str]] = []
    today = local_today()
    for rank in range(1, MAX_DATES + 1):
        raw, half = str(data.get(f"date_{rank}") or "").strip(), str(data.get(f"half_{rank}") or "")
        if not raw and not half:
            continue
        day = _read_date(raw)
        if day is None:
            errors[f"date_{rank}"] = _l("Give the date as day, month and year, for example %(example)s.",
                                        example=(today + timedelta(days=14)).strftime("%d/%m/%Y"))
            continue
        if not today + timedelta(days=MIN_NOTICE_DAYS) <= day <= today + timedelta(days=MAX_AHEAD_DAYS):
            errors[f"date_{rank}"] = _l("Choose a date from one week to one year from today.")
            continue
        if day.isoweekday() > 5:
            errors[f"date_{rank}"] = _l("Choose a school day, from Monday to Friday.")
            continue
        if half not in HALF_DAYS:
            errors[f"half_{rank}"] = _l("Choose the morning or the afternoon.")
            continue
        if (day, half) in found:
            errors[f"date_{rank}"] = _l("This date and half-day are given twice.")
            continue
        found.append((day, half))
    if len(found) < MIN_DATES and not any(k.startswith(("date_", "half_")) for k in errors):
        errors["date_1" if not found else "date_2"] = _l("Give at least two preferred dates.")
    return found


def clean_request(data: dict) -> dict:
    """Every field of a teacher's request checked; ValidationError lists each bad one, in the current language."""
    errors: dict = {}
    school_name = _text(errors, data, "school_name", MAX_SCHOOL_NAME, required_message=_l("Give the school's name."))
    postcode = str(data.get("postcode") or "").strip()
    if not (postcode.isascii() and postcode.isdigit() and len(postcode) == 4 and postcode[0] != "0"):
        errors["postcode"] = _l("A Belgian postcode has four digits, such as 1210.")
    network = _choice(errors, data, "network", NETWORKS, _l("Choose the school's education network."))
    teacher_name = clean_text(data.get("teacher_name"))
    problem = name_error(teacher_name, _l("Give your name."))
    if problem:
        errors["teacher_name"] = problem
    email = ""
    try:
        email = check_address(normalise_email(data.get("email")))
    except LocalPartNotDeliverable:
        errors["email"] = LOCAL_PART_NOT_DELIVERABLE
    except EmailNotValidError:
        errors["email"] = _l("Give a valid e-mail address, such as name@school.be.")
    phone = ""
    try:
        phone = normalise_phone(clean_text(data.get("phone")))
    except ValueError:
        errors["phone"] = _l("Give a phone number where we can reach you, such as 02 123 45 67 or 0470 12 34 56.")
    class_level = _choice(errors, data, "class_level", CLASS_LEVELS, _l("Choose the class's year."))
    teaching_language = _choice(errors, data, "teaching_language", TEACHING_LANGUAGES,
                                _l("Choose French or Dutch."))
    activity = None
    raw_activity = str(data.get("activity") or "")
    if raw_activity.isdigit() and 1 <= int(raw_activity) <= MAX_ID:
        activity = db.session.get(Activity, int(raw_activity))
    if activity is None or not activity.schools_only:
        errors["activity"] = _l("Choose one of the activities for schools.")
        activity = None
    pupils = data.get("pupils")
    if isinstance(pupils, str):
        pupils = int(pupils) if pupils.strip().isdigit() and len(pupils.strip()) < 6 else None
    low, high = pupils_range(activity) if activity else (DEFAULT_PUPILS_MIN, 10_000)
    if not isinstance(pupils, int) or isinstance(pupils, bool) or not low <= pupils <= high:
        errors["pupils"] = _l("Give the number of pupils: from %(low)d to %(high)d.", low=low, high=high)
    place = _choice(errors, data, "place", PLACES, _l("Choose where the class takes place."))
    if place and activity and place not in activity.school_place_list:
        errors["place"] = _l("This activity is not given there: choose another place.")
    school_address = _text(errors, data, "school_address", MAX_ADDRESS,
                           required_message=_l("Give the school's address.") if place == "school" else None)
    dates = _dates(errors, data)
    accessibility = _text(errors, data, "accessibility", MAX_NOTES, multiline=True)
    comment = _text(errors, data, "comment", MAX_NOTES, multiline=True)
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    return dict(school_name=school_name, postcode=postcode, network=network, teacher_name=teacher_name,
                email=email, phone=phone, class_level=class_level, teaching_language=teaching_language,
                activity=activity, pupils=pupils, place=place,
                school_address=school_address if place == "school" else "", dates=dates,
                accessibility=accessibility, comment=comment)


def find_or_add_school(name: str, postcode: str, network: str) -> School:
    key = " ".join(fold(name).split())[:MAX_SCHOOL_NAME]
    found = db.session.scalar(db.select(School).where(School.name_key == key, School.postcode == postcode))
    if found is None:
        found = School(name=name, name_key=key, postcode=postcode, network=network)
        db.session.add(found)
        db.session.flush()
    return found


def submit_request(data: dict, language: str) -> SchoolRequest:
    """A teacher's request, stored as new; the acknowledgement with its link is queued."""
    cleaned = clean_request(data)
    begin_write()  # on SQLite, the school is found or added by one writer at a time
    school = find_or_add_school(cleaned["school_name"], cleaned["postcode"], cleaned["network"])
    request = SchoolRequest(
        token=secrets.token_urlsafe(32), school=school, activity=cleaned["activity"],
        teacher_name=cleaned["teacher_name"], email=cleaned["email"], phone=cleaned["phone"],
        language=language if language in ("fr", "nl", "en") else "fr", class_level=cleaned["class_level"],
        pupils=cleaned["pupils"], teaching_language=cleaned["teaching_language"], place=cleaned["place"],
        school_address=cleaned["school_address"], accessibility=cleaned["accessibility"],
        comment=cleaned["comment"], state="new")
    request.dates = [PreferredDate(rank=i, day=day, half_day=half) for i, (day, half) in enumerate(cleaned["dates"], 1)]
    db.session.add(request)
    db.session.flush()
    notify(Kind.SCHOOL_ACK, request)
    return request


TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def find_by_token(token: str) -> SchoolRequest | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    return db.session.scalar(db.select(SchoolRequest).where(SchoolRequest.token == token))


def cancel_deadline(request: SchoolRequest) -> datetime | None:
    """The last moment the teacher may cancel through the link (None: no slot yet, any time)."""
    if request.slot_start is None:
        return None
    return request.slot_start - timedelta(hours=float(current_app.config.get("SCHOOL_CANCEL_HOURS", 48)))


def teacher_may_cancel(request: SchoolRequest, now: datetime | None = None) -> bool:
    if request.state not in ("new", "proposed", "confirmed"):
        return False
    deadline = cancel_deadline(request)
    return deadline is None or (now or utcnow()) < deadline


def _lock(request_id: int) -> SchoolRequest:
    found = lock_row(SchoolRequest, request_id, busy_field="request")
    if found is None:
        raise NotFound({"request": str(_l("This request does not exist."))})
    return found


def cancel_by_teacher(token: str) -> SchoolRequest:
    """The teacher cancels through the link: the class's session is cancelled, room and counsellor freed."""
    found = find_by_token(token)
    if found is None:
        raise NotFound({"request": str(_l("This request does not exist."))})
    request = _lock(found.id)
    if request.state in ("cancelled", "declined", "done"):
        return request
    if not teacher_may_cancel(request):
        raise Conflict({"request": str(_l(
            "It is too late to cancel online. Please phone the Cité des métiers: +32 2 563 56 56."))})
    return _cancel(request)


def _cancel(request: SchoolRequest) -> SchoolRequest:
    request.state, request.cancelled_at = "cancelled", utcnow()
    if request.session is not None and request.session.status == "scheduled":
        calendar.cancel_session(request.session, str(_l("Cancelled by the school")))
    notify(Kind.SCHOOL_CANCELLED, request)
    return request


def accept_proposal(token: str) -> SchoolRequest:
    """The teacher accepts the slot staff proposed, with one button: the class's session is made."""
    found = find_by_token(token)
    if found is None:
        raise NotFound({"request": str(_l("This request does not exist."))})
    request = _lock(found.id)
    if request.state == "confirmed":
        return request
    if request.state != "proposed":
        raise Conflict({"request": str(_l("There is no proposal to accept for this request."))})
    return _confirm(request, request.slot_start, request.room, request.counsellor)


# Staff -----------------------------------------------------------------------------------------


def requests_by_state(state: str | None = None) -> dict[str, list[SchoolRequest]]:
    """Every request, by state (the states in their order), newest first."""
    query = (db.select(SchoolRequest).options(selectinload(SchoolRequest.school), selectinload(SchoolRequest.activity),
                                             selectinload(SchoolRequest.dates))
             .order_by(SchoolRequest.created_at.desc(), SchoolRequest.id.desc()))
    if state in STATES:
        query = query.where(SchoolRequest.state == state)
    found: dict[str, list[SchoolRequest]] = {s: [] for s in STATES}
    for row in db.session.scalars(query):
        found[row.state].append(row)
    return found


def half_day_start(day: date, half: str) -> datetime:
    raw = current_app.config.get("SCHOOL_MORNING_START" if half == "morning" else "SCHOOL_AFTERNOON_START")
    hours, minutes = (int(x) for x in str(raw or ("09:00" if half == "morning" else "13:30")).split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=BRUSSELS)


def school_holiday(day: date, community: str) -> bool:
    for first, last in current_app.config.get("SCHOOL_HOLIDAYS", {}).get(community, []):
        if date.fromisoformat(str(first)) <= day <= date.fromisoformat(str(last)):
            return True
    return False


@dataclass
class Slot:
    day: date
    half_day: str
    start: datetime  # UTC
    end: datetime
    rooms: list[Room] = field(default_factory=list)
    counsellors: list[User] = field(default_factory=list)
    refused: str = ""  # why the preferred date is not offered

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}-{self.half_day}"


def _span(request: SchoolRequest, day: date, half: str) -> tuple[datetime, datetime]:
    begins = half_day_start(day, half)
    return local_span(day, begins.timetz().replace(tzinfo=None), request.activity.default_duration_minutes)


def _free(kind: str, resource_id: int, start: datetime, end: datetime, exclude_session: int | None) -> bool:
    query = db.select(Booking.id).where(Booking.kind == kind, Booking.resource_id == resource_id,
                                        Booking.start_at < end, Booking.end_at > start)
    if exclude_session is not None:
        query = query.where(Booking.session_id != exclude_session)
    return db.session.scalar(query.limit(1)) is None


def centre_rooms(pupils: int) -> list[Room]:
    """The centre's rooms where the class fits, smallest first."""
    return list(db.session.scalars(db.select(Room).join(Room.venue).where(Room.capacity >= pupils)
                                   .order_by(Room.capacity, Venue.name_fr, Room.name_fr)))


def free_slots(request: SchoolRequest) -> list[Slot]:
    """The teacher's preferred dates, each with the free rooms (at the centre) and the free qualified
    counsellors (with travel time at a school), or why it cannot be offered: a weekend, a Belgian public
    holiday, a school holiday of the school's community, the past, nobody or no room free."""
    community = community_of(request.school.network)
    qualified = bookings.qualified_counsellors(request.activity_id)
    rooms = centre_rooms(request.pupils) if request.place == "centre" else []
    slots = []
    for preferred in request.dates:
        start, end = _span(request, preferred.day, preferred.half_day)
        slot = Slot(preferred.day, preferred.half_day, start, end)
        slots.append(slot)
        if preferred.day in belgian_holidays(preferred.day, preferred.day):
            slot.refused = str(_l("A public holiday"))
            continue
        if school_holiday(preferred.day, community):
            slot.refused = str(_l("School holidays"))
            continue
        if start <= utcnow():
            slot.refused = str(_l("This date is past"))
            continue
        exclude = request.session_id
        host_start, host_end = bookings.host_span(start, end, request.place == "school")
        slot.counsellors = [u for u in qualified if _free("host", u.id, host_start, host_end, exclude)]
        if request.place == "centre":
            slot.rooms = [r for r in rooms if _free("room", r.id, start, end, exclude)]
            if not slot.rooms:
                slot.refused = str(_l("No room free"))
        if not slot.counsellors:
            slot.refused = slot.refused or str(_l("No qualified counsellor free"))
    return slots


def _check_slot(request: SchoolRequest, start: datetime, room: Room | None, counsellor: User | None) -> None:
    errors: dict = {}
    day = start.astimezone(BRUSSELS).date()
    if counsellor is None or counsellor.id not in {u.id for u in bookings.qualified_counsellors(request.activity_id)}:
        errors["counsellor"] = _l("Choose a counsellor who may lead this activity.")
    if request.place == "centre" and (room is None or room.capacity < request.pupils):
        errors["room"] = _l("Choose a room of the centre where the class fits.")
    if day in belgian_holidays(day, day):
        errors["slot"] = _l("This day is a public holiday.")
    elif school_holiday(day, community_of(request.school.network)):
        errors["slot"] = _l("This day falls in the school holidays.")
    elif start <= utcnow():
        errors["slot"] = _l("This time is past.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})


def slot_start(request: SchoolRequest, day: date, half: str) -> datetime:
    if half not in HALF_DAYS:
        raise ValidationError({"slot": str(_l("Choose one of the slots."))})
    return _span(request, day, half)[0]


def propose(request_id: int, start: datetime, room: Room | None, counsellor: User | None) -> SchoolRequest:
    """Offer the teacher a slot; the teacher accepts it with one button (the room and counsellor are
    checked again then)."""
    request = _lock(request_id)
    if request.state not in ("new", "proposed"):
        raise Conflict({"request": str(_l("Only a new or proposed request can get a proposal."))})
    _check_slot(request, start, room, counsellor)
    end = start + timedelta(minutes=request.activity.default_duration_minutes)
    bookings.check_hosts_free([counsellor.id], start, end, request.place == "school")
    if room is not None and request.place == "centre":
        bookings.check_free([("room", room.id, start, end)])
    request.slot_start, request.slot_end = start.astimezone(UTC), end.astimezone(UTC)
    request.room = room if request.place == "centre" else None
    request.counsellor = counsellor
    request.state = "proposed"
    db.session.flush()
    notify(Kind.SCHOOL_PROPOSAL, request)
    return request


def confirm(request_id: int, start: datetime, room: Room | None, counsellor: User | None) -> SchoolRequest:
    """Confirm a slot: a session of the activity for this class only, its counsellor as host, the class
    holding all its seats. A room or counsellor taken meanwhile is a clear conflict (nothing is made)."""
    request = _lock(request_id)
    if request.state not in ("new", "proposed"):
        raise Conflict({"request": str(_l("This request is not waiting for a slot."))})
    return _confirm(request, start, room, counsellor)


def _confirm(request: SchoolRequest, start: datetime, room: Room | None, counsellor: User | None) -> SchoolRequest:
    _check_slot(request, start, room, counsellor)
    activity = request.activity
    end = start + timedelta(minutes=activity.default_duration_minutes)
    fmt = {"centre": "face_to_face", "school": "face_to_face", "online": "online"}[request.place]
    try:
        session = calendar.create_session(
            activity, start, end, fmt, venue=room.venue if room is not None and fmt != "online" else None,
            room=room if fmt != "online" else None, capacity=request.pupils, language=request.teaching_language,
            hosts=[counsellor], offsite_address=request.school_address if request.place == "school" else None,
            visibility="school")
    except ValidationError as exc:
        raise Conflict(exc.errors) from exc
    session.confirmed_count = request.pupils  # the class holds every seat
    request.session = session
    request.slot_start, request.slot_end = session.start_at, session.end_at
    request.room, request.counsellor = session.room, counsellor
    request.state = "confirmed"
    db.session.flush()
    notify(Kind.SCHOOL_CONFIRMED, request)
    return request


def decline(request_id: int, reason: str) -> SchoolRequest:
    request = _lock(request_id)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": str(_l("Give the reason: the teacher reads it."))})
    if request.state not in ("new", "proposed"):
        raise Conflict({"request": str(_l("Only a new or proposed request can be declined."))})
    request.state, request.decline_reason = "declined", reason[:300]
    notify(Kind.SCHOOL_CANCELLED, request)
    return request


def cancel_by_staff(request_id: int) -> SchoolRequest:
    request = _lock(request_id)
    if request.state in ("cancelled", "declined", "done"):
        return request
    return _cancel(request)


def mark_done(now: datetime | None = None) -> int:
    """Confirmed requests whose class is over become done (a job)."""
    now = now or utcnow()
    rows = list(db.session.scalars(db.select(SchoolRequest).join(SchoolRequest.session).where(
        SchoolRequest.state == "confirmed", Session.end_at <= now)))
    for row in rows:
        row.state = "done"
    return len(rows)


def requests_of_school(school_id: int) -> list[SchoolRequest]:
    return list(db.session.scalars(db.select(SchoolRequest).where(SchoolRequest.school_id == school_id)
                                   .order_by(SchoolRequest.created_at.desc(), SchoolRequest.id.desc())))


# Attendance of a class ---------------------------------------------------------------------------

MAX_PRESENT = 1000


def class_attendance(session_id: int):
    from app.schools.models import ClassAttendance

    return db.session.scalar(db.select(ClassAttendance).where(ClassAttendance.session_id == session_id))


def mark_class_attendance(session: Session, pupils, adults, by: User | None):
    """How many pupils and accompanying adults came to a class's session (they count as contacts)."""
    from app.schools.models import ClassAttendance

    errors: dict = {}
    values = {}
    for name, raw in (("pupils_present", pupils), ("adults_present", adults)):
        text = str(raw if raw is not None else "").strip()
        if not (text.isascii() and text.isdigit() and int(text) <= MAX_PRESENT):
            errors[name] = _l("Give a whole number from 0 to %(num)d.", num=MAX_PRESENT)
        else:
            values[name] = int(text)
    if session.visibility != "school":
        errors["session"] = _l("Only a class's session is counted this way.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    lock_row(Session, session.id)
    found = class_attendance(session.id)
    if found is None:
        found = ClassAttendance(session_id=session.id)
        db.session.add(found)
    found.pupils_present, found.adults_present = values["pupils_present"], values["adults_present"]
    found.marked_at, found.marked_by_id = utcnow(), by.id if by is not None else None
    db.session.flush()
    return found


def give_school_contact_account(request_id: int) -> User:
    """The teacher of a request becomes a contact of their school, with an account (the `school` role) that
    lists every request and class of that school; the welcome message carries the link to set a password."""
    from app.accounts.services import create_user

    request = _lock(request_id)
    return create_user(request.email, request.teacher_name, "school", language=request.language, welcome=True,
                       school=request.school)
