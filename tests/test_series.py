"""Weekly series in Brussels wall-clock time, exceptions, and edits that spare hand-edited sessions."""
from datetime import date, datetime, time, timedelta

import pytest

from app.calendar import services
from app.calendar.models import Session
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.timeutil import BRUSSELS, UTC
from tests import factories as f

PAST = datetime(2026, 1, 1, tzinfo=UTC)


def sessions_of(series):
    return list(db.session.scalars(db.select(Session).where(Session.series_id == series.id)
                                   .order_by(Session.occurrence_date)))


def make_series(start=date(2026, 3, 4), end=date(2026, 11, 25), **kw):
    act = f.activity()
    venue = f.venue()
    values = dict(weekdays=[f.WEDNESDAY], start_time=f.TWO_PM, start_date=start, end_date=end,
                  format="face_to_face", venue=venue, room=venue.rooms[0], duration_minutes=120)
    values.update(kw)
    return services.create_series(act, **values)


def test_wednesday_two_pm_stays_local_across_both_dst_changes():
    series = make_series()
    rows = sessions_of(series)
    assert [r.occurrence_date.isoweekday() for r in rows] == [3] * len(rows)
    for row in rows:
        local = row.start_at.astimezone(BRUSSELS)
        assert (local.hour, local.minute) == (14, 0), row.occurrence_date
        assert row.end_at - row.start_at == timedelta(hours=2)
        assert row.start_at.tzinfo is not None
    by_day = {r.occurrence_date: r for r in rows}
    # Before 29 March 2026 Brussels is UTC+1, after it UTC+2; after 25 October UTC+1 again.
    assert by_day[date(2026, 3, 25)].start_at == datetime(2026, 3, 25, 13, 0, tzinfo=UTC)
    assert by_day[date(2026, 4, 1)].start_at == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    assert by_day[date(2026, 10, 21)].start_at == datetime(2026, 10, 21, 12, 0, tzinfo=UTC)
    assert by_day[date(2026, 10, 28)].start_at == datetime(2026, 10, 28, 13, 0, tzinfo=UTC)


def test_session_ending_across_the_autumn_change_lasts_wall_clock_time():
    series = make_series(start=date(2026, 10, 24), end=date(2026, 10, 24), weekdays=[6],
                         start_time=time(23, 0), duration_minutes=240)
    (row,) = sessions_of(series)
    assert row.end_at.astimezone(BRUSSELS).hour == 3
    assert row.end_at - row.start_at == timedelta(hours=5)  # the night has one hour more


def test_expansion_is_idempotent():
    series = make_series()
    before = [(r.id, r.revision) for r in sessions_of(series)]
    services.expand_series(series)
    services.expand_series(series)
    assert [(r.id, r.revision) for r in sessions_of(series)] == before


def test_skipped_and_moved_dates_survive_a_series_edit():
    series = make_series(start=date(2030, 1, 2), end=date(2030, 2, 27))
    services.skip_occurrence(series, date(2030, 1, 16), reason="holiday")
    moved_start = datetime(2030, 1, 24, 10, 0, tzinfo=BRUSSELS)
    services.move_occurrence(series, date(2030, 1, 23), moved_start, moved_start + timedelta(hours=2))
    services.update_series(series, start_time=time(15, 0), weekdays=[3])
    by_day = {r.occurrence_date: r for r in sessions_of(series)}
    assert by_day[date(2030, 1, 16)].status == "cancelled"  # skipped, stays so
    moved = by_day[date(2030, 1, 23)]
    assert moved.start_at == moved_start.astimezone(UTC)
    assert moved.status == "scheduled"
    assert by_day[date(2030, 1, 30)].start_at.astimezone(BRUSSELS).hour == 15


def test_skip_of_an_existing_session_cancels_it_and_restore_brings_it_back():
    series = make_series(start=date(2030, 1, 2), end=date(2030, 1, 30))
    services.skip_occurrence(series, date(2030, 1, 9))
    row = next(r for r in sessions_of(series) if r.occurrence_date == date(2030, 1, 9))
    assert row.status == "cancelled" and row.revision == 1
    services.update_series(series, capacity=25)
    assert row.status == "cancelled"
    services.restore_occurrence(series, date(2030, 1, 9))
    db.session.refresh(row)
    assert row.status == "scheduled" and row.revision == 2 and row.capacity == 25


def test_edit_changes_only_future_sessions_not_edited_by_hand():
    series = make_series(start=date(2025, 12, 3), end=date(2027, 6, 30))
    rows = sessions_of(series)
    past = [r for r in rows if r.start_at < datetime.now(UTC)]
    future = [r for r in rows if r.start_at > datetime.now(UTC)]
    hand = future[1]
    new_start = hand.start_at + timedelta(hours=1)
    services.reschedule_session(hand, new_start, new_start + timedelta(hours=2))
    assert hand.detached and hand.revision == 1
    services.update_series(series, start_time=time(10, 0), capacity=12)
    for row in past:
        db.session.refresh(row)
        assert row.start_at.astimezone(BRUSSELS).hour == 14 and row.capacity == 20
    db.session.refresh(hand)
    assert hand.start_at == new_start and hand.capacity == 20
    other = future[2]
    db.session.refresh(other)
    assert other.start_at.astimezone(BRUSSELS).hour == 10 and other.capacity == 12 and other.revision == 1


def test_dropped_weekday_cancels_future_sessions_of_that_day():
    series = make_series(start=date(2030, 1, 1), end=date(2030, 1, 31), weekdays=[2, 4])
    services.update_series(series, weekdays=[4])
    rows = sessions_of(series)
    assert {r.status for r in rows if r.occurrence_date.isoweekday() == 2} == {"cancelled"}
    assert {r.status for r in rows if r.occurrence_date.isoweekday() == 4} == {"scheduled"}


def test_preview_shows_the_dst_weeks_in_local_time():
    series = make_series(start=date(2026, 3, 18), end=date(2026, 4, 8))
    preview = services.preview_series(series)
    assert [p[1].strftime("%H:%M %z") for p in preview] == ["14:00 +0100", "14:00 +0100", "14:00 +0200", "14:00 +0200"]


@pytest.mark.parametrize("changes, field", [
    ({"end_date": date(2026, 1, 1)}, "end_date"),
    ({"weekdays": []}, "weekdays"),
    ({"weekdays": [9]}, "weekdays"),
    ({"capacity": 0}, "capacity"),
    ({"format": "teleport"}, "format"),
    ({"duration_minutes": 0}, "duration_minutes"),
])
def test_invalid_series_is_refused_and_nothing_changes(changes, field):
    series = make_series(start=date(2030, 1, 2), end=date(2030, 1, 30))
    before = [(r.id, r.start_at, r.capacity) for r in sessions_of(series)]
    with pytest.raises(ValidationError) as err, unit_of_work():
        services.update_series(series, **changes)
    assert field in err.value.errors
    assert [(r.id, r.start_at, r.capacity) for r in sessions_of(series)] == before


def test_one_off_sessions_validate_place_times_and_capacity():
    act = f.activity()
    start = datetime(2030, 5, 6, 10, tzinfo=BRUSSELS)
    with pytest.raises(ValidationError) as err:
        services.create_session(act, start, start - timedelta(hours=1), "face_to_face", capacity=0)
    assert set(err.value.errors) == {"end", "venue", "capacity"}
    online = services.create_session(act, start, start + timedelta(hours=2), "online")
    assert online.venue is None and online.language == "fr_nl" and online.capacity == 20


def test_cancel_and_format_change_bump_revision_capacity_alone_does_not():
    act = f.activity()
    venue = f.venue()
    start = datetime(2030, 5, 6, 10, tzinfo=BRUSSELS)
    row = services.create_session(act, start, start + timedelta(hours=2), "face_to_face", venue=venue)
    services.update_session(row, capacity=25)
    assert row.revision == 0 and row.capacity == 25
    services.update_session(row, format="online")
    assert row.revision == 1 and row.venue is None
    services.cancel_session(row, "trainer ill")
    services.cancel_session(row, "again")
    assert row.revision == 2 and row.status == "cancelled" and row.cancel_reason_fr == "trainer ill"


@pytest.mark.parametrize("args, field", [
    ({"from": "9999-12-31"}, "from"), ({"to": "0001-01-01"}, "to"), ({"from": "2026-13-01"}, "from"),
    ({"from": "2026-03-01", "to": "2026-02-01"}, "to"), ({"from": "2026-01-01", "to": "2027-06-01"}, "to"),
    ({"format": "teleport"}, "format"), ({"language": "de"}, "language"), ({"theme": "nope"}, "theme"),
])
def test_filters_refuse_bad_parameters_with_the_field_named(args, field):
    from app.calendar.queries import parse_filters

    flt, errors = parse_filters(args)
    assert flt is None and field in errors
