"""The room interface: choosing a provider from the settings, Jitsi rooms, ensure_room."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from app.integrations.google_meet import GoogleMeetProvider
from app.integrations.http_client import DEFAULT_TIMEOUT, parse_retry_after
from app.integrations.jitsi import JitsiProvider
from app.integrations.registry import http_timeout, provider_for
from app.integrations.rooms import (
    MeetingRoom,
    PermanentRoomError,
    RoomError,
    RoomProvider,
    TemporaryRoomError,
    as_utc,
    ensure_room,
)
from app.integrations.whereby import WherebyProvider
from tests.fakes.fixtures import TEST_TIMEOUT, google_server, rooms_config, whereby_server  # noqa: F401

START = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
END = START + timedelta(hours=2)


def test_errors_carry_a_reason_and_the_delay_asked():
    temporary = TemporaryRoomError("Whereby rate limit reached", status=429, retry_after=12)
    assert isinstance(temporary, RoomError) and temporary.reason == str(temporary)
    assert (temporary.status, temporary.retry_after) == (429, 12)
    assert isinstance(PermanentRoomError("key refused"), RoomError)
    assert not isinstance(PermanentRoomError("x"), TemporaryRoomError)


def test_provider_for_each_name(rooms_config):
    whereby = provider_for("whereby", rooms_config)
    google = provider_for("google_meet", rooms_config)
    jitsi = provider_for("jitsi", rooms_config)
    assert isinstance(whereby, WherebyProvider) and whereby.timeout == TEST_TIMEOUT
    assert whereby.api_url == rooms_config["WHEREBY_API_URL"]
    assert isinstance(google, GoogleMeetProvider) and google.timeout == TEST_TIMEOUT
    assert google.calendar_id == "primary"
    assert isinstance(jitsi, JitsiProvider) and jitsi.base_url == "https://jitsi.example.org"
    assert {p.name for p in (whereby, google, jitsi)} == {"whereby", "google_meet", "jitsi"}
    assert all(isinstance(p, RoomProvider) for p in (whereby, google, jitsi))


def test_every_provider_works_from_the_settings(rooms_config, whereby_server, google_server):
    for name in ("whereby", "google_meet", "jitsi"):
        provider = provider_for(name, rooms_config)
        room = ensure_room(provider, "cdm-s1", START, END, "Atelier", capacity=10)
        assert room.provider == name and room.join_url.startswith("https://") and room.host_url
        moved = provider.update(room, START + timedelta(hours=1), END + timedelta(hours=1), "Atelier")
        provider.delete(moved)
    assert whereby_server.meetings == {}
    assert google_server.live_events() == {}


def test_defaults_without_settings():
    jitsi = provider_for("jitsi", {})
    assert jitsi.base_url == "https://meet.jit.si"
    assert http_timeout({}) == DEFAULT_TIMEOUT == 10
    assert http_timeout({"ROOMS_HTTP_TIMEOUT": "2.5"}) == 2.5
    with pytest.raises(ValueError):
        http_timeout({"ROOMS_HTTP_TIMEOUT": "soon"})
    with pytest.raises(ValueError):
        http_timeout({"ROOMS_HTTP_TIMEOUT": 0})
    whereby = provider_for("whereby", {"WHEREBY_API_KEY": "k"})
    assert whereby.api_url == "https://api.whereby.dev/v1" and whereby.timeout == 10
    google = provider_for("google_meet", {"GOOGLE_CLIENT_ID": "i", "GOOGLE_CLIENT_SECRET": "s",
                                          "GOOGLE_REFRESH_TOKEN": "r"})
    assert google.token_url == "https://oauth2.googleapis.com/token"
    assert google.calendar_api_url == "https://www.googleapis.com/calendar/v3"


def test_a_provider_without_credentials_is_permanent():
    with pytest.raises(PermanentRoomError, match="WHEREBY_API_KEY"):
        provider_for("whereby", {"WHEREBY_API_URL": "http://127.0.0.1:9"})
    with pytest.raises(PermanentRoomError, match="GOOGLE_REFRESH_TOKEN"):
        provider_for("google_meet", {"GOOGLE_CLIENT_ID": "i", "GOOGLE_CLIENT_SECRET": "s"})
    with pytest.raises(ValueError):
        provider_for("zoom", {})


def test_jitsi_rooms_are_unguessable_and_need_no_call():
    jitsi = JitsiProvider("https://visio.example.org/")
    rooms = [jitsi.create("cdm-s1", START, END, "Atelier") for _ in range(50)]
    names = {r.external_id for r in rooms}
    assert len(names) == 50
    for room in rooms:
        assert re.fullmatch(r"CdM-[A-Za-z0-9]{24}", room.external_id)
        assert room.join_url == room.host_url == f"https://visio.example.org/{room.external_id}"
    room = rooms[0]
    assert jitsi.find("cdm-s1") is None
    assert jitsi.update(room, START + timedelta(days=1), END + timedelta(days=1), "Atelier") is room
    assert jitsi.delete(room) is None


class Recorder(RoomProvider):
    """A provider keeping its rooms in memory, failing on demand."""

    name = "memory"

    def __init__(self):
        self.rooms: dict[str, list[MeetingRoom]] = {}
        self.fail_create: Exception | None = None
        self.make_room_then_fail = False
        self.fail_delete: Exception | None = None
        self.serial = 0

    def create(self, key, start, end, title, *, capacity=None):
        if self.fail_create and not self.make_room_then_fail:
            raise self.fail_create
        self.serial += 1
        room = MeetingRoom(self.name, f"r{self.serial}", f"https://rooms.example.org/r{self.serial}",
                           f"https://rooms.example.org/r{self.serial}?host", {"key": key})
        self.rooms.setdefault(key, []).append(room)
        if self.fail_create:
            raise self.fail_create
        return room

    def find(self, key):
        rooms = self.find_all(key)
        return rooms[0] if rooms else None

    def find_all(self, key):
        return list(self.rooms.get(key, []))

    def update(self, room, start, end, title):
        return room

    def delete(self, room):
        if self.fail_delete:
            raise self.fail_delete
        self.rooms[room.extra["key"]].remove(room)


def test_ensure_room_creates_once():
    provider = Recorder()
    first = ensure_room(provider, "cdm-s1", START, END, "A")
    assert ensure_room(provider, "cdm-s1", START, END, "A") == first
    assert provider.serial == 1


def test_ensure_room_keeps_the_first_and_deletes_the_others():
    provider = Recorder()
    for _ in range(3):
        provider.create("cdm-s1", START, END, "A")
    kept = ensure_room(provider, "cdm-s1", START, END, "A")
    assert kept.external_id == "r1" and provider.rooms["cdm-s1"] == [kept]


def test_ensure_room_still_answers_when_an_extra_cannot_be_deleted_yet():
    provider = Recorder()
    provider.create("cdm-s1", START, END, "A")
    provider.create("cdm-s1", START, END, "A")
    provider.fail_delete = TemporaryRoomError("down")
    assert ensure_room(provider, "cdm-s1", START, END, "A").external_id == "r1"
    provider.fail_delete = None
    ensure_room(provider, "cdm-s1", START, END, "A")  # the next run finishes the job
    assert len(provider.rooms["cdm-s1"]) == 1


def test_ensure_room_finds_the_room_a_failed_create_made():
    provider = Recorder()
    provider.fail_create, provider.make_room_then_fail = TemporaryRoomError("time-out"), True
    room = ensure_room(provider, "cdm-s1", START, END, "A")
    assert provider.rooms["cdm-s1"] == [room]


def test_ensure_room_passes_errors_on_when_nothing_was_made():
    provider = Recorder()
    provider.fail_create = TemporaryRoomError("rate limit", retry_after=30)
    with pytest.raises(TemporaryRoomError) as caught:
        ensure_room(provider, "cdm-s1", START, END, "A")
    assert caught.value.retry_after == 30
    provider.fail_create = PermanentRoomError("key refused")
    with pytest.raises(PermanentRoomError):
        ensure_room(provider, "cdm-s1", START, END, "A")
    assert provider.rooms == {}


def test_times_and_retry_after_helpers():
    assert as_utc(datetime(2020, 4, 7, 10, 0)) == datetime(2020, 4, 7, 10, 0, tzinfo=timezone.utc)
    brussels = datetime.fromisoformat("2020-04-07T12:00:00+02:00")
    assert as_utc(brussels) == datetime(2020, 4, 7, 10, 0, tzinfo=timezone.utc)
    assert parse_retry_after("30") == 30
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0


def test_google_providers_made_per_call_share_their_token(rooms_config, google_server):
    for n in range(3):
        provider_for("google_meet", rooms_config).create(f"cdm-s{n}", START, END, "Atelier")
    assert google_server.tokens_issued == 1
    google_server.expire_tokens()
    provider_for("google_meet", rooms_config).find("cdm-s0")
    provider_for("google_meet", rooms_config).find("cdm-s1")
    assert google_server.tokens_issued == 2


def test_integrations_know_nothing_of_the_application():
    """Providers import only the interface and the HTTP helpers; nothing here imports app.* models."""
    import ast
    from pathlib import Path

    import app.integrations as package

    folder = Path(package.__file__).parent
    local = {path.stem for path in folder.glob("*.py")}
    allowed = {"jitsi": {"rooms"}, "whereby": {"rooms", "http_client"}, "google_meet": {"rooms", "http_client"},
               "http_client": {"rooms"}, "rooms": set(), "__init__": set(),
               "registry": {"rooms", "http_client", "jitsi", "whereby", "google_meet"},
               "social": {"http_client"}, "facebook": {"social", "http_client"}, "linkedin": {"social", "http_client"},
               "social_registry": {"social", "http_client", "facebook", "linkedin"}}
    assert set(allowed) == local
    for name in sorted(local):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.module in allowed[name], f"{name} imports .{node.module}"
            elif isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("app"), f"{name} imports {node.module}"
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("app") for alias in node.names), name


def test_one_list_of_provider_names():
    from app.integrations.registry import CREDENTIALS, LABELS, PROVIDERS
    from app.videorooms.models import VideoRoom

    assert PROVIDERS == ("jitsi", "whereby", "google_meet")
    assert tuple(LABELS) == tuple(CREDENTIALS) == PROVIDERS
    (check,) = [c for c in VideoRoom.__table__.constraints if c.name == "ck_video_room_provider_known"]
    assert str(check.sqltext.compile(compile_kwargs={"literal_binds": True})) == \
        "provider IN ('jitsi', 'whereby', 'google_meet')"
