"""The API list in pages, cached answers that follow every change, and seats left under a capacity cap."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest

from app.calendar import services as calendar
from app.calendar.queries import calendar_version
from app.closures import services as closures
from app.extensions import db
from app.registrations import services as registrations
from app.timeutil import BRUSSELS
from tests import factories as f

YEAR = "from=2031-01-01&to=2031-12-31"


def make_sessions(n: int, per_day: int = 3):
    act, venue = f.activity(), f.venue()
    made = []
    for i in range(n):
        day = datetime(2031, 1, 6, tzinfo=BRUSSELS) + timedelta(days=i // per_day)
        start = datetime.combine(day.date(), time(9 + 2 * (i % per_day)), tzinfo=BRUSSELS)
        made.append(calendar.create_session(act, start, start + timedelta(hours=1), "face_to_face", venue=venue,
                                            capacity=10))
    return made


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_pages_walk_every_session_exactly_once(client):
    made = make_sessions(23)
    # two sessions at the very same instant: the keyset order by (start, id) keeps both
    twin = calendar.create_session(made[0].activity, made[5].start_at, made[5].end_at, "online")
    seen, url, pages = [], f"/api/v1/sessions?{YEAR}&limit=5", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_json()
        assert body["limit"] == 5 and body["count"] == len(body["sessions"]) <= 5
        seen += [s["id"] for s in body["sessions"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
            url = relative(body["next"])
        else:
            assert "Link" not in response.headers
            url = None
        pages += 1
    assert pages == 5
    assert sorted(seen) == sorted([s.id for s in made] + [twin.id]) and len(seen) == len(set(seen))


def test_the_default_page_holds_a_hundred(client):
    make_sessions(104, per_day=4)
    body = client.get(f"/api/v1/sessions?{YEAR}").get_json()
    assert body["limit"] == 100 and body["count"] == 100 and body["next"]
    rest = client.get(relative(body["next"])).get_json()
    assert rest["count"] == 4 and rest["next"] is None


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=501", "limit"), ("limit=x", "limit"),
                                          ("cursor=nonsense", "cursor"), ("cursor=" + "A" * 90, "cursor")])
def test_bad_pages_are_a_422(client, query, field):
    response = client.get(f"/api/v1/sessions?{YEAR}&{query}")
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_a_cached_answer_changes_when_any_session_changes(client):
    first, second = make_sessions(2)
    url = f"/api/v1/sessions?{YEAR}"
    before = client.get(url).get_json()
    assert client.get(url).get_json() == before  # the cached answer
    version = calendar_version()[0]
    registrations.register(second.id, {"name": "Ana", "email": "ana@example.be", "language": "fr",
                                       "consent": True})
    assert calendar_version()[0] != version  # a seat taken moves the version
    after = client.get(url).get_json()
    assert [s["seats_left"] for s in after["sessions"]] == [10, 9]
    calendar.update_session(first, capacity=12)
    assert client.get(url).get_json()["sessions"][0]["seats_left"] == 12


def test_seats_left_counts_a_capacity_cap_everywhere(client):
    venue = f.venue(rooms=("Salle 1",))
    start = datetime(2031, 3, 3, 10, tzinfo=BRUSSELS)
    session = calendar.create_session(f.activity(), start, start + timedelta(hours=2), "face_to_face", venue=venue,
                                      room=venue.rooms[0], capacity=20)  # the room seats 30
    registrations.register(session.id, {"name": "Ana", "email": "ana@example.be", "language": "fr",
                                        "consent": True})
    closures.add_capacity_cap(venue, start.date(), start.date(), 50)  # 15 seats while it holds
    listed = client.get(f"/api/v1/sessions?{YEAR}").get_json()["sessions"][0]
    one = client.get(f"/api/v1/sessions/{session.id}").get_json()
    assert listed["seats_left"] == one["seats_left"] == 14
    page = client.get(f"/en/sessions/{session.id}").text
    assert "14 seats left" in page
    week = client.get("/en/?week=2031-03-03").text
    assert "14 seats left" in week
    db.session.expire_all()


def test_the_version_counts_a_change_not_yet_flushed(client):
    """The version is read past the ORM: what the unit of work changed but did not write yet is written
    first, so an answer cached in the same request is never filed under the version before the change."""
    (session,) = make_sessions(1)
    db.session.flush()
    before = calendar_version()[0]
    session.capacity = 12  # pending: no flush yet
    assert session in db.session.dirty
    assert calendar_version()[0] != before
    assert session not in db.session.dirty
