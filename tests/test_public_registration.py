"""Registering from a session's page: the form in the page's language, its messages, nothing stored half."""
import re
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.registrations.models import Registration
from app.timeutil import UTC
from tests import factories as f

VALID = {"name": "Fatima <script>alert(1)</script>", "email": "fatima@example.be", "language": "nl",
         "consent": "y", "postcode": "1210", "audience": "jobseekers"}


@pytest.fixture
def session():
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=4)
    return calendar.create_session(f.activity(), start, start + timedelta(hours=2), "online", capacity=1)


def count():
    return db.session.scalar(db.select(db.func.count(Registration.id)))


def test_form_in_the_page_language_with_consent_text(client, session):
    page = client.get(f"/nl/sessions/{session.id}")
    assert page.status_code == 200
    assert 'name="email"' in page.text and 'name="consent"' in page.text
    assert re.search(r'<input\b[^>]*\bchecked\b[^>]*value="nl"', page.text)  # the page's language chosen


def test_registering_redirects_to_the_registration_page(client, session):
    response = client.post(f"/fr/sessions/{session.id}", data=VALID)
    assert response.status_code == 303
    (registration,) = db.session.scalars(db.select(Registration))
    assert registration.channel == "web" and registration.language == "nl" and registration.postcode == "1210"
    assert registration.audience.code == "jobseekers"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text


def test_full_session_offers_the_waiting_list(client, session):
    client.post(f"/en/sessions/{session.id}", data=VALID)
    page = client.get(f"/en/sessions/{session.id}")
    assert "Join the waiting list" in page.text
    second = client.post(f"/en/sessions/{session.id}", data={**VALID, "email": "other@example.be"})
    assert second.status_code == 303
    assert [r.status for r in db.session.scalars(db.select(Registration).order_by(Registration.id))] == \
        ["confirmed", "waitlisted"]


def test_bad_input_gets_messages_in_the_page_language_and_stores_nothing(client, session):
    english = client.post(f"/en/sessions/{session.id}", data={"name": "", "email": "nope", "language": "fr"})
    dutch = client.post(f"/nl/sessions/{session.id}", data={"name": "", "email": "nope", "language": "fr"})
    assert english.status_code == dutch.status_code == 422
    assert "We need your consent" in english.text and "We need your consent" not in dutch.text
    assert 'aria-invalid="true"' in english.text
    assert count() == 0


def test_overlong_values_are_refused(client, session):
    response = client.post(f"/en/sessions/{session.id}", data={**VALID, "name": "x" * 500})
    assert response.status_code == 422 and count() == 0


def test_the_trap_field_stops_robots(client, session):
    response = client.post(f"/fr/sessions/{session.id}", data={**VALID, "website": "http://spam.example"})
    assert response.status_code == 422 and count() == 0


def test_cancelled_session_has_no_form_and_refuses_posts(client, session):
    calendar.cancel_session(session)
    assert 'name="email"' not in client.get(f"/fr/sessions/{session.id}").text
    response = client.post(f"/fr/sessions/{session.id}", data=VALID)
    assert response.status_code == 410 and count() == 0
