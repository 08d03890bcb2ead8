"""A session's room follows it: asked for online/hybrid, moved with its time, deleted when not needed.
The join link opens from 30 minutes before the start; room addresses never reach public outputs."""
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.extensions import db
from app.registrations import services as registrations
from app.timeutil import UTC
from app.videorooms.models import JoinEvent
from app.videorooms.services import room_of, sync_due
from tests import factories as f


def online(days=3, fmt="online", organiser=None, hours=0):
    """A session of its own activity (one per day, format and hour)."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days, hours=hours)
    venue = f.venue() if fmt != "online" else None
    return calendar.create_session(f.activity(f"a{days}{fmt}{hours}", organiser=organiser), start,
                                   start + timedelta(hours=2), fmt,
                                   venue=venue, room=venue.rooms[0] if venue else None, capacity=3)


def test_room_asked_made_moved_and_deleted(app):
    session = online()
    room = room_of(session)
    assert room.state == "pending" and room.wanted and room.provider == "jitsi"
    assert sync_due() == {"ready": 1, "absent": 0, "retry": 0, "failed": 0}
    db.session.refresh(room)
    assert room.state == "ready" and room.join_url.startswith(app.config["JITSI_BASE_URL"] + "/")
    first_url = room.join_url
    later = session.start_at + timedelta(days=1)
    calendar.reschedule_session(session, later, later + timedelta(hours=2))
    assert room_of(session).state == "pending"
    sync_due()
    room = room_of(session)
    assert room.state == "ready" and room.made_for_start == later and room.join_url == first_url
    calendar.update_session(session, format="face_to_face", venue=f.venue())
    assert room_of(session).wanted is False
    sync_due()
    room = room_of(session)
    assert room.state == "absent" and room.join_url is None and room.external_id is None


def test_cancelled_session_loses_its_room():
    session = online(fmt="hybrid")
    sync_due()
    calendar.cancel_session(session, "ill")
    sync_due()
    assert room_of(session).state == "absent"


def test_preference_without_credentials_falls_back_to_jitsi():
    session = online(organiser="bxlformation")
    session.activity.organiser.room_provider = "whereby"  # no WHEREBY_API_KEY in the tests' settings
    db.session.commit()
    later = session.start_at + timedelta(hours=3)
    calendar.reschedule_session(session, later, later + timedelta(hours=1))
    assert room_of(session).provider == "jitsi"


def test_face_to_face_sessions_get_no_room():
    session = online(fmt="face_to_face")
    assert room_of(session) is None


def person(n, lang="fr"):
    return {"name": f"P{n}", "email": f"p{n}@example.be", "language": lang, "consent": True}


def test_join_link_before_during_and_for_the_waiting_list(client):
    session = online(days=2)
    session.capacity = 1
    db.session.commit()
    confirmed, _ = registrations.register(session.id, person(1))
    waiting, _ = registrations.register(session.id, person(2))
    assert waiting.status == "waitlisted"
    sync_due()
    early = client.get(f"/join/{confirmed.token}")
    assert early.status_code == 200 and "30" in early.text
    assert db.session.scalar(db.select(db.func.count(JoinEvent.id))) == 0
    start = datetime.now(UTC) + timedelta(minutes=10)
    calendar.reschedule_session(session, start, start + timedelta(hours=1))
    preparing = client.get(f"/join/{confirmed.token}")  # the room follows the new time first
    assert preparing.status_code == 200
    sync_due()
    scanned = client.get(f"/join/{confirmed.token}")  # a mail scanner opening the link inside the window
    assert scanned.status_code == 200 and "<button" in scanned.text and room_of(session).join_url not in scanned.text
    assert db.session.scalar(db.select(db.func.count(JoinEvent.id))) == 0
    inside = client.post(f"/join/{confirmed.token}")  # the person presses the button
    assert inside.status_code == 303 and inside.headers["Location"] == room_of(session).join_url
    assert db.session.scalar(db.select(db.func.count(JoinEvent.id))) == 1
    from app.attendance.models import Attendance

    (attendance,) = db.session.scalars(db.select(Attendance))
    assert attendance.registration_id == confirmed.id and attendance.status == "present"
    assert client.get(f"/join/{waiting.token}").status_code == 403
    assert client.get("/join/not-a-token").status_code == 404


def test_join_link_of_a_cancelled_session(client):
    session = online()
    registration, _ = registrations.register(session.id, person(1))
    calendar.cancel_session(session)
    assert client.get(f"/join/{registration.token}").status_code == 410


def test_no_public_output_ever_contains_a_room_address(client):
    """Every room URL (join and host) searched in every public page, feed and API answer."""
    sessions = [online(days=1), online(days=2, fmt="hybrid"), online(days=3)]
    sessions[2].activity.schools_only = True  # for schools: not public at all
    db.session.commit()
    sync_due()
    secrets = {u for s in sessions for u in (room_of(s).join_url, room_of(s).host_url) if u}
    assert len(secrets) >= 3
    paths = ["/", "/api/v1/sessions", "/feeds/workshops.ics", "/api/v1/openapi.json"]
    for lang in ("fr", "nl", "en"):
        paths += [f"/{lang}/", f"/{lang}/?format=online", f"/api/v1/sessions?lang={lang}",
                  f"/feeds/workshops.ics?lang={lang}", f"/feeds/workshops.ics?format=hybrid&lang={lang}"]
        for session in sessions:
            paths += [f"/{lang}/sessions/{session.id}", f"/api/v1/sessions/{session.id}?lang={lang}",
                      f"/feeds/sessions/{session.id}.ics?lang={lang}"]
    for path in paths:
        body = client.get(path, follow_redirects=True).get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, (path, secret)


@pytest.mark.parametrize("path", ["/fr/", "/en/sessions/{id}", "/api/v1/sessions", "/api/v1/sessions/{id}",
                                  "/feeds/workshops.ics", "/feeds/sessions/{id}.ics"])
def test_room_addresses_never_in_public_outputs(client, path):
    session = online(days=1)
    sync_due()
    join_url = room_of(session).join_url
    body = client.get(path.format(id=session.id)).get_data(as_text=True)
    assert join_url and join_url not in body and "meet.jit.si" not in body
