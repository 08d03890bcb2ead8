"""Hostile and odd input never reaches a 500: each case gets a clear 4xx in the person's language."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.calendar import services as calendar
from app.calendar.models import Session
from app.errors import ValidationError
from app.extensions import db
from app.registrations.models import Registration
from app.timeutil import BRUSSELS, UTC, exists_locally, local_span
from tests import factories as f
from tests.factories import one_session

GAP = "2027-03-28T02:30"  # the clocks go from 02:00 to 03:00 that night in Brussels


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def new_session(client, **changes):
    act = f.activity()
    data = {"activity": str(act.id), "start": "2027-05-05T10:00", "duration_minutes": "60", "format": "online",
            "capacity": "10", "language": ""}
    return client.post("/en/staff/sessions/new", data={**data, **changes})


@pytest.mark.parametrize("changes, words", [
    ({"duration_minutes": "999999999999"}, "from 1 minute to 24 hours"),
    ({"duration_minutes": "0"}, "from 1 minute to 24 hours"),
    ({"capacity": "999999999999"}, "capacity"),
    ({"start": GAP}, "02:30 does not exist on 28 March 2027"),
])
def test_one_off_sessions_refuse_impossible_values_with_a_message(client, coordinator, changes, words):
    response = new_session(client, **changes)
    assert response.status_code == 422, response.text[-500:]
    assert words in response.text
    assert count(Session) == 0


def test_an_edit_into_the_spring_gap_is_refused_in_french(client, coordinator):
    session = one_session()
    before = (session.start_at, session.end_at)
    response = client.post(f"/fr/staff/sessions/{session.id}/edit", data={
        "start": GAP, "duration_minutes": "60", "format": "online", "capacity": "5"})
    assert response.status_code == 422 and "02:30 n’existe pas le 28 mars 2027" in response.text
    assert (session.start_at, session.end_at) == before


def test_a_series_across_the_spring_gap_reads_its_time_as_rfc_5545_says():
    """A weekly 02:30 series meets the night without 02:30: that date runs 03:30–04:30 summer time."""
    assert not exists_locally(date(2027, 3, 28), time(2, 30)) and exists_locally(date(2027, 3, 21), time(2, 30))
    start, end = local_span(date(2027, 3, 28), time(2, 30), 60)
    assert (start.astimezone(BRUSSELS).time(), end.astimezone(BRUSSELS).time()) == (time(3, 30), time(4, 30))
    series = calendar.create_series(f.activity(), weekdays=[7], start_time=time(2, 30), start_date=date(2027, 3, 21),
                                    end_date=date(2027, 4, 4), format="online", duration_minutes=60)
    spans = sorted((s.start_at.astimezone(BRUSSELS), s.end_at - s.start_at)
                   for s in db.session.scalars(sa.select(Session).where(Session.series_id == series.id)))
    assert [(s.day, s.hour, s.minute) for s, _ in spans] == [(21, 2, 30), (28, 3, 30), (4, 2, 30)]
    assert {length for _, length in spans} == {timedelta(hours=1)}


def test_the_calendar_compares_times_as_instants_not_as_wall_clocks():
    """02:30 (which does not exist) to 03:30 on that night is no time at all: refused, not stored."""
    start = datetime(2027, 3, 28, 2, 30, tzinfo=BRUSSELS)
    end = datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS)
    with pytest.raises(ValidationError) as refused:
        calendar.create_session(f.activity(), start, end, "online")
    assert "end" in refused.value.errors and count(Session) == 0


@pytest.mark.parametrize("percent", ["0", "500", "-3"])
def test_a_capacity_cap_outside_1_to_100_is_refused_with_its_message(client, coordinator, percent):
    response = client.post("/en/staff/capacity-caps/new", data={
        "venue": "0", "first_day": "2027-01-04", "last_day": "2027-01-08", "percent": percent, "reason_fr": "Travaux"})
    assert response.status_code == 422 and "Give a share from 1 to 100 %." in response.text


def test_deeply_nested_json_is_bad_json(client):
    session = one_session()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(f"/api/v1/sessions/{session.id}/registrations?lang=nl", data=body,
                           content_type="application/json")
    assert response.status_code == 422 and "body" in response.get_json()["errors"]
    assert count(Registration) == 0


def test_deeply_nested_json_on_the_attendance_sheet(client, coordinator):
    session = one_session()
    response = client.post(f"/en/staff/sessions/{session.id}/attendance/mark", data="[" * 50_000 + "]" * 50_000,
                           content_type="application/json")
    assert 400 <= response.status_code < 500


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    session = one_session()
    api = client.post(f"/api/v1/sessions/{session.id}/registrations?lang=fr", data=b"x" * (200 * 1024),
                      content_type="application/json")
    assert api.status_code == 413 and "65536" in api.get_json()["errors"]["body"]
    page = client.post(f"/nl/sessions/{session.id}", data={"name": "x" * (200 * 1024)})
    assert page.status_code == 413 and 'lang="nl"' in page.text and "Te veel om te versturen" in page.text
    assert count(Registration) == 0


@pytest.mark.parametrize("url", ["/fr/?theme=%ff%fe&week=%c3", "/api/v1/sessions?from=%ff",
                                 "/feeds/workshops.ics?lang=%ff", "/api/v1/sessions?from=0000-00-00",
                                 "/api/v1/sessions?lang=", "/nl/sessions/%C2%B2",
                                 "/api/v1/sessions/999999999999", "/fr/sessions/999999999999"])
def test_odd_query_strings_and_ids_are_answered_not_crashed_on(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)


def test_an_empty_lang_is_refused_by_the_api_as_its_description_says(client):
    response = client.get("/api/v1/sessions?lang=")
    assert response.status_code == 422 and "lang" in response.get_json()["errors"]


def test_the_api_description_refuses_what_the_api_refuses():
    import re

    from app.api.openapi import DATE_PATTERN, SCHEMAS

    for bad in ("0000-00-00", "2026-13-01", "2026-02-00", "1999-12-31", "2101-01-01"):
        assert not re.match(DATE_PATTERN, bad), bad
    for good in ("2000-01-01", "2026-02-28", "2100-12-31", ""):
        assert re.match(DATE_PATTERN, good), good
    name = SCHEMAS["RegistrationRequest"]["properties"]["name"]
    assert name["minLength"] == 1 and name["maxLength"] == 120


def test_start_times_stored_as_utc_instants_across_the_gap():
    session = calendar.create_session(f.activity(), datetime(2027, 3, 28, 1, 30, tzinfo=BRUSSELS),
                                      datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS), "online")
    assert session.end_at - session.start_at == timedelta(hours=1)
    assert session.start_at == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)


def test_a_lone_carriage_return_in_a_reason_never_reaches_the_feed_raw(client):
    session = one_session()
    calendar.cancel_session(session, "Travaux\rfin à 17h\r\nmerci")
    body = client.get(f"/feeds/sessions/{session.id}.ics?lang=fr").data
    assert b"\r" not in body.replace(b"\r\n", b"")
    from ical.calendar_stream import IcsCalendarStream

    (event,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert "Travaux\nfin à 17h\nmerci" in event.description


@pytest.mark.parametrize("blank", [" ", "\t", "   "])
def test_a_blank_date_or_time_is_missing_not_a_crash(client, coordinator, blank):
    session = one_session()
    edit = client.post(f"/en/staff/sessions/{session.id}/edit", data={
        "start": blank, "duration_minutes": "60", "format": "online", "capacity": "5"})
    assert edit.status_code == 422
    series = calendar.create_series(f.activity("series-act"), weekdays=[3], start_time=time(14),
                                    start_date=date(2031, 1, 1),
                                    end_date=date(2031, 1, 29), format="online")
    for action, data in (("move", {"day": blank, "start": blank}), ("skip", {"day": blank}),
                         ("restore", {"day": blank})):
        response = client.post(f"/en/staff/series/{series.id}/{action}", data=data)
        assert response.status_code == 422, action
