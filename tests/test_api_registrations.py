"""Registering and cancelling through the JSON API: the contract's answers and every error."""
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.messages.models import OutboxMessage
from app.registrations.models import Registration
from app.timeutil import UTC
from tests import factories as f

PERSON = {"name": "Ana Peeters", "email": "ana@example.be", "language": "nl", "consent": True}


@pytest.fixture
def session():
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=4)
    return calendar.create_session(f.activity(), start, start + timedelta(hours=2), "online", capacity=1)


def post(client, session_id, body, **kw):
    return client.post(f"/api/v1/sessions/{session_id}/registrations", json=body, **kw)


def test_confirmed_then_waitlisted_with_links(client, session):
    first = post(client, session.id, PERSON)
    assert first.status_code == 201
    body = first.get_json()
    assert body["status"] == "confirmed" and body["position"] is None
    assert set(body["links"]) == {"view", "cancel", "ics", "feed"} and body["token"] in body["links"]["cancel"]
    second = post(client, session.id, {**PERSON, "email": "bob@example.be"})
    assert second.status_code == 201 and second.get_json()["status"] == "waitlisted"
    assert second.get_json()["position"] == 1
    detail = client.get(f"/api/v1/sessions/{session.id}").get_json()
    assert detail["seats_left"] == 0 and detail["waiting_list"] == 1


def test_a_repeat_never_gives_the_registration_away_and_sends_the_links_to_the_address(client, session, app,
                                                                                      monkeypatch):
    first = post(client, session.id, PERSON)
    token = first.get_json()["token"]
    again = post(client, session.id, {**PERSON, "name": "Stranger", "email": "ANA@example.be"})
    assert again.status_code == first.status_code == 201
    body = again.get_json()
    assert set(body) == set(first.get_json())  # the same shape whether or not the address was registered
    assert body["token"] is None and body["links"] is None and body["status"] == "received"
    assert token not in again.get_data(as_text=True)
    assert body["message"] == first.get_json()["message"]
    (links,) = f.rendered(*db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "links")))
    assert links.to_email == "ana@example.be" and links.to_name == "Ana Peeters" and token in links.body_text
    assert links.language == "nl"  # the owner's language, not the stranger's
    post(client, session.id, PERSON)  # a third time within the period: no new message
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "links")) == 1
    monkeypatch.setitem(app.config, "REGISTRATION_LINKS_RESEND_MINUTES", 0)
    post(client, session.id, PERSON)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "links")) == 2
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1


def test_the_page_form_never_opens_somebody_elses_registration(client, session):
    mine = post(client, session.id, PERSON).get_json()
    response = client.post(f"/fr/sessions/{session.id}", data={
        "name": "Stranger", "email": "Ana@Example.be", "language": "fr", "consent": "y"})
    assert response.status_code == 303 and mine["token"] not in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Vérifiez votre boîte" in page.get_data(as_text=True)
    assert mine["token"] not in page.get_data(as_text=True)


def test_invalid_input_names_every_field_and_stores_nothing(client, session):
    response = post(client, session.id, {"name": "", "email": "nope", "language": "de", "consent": "yes",
                                         "postcode": "1"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name", "email", "language", "consent", "postcode"}
    for bad in (None, [], "text"):
        assert post(client, session.id, bad).status_code == 422
    assert client.post(f"/api/v1/sessions/{session.id}/registrations", data="{oops",
                       content_type="application/json").status_code == 422
    assert post(client, session.id, {**PERSON, "name": 5}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_unknown_cancelled_and_full_sessions(client, session):
    assert post(client, 999999, PERSON).status_code == 404
    assert post(client, "abc", PERSON).status_code == 404
    calendar.cancel_session(session)
    gone = post(client, session.id, PERSON)
    assert gone.status_code == 410 and "session" in gone.get_json()["errors"]


def test_full_session_inside_the_cutoff_is_a_conflict(client):
    start = datetime.now(UTC) + timedelta(hours=1)
    soon = calendar.create_session(f.activity("soon"), start, start + timedelta(hours=2), "online", capacity=1)
    assert post(client, soon.id, PERSON).status_code == 201
    assert post(client, soon.id, {**PERSON, "email": "b@example.be"}).status_code == 409


def test_delete_cancels_and_promotes(client, session):
    first = post(client, session.id, PERSON).get_json()
    second = post(client, session.id, {**PERSON, "email": "bob@example.be"}).get_json()
    response = client.delete(f"/api/v1/registrations/{first['token']}")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert client.get(f"/api/v1/registrations/{second['token']}").get_json()["status"] == "confirmed"
    assert client.delete("/api/v1/registrations/unknown").status_code == 404
    assert client.get("/api/v1/registrations/" + "x" * 100).status_code == 404


def test_error_messages_in_the_language_asked(client, session):
    dutch = post(client, session.id, {**PERSON, "email": "nope"}, query_string={"lang": "nl"})
    french = post(client, session.id, {**PERSON, "email": "nope"}, query_string={"lang": "fr"})
    assert dutch.get_json()["errors"]["email"] != french.get_json()["errors"]["email"]


def test_control_characters_and_nul_bytes_are_refused_not_stored(client, session):
    for field, value in (("name", "Ana\x00"), ("email", "ana\x00@example.be"), ("postcode", "12\x0034"),
                         ("audience", "job\x00")):
        response = post(client, session.id, {**PERSON, field: value})
        assert response.status_code == 422 and field in response.get_json()["errors"], field
    assert client.get("/api/v1/registrations/abc\x00def").status_code == 404
    assert client.delete("/api/v1/registrations/" + "a\x00" * 20).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
