"""The JSON API: the sessions list and its filters, one session, the lists, and every error answer."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from app import create_app
from app.api.openapi import SCHEMAS
from app.calendar import services as calendar
from app.extensions import db
from app.registrations import services as registrations
from app.timeutil import local_today
from tests import factories as f

BASE = "http://127.0.0.1:5000"


def on(day, hh=14, minutes=120):
    start = f.local(day.year, day.month, day.day, hh)
    return start, start + timedelta(minutes=minutes)


def one_off(activity, day, hh=14, fmt="face_to_face", **kw):
    start, end = on(day, hh)
    place = {} if fmt == "online" else {"venue": f.venue(), "room": f.venue().rooms[0]}
    return calendar.create_session(activity, start, end, fmt, **place, **kw)


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def translated(message: str, lang: str) -> str:
    with force_locale(lang):
        return gettext(message)


@pytest.fixture
def calendar_rows():
    """Sessions in March/April and October 2026 (both DST changes), of varied activities."""
    cv = f.activity("cv", language="fr_nl", organiser="actiris", cohosts=("vdab",))
    nurse = f.activity("nurse", language="fr", theme_code="studies", audiences=("students",), cohosts=("vdab",))
    verder = f.activity("verder", language="nl", organiser="leerwinkel")
    airport = f.activity("airport", language="en", audiences=("jobseekers", "students"))
    pto = f.activity("pto", schools_only=True)
    nurse.title_nl = nurse.summary_nl = nurse.description_nl = ""  # no Dutch text: French is shown
    leerwinkel = f.partner("leerwinkel")
    leerwinkel.name_fr, leerwinkel.name_nl = "Leerwinkel (FR)", ""
    db.session.commit()
    return {
        "march": one_off(cv, date(2026, 3, 25)),
        "april": one_off(nurse, date(2026, 4, 1), fmt="online"),
        "october": one_off(verder, date(2026, 10, 21), fmt="hybrid"),
        "november": one_off(airport, date(2026, 10, 28), fmt="online"),
        "school": one_off(pto, date(2026, 3, 26)),
    }


def ids(payload) -> list[int]:
    return [s["id"] for s in payload["sessions"]]


SPRING = "/api/v1/sessions?from=2026-03-01&to=2026-04-30"
YEAR = "/api/v1/sessions?from=2026-01-01&to=2026-12-31"


def test_list_defaults_to_today_and_eight_weeks(client):
    activity = f.activity()
    today = local_today()
    soon = one_off(activity, today + timedelta(days=1), hh=10, fmt="online")
    one_off(activity, today + timedelta(days=60), hh=10, fmt="online")
    payload = get_json(client, "/api/v1/sessions")
    assert ids(payload) == [soon.id]
    assert (payload["from"], payload["to"]) == (today.isoformat(), (today + timedelta(days=56)).isoformat())
    assert payload["count"] == 1 and payload["lang"] == "fr"
    assert client.get("/api/v1/sessions", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).get_json()["lang"] == "nl"


def test_session_fields_and_times_on_both_sides_of_dst(client, calendar_rows):
    payload = get_json(client, YEAR)
    by_id = {s["id"]: s for s in payload["sessions"]}
    assert ids(payload) == [calendar_rows[k].id for k in ("march", "april", "october", "november")]
    starts = [(s["start"], s["end"]) for s in payload["sessions"]]
    assert starts == [
        ("2026-03-25T14:00:00+01:00", "2026-03-25T16:00:00+01:00"),
        ("2026-04-01T14:00:00+02:00", "2026-04-01T16:00:00+02:00"),
        ("2026-10-21T14:00:00+02:00", "2026-10-21T16:00:00+02:00"),
        ("2026-10-28T14:00:00+01:00", "2026-10-28T16:00:00+01:00"),
    ]
    march = by_id[calendar_rows["march"].id]
    assert set(march) == set(SCHEMAS["Session"]["properties"])  # nothing more (no videoconference link)
    assert march["title"] == "Atelier cv" and march["summary"] == "Résumé"
    assert march["format"] == "face_to_face" and march["language"] == "fr_nl" and march["status"] == "scheduled"
    assert march["theme"] == {"code": "jobsearch", "label": "Thème jobsearch"}
    assert march["audiences"] == [{"code": "jobseekers", "label": "Public jobseekers"}]
    assert march["partners"] == [{"slug": "actiris", "name": "Actiris", "role": "organiser"},
                                 {"slug": "vdab", "name": "Vdab", "role": "cohost"}]
    assert march["venue"] == {"name": "Cité des métiers", "address": f.ADDRESS_FR, "room": "Salle 1",
                              "accessibility": "Entrée de plain-pied"}
    assert (march["capacity"], march["seats_left"], march["waiting_list"], march["revision"]) == (20, 20, 0, 0)
    assert march["url"] == f"{BASE}/fr/sessions/{march['id']}"
    assert march["ics"] == f"{BASE}/feeds/sessions/{march['id']}.ics?lang=fr"
    assert by_id[calendar_rows["april"].id]["venue"] is None
    assert by_id[calendar_rows["october"].id]["venue"]["name"] == "Cité des métiers"


def test_links_point_to_the_public_page_and_the_calendar_file(app, client, calendar_rows):
    march = get_json(client, f"/api/v1/sessions/{calendar_rows['march'].id}?lang=nl")
    adapter = app.url_map.bind("127.0.0.1:5000")
    assert adapter.match(march["url"].removeprefix(BASE))[0] == "public.session"
    assert adapter.match(march["ics"].removeprefix(BASE).split("?")[0])[0] == "feeds.session_ics"


@pytest.mark.parametrize("query, expected", [
    ("theme=studies", ["april"]),
    ("audience=students", ["april", "november"]),
    ("format=online", ["april", "november"]),
    ("format=hybrid", ["october"]),
    ("language=fr", ["march", "april"]),
    ("language=nl", ["march", "october"]),
    ("language=en", ["november"]),
    ("language=fr_nl", ["march"]),
    ("partner=vdab", ["march", "april"]),
    ("partner=leerwinkel", ["october"]),
    ("partner=actiris&format=online", []),
])
def test_each_filter(client, calendar_rows, query, expected):
    assert ids(get_json(client, f"{YEAR}&{query}")) == [calendar_rows[k].id for k in expected]


def test_dates_bound_the_list_in_brussels_days(client, calendar_rows):
    assert ids(get_json(client, "/api/v1/sessions?from=2026-03-25&to=2026-03-25")) == [calendar_rows["march"].id]
    assert ids(get_json(client, "/api/v1/sessions?from=2026-03-26&to=2026-10-21")) == [
        calendar_rows["april"].id, calendar_rows["october"].id]


def test_texts_in_the_language_asked_with_french_fallback(client, calendar_rows):
    nl = {s["id"]: s for s in get_json(client, f"{YEAR}&lang=nl")["sessions"]}
    assert nl[calendar_rows["march"].id]["title"] == "Workshop cv"
    assert nl[calendar_rows["march"].id]["theme"]["label"] == "Thema jobsearch"
    assert nl[calendar_rows["april"].id]["title"] == "Atelier nurse"  # no Dutch title
    assert nl[calendar_rows["april"].id]["summary"] == "Résumé"
    assert nl[calendar_rows["october"].id]["partners"] == [
        {"slug": "leerwinkel", "name": "Leerwinkel (FR)", "role": "organiser"}]
    assert nl[calendar_rows["october"].id]["url"].endswith(f"/nl/sessions/{calendar_rows['october'].id}")
    en = get_json(client, f"/api/v1/sessions/{calendar_rows['april'].id}?lang=en")
    assert (en["title"], en["description"]) == ("Workshop nurse (en)", "Description")
    nl_detail = get_json(client, f"/api/v1/sessions/{calendar_rows['april'].id}", **{"Accept-Language": "nl"})
    assert nl_detail["description"] == "Description"  # French, as there is no Dutch text


def test_one_session_with_description_and_counts(client):
    session = one_off(f.activity(capacity=1), local_today() + timedelta(days=3), fmt="online")
    for n in range(3):
        registrations.register(session.id, {"name": f"P {n}", "email": f"p{n}@example.be", "language": "fr",
                                            "consent": True})
    payload = get_json(client, f"/api/v1/sessions/{session.id}")
    assert set(payload) == set(SCHEMAS["SessionDetail"]["properties"])
    assert (payload["seats_left"], payload["waiting_list"], payload["description"]) == (0, 2, "Description")


def test_cancelled_sessions_are_listed_with_their_status(client, calendar_rows):
    calendar.cancel_session(calendar_rows["march"], reason="Fermeture")
    march = get_json(client, f"/api/v1/sessions/{calendar_rows['march'].id}")
    assert (march["status"], march["cancel_reason"], march["revision"]) == ("cancelled", "Fermeture", 1)
    assert calendar_rows["march"].id in ids(get_json(client, SPRING))


def test_schools_only_sessions_are_not_public(client, calendar_rows):
    assert calendar_rows["school"].id not in ids(get_json(client, SPRING))
    body = get_json(client, f"/api/v1/sessions/{calendar_rows['school'].id}", 404)
    assert body == {"errors": {"id": translated("There is no such session.", "fr")}}


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"),
    ("from=25/03/2026", "from"),
    ("to=2026-3-1", "to"),
    ("from=2026-05-01&to=2026-04-01", "to"),
    ("from=2026-01-01&to=2027-06-01", "to"),
    ("from=0001-01-01", "from"),
    ("to=9999-12-31", "to"),
    ("theme=nope", "theme"),
    ("audience=nope", "audience"),
    ("format=in_person", "format"),
    ("language=de", "language"),
    ("partner=nope", "partner"),
    ("lang=de", "lang"),
])
def test_invalid_input_is_a_422_naming_the_field(client, calendar_rows, query, field):
    body = get_json(client, f"/api/v1/sessions?{query}", 422)
    assert list(body["errors"]) == [field] and body["errors"][field]


def test_every_bad_field_is_reported_at_once(client, calendar_rows):
    body = get_json(client, "/api/v1/sessions?from=x&theme=nope&format=nope&lang=xx", 422)
    assert set(body["errors"]) == {"from", "theme", "format", "lang"}


def test_messages_in_the_language_asked(client, calendar_rows):
    expected = translated("Unknown theme.", "nl")
    assert expected != "Unknown theme."
    assert get_json(client, f"{YEAR}&theme=nope&lang=nl", 422)["errors"]["theme"] == expected
    assert get_json(client, f"{YEAR}&theme=nope", 422, **{"Accept-Language": "nl"})["errors"]["theme"] == expected
    nowhere = "There is nothing at this address in the API."
    assert get_json(client, "/api/v1/nowhere", 404, **{"Accept-Language": "fr"})["errors"]["path"] == (
        translated(nowhere, "fr"))
    assert get_json(client, "/api/v1/nowhere?lang=en", 404, **{"Accept-Language": "fr"})["errors"]["path"] == nowhere
    assert get_json(client, "/api/v1/nowhere?lang=nl", 404)["errors"]["path"] == translated(nowhere, "nl")
    assert get_json(client, "/api/v1/sessions/0?lang=nl", 404)["errors"]["id"] == translated(
        "There is no such session.", "nl")


@pytest.mark.parametrize("url", ["/api/v1/sessions/999999", "/api/v1/sessions/0", "/api/v1/sessions/-1",
                                 "/api/v1/sessions/abc", "/api/v1/sessions/99999999999999999999",
                                 "/api/v1/sessions/1e3", "/api/v1/sessions/%D9%A3"])
def test_unknown_session_is_a_404_on_id(client, url):
    assert list(get_json(client, url, 404)["errors"]) == ["id"]


def test_bad_lang_on_one_session_and_the_lists(client, calendar_rows):
    for url in (f"/api/v1/sessions/{calendar_rows['march'].id}", "/api/v1/themes", "/api/v1/audiences",
                "/api/v1/partners"):
        assert list(get_json(client, f"{url}?lang=de", 422)["errors"]) == ["lang"]


@pytest.mark.parametrize("url", ["/api/v1/whatever", "/api/v1/sessions/1/nothing", "/api/v2/sessions", "/api/",
                                 "/api/v1/"])
def test_unknown_address_is_a_json_404(client, url):
    assert list(get_json(client, url, 404)["errors"]) == ["path"]


@pytest.mark.parametrize("method, url", [("post", "/api/v1/sessions"), ("delete", "/api/v1/sessions/1"),
                                         ("put", "/api/v1/themes"), ("patch", "/api/v1/openapi.json")])
def test_wrong_method_is_a_json_405_with_allow(client, method, url):
    response = getattr(client, method)(url, json={})
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert list(response.get_json()["errors"]) == ["method"]


def test_database_outage_is_a_translated_json_503(app):
    """The real database gone: the API answers a JSON 503 in the language asked, with no detail."""
    dialect = db.engine.dialect.name
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere" if dialect == "postgresql" else (
        "sqlite:////nonexistent-directory/nowhere.sqlite")
    broken = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "BASE_URL": BASE,
                         "WTF_CSRF_ENABLED": False})
    response = broken.test_client().get("/api/v1/sessions?lang=en")
    assert response.status_code == 503 and response.mimetype == "application/json"
    assert response.headers["Retry-After"] == "30"
    assert response.get_json() == {"errors": {"server": "The service is unavailable for a moment; nothing was stored. "
                                                        "Please try again in a few minutes."}}
    dutch = broken.test_client().post("/api/v1/sessions/1/registrations?lang=nl", json={
        "name": "Ana", "email": "ana@example.be", "language": "nl", "consent": True})
    assert dutch.status_code == 503 and "registering" not in dutch.get_data(as_text=True)
    page = broken.test_client().get("/nl/")
    assert page.status_code == 503 and 'lang="nl"' in page.text and "Traceback" not in page.text
    form = broken.test_client().post("/fr/sessions/1", data={"name": "Ana", "email": "ana@example.be"})
    assert form.status_code == 503 and 'lang="fr"' in form.text


def test_lists_of_filter_values(client, calendar_rows):
    themes = get_json(client, "/api/v1/themes?lang=nl")
    assert themes == {"lang": "nl", "themes": [{"code": "jobsearch", "label": "Thema jobsearch"},
                                               {"code": "studies", "label": "Thema studies"}]}
    assert [a["code"] for a in get_json(client, "/api/v1/audiences")["audiences"]] == ["jobseekers", "students"]
    partners = get_json(client, "/api/v1/partners?lang=nl")["partners"]
    assert [p["slug"] for p in partners] == ["actiris", "leerwinkel", "vdab"]
    assert partners[1] == {"slug": "leerwinkel", "name": "Leerwinkel (FR)", "website": None}


def test_etag_and_304(client, calendar_rows):
    for url in (YEAR, f"/api/v1/sessions/{calendar_rows['march'].id}"):
        first = client.get(url)
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data
        assert "Accept-Language" in first.headers["Vary"]
    calendar.cancel_session(calendar_rows["march"])
    assert client.get(YEAR, headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("query", [
    "from=%00", "from=2026-02-30", "from=\uff12\uff10\uff12\uff16-01-01", "to=2026-01-01T00:00", "from=+2026-01-01",
    "theme=%27%20OR%201%3D1%20--", "partner=" + "x" * 5000, "lang=%ff%fe", "lang=", "lang[]=fr",
    "format=&language=&theme=", "from=2026-01-01&from=garbage", "language=FR", "to=2026-12-31&from=",
    "%ff=%ff", "audience=%F0%9F%98%80",
])
def test_garbage_never_makes_a_server_error(client, calendar_rows, query):
    for url in (f"/api/v1/sessions?{query}", f"/api/v1/sessions/{calendar_rows['march'].id}?{query}",
                f"/api/v1/themes?{query}"):
        response = client.get(url)
        assert response.status_code in (200, 422), (url, response.status_code)
        assert response.mimetype == "application/json"
        if response.status_code == 422:
            assert all(isinstance(v, str) and v for v in response.get_json()["errors"].values())


def test_head_answers_without_body(client, calendar_rows):
    response = client.head(YEAR)
    assert response.status_code == 200 and not response.data


def test_list_queries_do_not_grow_with_the_sessions(client, calendar_rows):
    """The list is a fixed set of queries whatever the number of sessions (eager loading)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    from app.cache import renders

    get_json(client, YEAR)  # warm up
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        renders.clear()  # measure the building, not the cache
        get_json(client, YEAR)
        few = len(statements)
        for n in range(5):
            one_off(f.activity(f"more{n}", cohosts=("vdab", f"p{n}")), date(2026, 6, n + 1))
        statements.clear()
        renders.clear()
        get_json(client, YEAR)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == few


def test_answers_follow_every_change_at_once_despite_the_cache(client):
    """A rendered answer is reused only while nothing it shows has changed."""
    from datetime import datetime

    from app.timeutil import UTC

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    session = calendar.create_session(f.activity("cached"), start, start + timedelta(hours=1), "online", capacity=5)
    url = f"/api/v1/sessions?lang=en&from={local_today()}"
    first = get_json(client, url)
    assert get_json(client, url) == first
    session.activity.title_en = "A new title"
    db.session.commit()
    (renamed,) = get_json(client, url)["sessions"]
    assert renamed["title"] == "A new title" and renamed["seats_left"] == 5
    registrations.register(session.id, {"name": "N", "email": "n@example.be", "language": "fr", "consent": True})
    assert get_json(client, url)["sessions"][0]["seats_left"] == 4
    assert get_json(client, f"/api/v1/sessions/{session.id}")["seats_left"] == 4
