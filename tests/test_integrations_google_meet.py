"""Google Meet rooms against a server that behaves like Google's token endpoint and Calendar API."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from app.integrations.google_meet import GoogleMeetProvider, event_id
from app.integrations.registry import provider_for
from app.integrations.rooms import PermanentRoomError, TemporaryRoomError, ensure_room
from tests.fakes.fixtures import TEST_TIMEOUT, google_server  # noqa: F401

# 14:00-16:00 in Brussels on a summer day (UTC+2), a week ahead at least
_day = datetime.now(timezone.utc).date() + timedelta(days=400)
START = datetime(_day.year, 7, 8, 12, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=2)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def google(google_server, clock):
    return GoogleMeetProvider(
        token_url=google_server.token_url,
        calendar_api_url=google_server.calendar_api_url,
        client_id=google_server.client_id,
        client_secret=google_server.client_secret,
        refresh_token=google_server.refresh_token,
        calendar_id="primary",
        timeout=TEST_TIMEOUT,
        poll_delays=(0.01, 0.02, 0.04, 0.08),
        clock=clock,
    )


def test_event_ids_are_base32hex_of_a_valid_length():
    for key in ("cdm-s123", "a", "", "Séance 12 ✓", "x" * 600):
        if not key:
            with pytest.raises(ValueError):
                event_id(key)
            continue
        ident = event_id(key)
        assert 5 <= len(ident) <= 1024
        assert set(ident) <= set("0123456789abcdefghijklmnopqrstuv")
    assert event_id("cdm-s1") != event_id("cdm-s12")
    assert event_id("cdm-s1") == event_id("cdm-s1")
    with pytest.raises(ValueError):
        event_id("x" * 700)


def test_the_server_refuses_an_id_outside_base32hex(google, google_server):
    token = google._access_token()
    answer = requests.post(google_server.calendar_api_url + "/calendars/primary/events",
                           headers={"Authorization": f"Bearer {token}"}, timeout=TEST_TIMEOUT,
                           json={"id": "cdm-s1", "start": {"dateTime": START.isoformat()},
                                 "end": {"dateTime": END.isoformat()}})
    assert answer.status_code == 400
    assert answer.json()["error"]["errors"][0]["reason"] == "invalid"


def test_create_makes_an_event_with_a_meet_conference(google, google_server):
    room = google.create("cdm-s123", START, END, "Verder studeren in Brussel")

    token_call = google_server.calls("POST", "/token")[0]
    assert token_call.form == {"grant_type": "refresh_token", "client_id": google_server.client_id,
                               "client_secret": google_server.client_secret,
                               "refresh_token": google_server.refresh_token}
    insert = google_server.calls("POST", "/events")[0]
    assert insert.path == "/calendar/v3/calendars/primary/events"
    assert insert.args == {"conferenceDataVersion": "1", "sendUpdates": "none"}
    assert insert.headers["Authorization"].startswith("Bearer ya29.")
    body = insert.json
    assert body["id"] == event_id("cdm-s123")
    assert body["summary"] == "Verder studeren in Brussel"
    assert body["start"] == {"dateTime": f"{_day.year}-07-08T14:00:00+02:00", "timeZone": "Europe/Brussels"}
    assert body["end"] == {"dateTime": f"{_day.year}-07-08T16:00:00+02:00", "timeZone": "Europe/Brussels"}
    create = body["conferenceData"]["createRequest"]
    assert create["conferenceSolutionKey"] == {"type": "hangoutsMeet"} and create["requestId"]

    assert room.provider == "google_meet"
    assert room.external_id == event_id("cdm-s123")
    assert room.join_url.startswith("https://meet.google.com/")
    assert room.host_url == room.join_url
    assert room.extra["key"] == "cdm-s123"
    assert list(google_server.live_events()) == [room.external_id]


def test_each_attempt_has_its_own_request_id(google, google_server):
    google.create("cdm-s1", START, END, "A")
    google.create("cdm-s2", START, END, "B")
    ids = [c.json["conferenceData"]["createRequest"]["requestId"] for c in google_server.calls("POST", "/events")]
    assert len(set(ids)) == 2


def test_a_pending_conference_is_read_again_until_it_succeeds(google, google_server):
    google_server.pending_reads = 2
    room = google.create("cdm-s5", START, END, "Atelier")
    assert room.join_url == google_server.event(room.external_id)["conferenceData"]["_link"]
    assert len(google_server.calls("GET", "/events/")) == 3  # pending, pending, success


def test_a_conference_pending_too_long_is_temporary_and_found_later(google, google_server):
    google_server.pending_reads = 6
    with pytest.raises(TemporaryRoomError) as caught:
        google.create("cdm-s6", START, END, "Atelier")
    assert "pending" in caught.value.reason
    assert len(google_server.calls("GET", "/events/")) == 4  # bounded by the delays given

    room = ensure_room(google, "cdm-s6", START, END, "Atelier")  # two reads left, then success
    assert room.join_url.startswith("https://meet.google.com/")
    assert len(google_server.live_events()) == 1


def test_polling_never_sleeps_longer_than_the_timeout(google_server, clock):
    slept = []
    provider = GoogleMeetProvider(
        token_url=google_server.token_url, calendar_api_url=google_server.calendar_api_url,
        client_id=google_server.client_id, client_secret=google_server.client_secret,
        refresh_token=google_server.refresh_token, timeout=TEST_TIMEOUT, clock=clock,
        poll_delays=(0.1, 0.15, 0.4, 0.8), sleep=slept.append)
    google_server.pending_reads = 100
    with pytest.raises(TemporaryRoomError):
        provider.create("cdm-s7", START, END, "Atelier")
    assert sum(slept) <= TEST_TIMEOUT
    assert slept == [0.1, 0.15]


def test_a_reused_id_gives_the_existing_event(google, google_server):
    first = google.create("cdm-s8", START, END, "Atelier")
    again = google.create("cdm-s8", START, END, "Atelier")
    assert again.external_id == first.external_id and again.join_url == first.join_url
    assert len(google_server.live_events()) == 1
    assert [c.status for c in google_server.calls("POST", "/events")] == [200, 409]
    assert len(google_server.calls("GET", "/events/")) == 1


def test_find(google, google_server):
    assert google.find("cdm-s9") is None
    room = google.create("cdm-s9", START, END, "Atelier")
    found = google.find("cdm-s9")
    assert (found.external_id, found.join_url) == (room.external_id, room.join_url)
    google.delete(room)
    assert google.find("cdm-s9") is None


def test_find_treats_410_as_gone(google, google_server):
    google_server.answer_next(410, {"error": {"code": 410, "message": "Resource has been deleted",
                                             "errors": [{"domain": "global", "reason": "deleted"}]}},
                              path_contains="/events/")
    assert google.find("cdm-s9") is None


def test_update_patches_times_and_title_and_keeps_the_link(google, google_server):
    room = google.create("cdm-s10", START, END, "Atelier")
    moved = google.update(room, START + timedelta(days=1), END + timedelta(days=1, hours=1), "Atelier déplacé")

    patch = google_server.calls("PATCH")[0]
    assert patch.args["sendUpdates"] == "none"
    event = google_server.event(room.external_id)
    assert event["summary"] == "Atelier déplacé"
    assert event["start"]["dateTime"] == f"{_day.year}-07-09T14:00:00+02:00"
    assert event["end"]["dateTime"] == f"{_day.year}-07-09T17:00:00+02:00"
    assert moved.join_url == room.join_url


def test_update_of_a_deleted_event_brings_it_back(google, google_server):
    room = google.create("cdm-s11", START, END, "Atelier")
    google.delete(room)
    moved = google.update(room, START + timedelta(hours=1), END + timedelta(hours=1), "Atelier")
    assert google_server.event(room.external_id)["status"] == "confirmed"
    assert moved.join_url.startswith("https://meet.google.com/")


def test_delete_answers_204_then_410_which_counts_as_gone(google, google_server):
    room = google.create("cdm-s12", START, END, "Atelier")
    google.delete(room)
    google.delete(room)
    assert [c.status for c in google_server.calls("DELETE")] == [204, 410]
    assert google_server.event(room.external_id)["status"] == "cancelled"
    assert google_server.live_events() == {}
    assert all(c.args == {"sendUpdates": "none"} for c in google_server.calls("DELETE"))


def test_a_session_back_online_after_deletion_gets_its_event_back(google, google_server):
    room = google.create("cdm-s13", START, END, "Atelier")
    google.delete(room)
    again = google.create("cdm-s13", START + timedelta(days=2), END + timedelta(days=2), "Atelier")
    assert again.external_id == room.external_id
    event = google_server.event(room.external_id)
    assert event["status"] == "confirmed"
    assert event["start"]["dateTime"].startswith(f"{_day.year}-07-10T14:00")
    assert len(google_server.live_events()) == 1


def test_the_token_is_kept_and_refreshed_before_it_expires(google, google_server, clock):
    google.create("cdm-s14", START, END, "A")
    google.find("cdm-s14")
    assert google_server.tokens_issued == 1

    clock.now += google_server.token_lifetime - 61  # still more than a minute left
    google.find("cdm-s14")
    assert google_server.tokens_issued == 1

    clock.now += 2  # less than a minute left: a new one first
    google.find("cdm-s14")
    assert google_server.tokens_issued == 2
    assert 401 not in [c.status for c in google_server.requests]  # never sent an expired token


def test_a_token_refused_is_refreshed_once(google, google_server):
    google.create("cdm-s15", START, END, "A")
    google_server.expire_tokens()  # revoked on the server's side, still fresh for the client
    assert google.find("cdm-s15") is not None
    assert google_server.tokens_issued == 2
    assert [c.status for c in google_server.calls("GET", "/events/")] == [401, 200]


def test_a_token_refused_twice_is_permanent(google_server, clock):
    google_server.token_lifetime = 0  # every token is dead on arrival
    provider = GoogleMeetProvider(
        token_url=google_server.token_url, calendar_api_url=google_server.calendar_api_url,
        client_id=google_server.client_id, client_secret=google_server.client_secret,
        refresh_token=google_server.refresh_token, timeout=TEST_TIMEOUT, clock=clock)
    with pytest.raises(PermanentRoomError) as caught:
        provider.create("cdm-s16", START, END, "A")
    assert caught.value.status == 401
    assert google_server.tokens_issued == 2
    assert len(google_server.calls("POST", "/events")) == 2


def test_a_revoked_refresh_token_is_permanent(google_server):
    provider = provider_for("google_meet", {
        "GOOGLE_TOKEN_URL": google_server.token_url, "GOOGLE_CALENDAR_API_URL": google_server.calendar_api_url,
        "GOOGLE_CLIENT_ID": google_server.client_id, "GOOGLE_CLIENT_SECRET": google_server.client_secret,
        "GOOGLE_REFRESH_TOKEN": "1//revoked", "ROOMS_HTTP_TIMEOUT": TEST_TIMEOUT})
    with pytest.raises(PermanentRoomError) as caught:
        provider.create("cdm-s17", START, END, "A")
    assert "invalid_grant" in caught.value.reason
    assert google_server.events == {}


def test_a_token_endpoint_down_is_temporary(google, google_server):
    google_server.answer_next(503, "Service Unavailable", path_contains="/token", content_type="text/plain")
    with pytest.raises(TemporaryRoomError):
        google.create("cdm-s18", START, END, "A")


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_403_rate_limits_are_temporary(google, google_server, reason):
    google_server.rate_limit(1, status=403, reason=reason)
    with pytest.raises(TemporaryRoomError) as caught:
        google.create("cdm-s19", START, END, "A")
    assert caught.value.status == 403
    assert google.create("cdm-s19", START, END, "A").join_url


def test_429_is_temporary_with_its_delay(google, google_server):
    google._access_token()
    google_server.answer_next(429, {"error": {"code": 429, "message": "Rate Limit Exceeded",
                                              "errors": [{"reason": "rateLimitExceeded"}]}},
                              headers={"Retry-After": "17"}, path_contains="/events")
    with pytest.raises(TemporaryRoomError) as caught:
        google.create("cdm-s20", START, END, "A")
    assert caught.value.retry_after == 17


@pytest.mark.parametrize("status, reason, kind", [
    (403, "forbiddenForNonOrganizer", PermanentRoomError),
    (403, "quotaExceeded", TemporaryRoomError),
    (400, "invalid", PermanentRoomError),
    (404, "notFound", PermanentRoomError),
    (500, "backendError", TemporaryRoomError),
    (503, "backendError", TemporaryRoomError),
])
def test_errors_are_mapped(google, google_server, status, reason, kind):
    google._access_token()
    google_server.answer_next(status, {"error": {"code": status, "message": "Boom",
                                                 "errors": [{"domain": "global", "reason": reason}]}},
                              path_contains="/events")
    with pytest.raises(kind) as caught:
        google.create("cdm-s21", START, END, "A")
    assert caught.value.status == status


@pytest.mark.parametrize("body, content_type", [
    ("<!DOCTYPE html><html><title>Error 502</title></html>", "text/html"),
    ({"kind": "calendar#event"}, None),
    ({"id": "abcde", "conferenceData": {"createRequest": {"status": {"statusCode": "success"}}}}, None),
    ("[1, 2", "application/json"),
])
def test_garbage_answers_are_temporary(google, google_server, body, content_type):
    google._access_token()
    google_server.answer_next(200, body, content_type=content_type, path_contains="/events", count=5)
    with pytest.raises(TemporaryRoomError):
        google.create("cdm-s22", START, END, "A")


def test_garbage_from_the_token_endpoint_is_temporary(google, google_server):
    google_server.answer_next(200, "<html>login</html>", path_contains="/token", content_type="text/html")
    with pytest.raises(TemporaryRoomError):
        google.create("cdm-s23", START, END, "A")


def test_a_create_that_times_out_after_the_event_was_made_leaves_one_event(google, google_server):
    google_server.slow_create = 5.0
    started = time.monotonic()
    with pytest.raises(TemporaryRoomError) as caught:
        google.create("cdm-s24", START, END, "Atelier")
    assert time.monotonic() - started < google_server.slow_create
    assert "did not answer" in caught.value.reason
    assert len(google_server.live_events()) == 1

    google_server.slow_create = 0
    room = ensure_room(google, "cdm-s24", START, END, "Atelier")
    assert list(google_server.live_events()) == [room.external_id]
    assert len(google_server.calls("POST", "/events")) == 1


def test_ensure_room_recovers_from_its_own_timed_out_create(google, google_server):
    google_server.slow_create = 5.0
    room = ensure_room(google, "cdm-s25", START, END, "Atelier")
    assert list(google_server.live_events()) == [room.external_id]
    assert room.join_url.startswith("https://meet.google.com/")


def test_a_retry_of_a_create_after_a_timeout_gets_409_and_uses_the_event(google, google_server):
    google_server.slow_create = 5.0
    with pytest.raises(TemporaryRoomError):
        google.create("cdm-s26", START, END, "Atelier")
    google_server.slow_create = 0
    room = google.create("cdm-s26", START, END, "Atelier")  # without a find first
    assert list(google_server.live_events()) == [room.external_id]


def test_another_calendar(google_server, clock):
    provider = GoogleMeetProvider(
        token_url=google_server.token_url, calendar_api_url=google_server.calendar_api_url,
        client_id=google_server.client_id, client_secret=google_server.client_secret,
        refresh_token=google_server.refresh_token, calendar_id="ateliers@group.calendar.google.com",
        timeout=TEST_TIMEOUT, clock=clock)
    room = provider.create("cdm-s27", START, END, "Atelier")
    assert google_server.calls("POST", "/events")[0].path == \
        "/calendar/v3/calendars/ateliers@group.calendar.google.com/events"
    assert google_server.live_events("ateliers@group.calendar.google.com").keys() == {room.external_id}
    assert google_server.live_events() == {}
