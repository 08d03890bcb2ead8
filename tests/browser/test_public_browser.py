"""The public pages in Debian's Chromium through Playwright: languages, filters, phone width, keyboard, axe-core."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.calendar import services
from app.database import unit_of_work
from app.timeutil import local_today
from tests import factories as f
from tests.browser.support import AXE, IN_CI, MARKS, inject_axe
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()  # before the live server's first request: translations are loaded once per process


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def seeded():
    """A few sessions in the coming days: on site, online, bilingual, Dutch only, one cancelled."""
    day = local_today() + timedelta(days=2)
    place = f.venue()
    cv = f.activity("cv", language="fr_nl", theme_code="jobsearch", organiser="actiris")
    nurse = f.activity("nurse", language="nl", theme_code="health", audiences=("students",), organiser="leerwinkel")
    start = f.local(day.year, day.month, day.day, 14, 0)
    nurse_start = start + timedelta(hours=-4)
    later = start + timedelta(days=1)
    with unit_of_work():  # committed: the live server reads it
        cv_session = services.create_session(cv, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                             room=place.rooms[0])
        nurse_session = services.create_session(nurse, nurse_start, nurse_start + timedelta(hours=2), "online")
        cancelled = services.create_session(cv, later, later + timedelta(hours=2), "hybrid", venue=place)
        services.cancel_session(cancelled, reason="Formatrice malade")
    query = f"week={day.isoformat()}&from={day.isoformat()}&to={(day + timedelta(days=14)).isoformat()}"
    return {"cv": cv_session, "nurse": nurse_session, "cancelled": cancelled, "query": query}


@pytest.mark.parametrize("lang, heading, other, other_heading", [
    ("fr", "Ateliers et séances d'information", "Nederlands", "Workshops en infosessies"),
    ("nl", "Workshops en infosessies", "English", "Workshops and information sessions"),
    ("en", "Workshops and information sessions", "Français", "Ateliers et séances d'information"),
])
def test_each_language_and_the_switch(page, live_server, seeded, lang, heading, other, other_heading):
    page.goto(f"{live_server}/{lang}/?{seeded['query']}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).inner_text() == heading
    page.get_by_role("navigation", name=page.locator("nav.languages").get_attribute("aria-label")) \
        .get_by_role("link", name=other).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == other_heading
    assert seeded["query"] in page.url


def test_filters_narrow_the_list(page, live_server, seeded):
    page.goto(f"{live_server}/fr/?{seeded['query']}")
    upcoming = page.locator("section.upcoming")
    assert upcoming.get_by_text("Atelier nurse").count() == 1
    page.get_by_label("Thème").select_option(label="Thème jobsearch")
    page.get_by_label("Sur place ou en ligne").select_option(label="Sur place")
    page.get_by_role("button", name="Afficher les séances").click()
    page.wait_for_load_state()
    assert "theme=jobsearch" in page.url and "format=face_to_face" in page.url
    assert upcoming.get_by_text("Atelier nurse").count() == 0
    assert upcoming.get_by_role("link", name="Atelier cv").count() == 1  # the cancelled one is hybrid


def test_bad_choice_shows_the_message(page, live_server, seeded):
    response = page.goto(f"{live_server}/nl/?theme=unknown")
    assert response.status == 400
    assert page.get_by_role("alert").get_by_text("Onbekend thema.").count() == 1
    assert page.get_by_label("Thema").get_attribute("aria-invalid") == "true"


def test_open_a_session_page(page, live_server, seeded):
    page.goto(f"{live_server}/en/?{seeded['query']}")
    page.locator("section.week").get_by_role("link", name="Workshop cv (en)").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/en/sessions/{seeded['cv'].id}")
    assert page.get_by_role("heading", level=1).inner_text() == "Workshop cv (en)"
    assert "14:00 to 16:00, Brussels time" in page.locator("dl.facts").inner_text()
    ics = page.get_by_role("link", name="Download (.ics)")
    assert ics.get_attribute("href") == f"/feeds/sessions/{seeded['cv'].id}.ics?lang=en"


def test_cancelled_session_is_marked(page, live_server, seeded):
    page.goto(f"{live_server}/fr/sessions/{seeded['cancelled'].id}")
    assert "Cette séance est annulée." in page.locator("main").inner_text()
    assert "Formatrice malade" in page.locator("main").inner_text()


@pytest.mark.parametrize("path", ["/fr/?{query}", "/nl/sessions/{cv}", "/en/?theme=unknown"])
def test_readable_at_320_pixels_without_horizontal_scrolling(browser, live_server, seeded, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    phone = context.new_page()
    try:
        phone.goto(live_server + path.format(query=seeded["query"], cv=seeded["cv"].id))
        widths = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"
        too_wide = phone.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert not too_wide
    finally:
        context.close()


def test_keyboard_reaches_the_skip_link_then_the_filters(page, live_server, seeded):
    page.goto(f"{live_server}/fr/?{seeded['query']}")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["govuk-skip-link", "#main-content"]
    assert page.locator(".govuk-skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    reached = []
    for _ in range(25):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if reached[-1] == "theme":
            break
    assert reached[-1] == "theme", f"Tab went through {reached}"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "audience"


def _axe_violations(tab) -> list[dict]:
    inject_axe(tab)
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def _readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("path, width", [
    ("/fr/?{query}", 1280), ("/nl/?{query}", 320), ("/en/sessions/{cv}", 1280), ("/fr/sessions/{cancelled}", 320),
    ("/nl/?theme=unknown&from=2026-02-30", 1280), ("/fr/nowhere", 1280),
])
def test_no_accessibility_violation(browser, live_server, seeded, path, width):
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"{AXE} is missing: run npm ci")
        pytest.skip("axe-core is not installed (npm ci)")
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(live_server + path.format(query=seeded["query"], cv=seeded["cv"].id, cancelled=seeded["cancelled"].id))
        violations = _axe_violations(tab)
        assert not violations, "axe-core found problems:\n" + _readable(violations)
    finally:
        context.close()


def test_on_a_phone_the_filters_fold_behind_one_button(browser, live_server, seeded):
    # With scripts off: the fold is the browser's own disclosure, opened and closed without any script.
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="fr-BE", java_script_enabled=False)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server}/fr/?{seeded['query']}")
        toggle = phone.locator("summary.filters-toggle")
        assert toggle.is_visible() and toggle.inner_text() == "Recherche et filtres"
        assert not phone.get_by_label("Thème").is_visible()
        assert not phone.get_by_role("button", name="Afficher les séances").is_visible()
        # The first session is near the top, not under the whole form.
        first = phone.locator("section.week a").first.bounding_box()
        assert first["y"] < 640 * 1.5
        toggle.click()
        assert phone.get_by_label("Thème").is_visible()
        phone.get_by_label("Mots du titre ou du résumé").fill("NURSE")
        phone.get_by_role("button", name="Afficher les séances").click()
        phone.wait_for_load_state()
        assert "q=NURSE" in phone.url
        assert phone.locator("summary.filters-toggle").inner_text() == "Recherche et filtres (1 choisi)"
        upcoming = phone.locator("section.upcoming")
        assert upcoming.get_by_text("Atelier nurse").count() == 1 and upcoming.get_by_text("Atelier cv").count() == 0
    finally:
        context.close()


def test_on_a_wide_screen_the_filters_are_open_without_the_button(page, live_server, seeded):
    page.goto(f"{live_server}/fr/?{seeded['query']}")
    assert not page.locator("summary.filters-toggle").is_visible()
    assert page.get_by_label("Thème").is_visible() and page.get_by_label("Mots du titre ou du résumé").is_visible()
    assert page.get_by_role("button", name="Afficher les séances").is_visible()
