"""Desk work on a session's staff page: registering a caller, the waiting list by hand, cancelling for someone."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.calendar.models import Session
from app.errors import Conflict
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.services import promote_by_hand, register
from tests import factories as f
from tests.test_staff_support import HOSTILE, as_role, one_session, outbox


@pytest.fixture
def counsellor(app, client):
    return as_role(app, client, "counsellor")


def desk(**changes) -> dict:
    data = {"name": "Fatima El Amrani", "email": "fatima@example.be", "language": "nl", "channel": "phone",
            "audience": "", "postcode": "1210", "agreed": "y"}
    data.update(changes)
    return data


def registrations() -> list[Registration]:
    return list(db.session.scalars(sa.select(Registration).order_by(Registration.id)))


def test_a_caller_is_registered_with_the_channel_and_gets_the_confirmation(client, counsellor):
    session = one_session()
    f.audience("students")
    response = client.post(f"/fr/staff/sessions/{session.id}/registrations", data=desk(audience="students"))
    assert response.status_code == 303
    (registration,) = registrations()
    assert (registration.channel, registration.status, registration.language) == ("phone", "confirmed", "nl")
    assert registration.audience.code == "students" and registration.postcode == "1210"
    (message,) = outbox("confirmation")
    assert message.to_email == "fatima@example.be" and message.language == "nl" and message.ics
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fatima El Amrani" in page and "fatima@example.be" in page


def test_the_same_person_twice_gets_one_registration(client, counsellor):
    session = one_session()
    for channel in ("desk", "email"):
        assert client.post(f"/fr/staff/sessions/{session.id}/registrations", data=desk(channel=channel)).status_code == 303
    assert len(registrations()) == 1 and len(outbox("confirmation")) == 1


@pytest.mark.parametrize("changes, field", [
    ({"agreed": ""}, "agreed"),
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "a\x00b"}, "name"),
    ({"email": "not an address"}, "email"),
    ({"email": "a" * 250 + "@example.be"}, "email"),
    ({"language": "de"}, "language"),
    ({"channel": "pigeon"}, "channel"),
    ({"audience": HOSTILE}, "audience"),
    ({"postcode": "12345678901"}, "postcode"),
])
def test_bad_desk_input_is_refused_with_a_message_and_nothing_stored(client, counsellor, changes, field):
    session = one_session()
    response = client.post(f"/en/staff/sessions/{session.id}/registrations", data=desk(**changes))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'href="#{field}"' in body and "<script>alert" not in body
    assert registrations() == [] and outbox() == []


def test_markup_in_a_name_is_shown_as_text(client, counsellor):
    session = one_session()
    assert client.post(f"/fr/staff/sessions/{session.id}/registrations", data=desk(name=HOSTILE[:120])).status_code == 303
    body = client.get(f"/fr/staff/sessions/{session.id}").get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    (message,) = outbox("confirmation")
    assert "<script>alert" not in message.body_html


def test_past_capacity_the_caller_joins_the_waiting_list_then_gets_a_seat_by_hand(client, counsellor):
    session = one_session(capacity=1)
    url = f"/en/staff/sessions/{session.id}"
    client.post(f"{url}/registrations", data=desk(email="first@example.be"))
    client.post(f"{url}/registrations", data=desk(email="second@example.be", channel="desk"))
    first, second = registrations()
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert len(outbox("waitlisted")) == 1
    page = client.get(url).get_data(as_text=True)
    assert "Waiting list, position 1" in page and "Give a seat" in page
    # No seat free: refused with the way out.
    response = client.post(f"{url}/registrations/{second.id}/promote")
    assert response.status_code == 409
    assert "raise the session&#39;s capacity first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "waitlisted" and outbox("promotion") == []
    # Raise the capacity by the planning service, then the person is moved by hand.
    db.session.execute(sa.update(Session).where(Session.id == session.id).values(capacity=2))
    db.session.commit()
    response = client.post(f"{url}/registrations/{second.id}/promote")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "confirmed"
    assert db.session.get(Session, session.id).confirmed_count == 2
    (message,) = outbox("promotion")
    assert message.to_email == "second@example.be"
    with pytest.raises(Conflict):  # twice: not on the waiting list any more
        promote_by_hand(second.id)


def test_cancel_on_behalf_frees_the_seat_for_the_first_waiting(client, counsellor):
    session = one_session(capacity=1)
    first, _ = register(session.id, dict(name="One", email="one@example.be", language="fr", consent=True))
    second, _ = register(session.id, dict(name="Two", email="two@example.be", language="fr", consent=True))
    response = client.post(f"/fr/staff/sessions/{session.id}/registrations/{first.id}/cancel")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, first.id).status == "cancelled"
    assert db.session.get(Registration, second.id).status == "confirmed"
    assert [m.to_email for m in outbox("promotion")] == ["two@example.be"]


def test_actions_on_another_sessions_registration_are_not_found(client, counsellor):
    session, other = one_session(), one_session(slug="other", days=5)
    registration, _ = register(other.id, dict(name="One", email="one@example.be", language="fr", consent=True))
    assert client.post(f"/fr/staff/sessions/{session.id}/registrations/{registration.id}/cancel").status_code == 404
    assert client.post(f"/fr/staff/sessions/{session.id}/registrations/99999999999/promote").status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "confirmed"


def test_every_desk_action_needs_the_csrf_token(app, client, counsellor, monkeypatch):
    session = one_session(capacity=1)
    registration, _ = register(session.id, dict(name="One", email="one@example.be", language="fr", consent=True))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/fr/staff/sessions/{session.id}/registrations"
    assert client.post(url, data=desk(email="x@example.be")).status_code in (400, 422)
    assert client.post(f"{url}/{registration.id}/cancel").status_code == 400
    db.session.expire_all()
    assert len(registrations()) == 1 and registrations()[0].status == "confirmed"
    # With the token of the page, the form works.
    page = client.get(f"/fr/staff/sessions/{session.id}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post(f"{url}/{registration.id}/cancel", data={"csrf_token": token}).status_code == 303


def test_coordinators_only_read_the_desk_of_cancelled_sessions(app, client):
    as_role(app, client, "coordinator")
    session = one_session()
    client.post(f"/fr/staff/sessions/{session.id}/cancel", data={"reason": "Fermeture"})
    body = client.get(f"/en/staff/sessions/{session.id}").get_data(as_text=True)
    assert "nobody can register any more" in body
    response = client.post(f"/en/staff/sessions/{session.id}/registrations", data=desk())
    assert response.status_code == 422 and "cancelled or over" in response.get_data(as_text=True)
    assert registrations() == []
