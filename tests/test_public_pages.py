"""The public pages through the test client, on the real database: languages, calendar, filters, session page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.calendar import services
from app.extensions import db
from tests import factories as f
from tests.test_translations import ensure_compiled

ensure_compiled()  # before the first request of this process: translations are loaded once

WEEK = "week=2026-03-25&from=2026-03-23&to=2026-04-05"  # the week of the March DST change, and the next


def on_site(activity, start, minutes=120, **kw):
    place = f.venue()
    return services.create_session(activity, start, start + timedelta(minutes=minutes), "face_to_face",
                                   venue=place, room=place.rooms[0], **kw)


def online(activity, start, minutes=120, **kw):
    return services.create_session(activity, start, start + timedelta(minutes=minutes), "online", **kw)


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def week_part(html: str) -> str:
    return between(html, 'class="week"', 'class="upcoming"')


def upcoming_part(html: str) -> str:
    return between(html, 'class="upcoming"', 'class="subscribe"')


@pytest.fixture
def calendar():
    """Two activities in two themes, on both sides of the DST change of 29 March 2026."""
    cv = f.activity("cv", language="fr_nl", theme_code="jobsearch", audiences=("jobseekers",),
                    organiser="actiris", cohosts=("vdab",))
    nurse = f.activity("nurse", language="nl", theme_code="health", audiences=("students",), organiser="leerwinkel")
    return {
        "cv": cv,
        "nurse": nurse,
        "cv_winter": on_site(cv, f.local(2026, 3, 25, 14, 0)),
        "cv_summer": on_site(cv, f.local(2026, 4, 1, 14, 0)),
        "nurse_online": online(nurse, f.local(2026, 3, 27, 10, 0)),
    }


def get(client, url, **headers):
    return client.get(url, headers=headers)


# Languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept, lang", [("nl-BE,nl;q=0.9,fr;q=0.5", "nl"), ("en-GB,en;q=0.8", "en"),
                                          ("fr-BE", "fr"), ("de-DE,de", "fr"), (None, "fr")])
def test_root_negotiates_the_language(client, accept, lang):
    response = get(client, "/?theme=jobsearch&week=2026-03-25", **({"Accept-Language": accept} if accept else {}))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}/?theme=jobsearch&week=2026-03-25"
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("lang, heading", [("fr", "Ateliers et séances d'information"),
                                           ("nl", "Workshops en infosessies"),
                                           ("en", "Workshops and information sessions")])
def test_each_language_has_its_page(client, calendar, lang, heading):
    response = get(client, f"/{lang}/?{WEEK}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}" class="govuk-template">' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content"' in html
    titles = {"fr": "Atelier cv", "nl": "Workshop cv", "en": "Workshop cv (en)"}
    assert titles[lang] in html


def test_the_page_language_wins_over_the_browser_language(client, calendar):
    html = get(client, f"/nl/?{WEEK}", **{"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Workshops en infosessies" in html and "Ateliers et" not in html


def test_language_switch_keeps_the_page_and_the_query(client, calendar):
    sid = calendar["cv_winter"].id
    html = get(client, f"/fr/sessions/{sid}?ref=x").get_data(as_text=True)
    for code, name in (("nl", "Nederlands"), ("en", "English")):
        link = f'href="/{code}/sessions/{sid}?ref=x" hreflang="{code}" lang="{code}">{name}</a>'
        assert f'<a class="govuk-header__link" {link}' in html
    assert f'href="/fr/sessions/{sid}?ref=x" hreflang="fr" lang="fr" aria-current="page">Français</a>' in html
    html = get(client, "/nl/?theme=health&week=2026-03-25").get_data(as_text=True)
    assert 'href="/en/?theme=health&amp;week=2026-03-25" hreflang="en" lang="en"' in html


@pytest.mark.parametrize("url, text", [("/de/", "Page introuvable"), ("/fr/nowhere", "Page introuvable"),
                                       ("/nl/sessions/999999", "Pagina niet gevonden"),
                                       ("/en/sessions/999999", "Page not found"),
                                       ("/en/sessions/99999999999999999999999", "Page not found"),
                                       ("/fr/sessions/-1", "Page introuvable")])
def test_unknown_pages_are_friendly_404s(client, url, text):
    response = get(client, url, **{"Accept-Language": "fr"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert text in html and "<main" in html


# The calendar ------------------------------------------------------------------------------


def test_week_shows_monday_to_sunday_with_the_sessions_in_brussels_time(client, calendar):
    html = get(client, f"/fr/?{WEEK}").get_data(as_text=True)
    week = week_part(html)
    assert "Semaine du lundi 23 mars au dimanche 29 mars 2026" in week
    days = re.findall(r'<h3 id="day-(\d{4}-\d\d-\d\d)"', week)
    assert days == [f"2026-03-{d}" for d in range(23, 30)]
    assert ">14:00</time>–" in between(week, 'id="day-2026-03-25"', 'id="day-2026-03-26"')
    assert "Workshop nurse" not in week  # no Dutch title on the French page
    assert "Atelier nurse" in between(week, 'id="day-2026-03-27"', 'id="day-2026-03-28"')
    assert "Pas de séance ce jour-là." in between(week, 'id="day-2026-03-23"', 'id="day-2026-03-24"')
    assert f'/fr/sessions/{calendar["cv_summer"].id}"' not in week  # 1 April is the next week
    assert 'href="/fr/?week=2026-03-16&amp;from=2026-03-23&amp;to=2026-04-05"' in week
    assert 'href="/fr/?week=2026-03-30&amp;from=2026-03-23&amp;to=2026-04-05"' in week


def test_the_week_of_any_day_starts_on_its_monday(client, calendar):
    html = get(client, "/en/?week=2026-04-05&from=2026-03-23&to=2026-04-05").get_data(as_text=True)
    week = week_part(html)
    assert re.findall(r'<h3 id="day-(\d{4}-\d\d-\d\d)"', week)[0] == "2026-03-30"
    assert f'/en/sessions/{calendar["cv_summer"].id}"' in week


def test_session_lines_tell_time_format_language_place_and_seats(client, calendar):
    html = get(client, f"/nl/?{WEEK}").get_data(as_text=True)
    upcoming = upcoming_part(html)
    line = between(upcoming, f'/nl/sessions/{calendar["cv_summer"].id}"', "</ul>")
    assert "Ter plaatse" in line and "In het Frans en het Nederlands" in line
    assert "Cité des métiers" in line
    assert "Deze sessie is voorbij" in line and "plaatsen vrij" not in line  # March 2026 is over
    line = between(upcoming, f'/nl/sessions/{calendar["nurse_online"].id}"', "</ul>")
    assert "Online" in line and "In het Nederlands" in line
    # The upcoming list carries the day, and the time in Brussels on both sides of the change.
    assert upcoming.count(">14:00</time>") == 2
    assert "woensdag 1 april" in upcoming and "woensdag 25 maart" in upcoming


@pytest.mark.parametrize("query, shown, hidden", [
    ("theme=health", "nurse", "cv"),
    ("audience=jobseekers", "cv", "nurse"),
    ("format=online", "nurse", "cv"),
    ("language=fr", "cv", "nurse"),  # French also finds the bilingual sessions
    ("language=nl", "nurse", None),
    ("partner=vdab", "cv", "nurse"),  # a co-host
    ("partner=leerwinkel", "nurse", "cv"),
])
def test_filters_narrow_the_calendar(client, calendar, query, shown, hidden):
    response = get(client, f"/en/?{WEEK}&{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for part in (upcoming_part(html),):
        assert calendar[shown].title_en in part
        if hidden:
            assert calendar[hidden].title_en not in part
    name, value = query.split("=")
    assert re.search(rf'<option selected value="{value}">', between(html, f'name="{name}"', "</select>"))


def test_filter_options_are_labelled_in_the_page_language(client, calendar):
    html = get(client, "/nl/").get_data(as_text=True)
    assert '<label class="govuk-label" for="theme">Thema</label>' in html
    assert '<option value="health">Thema health</option>' in html
    assert '<option value="online">Online</option>' in html
    assert '<option value="fr_nl">In het Frans en het Nederlands</option>' in html
    assert '<label class="govuk-label" for="from">Eerste dag</label>' in html


def test_subscribe_links_carry_the_filters_and_the_language(client, calendar):
    html = get(client, "/nl/?theme=health&format=online").get_data(as_text=True)
    # At the public address (BASE_URL), whatever address the page was asked at.
    assert 'href="webcal://127.0.0.1:5000/feeds/workshops.ics?theme=health&amp;format=online&amp;lang=nl"' in html
    assert 'href="http://127.0.0.1:5000/feeds/workshops.ics?theme=health&amp;format=online&amp;lang=nl"' in html


@pytest.mark.parametrize("lang, query, field, message", [
    ("fr", "theme=nope", "theme", "Thème inconnu."),
    ("nl", "theme=nope", "theme", "Onbekend thema."),
    ("en", "audience=nope", "audience", "Unknown audience."),
    ("fr", "format=paper", "format", "Format inconnu"),
    ("nl", "language=de", "language", "Onbekende taal"),
    ("fr", "partner=nobody", "partner", "Partenaire inconnu."),
    ("fr", "from=2026-02-30", "from", "Indiquez une date au format AAAA-MM-JJ."),
    ("nl", "from=2026-05-01&to=2026-04-01", "to", "De einddatum mag niet vóór de begindatum liggen."),
    ("en", "from=2026-01-01&to=2027-06-01", "to", "Ask for at most one year at a time."),
    ("fr", "week=tomorrow", None, "Indiquez la semaine par une date"),
    ("nl", "week=2026-3-1", None, "Geef de week op als een datum"),
    ("fr", "week=0001-01-01", None, "Indiquez une date entre les années 2000 et 2100."),
    ("nl", "week=9999-12-31", None, "Geef een datum op tussen de jaren 2000 en 2100."),
    ("fr", "from=9999-12-30", "from", "Indiquez une date entre les années 2000 et 2100."),
    ("en", "from=2026-01-01&to=0001-01-01", "to", "Give a date between the years 2000 and 2100."),
])
def test_bad_parameters_give_a_400_page_with_the_message(client, calendar, lang, query, field, message):
    response = get(client, f"/{lang}/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}" class="govuk-template">' in html
    assert message in html
    assert '<form method="get"' in html and 'role="alert"' in html
    if field:
        assert f'id="{field}-error"' in html
        control = r'class="govuk-(select|input) govuk-\1--error"'
        assert re.search(rf'aria-describedby="{field}-error" aria-invalid="true" {control} id="{field}"', html)
    assert 'class="week"' not in html


@pytest.mark.parametrize("query", ["theme=%00", "from=%FF%FE", "week=%C3%A9t%C3%A9", "format=online&format=x",
                                   "from=2026-01-01T10:00", "to=-1", "partner=" + "x" * 5000, "week=99999-01-01"])
def test_odd_parameters_never_break_the_page(client, calendar, query):
    assert get(client, f"/fr/?{query}").status_code in (200, 400)


# The session page --------------------------------------------------------------------------


def test_session_page_in_brussels_time_across_the_dst_change(client, calendar):
    winter = get(client, f"/fr/sessions/{calendar['cv_winter'].id}").get_data(as_text=True)
    summer = get(client, f"/fr/sessions/{calendar['cv_summer'].id}").get_data(as_text=True)
    assert "mercredi 25 mars 2026" in winter and "de 14:00 à 16:00, heure de Bruxelles" in winter
    assert "(UTC+1)" in winter
    assert "mercredi 1er avril 2026" in summer and "de 14:00 à 16:00, heure de Bruxelles" in summer
    assert "(UTC+2)" in summer
    dutch = get(client, f"/nl/sessions/{calendar['cv_summer'].id}").get_data(as_text=True)
    assert "woensdag 1 april 2026" in dutch and "van 14:00 tot 16:00, Brusselse tijd" in dutch


def test_session_page_tells_everything_a_visitor_needs(client, calendar):
    s = calendar["cv_winter"]
    html = get(client, f"/en/sessions/{s.id}").get_data(as_text=True)
    assert "<h1>Workshop cv (en)</h1>" in html
    assert "Summary" in html and "Description" in html
    assert "Face-to-face" in html and "In French and Dutch" in html
    assert "Cité des métiers" in html and "Avenue de l&#39;Astronomie 14, 1210 Saint-Josse-ten-Noode" in html
    assert "Room: Salle 1" in html and "Step-free entrance" in html
    assert "This session is over." in html and "seats left" not in html  # March 2026 is over
    assert "Theme jobsearch" in html and "Audience jobseekers" in html
    assert "Organised by" in html and "Actiris" in html and "Vdab" in html
    assert f'href="/feeds/sessions/{s.id}.ics?lang=en"' in html
    assert 'href="webcal://127.0.0.1:5000/feeds/workshops.ics?theme=jobsearch&amp;lang=en"' in html


def test_online_session_page_says_online(client, calendar):
    html = get(client, f"/fr/sessions/{calendar['nurse_online'].id}").get_data(as_text=True)
    assert "En ligne" in html and "<address>" not in html
    assert "En néerlandais" in html


def test_cancelled_sessions_are_shown_as_cancelled(client, calendar):
    services.cancel_session(calendar["cv_winter"], reason="La formatrice est malade")
    html = get(client, f"/fr/?{WEEK}").get_data(as_text=True)
    line = between(week_part(html), f'/fr/sessions/{calendar["cv_winter"].id}"', "</ul>")
    assert "Annulée" in line and "places restantes" not in line
    page = get(client, f"/fr/sessions/{calendar['cv_winter'].id}").get_data(as_text=True)
    assert "Cette séance est annulée." in page and "La formatrice est malade" in page


def test_schools_only_sessions_are_not_public(client, calendar):
    pto = f.activity("pto", schools_only=True)
    school = on_site(pto, f.local(2026, 3, 26, 9, 0))
    html = get(client, f"/fr/?{WEEK}").get_data(as_text=True)
    assert "Atelier pto" not in html
    response = get(client, f"/fr/sessions/{school.id}")
    assert response.status_code == 404 and "Page introuvable" in response.get_data(as_text=True)


def test_markup_in_texts_is_shown_escaped(client, calendar):
    cv = calendar["cv"]
    cv.title_fr = '<script>alert("x")</script> CV & <b>lettre</b>'
    cv.description_fr = "Ligne 1\n<img src=x onerror=alert(1)>"
    db.session.commit()
    listing = get(client, f"/fr/?{WEEK}").get_data(as_text=True)
    page = get(client, f"/fr/sessions/{calendar['cv_winter'].id}").get_data(as_text=True)
    for html in (listing, page):
        assert "<script>alert" not in html and "<b>lettre" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; CV &amp; &lt;b&gt;lettre&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page


def test_texts_missing_in_a_language_fall_back_to_french_marked_as_french(client, calendar):
    calendar["cv"].title_en = ""
    db.session.commit()
    html = get(client, f"/en/sessions/{calendar['cv_winter'].id}").get_data(as_text=True)
    assert '<h1><span lang="fr">Atelier cv</span></h1>' in html


def test_pages_do_not_query_per_session(app, client, calendar):
    """The number of queries does not grow with the number of sessions shown."""
    def count_queries(url):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert get(client, url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    before = count_queries(f"/fr/?{WEEK}")
    more = f.activity("more", theme_code="other", audiences=("parents",), organiser="brik", cohosts=("efp",))
    for day in range(23, 30):
        on_site(more, f.local(2026, 3, day, 10, 0))
        online(calendar["nurse"], f.local(2026, 3, day, 16, 0))
    assert count_queries(f"/fr/?{WEEK}") == before


def test_upcoming_list_starts_now_by_default(client):
    from app.timeutil import utcnow

    cv = f.activity("cv")
    over = online(cv, utcnow() - timedelta(hours=3), minutes=60)
    coming = online(cv, utcnow() + timedelta(hours=1), minutes=60)
    upcoming = upcoming_part(get(client, "/fr/").get_data(as_text=True))
    assert f"/fr/sessions/{coming.id}\"" in upcoming
    assert f"/fr/sessions/{over.id}\"" not in upcoming


def test_upcoming_list_is_paged_and_odd_page_numbers_are_harmless(client):
    from datetime import datetime, timedelta

    from app.calendar import services as calendar
    from app.timeutil import UTC

    act = f.activity("paged")
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    for n in range(45):
        start = first + timedelta(hours=n)
        calendar.create_session(act, start, start + timedelta(minutes=30), "online")
    page_one = client.get("/en/")
    assert page_one.status_code == 200 and "Later sessions" in page_one.text and "Earlier sessions" not in page_one.text
    page_two = client.get("/en/?page=2")
    assert "Earlier sessions" in page_two.text and "Later sessions" not in page_two.text
    assert page_one.text.count("Workshop paged (en)") > page_two.text.count("Workshop paged (en)")
    for odd in ("0", "-1", "999999999", "abc", "２"):
        assert client.get(f"/en/?page={odd}").status_code == 200
