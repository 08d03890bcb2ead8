"""The iCalendar feed and the one-session download, read back with an independent parser (PyPI `ical`).

To see a cancelled session age out of the feed, the test cancels it through the service, then moves its
`cancelled_at` back in the database: waiting 30 days is not an option, and nothing else is touched.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo

from app.calendar import services
from app.calendar.models import Session
from app.database import unit_of_work
from app.extensions import db
from app.feeds.ics import build_calendar, build_feed
from app.timeutil import BRUSSELS, UTC, utcnow
from tests import factories as f

YEAR_2026 = {"from": "2026-03-01", "to": "2026-12-31"}


def feed(client, **args):
    response = client.get("/feeds/workshops.ics", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def parse(body: bytes):
    return IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))


def events_by_uid(body: bytes) -> dict:
    return {event.uid: event for event in parse(body).events}


def extra(calendar, name: str) -> str:
    return next(p.value for p in calendar.extras if p.name == name)


def wednesday_series(activity=None, **kw):
    venue = f.venue()
    values = dict(weekdays=[f.WEDNESDAY], start_time=f.TWO_PM, start_date=date(2026, 3, 4),
                  end_date=date(2026, 11, 25), format="face_to_face", venue=venue, room=venue.rooms[0],
                  duration_minutes=120)
    values.update(kw)
    return services.create_series(activity or f.activity(), **values)


def cv_activity():
    from app.calendar.models import Activity

    return db.session.scalar(db.select(Activity).filter_by(slug="cv")) or f.activity("cv")


def one_session(act=None, start=None, fmt="face_to_face", in_room=False, **kw) -> Session:
    """A session at the centre; `in_room` books its first room (one booking per room and time)."""
    act = act or cv_activity()
    start = start or f.local(2026, 6, 10, 14)
    venue = f.venue() if fmt != "online" else None
    return services.create_session(act, start, start + timedelta(hours=2), fmt, venue=venue,
                                   room=venue.rooms[0] if venue and in_room else None, **kw)


# The independent parser ------------------------------------------------------------------------


def test_weekly_series_stays_at_two_pm_across_both_dst_changes(client):
    series = wednesday_series()
    rows = list(db.session.scalars(db.select(Session).where(Session.series_id == series.id)))
    calendar = parse(feed(client, **YEAR_2026).data)
    events = list(calendar.timeline_tz(BRUSSELS))
    assert len(events) == len(rows) == 39
    days = {e.dtstart.date() for e in events}
    assert {date(2026, 3, 25), date(2026, 4, 1), date(2026, 10, 21), date(2026, 10, 28)} <= days
    for event in events:
        local = event.dtstart.astimezone(BRUSSELS)
        assert (local.weekday(), local.hour, local.minute) == (2, 14, 0), event.dtstart
        assert event.dtend.astimezone(BRUSSELS).hour == 16
    # The file's own VTIMEZONE, not the system's, puts every event at the instant stored.
    (vtimezone,) = calendar.timezones
    own_zone = IcsTimezoneInfo.from_timezone(vtimezone)
    stored = {f"session-{r.id}@127.0.0.1": r.start_at for r in rows}
    for event in calendar.events:
        assert event.dtstart.replace(tzinfo=own_zone).astimezone(UTC) == stored[event.uid]
    spring = [e for e in calendar.events if e.dtstart.date() in (date(2026, 3, 25), date(2026, 4, 1))]
    offsets = sorted(e.dtstart.replace(tzinfo=own_zone).utcoffset() for e in spring)
    assert offsets == [timedelta(hours=1), timedelta(hours=2)]


def test_vtimezone_offsets_around_the_changes(client):
    body = feed(client).data
    (vtimezone,) = parse(body).timezones
    zone = IcsTimezoneInfo.from_timezone(vtimezone)
    for moment in (datetime(2026, 3, 29, 1, 59), datetime(2026, 3, 29, 3, 0), datetime(2026, 10, 25, 1, 0),
                   datetime(2026, 10, 25, 3, 30), datetime(2030, 7, 1, 12), datetime(2031, 1, 15, 12)):
        assert moment.replace(tzinfo=zone).utcoffset() == moment.replace(tzinfo=BRUSSELS).utcoffset(), moment


def test_event_content(client):
    act = f.activity("cv", organiser="actiris")
    session = one_session(act, language="fr", in_room=True)
    event = events_by_uid(feed(client, lang="en", **YEAR_2026).data)[f"session-{session.id}@127.0.0.1"]
    url = f"http://127.0.0.1:5000/en/sessions/{session.id}"
    assert event.summary == "Workshop cv (en)"
    assert event.description.splitlines() == ["Summary", "", "Language: French", "Format: Face-to-face",
                                              f"Details and registration: {url}"]
    assert event.location == "Cité des métiers, Salle 1, Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode"
    assert event.url == url
    assert event.status == "CONFIRMED"
    assert event.categories == ["Theme jobsearch"]
    assert event.sequence == 0
    assert event.dtstamp == session.updated_at.replace(microsecond=0)
    assert event.last_modified == session.updated_at.replace(microsecond=0)
    assert event.created == session.created_at.replace(microsecond=0)


def test_calendar_properties(client):
    response = feed(client, lang="en")
    assert response.content_type == "text/calendar; charset=utf-8"
    assert "public" in response.headers["Cache-Control"] and "max-age" in response.headers["Cache-Control"]
    calendar = parse(response.data)
    assert calendar.version == "2.0" and calendar.prodid and calendar.calscale == "GREGORIAN"
    assert extra(calendar, "x-wr-timezone") == "Europe/Brussels"
    assert extra(calendar, "x-published-ttl") == "PT6H"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in response.data


@pytest.mark.parametrize("lang, name", [("fr", "Cité des métiers – ateliers"), ("nl", "Beroepenpunt – workshops"),
                                        ("en", "Cité des métiers – workshops")])
def test_calendar_name_in_the_language_asked(client, lang, name):
    calendar = parse(feed(client, lang=lang).data)
    assert extra(calendar, "name") == name
    assert extra(calendar, "x-wr-calname") == name


def test_language_negotiated_when_not_asked(client):
    one_session()
    body = client.get("/feeds/workshops.ics", query_string=YEAR_2026, headers={"Accept-Language": "en"}).data
    (event,) = parse(body).events
    assert event.url.startswith("http://127.0.0.1:5000/en/sessions/")
    assert event.summary == "Workshop cv (en)"


# Identity and revisions ------------------------------------------------------------------------


def test_uids_stable_and_body_identical_between_requests(client):
    wednesday_series()
    first, second = feed(client, **YEAR_2026).data, feed(client, **YEAR_2026).data
    assert first == second
    uids = list(events_by_uid(first))
    assert len(uids) == 39 and all(re.fullmatch(r"session-\d+@127\.0\.0\.1", uid) for uid in uids)


def test_sequence_follows_revision_after_reschedule_and_cancel(client):
    session = one_session()
    uid = f"session-{session.id}@127.0.0.1"
    assert events_by_uid(feed(client, **YEAR_2026).data)[uid].sequence == 0
    services.reschedule_session(session, f.local(2026, 6, 11, 10), f.local(2026, 6, 11, 12))
    event = events_by_uid(feed(client, **YEAR_2026).data)[uid]
    assert event.sequence == 1
    assert event.dtstart.astimezone(BRUSSELS).replace(tzinfo=None) == datetime(2026, 6, 11, 10)
    services.cancel_session(session, "Fermeture")
    event = events_by_uid(feed(client, lang="en", **YEAR_2026).data)[uid]
    assert (event.sequence, event.status) == (2, "CANCELLED")
    assert event.summary == "Cancelled: Workshop cv (en)"
    assert event.description.startswith("This session is cancelled. Fermeture")


def set_cancelled_at(session: Session, when: datetime) -> None:
    db.session.execute(sa.update(Session).where(Session.id == session.id).values(cancelled_at=when))
    db.session.commit()


def test_cancelled_sessions_stay_thirty_days_then_go(client):
    kept, dropped = one_session(), one_session(start=f.local(2026, 6, 17, 14))
    services.cancel_session(kept)
    services.cancel_session(dropped)
    events = events_by_uid(feed(client, **YEAR_2026).data)
    assert {e.status for e in events.values()} == {"CANCELLED"} and len(events) == 2
    set_cancelled_at(kept, utcnow() - timedelta(days=29))
    set_cancelled_at(dropped, utcnow() - timedelta(days=31))
    assert list(events_by_uid(feed(client, **YEAR_2026).data)) == [f"session-{kept.id}@127.0.0.1"]


def test_default_window_from_sixty_days_back_to_a_year_ahead(client):
    now = utcnow().replace(microsecond=0)
    wanted = {days: one_session(start=now + timedelta(days=days)) for days in (-70, -50, 0, 300, 380)}
    uids = set(events_by_uid(feed(client).data))
    assert uids == {f"session-{wanted[d].id}@127.0.0.1" for d in (-50, 0, 300)}
    uids = set(events_by_uid(feed(client, to=(now + timedelta(days=20)).date().isoformat()).data))
    assert uids == {f"session-{wanted[d].id}@127.0.0.1" for d in (-50, 0)}


# Filters -----------------------------------------------------------------------------------------


def test_filters_narrow_the_events(client):
    cv = f.activity("cv", language="fr", theme_code="jobsearch", audiences=("jobseekers",), organiser="actiris")
    nl = f.activity("verder-studeren", language="nl", theme_code="studies", audiences=("students",),
                    cohosts=("leerwinkel",))
    pto = f.activity("pto", language="fr", schools_only=True)
    a = one_session(cv)
    b = one_session(nl, fmt="online")
    c = one_session(cv, fmt="hybrid", start=f.local(2026, 6, 12, 9))
    one_session(pto)

    def ids(**args):
        uids = events_by_uid(feed(client, **{**YEAR_2026, **args}).data)
        return {int(uid.split("@")[0].removeprefix("session-")) for uid in uids}

    assert ids() == {a.id, b.id, c.id}  # never the schools-only activity
    assert ids(theme="studies") == {b.id}
    assert ids(format="online") == {b.id}
    assert ids(format="hybrid") == {c.id}
    assert ids(language="nl") == {b.id}
    assert ids(language="fr") == {a.id, c.id}
    assert ids(audience="jobseekers") == {a.id, c.id}
    assert ids(partner="leerwinkel") == {b.id}
    assert ids(partner="actiris", format="face_to_face") == {a.id}
    assert ids(**{"from": "2026-06-11", "to": "2026-06-30"}) == {c.id}


def test_online_sessions_say_online_and_no_room_link_ever(client):
    online = one_session(fmt="online")
    hybrid = one_session(fmt="hybrid", start=f.local(2026, 6, 12, 9))
    events = events_by_uid(feed(client, lang="en", **YEAR_2026).data)
    assert events[f"session-{online.id}@127.0.0.1"].location == "Online"
    assert events[f"session-{hybrid.id}@127.0.0.1"].location.endswith(", and online")
    body = feed(client, **YEAR_2026).data.replace(b"\r\n ", b"").decode()
    urls = re.findall(r"https?://[^\s\\,;]+", body)
    assert urls and all(not re.search("meet|whereby|jitsi", u, re.I) for u in urls)


# Bytes -------------------------------------------------------------------------------------------


SUMMARY = "Ça commence à l'accueil, à côté de l'ascenseur ; € ✓ 😀 " * 4


def long_titled_activities() -> None:
    """Long texts of 2-, 3- and 4-octet characters, shifted so folds fall at every place in them."""
    for shift in range(4):
        act = f.activity(f"long-{shift}")
        act.title_fr = "x" * shift + "Découvrir l'alternance : une formation, un stage, un emploi – 😀 " * 2
        act.title_nl = "x" * shift + "Werkplekleren ontdekken: één opleiding, een stage, een job – 😀 " * 2
        act.summary_fr = act.summary_nl = act.summary_en = SUMMARY
        db.session.commit()
        one_session(act, start=f.local(2026, 6, 3 + shift, 14))


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_lines_crlf_folded_at_75_octets_never_inside_a_character(client, lang):
    long_titled_activities()
    body = feed(client, lang=lang, **YEAR_2026).data
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    # ...and somewhere a fold came early rather than cut a character in two.
    assert any(len(line) < 74 and nxt.startswith(b" ") for line, nxt in zip(lines, lines[1:], strict=False))
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8: no character was split
    assert {e.description.splitlines()[0] for e in parse(body).events} == {SUMMARY}


def test_vtimezone_rules_and_time_properties(client):
    one_session()
    body = feed(client, **YEAR_2026).data.decode()
    lines = body.split("\r\n")
    vtimezone = body[body.index("BEGIN:VTIMEZONE"):body.index("END:VTIMEZONE")]
    assert vtimezone.count("RRULE:FREQ=YEARLY;") == 2 and "RDATE" not in body
    assert "BYMONTH=3" in vtimezone and "BYMONTH=10" in vtimezone and "BYDAY=-1SU" in vtimezone
    assert "TZNAME:CET" in vtimezone and "TZNAME:CEST" in vtimezone
    assert body.count("BEGIN:VTIMEZONE") == 1
    assert [x for x in lines if x.startswith("DTSTART;")] == ["DTSTART;TZID=Europe/Brussels:20260610T140000"]
    assert [x for x in lines if x.startswith("DTEND")] == ["DTEND;TZID=Europe/Brussels:20260610T160000"]
    for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED"):
        (line,) = [x for x in lines if x.startswith(name + ":")]
        assert re.fullmatch(name + r":\d{8}T\d{6}Z", line)


def test_fast_serialisation_gives_icalendars_own_bytes():
    long_titled_activities()
    one_session(fmt="online")
    sessions = list(db.session.scalars(db.select(Session)))
    for lang in ("fr", "nl", "en"):
        calendar = build_calendar(sessions, lang, "https://example.org")
        assert build_feed(sessions, lang, "https://example.org") == calendar.to_ical()


# Caching -----------------------------------------------------------------------------------------


def test_etag_and_last_modified_answer_304(client):
    session = one_session()
    first = feed(client, **YEAR_2026)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get("/feeds/workshops.ics", query_string=YEAR_2026, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    again = client.get("/feeds/workshops.ics", query_string=YEAR_2026, headers={"If-Modified-Since": modified})
    assert again.status_code == 304
    assert feed(client, lang="nl", **YEAR_2026).headers["ETag"] != etag  # another body, another tag
    services.update_session(session, capacity=12)  # not shown in the feed, but the row changed
    assert client.get("/feeds/workshops.ics", query_string=YEAR_2026,
                      headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("edit", ["reschedule", "cancel", "activity_title", "new_session"])
def test_etag_changes_after_an_edit(client, edit):
    session = one_session()
    before = feed(client, **YEAR_2026)
    if edit == "reschedule":
        services.reschedule_session(session, f.local(2026, 6, 10, 15), f.local(2026, 6, 10, 17))
    elif edit == "cancel":
        services.cancel_session(session)
    elif edit == "activity_title":
        session.activity.title_fr = "Utiliser son CV"
        db.session.commit()
    else:
        one_session(start=f.local(2026, 7, 1, 10))
    after = feed(client, **YEAR_2026)
    assert after.headers["ETag"] != before.headers["ETag"] and after.data != before.data
    refused = client.get("/feeds/workshops.ics", query_string=YEAR_2026,
                         headers={"If-None-Match": before.headers["ETag"]})
    assert refused.status_code == 200 and refused.data == after.data


def test_session_moved_out_of_the_feed_changes_both_validators(client):
    session = one_session()
    before = feed(client, format="face_to_face", **YEAR_2026)
    services.update_session(session, format="online")
    after = feed(client, format="face_to_face", **YEAR_2026)
    assert after.headers["ETag"] != before.headers["ETag"]
    stale = client.get("/feeds/workshops.ics", query_string={"format": "face_to_face", **YEAR_2026},
                       headers={"If-Modified-Since": before.headers["Last-Modified"]})
    # Last-Modified has one-second precision: a change within the same second cannot be told apart.
    if after.headers["Last-Modified"] != before.headers["Last-Modified"]:
        assert stale.status_code == 200


# Errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    {"lang": "de"}, {"from": "2026-13-01"}, {"to": "tomorrow"}, {"theme": "nope"}, {"format": "video"},
    {"language": "de"}, {"audience": "x"}, {"partner": "x"}, {"from": "2026-06-01", "to": "2026-05-01"},
    {"from": "2026-01-01", "to": "2027-06-01"}, {"from": "9999-12-31"}, {"to": "0001-01-01"},
])
def test_bad_parameters_give_400_in_plain_text(client, args):
    response = client.get("/feeds/workshops.ics", query_string=args, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.get_data(as_text=True).strip()


def test_bad_language_message_in_the_negotiated_language(client):
    response = client.get("/feeds/workshops.ics?lang=xx", headers={"Accept-Language": "en"})
    assert response.get_data(as_text=True) == "Unknown language: choose fr, nl or en.\n"
    response = client.get("/feeds/workshops.ics?theme=nope&lang=nl", headers={"Accept-Language": "en"})
    assert response.get_data(as_text=True) == "Onbekend thema.\n"
    response = client.get("/feeds/workshops.ics?lang=xx", headers={"Accept-Language": "fr"})
    text = response.get_data(as_text=True).replace("\u00a0", " ").replace("\u202f", " ")  # French spacing
    assert text == "Langue inconnue : choisissez fr, nl ou en.\n"


# One session -------------------------------------------------------------------------------------


def test_one_session_download(client):
    session = one_session()
    response = client.get(f"/feeds/sessions/{session.id}.ics?lang=nl")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    day = session.start_at.astimezone(BRUSSELS).date().isoformat()
    assert response.headers["Content-Disposition"] == f"attachment; filename=workshop-cv-{day}.ics"  # its Dutch title
    french = client.get(f"/feeds/sessions/{session.id}.ics?lang=fr")
    assert french.headers["Content-Disposition"] == f"attachment; filename=atelier-cv-{day}.ics"
    calendar = parse(response.data)
    (event,) = calendar.events
    assert event.uid == f"session-{session.id}@127.0.0.1" and event.summary == "Workshop cv"
    assert event.url == f"http://127.0.0.1:5000/nl/sessions/{session.id}"
    assert not [p for p in calendar.extras if p.name in ("name", "x-wr-calname", "refresh-interval")]
    again = client.get(f"/feeds/sessions/{session.id}.ics?lang=nl", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_one_session_unknown_schools_only_or_bad_lang(client):
    pto = one_session(f.activity("pto", schools_only=True))
    assert client.get("/feeds/sessions/999999.ics").status_code == 404
    assert client.get(f"/feeds/sessions/{pto.id}.ics").status_code == 404
    session = one_session()
    assert client.get(f"/feeds/sessions/{session.id}.ics?lang=de").status_code == 400
    services.cancel_session(session)
    (event,) = parse(client.get(f"/feeds/sessions/{session.id}.ics").data).events
    assert event.status == "CANCELLED" and event.sequence == 1


def test_endpoints_have_the_agreed_names(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("feeds.workshops", lang="fr") == "/feeds/workshops.ics?lang=fr"
        assert url_for("feeds.session_ics", session_id=3, lang="nl") == "/feeds/sessions/3.ics?lang=nl"


def test_over_http_with_a_conditional_get(live_server):
    import requests

    with unit_of_work():  # committed: the live server reads it
        one_session(fmt="online")
    url = f"{live_server}/feeds/workshops.ics"
    first = requests.get(url, params={"lang": "nl", **YEAR_2026}, timeout=10)
    assert first.status_code == 200 and first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert first.content.startswith(b"BEGIN:VCALENDAR\r\n") and b"LOCATION:Online\r\n" in first.content
    again = requests.get(url, params={"lang": "nl", **YEAR_2026}, timeout=10,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
