"""Rooms at Whereby and Google Meet (fake servers on 127.0.0.1 that behave like the real APIs):
one room per session whatever fails, pending with back-off when the provider is down or limits us."""
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.timeutil import BRUSSELS, UTC
from app.videorooms.services import room_of, sync_due
from tests import factories as f
from tests.fakes.fixtures import google_server, rooms_config, whereby_server  # noqa: F401


@pytest.fixture
def configured(app, monkeypatch, rooms_config):  # noqa: F811
    for name, value in rooms_config.items():
        monkeypatch.setitem(app.config, name, value)
    return rooms_config


def session_by(provider, days=3, slug="cv"):
    partner = f.partner(f"p-{provider}", provider=provider)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    return calendar.create_session(f.activity(slug, organiser=partner.slug), start, start + timedelta(hours=2),
                                   "online", capacity=12)


def live_whereby(server):
    return [m for m in server.meetings.values() if m.get("meetingId") not in server.deleted]


def later(now, seconds=3600):
    return now + timedelta(seconds=seconds)


def test_whereby_room_made_moved_and_deleted(configured, whereby_server):  # noqa: F811
    session = session_by("whereby")
    assert room_of(session).provider == "whereby"
    assert sync_due()["ready"] == 1
    room = room_of(session)
    assert room.external_provider == "whereby" and room.host_url and room.join_url != room.host_url
    assert len(live_whereby(whereby_server)) == 1
    moved = session.start_at + timedelta(days=2)
    calendar.reschedule_session(session, moved, moved + timedelta(hours=2))
    sync_due()
    assert room_of(session).state == "ready" and len(live_whereby(whereby_server)) == 1
    calendar.cancel_session(session)
    sync_due()
    assert room_of(session).state == "absent" and live_whereby(whereby_server) == []


def test_create_that_timed_out_after_the_room_was_made_leaves_one_room(configured, whereby_server):  # noqa: F811
    whereby_server.slow_create = 1.0  # longer than the client's time-out: the answer is lost
    session = session_by("whereby")
    first = sync_due()  # the room is found again at once, or at the next pass
    assert first["ready"] + first["retry"] == 1
    whereby_server.slow_create = 0.0
    if first["retry"]:
        assert room_of(session).state == "pending" and room_of(session).last_error
        assert sync_due(now=later(datetime.now(UTC)))["ready"] == 1
    assert room_of(session).state == "ready"
    sync_due(now=later(datetime.now(UTC), 7200))  # nothing more to do
    assert len(live_whereby(whereby_server)) == 1
    assert room_of(session).external_id == live_whereby(whereby_server)[0]["meetingId"]


def test_rate_limit_keeps_the_session_and_retries_after_the_delay(configured, whereby_server):  # noqa: F811
    whereby_server.rate_limit(1, seconds=120)
    session = session_by("whereby")
    before = datetime.now(UTC)
    assert sync_due()["retry"] == 1
    room = room_of(session)
    assert room.state == "pending" and room.next_attempt_at >= before + timedelta(seconds=119)
    assert "429" in room.last_error or "rate" in room.last_error.lower()
    assert sync_due()["ready"] == 0  # not due yet
    assert sync_due(now=later(datetime.now(UTC), 200))["ready"] == 1
    assert session.format == "online" and session.status == "scheduled"


def test_provider_down_marks_pending_and_grows_the_delay(app, configured, monkeypatch):
    monkeypatch.setitem(app.config, "WHEREBY_API_URL", "http://127.0.0.1:9/v1")  # nothing listens
    session = session_by("whereby")
    now = datetime.now(UTC)
    sync_due()
    first = room_of(session).next_attempt_at - now
    sync_due(now=later(now, 7200))
    second = room_of(session).next_attempt_at - later(now, 7200)
    assert room_of(session).attempts == 2 and second > first


def test_google_meet_room_through_a_pending_conference(configured, google_server):  # noqa: F811
    google_server.pending_reads = 2
    session = session_by("google_meet")
    assert sync_due()["ready"] == 1
    room = room_of(session)
    assert room.join_url.startswith("https://meet.google.com/")
    assert len(google_server.live_events()) == 1
    calendar.update_session(session, format="face_to_face", venue=f.venue())
    sync_due()
    assert room_of(session).state == "absent" and not google_server.live_events()


def test_staff_choice_replaces_the_room_at_the_other_provider(configured, whereby_server, google_server):  # noqa: F811
    from app.videorooms.services import choose_provider

    session = session_by("whereby")
    sync_due()
    choose_provider(session, "google_meet")
    sync_due()
    room = room_of(session)
    assert room.external_provider == "google_meet" and live_whereby(whereby_server) == []
    assert len(google_server.live_events()) == 1


def test_partner_hosts_get_the_host_link_once(configured, whereby_server):  # noqa: F811
    from argon2 import PasswordHasher

    from app.accounts.models import User
    from app.messages.models import OutboxMessage

    session = session_by("whereby")
    host = User(email="host@partner.be", name="Host", role="partner", language="nl",
                password_hash=PasswordHasher(time_cost=1, memory_cost=8192).hash("a long enough secret"),
                partner=session.activity.organiser)
    db.session.add(host)
    db.session.commit()
    from app.videorooms.hosts import send_host_links

    sync_due()
    sync_due(now=later(datetime.now(UTC)))
    noon = datetime.now(UTC).astimezone(BRUSSELS).replace(hour=12, minute=0)
    assert send_host_links(noon) == 1 and send_host_links(noon) == 0
    (message,) = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "host_link"))
    assert message.to_email == "host@partner.be" and room_of(session).host_url in message.body_text


def test_staff_see_pending_rooms_with_their_error_and_ask_again(app, client, configured, whereby_server, monkeypatch):  # noqa: F811
    from tests.test_closures import login

    whereby_server.rate_limit(1, seconds=300)
    session = session_by("whereby")
    sync_due()
    login(client, "coordinator")
    week = client.get("/en/staff/")
    assert week.status_code == 200 and "Videoconference rooms not ready" in week.text
    assert room_of(session).last_error in week.text
    page = client.get(f"/en/staff/sessions/{session.id}")
    assert "Pending" in page.text and "Host link" not in page.text
    asked = client.post(f"/en/staff/sessions/{session.id}/room", data={"action": "retry"})
    assert asked.status_code == 303 and room_of(session).state == "ready"
    page = client.get(f"/en/staff/sessions/{session.id}")
    assert "Host link" in page.text and room_of(session).host_url.split("?")[0] in page.text
    assert "Videoconference rooms not ready" not in client.get("/en/staff/").text
    switched = client.post(f"/en/staff/sessions/{session.id}/room", data={"action": "provider", "provider": "jitsi"})
    assert switched.status_code == 303 and room_of(session).external_provider == "jitsi"
    assert live_whereby(whereby_server) == []


def test_counsellors_cannot_change_rooms(client, configured):
    from tests.test_closures import login

    session = session_by("whereby")
    login(client, "counsellor")
    assert client.post(f"/en/staff/sessions/{session.id}/room", data={"action": "retry"}).status_code == 403


def test_provider_down_during_a_closure_of_thirty_sessions(app, configured, whereby_server, monkeypatch):  # noqa: F811
    """Every session switched, every person told, rooms pending; the provider comes back and one
    scheduler run later every session has exactly one room."""
    from collections import Counter

    from app.closures import services as closures
    from app.messages.models import OutboxMessage
    from app.registrations import services as registrations
    from app.scheduler import JOBS, run_job
    from app.timeutil import BRUSSELS

    partner = f.partner("p-whereby", provider="whereby")
    venue = f.venue()
    first = (datetime.now(UTC) + timedelta(days=2)).replace(hour=8, minute=0, second=0, microsecond=0)
    sessions = []
    for n in range(30):
        start = first + timedelta(days=n // 5, hours=2 * (n % 5))
        act = f.activity(f"a{n}", organiser=partner.slug)
        session = calendar.create_session(act, start, start + timedelta(hours=1), "face_to_face", venue=venue,
                                          capacity=5)
        registrations.register(session.id, {"name": f"P{n}", "email": f"p{n}@example.be",
                                            "language": ("fr", "nl", "en")[n % 3], "consent": True})
        sessions.append(session)
    monkeypatch.setitem(app.config, "WHEREBY_API_URL", "http://127.0.0.1:9/v1")  # the provider is down
    last_day = sessions[-1].start_at.astimezone(BRUSSELS).date()
    closure = closures.declare_closure(venue, first.astimezone(BRUSSELS).date(), last_day, "Lockdown", "online")
    assert len(closure.effects) == 30
    sync_due()
    for session in sessions:
        db.session.refresh(session)
        assert session.format == "online" and session.revision == 1
        assert room_of(session).state == "pending" and room_of(session).external_id is None
    assert Counter(db.session.scalars(db.select(OutboxMessage.kind)))["change"] == 30
    monkeypatch.setitem(app.config, "WHEREBY_API_URL", whereby_server.url)  # back
    for session in sessions:  # their retry time has come
        room_of(session).next_attempt_at = datetime.now(UTC)
    db.session.commit()
    name, function = next((n, fn) for n, fn, _, _ in JOBS if n == "sync_rooms")
    run_job(app, name, function)  # one scheduler run
    db.session.expire_all()
    assert {room_of(s).state for s in sessions} == {"ready"}
    per_prefix = Counter(m["roomName"].split("-")[0] for m in live_whereby(whereby_server))
    assert len(live_whereby(whereby_server)) == 30 and set(per_prefix.values()) == {1}
