"""Planning pages: activities, series with their preview, one-off sessions, edits, cancelling, the week."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.calendar import services as calendar
from app.calendar.models import Activity, Series, SeriesException, Session
from app.extensions import db
from app.registrations.services import register
from app.timeutil import BRUSSELS, UTC, local_today
from tests import factories as f
from tests.factories import HOSTILE, as_role, one_session, outbox, soon


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def _text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Activities ------------------------------------------------------------------------------------


def activity_form(**changes) -> dict:
    theme, aud = f.theme(), f.audience()
    a, b = f.partner("actiris"), f.partner("vdab-brussel")
    data = {"title_fr": "Rédiger son CV", "title_nl": "Je cv schrijven", "title_en": "Writing your CV",
            "summary_fr": "Un atelier", "summary_nl": "Een workshop", "summary_en": "A workshop",
            "description_fr": "Long", "description_nl": "Lang", "description_en": "Long",
            "theme": str(theme.id), "audiences": [str(aud.id)], "language": "fr_nl",
            "default_duration_minutes": "90", "default_capacity": "12", "organiser": str(a.id),
            "cohosts": [str(b.id)]}
    data.update(changes)
    return data


def test_create_and_edit_an_activity_in_three_languages(client, coordinator):
    response = client.post("/fr/staff/activities/new", data=activity_form())
    assert response.status_code == 303
    act = db.session.scalar(sa.select(Activity))
    assert (act.title_fr, act.title_nl, act.title_en) == ("Rédiger son CV", "Je cv schrijven", "Writing your CV")
    assert act.slug == "rediger-son-cv" and act.default_duration_minutes == 90 and act.default_capacity == 12
    assert act.organiser.slug == "actiris" and [p.slug for p in act.cohosts] == ["vdab-brussel"]
    assert [a.code for a in act.audiences] == ["jobseekers"] and act.schools_only is False
    before = act.updated_at
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'value="Je cv schrijven"' in _text(page)
    # Only a collection changes: the activity still counts as changed (feeds and caches follow).
    response = client.post(f"/nl/staff/activities/{act.id}", data=activity_form(cohosts=[], schools_only="y"))
    assert response.status_code == 303
    db.session.expire_all()
    act = db.session.get(Activity, act.id)
    assert act.cohosts == [] and act.schools_only is True and act.updated_at > before
    listing = client.get("/en/staff/activities")
    assert "Writing your CV" in _text(listing)


@pytest.mark.parametrize("changes, field", [
    ({"title_nl": ""}, "title_nl"),
    ({"title_fr": "x" * 201}, "title_fr"),
    ({"summary_en": "x" * 501}, "summary_en"),
    ({"title_fr": "bad\x00null"}, "title_fr"),
    ({"default_capacity": "0"}, "default_capacity"),
    ({"default_capacity": "99999999999999999999999"}, "default_capacity"),
    ({"default_duration_minutes": "two hours"}, "default_duration_minutes"),
    ({"language": "de"}, "language"),
    ({"theme": "999999"}, "theme"),
    ({"audiences": ["999999"]}, "audiences"),
    ({"organiser": "abc"}, "organiser"),
])
def test_bad_activity_values_are_refused_and_nothing_is_stored(client, coordinator, changes, field):
    response = client.post("/fr/staff/activities/new", data=activity_form(**changes))
    assert response.status_code == 422
    assert 'class="error-summary"' in _text(response) and f'href="#{field}"' in _text(response)
    assert count(Activity) == 0


def test_markup_in_every_activity_text_is_stored_as_typed_and_shown_as_text(client, coordinator):
    texts = {f"{field}_{lang}": HOSTILE for field in ("title", "summary", "description") for lang in ("fr", "nl", "en")}
    response = client.post("/fr/staff/activities/new", data=activity_form(**texts))
    assert response.status_code == 303
    for url in ["/fr/staff/activities", response.headers["Location"]]:
        body = _text(client.get(url))
        assert "<script>alert" not in body and "<b onmouseover" not in body
        assert "&lt;script&gt;alert" in body


# Series ----------------------------------------------------------------------------------------


def series_form(activity, room, **changes) -> dict:
    data = {"activity": str(activity.id), "weekdays": ["3"], "start_time": "14:00", "duration_minutes": "120",
            "start_date": "2026-03-04", "end_date": "2026-04-15", "format": "face_to_face", "venue": "",
            "room": str(room.id), "capacity": "15", "language": ""}
    data.update(changes)
    return data


def test_preview_lists_every_date_with_its_offset_across_the_spring_change(client, coordinator):
    act, place = f.activity(), f.venue()
    response = client.post("/en/staff/series/new", data=series_form(act, place.rooms[0], preview="1"))
    assert response.status_code == 200
    body = _text(response)
    rows = re.findall(r'<tr id="d(\d{4}-\d\d-\d\d)" class="([^"]*)">'
                      r'.*?<span class="offset">([+-]\d\d:\d\d)</span>', body, re.S)
    assert [r[0] for r in rows] == ["2026-03-04", "2026-03-11", "2026-03-18", "2026-03-25", "2026-04-01",
                                    "2026-04-08", "2026-04-15"]
    assert [r[2] for r in rows] == ["+01:00"] * 4 + ["+02:00"] * 3  # 29 March 2026: summer time
    assert "clock-change" in rows[4][1] and "clock-change" not in rows[3][1]
    assert 'datetime="2026-04-01T14:00+02:00"' in body and 'datetime="2026-03-25T14:00+01:00"' in body
    assert "Clocks changed since the week before" in body and "Create these sessions" in body
    assert count(Series) == 0 and count(Session) == 0  # a preview stores nothing


def _future_wednesdays(weeks: int = 6) -> tuple[date, date]:
    first = local_today() + timedelta(days=7)
    first += timedelta(days=(2 - first.weekday()) % 7)
    return first, first + timedelta(weeks=weeks - 1)


def test_confirm_creates_the_series_then_skip_and_move_survive_an_edit(client, coordinator):
    act, place = f.activity(), f.venue(rooms=("Salle 1", "Salle 2"))
    first, last = _future_wednesdays()
    data = series_form(act, place.rooms[0], start_date=first.isoformat(), end_date=last.isoformat(), confirm="1")
    response = client.post("/fr/staff/series/new", data=data)
    assert response.status_code == 303
    series = db.session.scalar(sa.select(Series))
    assert series.capacity == 15 and series.venue_id == place.id and len(calendar.occurrence_dates(series)) == 6
    url = f"/fr/staff/series/{series.id}"
    second, third = first + timedelta(weeks=1), first + timedelta(weeks=2)
    assert client.post(f"{url}/skip", data={"day": second.isoformat(), "reason_fr": "Congé"}).status_code == 303
    moved_to = f"{(third + timedelta(days=1)).isoformat()}T10:30"
    assert client.post(f"{url}/move", data={"day": third.isoformat(), "start": moved_to}).status_code == 303
    # Edit the future: 15:00, room 2, 20 seats.
    edit = {k: v for k, v in data.items() if k not in ("activity", "confirm")}
    edit.update(start_time="15:00", room=str(place.rooms[1].id), capacity="20")
    response = client.post(f"{url}/edit", data=edit)
    assert response.status_code == 303, _text(response)
    db.session.expire_all()
    rows = {s.occurrence_date: s for s in db.session.scalars(sa.select(Session).where(Session.series_id == series.id))}
    assert rows[second].status == "cancelled"
    moved = rows[third].start_at.astimezone(BRUSSELS)
    assert (moved.date(), moved.hour, moved.minute) == (third + timedelta(days=1), 10, 30)
    assert rows[third].end_at - rows[third].start_at == timedelta(hours=2)
    assert rows[third].room_id == place.rooms[1].id and rows[third].capacity == 20
    assert rows[first].start_at.astimezone(BRUSSELS).hour == 15 and rows[first].room_id == place.rooms[1].id
    page = _text(client.get(url))
    from flask_babel import force_locale, gettext

    with force_locale("fr"):
        assert gettext("Skipped") in page
    # Restore the skipped date: it follows the series again.
    assert client.post(f"{url}/restore", data={"day": second.isoformat()}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Session, rows[second].id).status == "scheduled"


def test_series_form_refuses_wrong_dates_and_values(client, coordinator):
    act, place = f.activity(), f.venue()
    cases = [
        ({"end_date": "2026-03-01"}, "end_date"),
        ({"end_date": "2029-03-01"}, "end_date"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": ["9"]}, "weekdays"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"capacity": "0", "confirm": "1"}, "capacity"),
        ({"format": "teleport", "confirm": "1"}, "format"),
        ({"room": "", "confirm": "1"}, "venue"),
    ]
    for changes, field in cases:
        data = series_form(act, place.rooms[0], preview="1")
        data.update(changes)
        response = client.post("/en/staff/series/new", data=data)
        assert response.status_code == 422, (changes, _text(response)[-2000:])
        assert f'href="#{field}"' in _text(response), changes
    assert count(Series) == 0 and count(Session) == 0


def test_skip_move_and_restore_refuse_bad_input(client, coordinator):
    first, last = _future_wednesdays(3)
    series = calendar.create_series(f.activity(), weekdays=[3], start_time=time(14), start_date=first, end_date=last,
                                    format="online")
    url = f"/fr/staff/series/{series.id}"
    assert client.post(f"{url}/skip", data={"day": (first + timedelta(days=1)).isoformat()}).status_code == 422
    assert client.post(f"{url}/skip", data={"day": first.isoformat(), "reason_fr": "x" * 301}).status_code == 422
    assert client.post(f"{url}/move", data={"day": first.isoformat(), "start": "soon"}).status_code == 422
    assert client.post(f"{url}/move", data={"day": "<b>", "start": "2026-12-01T10:00"}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(SeriesException.id))) == 0
    response = client.post(f"{url}/skip", data={"day": first.isoformat(), "reason_fr": HOSTILE})
    assert response.status_code == 303
    skipped = db.session.scalar(sa.select(Session.id).where(Session.occurrence_date == first))
    body = _text(client.get(f"/fr/staff/sessions/{skipped}"))
    assert "<script>alert" not in body and "&lt;script&gt;" in body


# One-off sessions, edits, cancelling -------------------------------------------------------------


def test_create_a_one_off_session_with_the_activity_defaults(client, coordinator):
    act, place = f.activity(capacity=18, minutes=90), f.venue()
    start = soon(5)
    response = client.post("/fr/staff/sessions/new", data={
        "activity": str(act.id), "start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "",
        "format": "hybrid", "venue": str(place.id), "room": "", "capacity": "", "language": ""})
    assert response.status_code == 303
    session = db.session.scalar(sa.select(Session))
    assert session.start_at == start.astimezone(UTC) and session.end_at - session.start_at == timedelta(minutes=90)
    assert session.capacity == 18 and session.language == act.language and session.format == "hybrid"


def test_one_off_session_form_refuses_bad_input(client, coordinator):
    act, place = f.activity(), f.venue()
    base = {"activity": str(act.id), "start": soon().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60",
            "format": "face_to_face", "venue": str(place.id), "room": "", "capacity": "10", "language": ""}
    for changes, field in [({"start": "tomorrow"}, "start"), ({"start": "3026-01-01T10:00"}, "start"),
                           ({"duration_minutes": "2000"}, "duration_minutes"), ({"venue": ""}, "venue"),
                           ({"capacity": "-3"}, "capacity"), ({"activity": HOSTILE}, "activity"),
                           ({"language": "xx"}, "language")]:
        data = dict(base, **changes)
        response = client.post("/en/staff/sessions/new", data=data)
        assert response.status_code == 422, changes
        assert f'href="#{field}"' in _text(response), (changes, _text(response)[-1500:])
        assert "<script>alert" not in _text(response)
    assert count(Session) == 0


def test_edit_time_place_and_seats_tells_people_and_refuses_a_capacity_below_the_confirmed(client, coordinator):
    session = one_session(capacity=3)
    for n in range(3):
        register(session.id, dict(name=f"P{n}", email=f"p{n}@example.be", language="fr", consent=True))
    url = f"/en/staff/sessions/{session.id}/edit"
    start = session.start_at.astimezone(BRUSSELS)
    data = {"start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "120", "format": "face_to_face",
            "venue": str(session.venue_id), "room": str(session.room_id), "capacity": "2"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "3 people are confirmed: the capacity cannot go below that" in _text(response)
    assert 'href="#capacity"' in _text(response)
    db.session.expire_all()
    assert db.session.get(Session, session.id).capacity == 3 and outbox("change") == []
    # A later time in the other room, one more seat: everyone is told.
    later = start + timedelta(days=1, hours=1)
    data.update(start=later.strftime("%Y-%m-%dT%H:%M"), room=str(session.venue.rooms[1].id), capacity="4")
    response = client.post(url, data=data)
    assert response.status_code == 303
    db.session.expire_all()
    edited = db.session.get(Session, session.id)
    assert edited.start_at == later.astimezone(UTC) and edited.room_id == session.venue.rooms[1].id
    assert edited.capacity == 4
    assert {m.to_email for m in outbox("change")} == {"p0@example.be", "p1@example.be", "p2@example.be"}


def test_room_conflict_is_refused_with_the_other_session_named(client, coordinator):
    taken = one_session(slug="taken")
    other = one_session(slug="other", days=4)
    start = taken.start_at.astimezone(BRUSSELS) + timedelta(hours=1)
    response = client.post(f"/en/staff/sessions/{other.id}/edit", data={
        "start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60", "format": "face_to_face",
        "venue": str(other.venue_id), "room": str(other.room_id), "capacity": "2"})
    assert response.status_code == 422
    body = _text(response)
    assert "Salle 1 is already booked" in body and "Workshop taken (en)" in body and f"session {taken.id}" in body
    db.session.expire_all()
    assert db.session.get(Session, other.id).start_at == other.start_at
    # The same through the one-off session form.
    response = client.post("/en/staff/sessions/new", data={
        "activity": str(other.activity_id), "start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "30",
        "format": "face_to_face", "venue": "", "room": str(taken.room_id), "capacity": "", "language": ""})
    assert response.status_code == 422 and "already booked" in _text(response)
    assert count(Session) == 2


def test_series_clashing_with_a_session_is_refused_at_the_first_clash(client, coordinator):
    first, last = _future_wednesdays(4)
    clash_day = first + timedelta(weeks=2)
    act, place = f.activity("weekly"), f.venue()
    calendar.create_session(f.activity("blocker"), f.local(clash_day.year, clash_day.month, clash_day.day, 15),
                            f.local(clash_day.year, clash_day.month, clash_day.day, 17), "face_to_face",
                            venue=place, room=place.rooms[0])
    data = series_form(act, place.rooms[0], start_date=first.isoformat(), end_date=last.isoformat(), confirm="1")
    response = client.post("/en/staff/series/new", data=data)
    assert response.status_code == 422
    assert "already booked" in _text(response) and str(clash_day.day) in _text(response)
    assert count(Series) == 0 and count(Session) == 1


def test_cancel_with_a_reason_tells_everyone(client, coordinator):
    session = one_session()
    register(session.id, dict(name="Ana", email="ana@example.be", language="nl", consent=True))
    url = f"/fr/staff/sessions/{session.id}/cancel"
    assert client.post(url, data={"reason_fr": ""}).status_code == 422
    assert client.post(url, data={"reason_fr": "x" * 301}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Session, session.id).status == "scheduled"
    response = client.post(url, data={"reason_fr": HOSTILE})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Session, session.id).status == "cancelled"
    (message,) = outbox("cancellation")
    assert message.to_email == "ana@example.be"
    body = _text(client.get(f"/fr/staff/sessions/{session.id}"))
    assert "<script>alert" not in body and "&lt;script&gt;" in body


# The week --------------------------------------------------------------------------------------


def test_week_shows_every_session_with_seats_and_waiting_list_in_few_queries(app, client, coordinator):
    monday = local_today() + timedelta(days=7 - local_today().weekday())
    place = f.venue()
    public = f.activity("public", capacity=1)
    schools = f.activity("pto", schools_only=True)
    sessions = []
    for n in range(6):
        start = f.local(monday.year, monday.month, monday.day, 9 + n) + timedelta(days=n % 3)
        sessions.append(calendar.create_session(public if n % 2 else schools, start, start + timedelta(minutes=50),
                                                "online" if n % 3 == 0 else "face_to_face", venue=place, capacity=1))
    register(sessions[1].id, dict(name="A", email="a@example.be", language="fr", consent=True))
    register(sessions[1].id, dict(name="B", email="b@example.be", language="fr", consent=True))
    calendar.cancel_session(sessions[3], "Malade")
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.get(f"/en/staff/?week={monday.isoformat()}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200
    body = _text(response)
    for s in sessions:
        assert f"/en/staff/sessions/{s.id}" in body
    assert "Workshop pto (en)" in body and "Schools" in body and "Cancelled" in body
    assert re.search(r"<td>1 / 1</td>\s*<td>1</td>", body)  # one seat taken, one waiting
    session_selects = [s for s in statements if re.search(r"FROM session\b", s)]
    assert len(session_selects) == 1, session_selects
    assert len(statements) < 15


def test_week_refuses_a_bad_date(client, coordinator):
    assert client.get("/fr/staff/?week=2026-13-45").status_code == 400
    assert client.get("/fr/staff/?week=<script>").status_code == 400


# Access ----------------------------------------------------------------------------------------


def test_counsellors_see_but_do_not_plan(app, client):
    as_role(app, client, "counsellor")
    session = one_session()
    assert client.get("/fr/staff/").status_code == 200
    assert client.get(f"/fr/staff/sessions/{session.id}").status_code == 200
    for url in ["/fr/staff/activities", "/fr/staff/activities/new", "/fr/staff/series/new", "/fr/staff/sessions/new",
                f"/fr/staff/sessions/{session.id}/edit", f"/fr/staff/sessions/{session.id}/cancel",
                "/fr/staff/messages"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/fr/staff/sessions/{session.id}/cancel", data={"reason_fr": "no"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Session, session.id).status == "scheduled"


def test_partner_users_see_only_their_sessions_pages(app, client):
    mine = one_session(activity=f.activity("mine", organiser="actiris"))
    theirs = one_session(activity=f.activity("theirs", organiser="vdab"), days=4)
    as_role(app, client, "partner", partner=f.partner("actiris"))
    assert client.get(f"/fr/staff/sessions/{mine.id}").status_code == 200
    assert client.get(f"/fr/staff/sessions/{theirs.id}").status_code == 403
    assert client.post(f"/fr/staff/sessions/{mine.id}/registrations", data={}).status_code == 403
    assert client.get("/fr/staff/messages").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    if "accounts.login" not in app.view_functions:
        pytest.skip("no login page in this build")
    response = client.get("/fr/staff/")
    assert response.status_code in (302, 303, 401)
