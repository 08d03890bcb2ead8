"""The widget on a page of another site (a second HTTP server on another port of 127.0.0.1) in Debian's
Chromium: the script reads the API across origins and shows the right sessions in French and Dutch, the
framed page too; at 320 px, with the keyboard, and without an axe-core violation. The printable
programme prints as one A4 page per language."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.database import unit_of_work
from app.timeutil import local_today
from tests import factories as f
from tests.browser.support import AXE, IN_CI, MARKS
from tests.browser.test_partner_browser import log_in
from tests.browser.test_public_browser import _axe_violations, _readable
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()


@pytest.fixture
def seeded():
    """A French workshop, a Dutch online one (full), a health one; a schools' one never shown."""
    with unit_of_work():
        cv = f.activity("cv", language="fr", organiser="actiris")
        nl = f.activity("nl", language="nl", theme_code="health")
        school = f.activity("pto", schools_only=True)
        f.session_at(cv, f.at(2, 10), capacity=3)
        full = f.session_at(nl, f.at(3, 14), fmt="online", capacity=1)
        f.session_at(school, f.at(2, 9))
    f.person(full, "Bram", "bram@example.be", "nl")


@pytest.fixture
def other_site():
    """A site of another origin; its page is set by the test: `other_site["page"] = html`."""
    held = {"page": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            body = held["page"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    held["url"] = f"http://127.0.0.1:{server.server_port}/"
    yield held
    server.shutdown()
    thread.join(5)


def host_page(lang: str, body: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title></head>'
            f'<body><main><h1>Partner</h1>{body}</main></body></html>')


def check_axe(tab):
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"{AXE} is missing: run npm ci")
        pytest.skip("axe-core is not installed (npm ci)")
    violations = _axe_violations(tab)
    assert not violations, "axe-core found problems:\n" + _readable(violations)


@pytest.mark.parametrize("lang, attributes, expected, facts", [
    ("fr", "", ["Atelier cv", "Atelier nl"], ["3 places restantes", "Complet"]),
    ("nl", ' data-language="nl"', ["Workshop nl"], ["Online · Volzet"]),
    ("en", ' data-theme="jobsearch" data-partner="actiris"', ["Workshop cv (en)"], ["3 seats left"]),
])
def test_the_script_shows_the_right_sessions_on_another_site(browser, live_server, seeded, other_site, lang,
                                                             attributes, expected, facts):
    other_site["page"] = host_page(lang, f'<div data-cdm-widget data-lang="{lang}"{attributes}></div>'
                                         f'<script src="{live_server}/widget.js" async></script>')
    context = browser.new_context(viewport={"width": 320, "height": 700})
    tab = context.new_page()
    try:
        failed = []
        tab.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
        tab.goto(other_site["url"])
        assert other_site["url"].rstrip("/") != live_server  # another origin
        tab.wait_for_selector(".cdmw-list")  # the status says "loading" until the sessions are there
        titles = tab.locator(".cdmw-title").all_inner_texts()
        assert titles == expected, (titles, failed)
        text = tab.locator(".cdmw").inner_text()
        for words in facts:
            assert words in text
        assert tab.locator(".cdmw").get_attribute("lang") == lang
        widths = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 320
        # The keyboard reaches the first session's title, then its register link.
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.closest('.cdmw-title') !== null")
        tab.keyboard.press("Tab")
        assert "cdmw-register" in tab.evaluate("document.activeElement.className")
        check_axe(tab)
    finally:
        context.close()


def test_the_framed_page_on_another_site(browser, live_server, seeded, other_site):
    other_site["page"] = host_page("nl", f'<iframe src="{live_server}/embed/nl/?limit=3" title="Onze volgende sessies" '
                                         'width="100%" height="600"></iframe>')
    context = browser.new_context(viewport={"width": 320, "height": 700})
    tab = context.new_page()
    try:
        tab.goto(other_site["url"])
        frame = tab.frame_locator("iframe")
        frame.locator(".cdmw-list").wait_for()
        titles = [" ".join(t.split()) for t in frame.locator(".cdmw-title").all_inner_texts()]
        assert titles == ["Workshop cv (opent in een nieuw tabblad)", "Workshop nl (opent in een nieuw tabblad)"]
        assert "Volzet" in frame.locator(".cdmw-list").inner_text()
        inner = tab.frames[1]
        widths = inner.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1]
        check_axe(inner)
        # Any other page of ours refuses to be framed.
        other_site["page"] = host_page("nl", f'<iframe src="{live_server}/nl/" title="x"></iframe>')
        tab.goto(other_site["url"])
        tab.wait_for_timeout(500)
        refused = tab.frames[1]
        assert refused.url == "chrome-error://chromewebdata/"  # Chromium's page for a refused frame
        assert "site-header" not in refused.content()
    finally:
        context.close()


def test_the_builder_updates_snippet_and_preview_as_choices_change(browser, live_server, seeded):
    with unit_of_work():
        account = f.user("coordinator")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        log_in(tab, live_server, account)
        tab.goto(f"{live_server}/en/staff/widget")
        tab.get_by_label("Language of the list").select_option("nl")
        tab.get_by_label("Theme").select_option("health")
        snippet = tab.locator("#snippet").input_value()
        assert 'data-lang="nl"' in snippet and 'data-theme="health"' in snippet
        assert tab.locator(".widget-preview").get_attribute("src") == "/embed/nl/?theme=health"
        tab.get_by_label(re.compile("A frame")).check()
        assert tab.locator("#snippet").input_value().startswith('<iframe src="http://127.0.0.1:5000/embed/nl/?theme=health"')
        preview = tab.frame_locator(".widget-preview")
        preview.locator(".cdmw-title").first.wait_for()
        assert [t.split()[:2] for t in preview.locator(".cdmw-title").all_inner_texts()] == [["Workshop", "nl"]]
        check_axe(tab)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_programme_prints_on_one_a4_page(browser, live_server, lang):
    day = f.monday_of(local_today()) + timedelta(days=7)
    with unit_of_work():
        acts = [f.activity(f"act{n}", organiser="actiris" if n % 2 else None) for n in range(4)]
        for n in range(14):
            start = f.local(day.year, day.month, day.day, 9 + (n % 4) * 2) + timedelta(days=n % 5)
            f.session_at(acts[n % 4], start, fmt=("online", "face_to_face")[n % 2])
    week = "%d-W%02d" % day.isocalendar()[:2]
    context = browser.new_context(viewport={"width": 320, "height": 700})
    tab = context.new_page()
    try:
        tab.goto(f"{live_server}/{lang}/programme?week={week}")
        assert tab.locator("svg.qr").count() == 14
        widths = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1]
        check_axe(tab)
        pdf = tab.pdf(prefer_css_page_size=True)
        pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
        assert len(pages) == 1
        size = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
        assert size and abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2
    finally:
        context.close()
