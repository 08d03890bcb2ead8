"""A room is never booked twice at overlapping times: sessions, reschedules, place changes, series."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from app.calendar import services as calendar
from app.errors import ValidationError
from tests import factories as f
from tests.factories import soon


@pytest.fixture
def room_world():
    place = f.venue(rooms=("Salle 1", "Salle 2"))
    start = soon(7)
    taken = calendar.create_session(f.activity("taken"), start, start + timedelta(hours=2), "face_to_face",
                                    venue=place, room=place.rooms[0])
    return place, start, taken


def test_overlapping_times_in_one_room_are_refused(room_world):
    place, start, taken = room_world
    act = f.activity("other")
    with pytest.raises(ValidationError) as caught:
        calendar.create_session(act, start + timedelta(hours=1), start + timedelta(hours=3), "face_to_face",
                                venue=place, room=place.rooms[0])
    message = caught.value.errors["room"]  # in the default language, French
    assert message.startswith("Salle 1 ") and "Atelier taken" in message and f"{taken.id})" in message
    # Touching ends, another room, online, or a cancelled session are fine.
    calendar.create_session(act, start + timedelta(hours=2), start + timedelta(hours=3), "face_to_face",
                            venue=place, room=place.rooms[0])
    calendar.create_session(act, start, start + timedelta(hours=1), "face_to_face", venue=place, room=place.rooms[1])
    calendar.create_session(act, start, start + timedelta(hours=1), "online")
    calendar.cancel_session(taken, "")
    calendar.create_session(act, start, start + timedelta(hours=1), "face_to_face", venue=place, room=place.rooms[0])


def test_reschedule_and_place_changes_are_checked(room_world):
    place, start, taken = room_world
    other = calendar.create_session(f.activity("other"), start, start + timedelta(hours=1), "face_to_face",
                                    venue=place, room=place.rooms[1])
    with pytest.raises(ValidationError):
        calendar.update_session(other, room=place.rooms[0])
    assert other.room_id == place.rooms[1].id
    calendar.reschedule_session(other, start + timedelta(hours=3), start + timedelta(hours=4))
    calendar.update_session(other, room=place.rooms[0])  # free at the new time
    with pytest.raises(ValidationError):
        calendar.reschedule_session(other, start + timedelta(minutes=90), start + timedelta(minutes=150))
    calendar.reschedule_session(other, start + timedelta(hours=5), start + timedelta(hours=6))  # itself is no clash
    calendar.update_session(other, capacity=5)  # same room: no check needed


def test_a_series_is_refused_at_its_first_future_clash(room_world):
    place, start, taken = room_world
    day, weekly = start.date(), f.activity("weekly")
    with pytest.raises(ValidationError) as caught:
        calendar.create_series(weekly, weekdays=[day.isoweekday()], start_time=time(15),
                               start_date=day - timedelta(days=7), end_date=day + timedelta(days=14),
                               format="face_to_face", venue=place, room=place.rooms[0], duration_minutes=60)
    assert str(day.day) in caught.value.errors["room"]
    series = calendar.create_series(weekly, weekdays=[day.isoweekday()], start_time=time(16),
                                    start_date=day - timedelta(days=7), end_date=day + timedelta(days=14),
                                    format="face_to_face", venue=place, room=place.rooms[0], duration_minutes=60)
    with pytest.raises(ValidationError):  # edit the future into the booked hours
        calendar.update_series(series, start_time=time(14, 30))
    calendar.update_series(series, start_time=time(17))  # its own sessions never clash with it
    with pytest.raises(ValidationError):
        calendar.move_occurrence(series, day + timedelta(days=7), start, start + timedelta(hours=1))
    calendar.skip_occurrence(series, day)
    calendar.update_series(series, start_time=time(14, 30), weekdays=[day.isoweekday()], end_date=day)  # skipped date
