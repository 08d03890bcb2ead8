"""Whereby rooms against a server that behaves like the Embedded REST API."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from app.integrations.registry import provider_for
from app.integrations.rooms import PermanentRoomError, TemporaryRoomError, ensure_room
from app.integrations.whereby import WherebyProvider, room_name_prefix
from tests.fakes.fixtures import TEST_TIMEOUT, whereby_server  # noqa: F401


def same(a, b) -> bool:
    return (a.provider, a.external_id, a.join_url, a.host_url) == (b.provider, b.external_id, b.join_url, b.host_url)


START = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
END = START + timedelta(hours=2)


@pytest.fixture
def whereby(whereby_server):
    return provider_for("whereby", {"WHEREBY_API_URL": whereby_server.url,
                                    "WHEREBY_API_KEY": whereby_server.api_key,
                                    "ROOMS_HTTP_TIMEOUT": TEST_TIMEOUT})


def test_create_asks_for_a_room_ending_after_the_session_with_a_host_link(whereby, whereby_server):
    room = whereby.create("cdm-s123", START, END, "CV et lettre de motivation", capacity=12)

    call = whereby_server.calls("POST", "/meetings")[0]
    assert call.headers["Authorization"] == f"Bearer {whereby_server.api_key}"
    assert call.json["roomNamePrefix"] == room_name_prefix("cdm-s123")
    assert call.json["roomMode"] == "group"
    assert call.json["fields"] == ["hostRoomUrl"]
    assert datetime.fromisoformat(call.json["endDate"].replace("Z", "+00:00")) == END + timedelta(hours=1)

    stored = whereby_server.meetings[room.external_id]
    assert room.provider == "whereby"
    assert room.join_url == stored["roomUrl"]
    assert room.host_url == stored["hostRoomUrl"] != room.join_url
    assert room.extra["key"] == "cdm-s123"
    assert room.extra["endDate"] == stored["endDate"]


@pytest.mark.parametrize("capacity, mode", [(2, "normal"), (4, "normal"), (5, "group"), (None, "group")])
def test_room_mode_follows_the_size_of_the_session(whereby, whereby_server, capacity, mode):
    whereby.create("cdm-s1", START, END, "Atelier", capacity=capacity)
    assert whereby_server.calls("POST")[0].json["roomMode"] == mode


def test_prefix_is_lowercase_letters_and_digits_and_no_key_prefix_begins_another():
    for key in ("cdm-s1", "cdm-s12", "CDM S123 é", "x" * 200, "-"):
        prefix = room_name_prefix(key)
        assert prefix.isascii() and prefix.isalnum() and prefix == prefix.lower() and len(prefix) <= 39
    assert room_name_prefix("cdm-s1") != room_name_prefix("cdm-s1 ")
    assert not room_name_prefix("cdm-s123").startswith(room_name_prefix("cdm-s12"))
    assert not room_name_prefix("cdm-s12").startswith(room_name_prefix("cdm-s1"))


def test_find_by_prefix_and_by_meeting_id(whereby, whereby_server):
    mine = whereby.create("cdm-s12", START, END, "Atelier")
    whereby.create("cdm-s123", START, END, "Autre atelier")

    assert same(whereby.find("cdm-s12"), mine)
    assert whereby.find("cdm-s7") is None
    listing = whereby_server.calls("GET", "/meetings")[0]
    assert listing.args["roomName[startsWith]"] == "/" + room_name_prefix("cdm-s12")

    by_id = whereby.find("cdm-s12", meeting_id=mine.external_id)
    assert by_id.external_id == mine.external_id and by_id.host_url == mine.host_url
    assert whereby_server.calls("GET", f"/meetings/{mine.external_id}")
    assert whereby.find("cdm-s123", meeting_id=mine.external_id) is None  # another session's room


def test_find_follows_pages_and_filters_again(whereby, whereby_server):
    whereby_server.page_size = 3
    for n in range(7):
        whereby.create(f"cdm-other{n}", START, END, "Autre")
    mine = whereby.create("cdm-s5", START, END, "Atelier")
    # a server that ignores the name filter and lists every room, page by page
    original = whereby_server._list

    def unfiltered(request):
        from werkzeug.test import EnvironBuilder
        from werkzeug.wrappers import Request

        args = {k: v for k, v in request.args.items() if k != "roomName[startsWith]"}
        return original(Request(EnvironBuilder(path="/meetings", query_string=args).get_environ()))

    whereby_server._list = unfiltered
    assert same(whereby.find("cdm-s5"), mine)
    assert len(whereby_server.calls("GET", "/meetings")) == 3


def test_update_keeps_the_room_while_its_end_covers_the_session(whereby, whereby_server):
    room = whereby.create("cdm-s9", START, END, "Atelier")
    later = whereby.update(room, START + timedelta(minutes=30), END + timedelta(minutes=30), "Atelier")
    assert later == room
    assert whereby_server.creates == 1


def test_update_to_a_later_end_makes_a_new_room_and_deletes_the_old(whereby, whereby_server):
    room = whereby.create("cdm-s9", START, END, "Atelier", capacity=3)
    moved = whereby.update(room, START + timedelta(days=1), END + timedelta(days=1), "Atelier")

    assert moved.external_id != room.external_id
    assert list(whereby_server.meetings) == [moved.external_id]
    assert whereby_server.calls("POST")[1].json["roomMode"] == "normal"
    assert whereby_server.calls("POST")[1].json["roomNamePrefix"] == room_name_prefix("cdm-s9")
    assert same(whereby.find("cdm-s9"), moved)


def test_update_of_a_room_known_only_by_id_reads_its_end_first(whereby, whereby_server):
    room = whereby.create("cdm-s9", START, END, "Atelier")
    bare = type(room)(room.provider, room.external_id, room.join_url, room.host_url, {"key": "cdm-s9"})
    assert whereby.update(bare, START, END, "Atelier").external_id == room.external_id
    assert whereby_server.creates == 1


def test_delete_answers_204_also_when_already_gone(whereby, whereby_server):
    room = whereby.create("cdm-s4", START, END, "Atelier")
    whereby.delete(room)
    assert whereby_server.meetings == {}
    whereby.delete(room)  # already deleted: still 204
    whereby_server.answer_next(404, {"error": "Meeting not found"}, method="DELETE")
    whereby.delete(room)  # 404 counts as gone
    assert [c.status for c in whereby_server.calls("DELETE")] == [204, 204, 404]


def test_bad_key_is_permanent(whereby_server):
    provider = WherebyProvider(whereby_server.url, "wrong-key", timeout=TEST_TIMEOUT)
    with pytest.raises(PermanentRoomError) as caught:
        provider.create("cdm-s1", START, END, "Atelier")
    assert caught.value.status == 401
    assert "key" in caught.value.reason
    assert whereby_server.meetings == {}


def test_rate_limit_is_temporary_with_the_delay_asked(whereby, whereby_server):
    whereby_server.rate_limit(count=1, seconds=42)
    with pytest.raises(TemporaryRoomError) as caught:
        whereby.create("cdm-s1", START, END, "Atelier")
    assert caught.value.status == 429
    assert caught.value.retry_after == 42
    assert whereby.create("cdm-s1", START, END, "Atelier").join_url  # the next one goes through


def test_rate_limit_delay_from_the_body_when_the_header_is_missing(whereby, whereby_server):
    whereby_server.answer_next(429, {"error": "Too Many Requests", "data": {"msLeft": 2500}})
    with pytest.raises(TemporaryRoomError) as caught:
        whereby.find("cdm-s1")
    assert caught.value.retry_after == 2.5


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_temporary(whereby, whereby_server, status):
    whereby_server.answer_next(status, "<html><body>Bad gateway</body></html>", content_type="text/html")
    with pytest.raises(TemporaryRoomError) as caught:
        whereby.create("cdm-s1", START, END, "Atelier")
    assert caught.value.status == status


def test_a_refused_request_is_permanent(whereby, whereby_server):
    with pytest.raises(PermanentRoomError) as caught:
        whereby.create("cdm-s1", START - timedelta(days=30), END - timedelta(days=30), "Atelier passé")
    assert caught.value.status == 400
    assert "endDate" in caught.value.reason


@pytest.mark.parametrize("body, content_type", [
    ("<html><body>Welcome to nginx!</body></html>", "text/html"),
    ({"meetingId": "1"}, None),
    ({"meetingId": "1", "roomUrl": "not a url"}, None),
    (["unexpected"], None),
    ("", "application/json"),
])
def test_garbage_answers_are_temporary(whereby, whereby_server, body, content_type):
    whereby_server.answer_next(201, body, content_type=content_type, method="POST")
    with pytest.raises(TemporaryRoomError):
        whereby.create("cdm-s1", START, END, "Atelier")


def test_garbage_listing_is_temporary(whereby, whereby_server):
    whereby_server.answer_next(200, {"rooms": "none"}, method="GET")
    with pytest.raises(TemporaryRoomError):
        whereby.find("cdm-s1")


def test_unreachable_server_is_temporary(whereby_server):
    url = whereby_server.url
    whereby_server.stop()
    provider = WherebyProvider(url, "key", timeout=TEST_TIMEOUT)
    with pytest.raises(TemporaryRoomError) as caught:
        provider.create("cdm-s1", START, END, "Atelier")
    assert "reached" in caught.value.reason


def test_a_create_that_times_out_after_the_room_was_made_leaves_one_room(whereby, whereby_server):
    whereby_server.slow_create = 5.0
    started = time.monotonic()
    with pytest.raises(TemporaryRoomError) as caught:
        whereby.create("cdm-s77", START, END, "Atelier")
    assert time.monotonic() - started < whereby_server.slow_create  # gave up before the answer came
    assert "did not answer" in caught.value.reason
    assert len(whereby_server.meetings) == 1  # the room was made all the same

    # the later retry finds it instead of making a second one
    room = ensure_room(whereby, "cdm-s77", START, END, "Atelier")
    assert list(whereby_server.meetings) == [room.external_id]
    assert whereby_server.creates == 1
    assert room.host_url == whereby_server.meetings[room.external_id]["hostRoomUrl"]


def test_ensure_room_recovers_from_its_own_timed_out_create(whereby, whereby_server):
    whereby_server.slow_create = 5.0
    room = ensure_room(whereby, "cdm-s78", START, END, "Atelier")
    assert list(whereby_server.meetings) == [room.external_id]
    assert whereby_server.creates == 1


def test_ensure_room_makes_a_room_once(whereby, whereby_server):
    first = ensure_room(whereby, "cdm-s80", START, END, "Atelier", capacity=3)
    again = ensure_room(whereby, "cdm-s80", START, END, "Atelier", capacity=3)
    assert same(first, again)
    assert whereby_server.creates == 1


def test_ensure_room_deletes_extra_rooms_for_the_same_key(whereby, whereby_server):
    older = whereby.create("cdm-s81", START, END, "Atelier")
    newer = whereby.create("cdm-s81", START, END + timedelta(hours=1), "Atelier")
    other = whereby.create("cdm-s811", START, END, "Autre")

    kept = ensure_room(whereby, "cdm-s81", START, END, "Atelier")
    assert kept.external_id == newer.external_id  # the one ending last
    assert set(whereby_server.meetings) == {newer.external_id, other.external_id}
    assert older.external_id in whereby_server.deleted


def test_ensure_room_keeps_the_same_room_from_any_process(whereby, whereby_server):
    a = whereby.create("cdm-s82", START, END, "Atelier")
    b = whereby.create("cdm-s82", START, END, "Atelier")
    chosen = {whereby.find_all("cdm-s82")[0].external_id for _ in range(3)}
    assert chosen == {min(a.external_id, b.external_id)}


def test_ensure_room_reports_a_rate_limit_without_making_a_room(whereby, whereby_server):
    whereby_server.rate_limit(count=3, seconds=10)
    with pytest.raises(TemporaryRoomError) as caught:
        ensure_room(whereby, "cdm-s83", START, END, "Atelier")
    assert caught.value.retry_after == 10
    assert whereby_server.meetings == {}
