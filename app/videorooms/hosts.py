"""The host link goes to the partner users who host a session (staff read it in the back-office)."""
from __future__ import annotations

import hashlib

from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.extensions import db
from app.messages.models import Kind
from app.messages.outbox import queue_message
from app.messages.services import session_details
from app.videorooms.models import VideoRoom


def tell_hosts(room: VideoRoom) -> int:
    """Queue the host link for each active user of the session's partners, once per link (not committed)."""
    session = room.session
    partner_ids = [p.id for p in session.activity.partners]
    if not partner_ids or not room.host_url:
        return 0
    users = db.session.scalars(db.select(User).where(User.partner_id.in_(partner_ids), User.active.is_(True)))
    digest = hashlib.sha1(room.host_url.encode()).hexdigest()[:16]
    queued = 0
    for user in users:
        with force_locale(user.language):
            details = session_details(session, user.language)
            subject = _("Your host link: %(title)s", title=details["title"])
        if queue_message(Kind.HOST_LINK, to_email=user.email, to_name=user.name, language=user.language,
                         subject=subject, template="messages/host_link",
                         context=dict(user=user, details=details, room=room),
                         session_id=session.id, dedupe_key=f"host:{room.id}:{user.id}:{digest}") is not None:
            queued += 1
    return queued
