"""Messages to the teacher: queued with only what they need, written by the sender at delivery from the
request as it is then, in the teacher's language (see app.messages.services.render_message)."""
from __future__ import annotations

from app.messages.models import Kind
from app.messages.outbox import queue_message
from app.schools.models import SchoolRequest

ICS_METHODS = {Kind.SCHOOL_CONFIRMED: "REQUEST", Kind.SCHOOL_CHANGE: "REQUEST", Kind.SCHOOL_CANCELLED: "CANCEL"}


def notify(kind: Kind, request: SchoolRequest, *, reason: str = "", dedupe_key: str | None = None):
    """Queue one message about the request to its teacher (not committed)."""
    method = ICS_METHODS.get(kind)
    if method == "CANCEL" and request.session_id is None:
        method = None  # nothing was in the teacher's calendar
    return queue_message(kind, to_email=request.email, to_name=request.teacher_name, language=request.language,
                         school_request_id=request.id, session_id=request.session_id, ics_method=method,
                         reason=reason, dedupe_key=dedupe_key)
