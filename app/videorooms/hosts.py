"""The host links go to the partner users who host online sessions (staff read them in the back-office).

Each user hears of each room's host link once (``HostLinkNotice``), and only for sessions still ahead.
A user hosting several sessions gets them together: one digest a day, at the first run from
``HOST_LINK_DIGEST_HOUR`` (Brussels time, 7 by default). A session that starts before the next digest
could use goes at once (with any other such session of the same run, in one message).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.calendar.models import Session
from app.database import unit_of_work
from app.extensions import db
from app.integrations.jitsi import JitsiProvider
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import queue_message
from app.messages.services import session_details
from app.timeutil import BRUSSELS, utcnow
from app.videorooms.models import HostLinkNotice, VideoRoom

# A session starting within this time after the next digest would leave its hosts too little notice.
URGENT_MARGIN = timedelta(hours=12)


def link_digest(room: VideoRoom) -> str:
    """A fingerprint of the room's host link: a new link is told again, the same one never."""
    return hashlib.sha1((room.host_url or "").encode()).hexdigest()[:16]


def gives_host_rights(room: VideoRoom) -> bool:
    """Jitsi Meet has one address for everyone: whoever comes first moderates, the link gives no rights."""
    return (room.external_provider or room.provider) != JitsiProvider.name


def _hosts(session: Session) -> list[User]:
    partner_ids = [p.id for p in session.activity.partners]
    if not partner_ids:
        return []
    return list(db.session.scalars(db.select(User).where(User.partner_id.in_(partner_ids), User.active.is_(True))
                                   .order_by(User.id)))


def untold(now: datetime) -> dict[int, list[VideoRoom]]:
    """Per partner user (id), the rooms of sessions still ahead whose host link they have not had."""
    rooms = db.session.scalars(
        db.select(VideoRoom).join(VideoRoom.session)
        .where(VideoRoom.state == "ready", VideoRoom.host_url.is_not(None), VideoRoom.wanted.is_(True),
               Session.status == "scheduled", Session.start_at > now)
        .order_by(Session.start_at, VideoRoom.id))
    told = {(n.room_id, n.user_id, n.link_digest) for n in db.session.scalars(
        db.select(HostLinkNotice).join(VideoRoom, VideoRoom.id == HostLinkNotice.room_id)
        .join(Session, Session.id == VideoRoom.session_id).where(Session.start_at > now))}
    found: dict[int, list[VideoRoom]] = {}
    for room in rooms:
        digest = link_digest(room)
        for user in _hosts(room.session):
            if (room.id, user.id, digest) not in told:
                found.setdefault(user.id, []).append(room)
    return found


def _digest_times(now: datetime) -> tuple[datetime, datetime]:
    """(today's digest time, the next digest time after now), Brussels time."""
    hour = int(current_app.config.get("HOST_LINK_DIGEST_HOUR", 7))
    local = now.astimezone(BRUSSELS)
    today = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    following = today if now < today else (local + timedelta(days=1)).replace(hour=hour, minute=0, second=0,
                                                                               microsecond=0)
    return today, following


def send_host_links(now: datetime | None = None) -> int:
    """Queue the host links due now, one message per user and run at most; returns the messages queued.
    Several processes may run it: the notices' unique key lets one of them tell each link."""
    now = now or utcnow()
    today, following = _digest_times(now)
    with unit_of_work():
        waiting = {user_id: [room.id for room in rooms] for user_id, rooms in untold(now).items()}
    queued = 0
    for user_id, room_ids in waiting.items():
        try:
            with unit_of_work():
                queued += _tell(db.session.get(User, user_id), room_ids, now, today, following)
        except IntegrityError:  # another process told these links at the same moment
            continue
    return queued


def _tell(user: User, room_ids: list[int], now: datetime, today: datetime, following: datetime) -> int:
    rooms = [db.session.get(VideoRoom, room_id) for room_id in room_ids]
    digest_key = f"host-digest:{user.id}:{today.date().isoformat()}"
    digest_due = now >= today and db.session.scalar(
        db.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == digest_key)) is None
    if not digest_due:  # today's digest went already (or is still to come): only what cannot wait
        rooms = [room for room in rooms if room.session.start_at < following + URGENT_MARGIN]
        if not rooms:
            return 0
    key = digest_key if digest_due else None
    message = _queue(user, rooms, key)
    if message is None:
        return 0
    for room in rooms:
        db.session.add(HostLinkNotice(room_id=room.id, user_id=user.id, link_digest=link_digest(room),
                                      message_id=message.id, at=now))
    db.session.flush()  # the unique key refuses a link another process told meanwhile
    return 1


def _queue(user: User, rooms: list[VideoRoom], dedupe_key: str | None) -> OutboxMessage | None:
    lang = user.language
    with force_locale(lang):
        items = [dict(details=session_details(room.session, lang), room=room, host_rights=gives_host_rights(room))
                 for room in rooms]
        if len(items) == 1:
            subject = _("Your host link: %(title)s", title=items[0]["details"]["title"])
        else:
            subject = ngettext("Your host link for %(num)d session", "Your host links for %(num)d sessions",
                               len(items))
    return queue_message(Kind.HOST_LINK, to_email=user.email, to_name=user.name, language=lang, subject=subject,
                         template="messages/host_link", context=dict(user=user, items=items),
                         session_id=rooms[0].session_id if len(rooms) == 1 else None, dedupe_key=dedupe_key)

