"""The public calendar as people read it: past sessions over, each fact once, an empty week said once,
a text search in the page's language, the filters folded on a phone."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.calendar import services
from app.extensions import db
from app.timeutil import local_today, utcnow
from tests import factories as f
from tests.factories import at, monday_of
from tests.factories import session_at as create
from tests.test_public_pages import between, upcoming_part, week_part
from tests.test_translations import ensure_compiled

ensure_compiled()




# Past sessions ---------------------------------------------------------------------------------


def test_a_past_session_never_looks_open(client):
    cv = f.activity("cv", capacity=24)
    yesterday = create(cv, at(-1), capacity=24)
    tomorrow = create(cv, at(1), capacity=24)
    day = (local_today() - timedelta(days=1)).isoformat()
    week = week_part(client.get(f"/en/?week={day}&from={day}").get_data(as_text=True))
    past_line = between(week, f'/en/sessions/{yesterday.id}"', "</ul>")
    assert "This session is over" in past_line and "seats left" not in past_line
    html = client.get(f"/en/?from={day}").get_data(as_text=True)
    line = between(upcoming_part(html), f'/en/sessions/{yesterday.id}"', "</ul>")
    assert "This session is over" in line and "24 seats left" not in line
    line = between(upcoming_part(html), f'/en/sessions/{tomorrow.id}"', "</ul>")
    assert "24 seats left" in line and "over" not in line
    page = client.get(f"/en/sessions/{yesterday.id}").get_data(as_text=True)
    assert "This session is over." in page and "seats left" not in page
    assert 'name="email"' not in page and "Register" not in between(page, "<main", "</main>").split("Add to", 1)[0]
    nl = client.get(f"/nl/sessions/{yesterday.id}").get_data(as_text=True)
    assert "Deze sessie is voorbij." in nl
    assert 'name="email"' in client.get(f"/en/sessions/{tomorrow.id}").get_data(as_text=True)


# The public list -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, shown, absent", [
    ("online", ["Online"], ["Cité des métiers"]),
    ("hybrid", ["Hybrid: on site or online", "Cité des métiers"], []),
    ("face_to_face", ["Face-to-face", "Cité des métiers"], ["Online"]),
])
def test_each_fact_of_a_session_line_appears_once(client, fmt, shown, absent):
    session = create(f.activity("cv"), at(2), fmt)
    upcoming = upcoming_part(client.get("/en/").get_data(as_text=True))
    facts = between(upcoming.split(f'/en/sessions/{session.id}"', 1)[1], '<ul class="session-facts">', "</ul>")
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", facts, re.S)]
    for text in shown:
        assert sum(text in item for item in items) == 1, items
    for text in absent:
        assert not any(text in item for item in items), items
    assert " ".join(items).lower().count("online") == (0 if fmt == "face_to_face" else 1), items


def test_a_week_without_sessions_says_so_once(client):
    far = monday_of(local_today() + timedelta(days=70))
    create(f.activity("cv"), at((far - local_today()).days + 9))  # the week after
    html = client.get(f"/en/?week={far.isoformat()}").get_data(as_text=True)
    week = week_part(html)
    assert week.count("No session this week.") == 1
    assert "No session this day." not in week
    fr = week_part(client.get(f"/fr/?week={far.isoformat()}").get_data(as_text=True))
    assert fr.count("Aucune séance cette semaine.") == 1
    # A week with a session keeps its days.
    busy = week_part(client.get(f"/en/?week={(far + timedelta(days=7)).isoformat()}").get_data(as_text=True))
    assert "No session this week." not in busy and "No session this day." in busy


@pytest.fixture
def searchable():
    cv = f.activity("cv")
    cv.title_fr, cv.title_nl, cv.title_en = "Rédiger son CV", "Je cv schrijven", "Writing your CV"
    cv.summary_fr, cv.summary_nl = "Un atelier pratique", "Een praktische workshop"
    cv.summary_en = "A hands-on workshop"
    nurse = f.activity("nurse")
    nurse.title_fr, nurse.title_nl, nurse.title_en = "Devenir infirmier", "Verpleegkundige worden", "Becoming a nurse"
    nurse.summary_fr, nurse.summary_nl, nurse.summary_en = "Les études d'infirmière", "De opleiding", "The studies"
    db.session.flush()
    return {"cv": create(cv, at(3)), "nurse": create(nurse, at(4), "online")}


@pytest.mark.parametrize("lang, q, found, missing", [
    ("fr", "rediger", "cv", "nurse"),          # without its accent
    ("fr", "RÉDIGER cv", "cv", "nurse"),       # any case, every word
    ("fr", "infirmière", "nurse", "cv"),       # in the summary
    ("fr", "INFIRMIERE", "nurse", "cv"),
    ("nl", "schrijven", "cv", "nurse"),        # the page's language
    ("en", "nurse", "nurse", "cv"),
])
def test_the_text_search_looks_in_titles_and_summaries_in_the_page_language(client, searchable, lang, q, found,
                                                                           missing):
    html = client.get(f"/{lang}/", query_string={"q": q}).get_data(as_text=True)
    upcoming = upcoming_part(html)
    assert f'/{lang}/sessions/{searchable[found].id}"' in upcoming
    assert f'/{lang}/sessions/{searchable[missing].id}"' not in upcoming
    assert f'value="{q}"' in html.replace("&#39;", "'")  # the search box keeps the words


def test_the_search_is_in_the_page_language_only(client, searchable):
    upcoming = upcoming_part(client.get("/en/", query_string={"q": "schrijven"}).get_data(as_text=True))
    assert "/en/sessions/" not in upcoming and "No session matches your choice" in upcoming


def test_the_search_is_kept_by_the_language_switch_and_the_pages(client):
    act = f.activity("paged")
    act.title_en = "Paged workshop"
    first = utcnow().replace(microsecond=0) + timedelta(days=1)
    for n in range(45):
        services.create_session(act, first + timedelta(hours=n), first + timedelta(hours=n, minutes=30), "online")
    html = client.get("/en/?q=paged").get_data(as_text=True)
    assert re.search(r'href="/en/\?q=paged&amp;page=2#upcoming-title"', html)
    assert 'href="/nl/?q=paged"' in html and 'href="/fr/?q=paged"' in html
    assert "Paged workshop" in client.get("/en/?q=paged&page=2").get_data(as_text=True)


def test_a_too_long_search_is_refused_with_a_message(client):
    response = client.get("/fr/", query_string={"q": "x" * 101})
    assert response.status_code == 400
    assert 'href="#q"' in response.get_data(as_text=True)


def test_the_filters_fold_behind_one_native_disclosure_without_script(client):
    html = client.get("/en/?theme=nowhere").get_data(as_text=True)
    form = between(html, '<section class="filters"', "</section>")
    assert '<details class="filters-fold" open>' in form  # open when something needs correcting
    html = client.get("/en/").get_data(as_text=True)
    form = between(html, '<section class="filters"', "</section>")
    assert '<details class="filters-fold">' in form
    assert '<summary class="filters-toggle">Search and filters</summary>' in form
    # The fold is the browser's own: the only script is the design system's module, from this site, and
    # nothing on the page calls it (the phone test in tests/browser/ folds and opens it with scripts off).
    assert re.findall(r"<script[^>]*>", html) == ['<script type="module" src="/static/design.js">']
    assert "onclick" not in html
    chosen = client.get("/en/?q=cv&format=online").get_data(as_text=True)
    assert "Search and filters (2 chosen)" in chosen
