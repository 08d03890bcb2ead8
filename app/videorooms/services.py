"""A session's room follows the session: asked for when it goes online or hybrid, moved with its time,
deleted when it is cancelled or goes back on site. Changes are noted in the session's transaction;
the provider is called afterwards, outside any transaction, and retried with growing delays.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_

from app.calendar.models import ONLINE_FORMATS, Session
from app.database import lock_rows, unit_of_work
from app.extensions import db
from app.integrations.registry import FALLBACK, PROVIDERS, is_configured, provider_for
from app.integrations.rooms import MeetingRoom, PermanentRoomError, RoomError, TemporaryRoomError, ensure_room
from app.timeutil import utcnow
from app.videorooms.models import VideoRoom

LEASE = timedelta(minutes=2)
JOIN_OPENS_BEFORE = timedelta(minutes=30)  # a registered person's join link opens then
MAX_DELAY = timedelta(hours=1)


def room_state(session: Session, room: VideoRoom | None, now: datetime) -> str | None:
    """Where the join page stands with a session's room (the same for a registered person and a teacher):
    a state to show, or None when its room is open to whoever presses the button."""
    if session.status == "cancelled":
        return "cancelled"
    if session.format == "face_to_face":
        return "on_site"
    if now < session.start_at - JOIN_OPENS_BEFORE:
        return "not_yet"
    if now > session.end_at:
        return "over"
    if room is None or room.state != "ready" or not room.join_url:
        return "preparing"
    return None


def join_status(state: str) -> int:
    """The HTTP status of the join page in `state`: 200 while the room is or will be open, 410 once it never
    will be, 403 when the link does not (or no longer) give a seat."""
    return 200 if state in ("ready", "not_yet", "preparing") else 410 if state in ("cancelled", "over") else 403


def wants_room(session: Session) -> bool:
    return session.status == "scheduled" and session.format in ONLINE_FORMATS


def provider_in_use(name: str | None) -> str:
    """The provider that a choice (a partner's, the default) really gets: Jitsi when it lacks credentials."""
    config = current_app.config
    name = name or config["ROOM_PROVIDER_DEFAULT"]
    return name if name in PROVIDERS and is_configured(name, config) else FALLBACK


def preferred_provider(session: Session) -> str:
    """The main organiser's preference, else the configured default; Jitsi when the choice lacks credentials."""
    organiser = session.activity.organiser
    return provider_in_use(organiser.room_provider if organiser and organiser.room_provider else None)


def session_provider(session: Session) -> tuple[str, str | None]:
    """(the provider an online or hybrid session's room is, or will be, on; the organiser's choice that
    it cannot have for want of credentials, or None)."""
    room = room_of(session)
    used = (room.external_provider or room.provider) if room is not None and room.wanted else \
        preferred_provider(session)
    organiser = session.activity.organiser
    chosen = organiser.room_provider if organiser is not None else None
    unavailable = chosen if chosen and chosen != used and provider_in_use(chosen) != chosen else None
    return used, unavailable


def room_of(session: Session) -> VideoRoom | None:
    return db.session.scalar(db.select(VideoRoom).where(VideoRoom.session_id == session.id))


def note_change(session: Session, changes: set[str] | None = None, **_signal) -> VideoRoom | None:
    """Inside the session's transaction: say what the room should become (no call to the provider)."""
    room = room_of(session)
    wanted = wants_room(session)
    if room is None:
        if not wanted:
            return None
        room = VideoRoom(session_id=session.id, provider=preferred_provider(session), state="pending", version=0,
                         chosen_by_staff=False, wanted=True, attempts=0)
        db.session.add(room)
    elif room.wanted == wanted and room.state in ("ready", "failed") and not (changes or set()) & {"time", "restored"}:
        return room
    if not room.chosen_by_staff and room.external_id is None:
        room.provider = preferred_provider(session)
    room.wanted = wanted
    room.state = "pending" if (wanted or room.external_id) else "absent"
    room.version += 1
    room.attempts, room.next_attempt_at, room.last_error = 0, utcnow(), ""
    db.session.flush()
    return room


def choose_provider(session: Session, provider: str) -> VideoRoom:
    """Staff pick the provider of one session's room (the old room is deleted at the next sync)."""
    from app.errors import ValidationError

    if provider not in PROVIDERS:
        raise ValidationError({"provider": "unknown provider"})
    room = note_change(session) or VideoRoom(session_id=session.id, provider=provider, wanted=False, state="absent",
                                             version=0, attempts=0)
    db.session.add(room)
    room.provider, room.chosen_by_staff = provider, True
    if room.wanted:
        room.state, room.version, room.next_attempt_at = "pending", room.version + 1, utcnow()
    db.session.flush()
    return room


def _due(now: datetime):
    return or_(
        (VideoRoom.state == "pending") & (VideoRoom.next_attempt_at <= now) &
        or_(VideoRoom.lease_until.is_(None), VideoRoom.lease_until < now),
        (VideoRoom.state == "pending") & (VideoRoom.lease_until < now),
    )


def _claim(now: datetime, session_ids: list[int] | None, limit: int) -> list[tuple[int, int]]:
    """(room id, version) of due rooms, leased to this process (SKIP LOCKED on PostgreSQL); committed."""
    query = db.select(VideoRoom).where(_due(now)).order_by(VideoRoom.next_attempt_at, VideoRoom.id).limit(limit)
    if session_ids is not None:
        query = query.where(VideoRoom.session_id.in_(session_ids))
    with unit_of_work():
        rooms = lock_rows(query, skip_locked=True)
        for room in rooms:
            room.lease_until = now + LEASE
        return [(room.id, room.version) for room in rooms]


def sync_due(now: datetime | None = None, session_ids: list[int] | None = None, limit: int = 20,
             timeout: float | None = None, most: int = 1000) -> dict[str, int]:
    """Bring every due room in line with its session, `limit` at a time (at most `most` in one run).
    Safe with several processes at once: each room is leased to the process working on it."""
    now = now or utcnow()
    counts = {"ready": 0, "absent": 0, "retry": 0, "failed": 0}
    done = 0
    while done < most:
        claimed = _claim(now, session_ids, min(limit, most - done))
        if not claimed:
            break
        for room_id, version in claimed:
            counts[_sync_one(room_id, version, timeout, now)] += 1
        done += len(claimed)
    return counts


def _sync_one(room_id: int, version: int, timeout: float | None, now: datetime) -> str:
    """One room brought in line: read it, call the provider with no transaction open, store the outcome."""
    with unit_of_work():  # a short read: no transaction stays open during the calls
        room = db.session.get(VideoRoom, room_id)
        session = room.session
        title = session.activity.localized("title", "fr")
        key, provider, start, end, wanted = room.key, room.provider, session.start_at, session.end_at, room.wanted
        found = dict(external_provider=room.external_provider, external_id=room.external_id,
                     join_url=room.join_url, host_url=room.host_url, extra=room.extra,
                     made_for_start=room.made_for_start, made_for_end=room.made_for_end)
    config = dict(current_app.config)
    if timeout is not None:
        config["ROOMS_HTTP_TIMEOUT"] = timeout
    outcome, error, retry_after = "ready" if wanted else "absent", "", None
    try:
        found = _apply(key, provider, wanted, found, start, end, title, config)
    except TemporaryRoomError as exc:
        outcome, error, retry_after = "retry", exc.reason, getattr(exc, "retry_after", None)
    except (PermanentRoomError, RoomError) as exc:
        outcome, error = "failed", exc.reason
    with unit_of_work():
        room = db.session.get(VideoRoom, room_id, populate_existing=True)
        for name, value in found.items():
            setattr(room, name, value)
        room.lease_until, room.last_error = None, error[:500]
        if outcome == "retry":
            room.attempts += 1
            delay = min(timedelta(seconds=30 * 2 ** (room.attempts - 1)), MAX_DELAY)
            if retry_after:
                delay = max(delay, timedelta(seconds=float(retry_after)))
            room.state, room.next_attempt_at = "pending", max(now, utcnow()) + delay
        elif room.version != version:  # the session changed meanwhile: another pass at once
            room.state, room.next_attempt_at = "pending", utcnow()
        else:
            room.state = "failed" if outcome == "failed" else outcome
    return outcome


def _existing(found: dict) -> MeetingRoom:
    return MeetingRoom(found["external_provider"], found["external_id"], found["join_url"] or "",
                       found["host_url"] or "", dict(found["extra"] or {}))


def _apply(key, provider_name, wanted, found, start, end, title, config) -> dict:
    """The calls to the providers; returns what then exists. Raises RoomError subclasses."""
    if found["external_id"] is not None and (not wanted or found["external_provider"] != provider_name):
        provider_for(found["external_provider"], config).delete(_existing(found))
        found = dict.fromkeys(found)
    if not wanted:
        return found
    provider = provider_for(provider_name, config)
    if found["external_id"] is None:
        meeting = ensure_room(provider, key, start, end, title)
    elif (found["made_for_start"], found["made_for_end"]) != (start, end):
        meeting = provider.update(_existing(found), start, end, title)
    else:
        return found
    return dict(external_provider=provider_name, external_id=meeting.external_id, join_url=meeting.join_url,
                host_url=meeting.host_url, extra=meeting.extra or {}, made_for_start=start, made_for_end=end)


def ask_again_now(session: Session) -> None:
    """Staff: make the session's room due at once (a rate limit's delay is the provider's to enforce)."""
    room = room_of(session)
    if room is not None and room.state in ("pending", "failed"):
        room.state, room.next_attempt_at, room.lease_until = "pending", utcnow(), None
        db.session.flush()


def pending_rooms() -> list[VideoRoom]:
    """Rooms not yet as they should be, for staff (with their last error)."""
    from sqlalchemy.orm import contains_eager

    query = (db.select(VideoRoom).join(VideoRoom.session)
             .where(VideoRoom.state.in_(("pending", "failed")), Session.end_at > utcnow())
             .options(contains_eager(VideoRoom.session).joinedload(Session.activity))
             .order_by(Session.start_at))
    return list(db.session.scalars(query))
