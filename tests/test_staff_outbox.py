"""The outbox page: every message with its state, the held notice without a mail server, retry now."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.messages.models import OutboxMessage
from app.registrations.services import register
from tests.factories import HOSTILE, as_role, one_session, outbox


@pytest.fixture
def messages():
    session = one_session(capacity=1)
    register(session.id, dict(name=HOSTILE[:100], email="one@example.be", language="fr", consent=True))
    register(session.id, dict(name="Two", email="two@example.be", language="nl", consent=True))
    confirmation, waitlisted = outbox()
    waitlisted.status, waitlisted.attempts, waitlisted.last_error = "failed", 12, "550 <b>mailbox</b> unknown"
    db.session.commit()
    return confirmation, waitlisted


def test_outbox_lists_messages_with_their_state_and_the_held_notice(app, client, messages, monkeypatch):
    as_role(app, client, "coordinator")
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    body = client.get("/en/staff/messages").get_data(as_text=True)
    assert "Held: messages are kept here until a mail server is configured." in body
    assert "one@example.be" in body and "two@example.be" in body
    assert "550 &lt;b&gt;mailbox&lt;/b&gt; unknown" in body and "<b>mailbox" not in body
    assert "<script>alert" not in body
    failed = client.get("/en/staff/messages?status=failed").get_data(as_text=True)
    assert "two@example.be" in failed and "one@example.be" not in failed
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    assert "Held:" not in client.get("/en/staff/messages").get_data(as_text=True)
    assert client.get("/en/staff/messages?status=<script>").status_code == 400
    assert client.get("/en/staff/messages?page=99999999999").status_code == 200


def test_one_message_shows_its_text_part_as_text(app, client, messages):
    as_role(app, client, "admin")
    confirmation, _ = messages
    response = client.get(f"/fr/staff/messages/{confirmation.id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "&lt;script&gt;alert" in body and "<script>alert" not in body
    assert '<pre class="message-text" lang="fr">' in body
    assert client.get("/fr/staff/messages/99999999999").status_code == 404


def test_retry_now_puts_a_failed_message_back_in_the_queue(app, client, messages, monkeypatch):
    as_role(app, client, "coordinator")
    _, failed = messages
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/en/staff/messages/{failed.id}"
    assert client.post(f"{url}/retry").status_code == 400  # no token
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == "failed"
    page = client.get(url).get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"{url}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == "queued"


def test_counsellors_and_partners_do_not_read_the_outbox(app, client, messages):
    as_role(app, client, "counsellor")
    assert client.get("/fr/staff/messages").status_code == 403
    assert client.get(f"/fr/staff/messages/{messages[0].id}").status_code == 403
    assert client.post(f"/fr/staff/messages/{messages[1].id}/retry").status_code == 403
    assert db.session.scalar(sa.select(OutboxMessage.status).where(OutboxMessage.id == messages[1].id)) == "failed"


def test_a_queued_message_is_rendered_on_demand_and_nothing_is_stored(app, client):
    session = one_session(capacity=1)
    register(session.id, dict(name="Anna", email="anna@example.be", language="nl", consent=True))
    (queued,) = db.session.scalars(sa.select(OutboxMessage))
    assert not queued.rendered  # written with what it needs only: the sender renders it
    as_role(app, client, "admin")
    listing = client.get("/en/staff/messages").get_data(as_text=True)
    page = client.get(f"/en/staff/messages/{queued.id}").get_data(as_text=True)
    db.session.expire_all()  # a page that shows a message does not write it
    assert db.session.get(OutboxMessage, queued.id).body_text is None
    title = session.activity.localized("title", "nl")
    assert f"Inschrijving bevestigd: {title}" in listing and f"Inschrijving bevestigd: {title}" in page
    assert '<pre class="message-text" lang="nl">' in page and "Dag Anna," in page
