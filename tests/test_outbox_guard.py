"""One message can never stop the others: each is written and sent in its own guard; internationalised
addresses; headers on one line; a Message-ID fixed at queueing; a lease with a fencing token."""
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.messages import delivery
from app.messages.addresses import header_text
from app.messages.delivery import NO_SMTPUTF8, claim_next, deliver_due
from app.messages.models import OutboxMessage
from app.messages.outbox import queue_message
from app.registrations import services
from app.timeutil import UTC, utcnow
from tests import factories as f
from tests.smtp import SmtpServer


def serve(app, monkeypatch, **kw) -> SmtpServer:
    server = SmtpServer(**kw).start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_TLS", "none")
    return server


@pytest.fixture
def smtp(app, monkeypatch):
    server = serve(app, monkeypatch)
    yield server
    server.stop()


@pytest.fixture
def smtputf8(app, monkeypatch):
    server = serve(app, monkeypatch, smtputf8=True)
    yield server
    server.stop()


def upcoming(title_fr=None, capacity=20):
    activity = f.activity()
    if title_fr:
        activity.title_fr = title_fr
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    return calendar.create_session(activity, start, start + timedelta(hours=2), "online", capacity=capacity)


def register(session, email, name="Person"):
    return services.register(session.id, {"name": name, "email": email, "language": "fr", "consent": True})[0]


def reset_message(to_email, subject="Hello"):
    return queue_message("password_reset", to_email=to_email, to_name="An", language="fr", subject=subject,
                         template="messages/account_password_reset",
                         context={"link": "http://127.0.0.1/x", "hours": 1})


def rows():
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_header_text_keeps_every_header_on_one_line():
    for breaker in ("\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x00", "\x1b"):
        assert header_text(f"Atelier{breaker}CV") == "Atelier CV"
    assert header_text("  Atelier \u2028\u2029 CV ") == "Atelier CV"
    assert header_text("Café · Été") == "Café · Été"


def test_poison_messages_are_failed_with_their_reason_and_the_good_ones_all_go_once(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_SMTPUTF8", True)  # said to offer it; this server does not
    session = upcoming(title_fr="Atelier\u2028CV")  # a staff title with a line separator
    register(session, "jöhn@exämple.be")
    unwritable = reset_message("not an address")
    legacy = reset_message("legacy@example.be")
    legacy.subject = "Subject\u2028Bcc: someone@example.be"  # written before subjects were cleaned
    good = [register(session, f"p{n}@example.be") for n in range(4)]
    for n, registration in enumerate(good):  # a display name with a line separator, however it came
        db.session.scalar(db.select(OutboxMessage).filter_by(to_email=registration.email)).to_name = f"Person\u2028{n}"
    assert deliver_due() == {"sent": 5, "failed": 2, "retry": 0}
    assert deliver_due() == {"sent": 0, "failed": 0, "retry": 0}  # nothing is claimed twice
    db.session.expire_all()
    by_address = {m.to_email: m for m in rows()}
    john = by_address["jöhn@exämple.be"]
    assert (john.status, john.last_error, john.attempts) == ("failed", NO_SMTPUTF8, 1)
    assert by_address["not an address"].status == "failed"
    assert "cannot be written to" in by_address["not an address"].last_error
    assert all(m.status == "sent" and m.lease_token is None for m in rows() if m.id not in (john.id, unwritable.id))
    for n, registration in enumerate(good):
        (received,) = smtp.recorder.to(registration.email)
        assert "\u2028" not in str(received["Subject"]) and "Atelier CV" in str(received["Subject"])
        assert str(received["To"]) == f"Person {n} <p{n}@example.be>"
    (received,) = smtp.recorder.to("legacy@example.be")
    assert str(received["Subject"]) == "Subject Bcc: someone@example.be" and received["Bcc"] is None
    assert smtp.recorder.duplicates() == 0


def test_an_address_with_letters_outside_ascii_goes_by_smtputf8_with_its_domain_in_idna(app, smtputf8, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_SMTPUTF8", True)
    session = upcoming()
    register(session, "jöhn@exämple.be", name="Jöhn")
    assert deliver_due()["sent"] == 1
    ((mail_from, rcpts, received),) = smtputf8.recorder.received
    assert rcpts == ["jöhn@xn--exmple-cua.be"] and mail_from == "no-reply@citedesmetiers.brussels"
    assert "SMTPUTF8" in smtputf8.recorder.options[0]
    assert received["To"].addresses[0].username == "jöhn"
    assert received["To"].addresses[0].display_name == "Jöhn"


def test_a_domain_outside_ascii_goes_to_any_server_in_idna(smtp):
    session = upcoming()
    register(session, "john@exämple.be")
    assert deliver_due()["sent"] == 1
    ((_, rcpts, received),) = smtp.recorder.received
    assert rcpts == ["john@xn--exmple-cua.be"] and "SMTPUTF8" not in smtp.recorder.options[0]
    assert received["To"].addresses[0].addr_spec == "john@xn--exmple-cua.be"


def test_registration_refuses_what_cannot_be_delivered_in_the_persons_language(app, client, monkeypatch):
    session = upcoming()
    url = f"/api/v1/sessions/{session.id}/registrations"
    body = {"name": "Jöhn", "email": "jöhn@exämple.be", "language": "fr", "consent": True}
    response = client.post(url, json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "avant le @" in response.get_json()["errors"]["email"]  # French unless asked otherwise
    for lang, words in (("fr", "avant le @"), ("nl", "vóór de @")):
        page = client.post(f"/{lang}/sessions/{session.id}", data={
            "name": "Jöhn", "email": "jöhn@exämple.be", "language": lang, "consent": "y"})
        assert page.status_code == 422 and words in page.get_data(as_text=True)
    assert client.post(url, json={**body, "email": "john@exämple.be"}).status_code == 201  # the domain: IDNA
    monkeypatch.setitem(app.config, "SMTP_SMTPUTF8", True)  # a server that offers SMTPUTF8
    assert client.post(url, json=body).status_code == 201


def test_the_message_id_is_fixed_at_queueing_and_a_retry_is_the_same_message(app, smtp):
    session = upcoming()
    registration = register(session, "p1@example.be")
    (message,) = rows()
    message_id = message.message_id
    assert message_id.startswith("<outbox.") and message_id.endswith("@citedesmetiers.brussels>")
    smtp.recorder.refuse["p1@example.be"] = "451 4.3.0 Try later"
    assert deliver_due()["retry"] == 1
    del smtp.recorder.refuse["p1@example.be"]
    assert deliver_due(now=utcnow() + timedelta(minutes=5))["sent"] == 1
    (received,) = smtp.recorder.to(registration.email)
    assert received["Message-ID"] == message_id
    assert db.session.get(OutboxMessage, message.id, populate_existing=True).attempts == 2


def test_a_process_that_lost_its_lease_cannot_mark_the_message(app, smtp):
    session = upcoming()
    register(session, "p1@example.be")
    first = claim_next()
    assert claim_next() is None  # held
    later = utcnow() + delivery.lease_length() + timedelta(seconds=1)
    second = claim_next(now=later)  # the first process is gone (its lease ran out): taken over
    assert second.id == first.id and second.token != first.token
    assert delivery._mark(first, status="sent", sent_at=utcnow(), last_error="") is False
    message = db.session.get(OutboxMessage, first.id, populate_existing=True)
    assert (message.status, message.lease_token) == ("sending", second.token)
    assert delivery._mark(second, status="sent", sent_at=utcnow(), last_error="") is True
    db.session.expire_all()
    assert db.session.get(OutboxMessage, first.id).status == "sent"


# Staff: messages stuck in sending past their lease -------------------------------------------------


def stuck_and_busy():
    session = upcoming()
    register(session, "stuck@example.be")
    register(session, "busy@example.be")
    stuck_claim = claim_next()
    busy_claim = claim_next(stuck_claim.id)
    stuck = db.session.get(OutboxMessage, stuck_claim.id)
    stuck.lease_until = utcnow() - timedelta(minutes=1)  # the scheduler that took it was killed
    db.session.flush()
    return stuck_claim, busy_claim


@pytest.mark.parametrize("lang, words", [("en", "Stuck: the mail job"), ("fr", "Bloqué\u00a0: la tâche d'envoi"),
                                         ("nl", "Vastgelopen: de verzendtaak")])
def test_staff_see_a_stuck_message_and_may_retry_it_so_its_old_holder_cannot_mark_it(app, client, lang, words):
    from tests.factories import as_role

    as_role(app, client, "coordinator")
    stuck_claim, busy_claim = stuck_and_busy()
    listing = client.get(f"/{lang}/staff/messages").get_data(as_text=True)
    assert listing.count("<strong>") >= 1 and ("stuck" in listing or "bloqué" in listing or "vastgelopen" in listing)
    page = client.get(f"/{lang}/staff/messages/{stuck_claim.id}").get_data(as_text=True).replace("&#39;", "'")
    assert words in page and f"/messages/{stuck_claim.id}/retry" in page and "/abandon" in page
    busy = client.get(f"/{lang}/staff/messages/{busy_claim.id}").get_data(as_text=True)
    assert "/retry" not in busy and "/abandon" not in busy  # its scheduler still holds it
    assert client.post(f"/{lang}/staff/messages/{busy_claim.id}/retry").status_code == 303
    assert client.post(f"/{lang}/staff/messages/{stuck_claim.id}/retry").status_code == 303
    db.session.expire_all()
    stuck, busy = db.session.get(OutboxMessage, stuck_claim.id), db.session.get(OutboxMessage, busy_claim.id)
    assert (stuck.status, stuck.lease_token, busy.status) == ("queued", None, "sending")
    assert delivery._mark(stuck_claim, status="sent", sent_at=utcnow(), last_error="") is False  # fenced


def test_staff_may_abandon_a_stuck_message_which_is_then_failed(app, client):
    from tests.factories import as_role

    as_role(app, client, "coordinator")
    stuck_claim, busy_claim = stuck_and_busy()
    assert client.post(f"/nl/staff/messages/{stuck_claim.id}/abandon").status_code == 303
    assert client.post(f"/nl/staff/messages/{busy_claim.id}/abandon").status_code == 303
    db.session.expire_all()
    stuck, busy = db.session.get(OutboxMessage, stuck_claim.id), db.session.get(OutboxMessage, busy_claim.id)
    assert (stuck.status, stuck.last_error, busy.status) == ("failed", delivery.ABANDONED, "sending")
    assert "Opgegeven door het team" in client.get(f"/nl/staff/messages/{stuck.id}").get_data(as_text=True)
    assert claim_next(now=utcnow() + timedelta(hours=1)).id == busy.id  # the abandoned one is never taken again
    as_role(app, client, "counsellor")
    assert client.post(f"/nl/staff/messages/{busy.id}/abandon").status_code == 403


def test_a_walk_in_address_follows_the_same_rule(app, monkeypatch):
    from app.attendance.services import clean_walkin
    from app.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        clean_walkin("Jöhn", "jöhn@exämple.be", None)
    assert "avant le @" in refused.value.errors["email"]
    assert clean_walkin("John", "john@exämple.be", None)["walkin_email"] == "john@exämple.be"
    monkeypatch.setitem(app.config, "SMTP_SMTPUTF8", True)
    assert clean_walkin("Jöhn", "jöhn@exämple.be", None)["walkin_email"] == "jöhn@exämple.be"
