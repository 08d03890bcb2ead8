"""Messages: written with the change that causes them, in the person's language, delivered once by SMTP."""
from datetime import datetime, timedelta

import pytest
from ical.calendar_stream import IcsCalendarStream

from app.calendar import services as calendar
from app.errors import ValidationError
from app.extensions import db
from app.messages.delivery import deliver_due
from app.messages.models import OutboxMessage
from app.registrations import services
from app.registrations.models import Registration
from app.timeutil import UTC
from tests import factories as f
from tests.smtp import SmtpServer


def upcoming(capacity=2, fmt="face_to_face"):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    venue = f.venue() if fmt != "online" else None
    return calendar.create_session(f.activity(), start, start + timedelta(hours=2), fmt, venue=venue, capacity=capacity)


def register(session, n, lang="fr"):
    return services.register(session.id, {"name": f"Person <b>{n}</b>", "email": f"p{n}@example.be",
                                          "language": lang, "consent": True})[0]


def outbox(kind=None):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return f.rendered(*db.session.scalars(query))  # as the sender writes them


def test_confirmation_arrives_once_with_an_invitation_read_by_another_parser(smtp):
    session = upcoming()
    reg = register(session, 1, lang="nl")
    assert deliver_due() == {"sent": 1, "failed": 0, "retry": 0}
    assert deliver_due()["sent"] == 0
    (message,) = smtp.recorder.to("p1@example.be")
    assert "Workshop cv" in message["Subject"]  # the Dutch title
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative")
    types = [p.get_content_type() for p in alternative.iter_parts()]
    assert types == ["text/plain", "multipart/related", "text/calendar"]  # the HTML with its QR image
    inline = list(alternative.iter_parts())[2]
    assert inline.get_param("method") == "REQUEST"
    attachment = next(p for p in message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    ics = attachment.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "METHOD:REQUEST" in ics and "ORGANIZER" in ics and "ATTENDEE" in ics and "mailto:p1@example.be" in ics
    parsed = IcsCalendarStream.calendar_from_ics(ics)
    (event,) = parsed.events
    assert event.dtstart == session.start_at and event.uid.startswith(f"session-{session.id}@")
    html = next(list(alternative.iter_parts())[1].iter_parts()).get_content()
    assert "Person &lt;b&gt;1&lt;/b&gt;" in html and reg.token in html


def test_waitlist_and_promotion_and_cancellation_messages(smtp):
    session = upcoming(capacity=1)
    first = register(session, 1)
    register(session, 2)
    assert [m.kind for m in outbox()] == ["confirmation", "waitlisted"]
    services.cancel_registration(first.token)
    assert [m.kind for m in outbox()][-1] == "promotion"
    calendar.cancel_session(db.session.get(type(session), session.id), "trainer ill")
    cancellations = outbox("cancellation")
    assert [m.to_email for m in cancellations] == ["p2@example.be"]
    assert cancellations[0].ics_method == "CANCEL" and "SEQUENCE:1" in cancellations[0].ics
    deliver_due()
    assert len(smtp.recorder.received) == 5  # with the cancelled person's own message


def test_a_rolled_back_change_leaves_no_message():
    session = upcoming()
    with pytest.raises(ValidationError):
        services.register(session.id, {"name": "x", "email": "bad", "language": "fr", "consent": True})
    assert outbox() == []


def test_reschedule_tells_everyone_registered():
    session = upcoming(capacity=1)
    register(session, 1)
    register(session, 2)
    new_start = session.start_at + timedelta(days=1)
    calendar.reschedule_session(session, new_start, new_start + timedelta(hours=2))
    assert sorted(m.to_email for m in outbox("change")) == ["p1@example.be", "p2@example.be"]


def test_server_down_keeps_messages_then_delivers_each_once(app, monkeypatch):
    server = SmtpServer()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)  # nothing listens yet
    session = upcoming()
    register(session, 1)
    register(session, 2)
    assert deliver_due()["retry"] == 2
    queued = outbox()
    assert {m.status for m in queued} == {"queued"} and all(m.attempts == 1 for m in queued)
    assert "ConnectionRefusedError" in queued[0].last_error
    assert deliver_due()["sent"] == 0  # not due yet
    server.start()
    try:
        later = datetime.now(UTC) + timedelta(minutes=5)
        assert deliver_due(now=later)["sent"] == 2
        assert deliver_due(now=later)["sent"] == 0
        assert len(server.recorder.received) == 2
    finally:
        server.stop()


def test_permanent_refusal_is_marked_failed_with_its_reason(smtp):
    smtp.recorder.refuse["p1@example.be"] = "550 5.1.1 No such user"
    smtp.recorder.refuse["p2@example.be"] = "451 4.3.0 Try later"
    session = upcoming()
    register(session, 1)
    register(session, 2)
    assert deliver_due() == {"sent": 0, "failed": 1, "retry": 1}
    failed, retried = outbox()
    assert failed.status == "failed" and "550" in failed.last_error
    assert retried.status == "queued" and retried.next_attempt_at > datetime.now(UTC)


def test_without_smtp_host_messages_stay_in_the_outbox(app):
    assert not app.config.get("SMTP_HOST")
    register(upcoming(), 1)
    assert deliver_due() == {"sent": 0, "failed": 0, "retry": 0}
    assert [m.status for m in outbox()] == ["queued"]


def test_subject_and_body_in_the_persons_language():
    session = upcoming()
    register(session, 1, lang="nl")
    register(session, 2, lang="fr")
    dutch, french = outbox()
    assert dutch.subject.startswith("Inschrijving bevestigd") and "Dag Person" in dutch.body_text
    assert french.subject.startswith("Inscription confirmée") and "Bonjour" in french.body_text


def test_a_larger_capacity_promotes_the_first_waiting_and_tells_them():
    session = upcoming(capacity=1)
    register(session, 1)
    second = register(session, 2)
    register(session, 3)
    calendar.update_session(session, capacity=2)
    db.session.expire_all()
    assert db.session.get(type(second), second.id).status == "confirmed"
    assert [m.to_email for m in outbox("promotion")] == ["p2@example.be"]
    assert db.session.get(type(session), session.id).waiting_count() == 1


def test_switch_online_tells_how_to_join_and_the_reminder_carries_the_join_link():
    from app.messages import jobs

    session = upcoming(capacity=2)
    register(session, 1)
    calendar.update_session(session, format="online")
    (change,) = outbox("change")
    token = db.session.scalar(db.select(Registration.token))
    assert f"/join/{token}" in change.body_text and f"/join/{token}" in change.body_html
    jobs.send_due_reminders(session.start_at - timedelta(hours=23))
    (reminder,) = outbox("reminder")
    assert f"/join/{token}" in reminder.body_text
    assert "/join/" not in outbox("confirmation")[0].body_text  # the link comes when it is useful


def test_the_check_in_qr_travels_as_an_inline_part(smtp):
    session = upcoming()
    reg = register(session, 1)
    deliver_due()
    (message,) = smtp.recorder.to("p1@example.be")
    alternative = next(p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative")
    related = next(p for p in alternative.iter_parts() if p.get_content_type() == "multipart/related")
    html, image = list(related.iter_parts())[:2]
    cid = image["Content-ID"].strip("<>")
    assert image.get_content_type() == "image/png" and f'src="cid:{cid}"' in html.get_content()
    assert "data:image" not in html.get_content()
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert reg.token in next(alternative.iter_parts()).get_content()


def test_cancelling_tells_the_person_and_removes_the_event_from_their_calendar():
    session = upcoming(capacity=1)
    first = register(session, 1)
    waiting = register(session, 2)
    services.cancel_registration(first.token)
    (told,) = outbox("unregistered")
    assert told.to_email == "p1@example.be" and told.ics_method == "CANCEL" and "STATUS:CANCELLED" in told.ics
    services.cancel_registration(db.session.get(Registration, waiting.id).token)
    second = outbox("unregistered")[1]
    assert second.to_email == "p2@example.be"


def test_two_edits_in_a_row_make_one_change_message():
    session = upcoming(capacity=2)
    register(session, 1)
    later_start = session.start_at + timedelta(hours=1)
    calendar.reschedule_session(session, later_start, later_start + timedelta(hours=2))
    calendar.update_session(session, format="online")
    (change,) = outbox("change")
    assert "/join/" in change.body_text and "SEQUENCE:2" in change.ics
