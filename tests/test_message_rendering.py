"""A message rendered by the sender, at delivery, says exactly what the one rendered in the request said.

The former writer (every text rendered while the registration's lock was held) is kept here, word for
word, as the reference (with the link of the person's own feed added since): the same kinds, in each
language, are rendered both ways and compared whole.
"""
from datetime import datetime, timedelta
from email.utils import parseaddr

import pytest
from flask import current_app
from flask_babel import force_locale

from app.attendance.qr import checkin_for_message
from app.calendar import services as calendar
from app.calendar.models import ONLINE_FORMATS
from app.extensions import db
from app.messages import content
from app.messages.delivery import deliver_due
from app.messages.invitation import invitation
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import queue_message
from app.messages.services import enqueue, feed_link, links, session_details
from app.registrations import services
from app.timeutil import UTC
from tests import factories as f

TEXTS = ("subject", "body_text", "body_html", "ics", "ics_method")


def rendered_in_the_request(kind, registration, *, position=None, reason="", remove_from_calendar=False,
                            dtstamp: datetime) -> dict:
    """The former `enqueue`, as it was (only the invitation's DTSTAMP is given: it was the clock's)."""
    kind = Kind(kind)
    lang = registration.language
    with force_locale(lang):
        online = registration.session.format in ONLINE_FORMATS and registration.status == "confirmed"
        join = online and kind in (Kind.REMINDER, Kind.CHANGE, Kind.PROMOTION)
        details = session_details(registration.session, lang, join_below=None if kind in (
            Kind.CANCELLATION, Kind.UNREGISTERED, Kind.FULL, Kind.SURVEY) or registration.status != "confirmed"
            else join)
        context = dict(registration=registration, details=details,
                       links={**links(registration), "feed": feed_link(registration)},
                       paragraphs=content.paragraphs(kind, position=position, reason=reason, listed=False),
                       checkin=checkin_for_message(kind, registration) if registration.session.format != "online"
                       else None, confirmed=registration.status == "confirmed",
                       join=join)
        method = {Kind.CONFIRMATION: "REQUEST", Kind.PROMOTION: "REQUEST", Kind.CHANGE: "REQUEST",
                  Kind.CANCELLATION: "CANCEL", Kind.UNREGISTERED: "CANCEL" if remove_from_calendar else None}.get(kind)
        if method == "REQUEST" and registration.status != "confirmed":
            method = None
        ics = invitation(registration, method, base_url=current_app.config["BASE_URL"], dtstamp=dtstamp,
                         organiser_email=parseaddr(current_app.config["MAIL_FROM"])[1]) if method else None
        subject = content.subject(kind, details["title"])
    message = queue_message(
        kind, to_email=registration.email, to_name=registration.name, language=lang, subject=subject,
        template="messages/message", context=context, registration_id=registration.id,
        session_id=registration.session_id, ics=ics, ics_method=method)
    values = {name: getattr(message, name) for name in TEXTS}
    db.session.delete(message)  # the reference only: not to be sent
    db.session.flush()
    return values


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("fmt", ["face_to_face", "online"])
def test_a_message_rendered_at_delivery_equals_the_one_rendered_in_the_request(smtp, lang, fmt):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    venue = f.venue() if fmt != "online" else None
    session = calendar.create_session(f.activity(), start, start + timedelta(hours=2), fmt, venue=venue, capacity=1)
    seated, waiting = (services.register(session.id, {"name": f"Person <b>{n}</b> «{lang}»", "language": lang,
                                                      "email": f"p{n}@example.be", "consent": True})[0] for n in (1, 2))
    assert (seated.status, waiting.status) == ("confirmed", "waitlisted")
    cases = [("confirmation", seated, {}), ("waitlisted", waiting, {"position": 1}),
             ("links", waiting, {"position": 1}), ("links", seated, {}), ("promotion", seated, {}),
             ("reminder", seated, {}), ("change", seated, {}),
             ("change", waiting, {}), ("survey", seated, {}), ("full", waiting, {}),
             ("cancellation", seated, {"reason": "Formatrice malade / Lesgever ziek"}), ("cancellation", waiting, {}),
             ("unregistered", seated, {"remove_from_calendar": True}), ("unregistered", waiting, {})]
    db.session.execute(db.delete(OutboxMessage))
    queued = [enqueue(kind, registration, **values) for kind, registration, values in cases]
    assert all(not message.rendered for message in queued)  # only what each message needs was written
    expected = [rendered_in_the_request(kind, registration, dtstamp=message.created_at, **values)
                for (kind, registration, values), message in zip(cases, queued, strict=True)]
    assert deliver_due()["sent"] == len(cases)
    db.session.expire_all()
    for (kind, _, _), message, before in zip(cases, queued, expected, strict=True):
        sent = db.session.get(OutboxMessage, message.id)
        assert sent.status == "sent" and sent.language == lang
        assert {name: getattr(sent, name) for name in TEXTS} == before, kind
    received = {str(m["Message-ID"]): m for _, _, m in smtp.recorder.received}
    for message, before in zip(queued, expected, strict=True):
        email = received[message.message_id]  # what went is what the row keeps
        assert str(email["Subject"]) == before["subject"]
        wire = email.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert wire.rstrip("\n") == before["body_text"].rstrip("\n")
