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
from tests.factories import HOSTILE, as_role, one_session, outbox


@pytest.fixture
def counsellor(login_as):
    return login_as("counsellor")


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
        assert client.post(f"/fr/staff/sessions/{session.id}/registrations",
                           data=desk(channel=channel)).status_code == 303
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
    assert client.post(f"/fr/staff/sessions/{session.id}/registrations",
                       data=desk(name=HOSTILE[:120])).status_code == 303
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
    response = client.post(f"/fr/staff/sessions/{session.id}/registrations/{first.id}/cancel",
                           data={"confirmed": "yes"})
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
    page = client.get(f"{url}/{registration.id}/cancel").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    confirmed = {"csrf_token": token, "confirmed": "yes"}
    assert client.post(f"{url}/{registration.id}/cancel", data=confirmed).status_code == 303


def test_coordinators_only_read_the_desk_of_cancelled_sessions(app, client):
    as_role(app, client, "coordinator")
    session = one_session()
    client.post(f"/fr/staff/sessions/{session.id}/cancel", data={"reason_fr": "Fermeture"})
    body = client.get(f"/en/staff/sessions/{session.id}").get_data(as_text=True)
    assert "nobody can register any more" in body
    response = client.post(f"/en/staff/sessions/{session.id}/registrations", data=desk())
    assert response.status_code == 422 and "cancelled or over" in response.get_data(as_text=True)
    assert registrations() == []


# A caller without an e-mail address ------------------------------------------------------------


def test_a_caller_without_e_mail_is_registered_with_a_phone_number_and_gets_no_message(client, counsellor):
    session = one_session()
    response = client.post(f"/fr/staff/sessions/{session.id}/registrations",
                           data=desk(email="", phone="0470 12 34 56", language="nl"))
    assert response.status_code == 303
    (registration,) = registrations()
    assert registration.email is None and registration.email_key is None and registration.phone == "+32470123456"
    assert registration.status == "confirmed" and outbox() == []  # nothing queued: no address to write to
    assert response.headers["Location"].endswith(f"/registrations/{registration.id}/confirmation")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # The staff page is in French; the confirmation itself in the person's language (Dutch).
    assert '<article class="desk-confirmation" lang="nl">' in page
    confirmation = page.split('class="desk-confirmation"', 1)[1]
    assert "Workshop cv<" in confirmation  # the title in Dutch
    assert "Uw plaats is gereserveerd." in confirmation and "+32 470 12 34 56" in confirmation
    assert "Imprimez-la avec la commande d" in page  # the staff's own words stay in French
    listing = client.get(f"/fr/staff/sessions/{session.id}").get_data(as_text=True)
    assert "+32 470 12 34 56" in listing


def test_the_same_phone_number_twice_gets_one_registration(client, counsellor):
    session = one_session()
    for raw in ("0470 12 34 56", "+32470123456"):
        response = client.post(f"/fr/staff/sessions/{session.id}/registrations", data=desk(email="", phone=raw))
        assert response.status_code == 303
    assert len(registrations()) == 1


def test_the_unique_index_holds_one_active_registration_per_phone_number():
    session = one_session()
    register(session.id, dict(name="One", phone="0470123456", language="fr", consent=True), phone_allowed=True)
    db.session.add(Registration(session_id=session.id, name="Two", phone="+32470123456", language="fr",
                                consent_at=session.start_at, channel="phone", status="confirmed", token="t" * 32))
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.flush()


def test_a_waitlisted_caller_without_e_mail_hears_the_position(client, counsellor):
    session = one_session(capacity=1)
    register(session.id, dict(name="One", email="one@example.be", language="fr", consent=True))
    response = client.post(f"/en/staff/sessions/{session.id}/registrations",
                           data=desk(email="", phone="+32 2 555 12 34", language="fr"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "liste d&#39;attente" in page or "liste d'attente" in page
    assert len(outbox()) == 1  # the first person's confirmation only


@pytest.mark.parametrize("changes, field, message", [
    ({"email": "", "phone": ""}, "email", "Give an e-mail address or a phone number."),
    ({"email": "", "phone": "12"}, "phone", "Give a valid phone number"),
    ({"email": "", "phone": "not a number"}, "phone", "Give a valid phone number"),
    ({"email": "", "phone": "0470 12 34 56 789 0123 4567 8901 234"}, "phone", "Give a valid phone number"),
])
def test_a_desk_registration_needs_an_address_or_a_valid_phone_number(client, counsellor, changes, field, message):
    session = one_session()
    response = client.post(f"/en/staff/sessions/{session.id}/registrations", data=desk(**changes))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'href="#{field}"' in body and message in body
    assert registrations() == []


def test_the_public_form_still_needs_an_e_mail_address(client):
    session = one_session()
    response = client.post(f"/en/sessions/{session.id}", data={
        "name": "Someone", "email": "", "phone": "0470123456", "language": "fr", "consent": "y"})
    assert response.status_code == 422
    assert registrations() == []


def test_a_registration_without_e__mail_gets_no_message_at_all(client, counsellor):
    """Reminders, changes, cancellations: nothing is written for someone without an address."""
    from datetime import timedelta

    from app.calendar import services as calendar
    from app.messages.jobs import send_due_reminders

    session = one_session(days=1)
    registration, _ = register(session.id, dict(name="One", phone="0470123456", language="fr", consent=True),
                               phone_allowed=True)
    registration.confirmed_at -= timedelta(days=3)  # confirmed long before the reminder window
    assert send_due_reminders(session.start_at - timedelta(hours=2)) == 0
    assert registration.reminded_at is not None  # done with, not tried again at every run
    calendar.cancel_session(db.session.get(Session, session.id), "Fermeture")
    assert outbox() == []


def test_cancelling_for_someone_asks_to_confirm_first(client, counsellor):
    session = one_session()
    registration, _ = register(session.id, dict(name="One", email="one@example.be", language="fr", consent=True))
    url = f"/en/staff/sessions/{session.id}/registrations/{registration.id}/cancel"
    page = client.get(f"/en/staff/sessions/{session.id}").get_data(as_text=True)
    assert f'action="{url}"' not in page  # no one-click cancel on the session page
    assert f'href="{url}"' in page
    ask = client.get(url)
    assert ask.status_code == 200
    body = ask.get_data(as_text=True)
    assert "Cancel the registration of One?" in body and f'action="{url}"' in body
    assert body.count('type="submit"') == 2  # the log-out button and this one
    assert "<script" not in body.split("<main", 1)[1]
    # A POST that did not come through the confirmation step cancels nothing.
    assert client.post(url).status_code == 200
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "confirmed"
    assert client.post(url, data={"confirmed": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "cancelled"
    again = client.get(url)
    assert again.status_code == 303
