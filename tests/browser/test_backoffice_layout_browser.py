"""Every back-office page and every public page in Chromium at 320 px and 1280 px: no horizontal scrolling,
no word cut inside a table header, no axe-core violation, and the skip link lands on the page's content."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from app.accounts.services import reset_token
from app.calendar import services as calendar
from app.closures.services import declare_closure
from app.database import unit_of_work
from app.extensions import db
from app.messages.models import OutboxMessage
from app.timeutil import local_today
from tests.browser.support import AXE, IN_CI, MARKS
from tests.browser.test_partner_browser import axe_violations, log_in, readable
from tests.factories import person, world
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()

DESIGN = AXE.parents[2] / "app" / "static" / "vendor" / "design.css"

PAGES = [
    ("admin", "/en/account/"),
    ("admin", "/en/account/users"),
    ("counsellor", "/fr/staff/"),
    ("admin", "/en/staff/activities"),
    ("admin", "/en/staff/activities/new"),
    ("admin", "/nl/staff/activities/{act_a}"),
    ("admin", "/en/staff/sessions/new"),
    ("counsellor", "/fr/staff/sessions/{sess_a}"),
    ("admin", "/en/staff/sessions/{sess_a}/edit"),
    ("admin", "/en/staff/sessions/{sess_a}/cancel"),
    ("admin", "/en/staff/series/new"),
    ("admin", "/en/staff/messages"),
    ("admin", "/en/staff/closures"),
    ("admin", "/en/staff/closures/new"),
    ("admin", "/en/staff/capacity-caps/new"),
    ("counsellor", "/fr/staff/sessions/{sess_a}/attendance"),
    ("partner_a", "/fr/partner/"),
    ("partner_a", "/fr/partner/sessions/{sess_a}"),
    ("partner_a", "/en/partner/propose"),
    ("coordinator", "/nl/partner/proposals"),
    ("partner_a", "/nl/partner/settings"),
    ("admin", "/en/staff/messages/{message}"),
    ("counsellor", "/fr/staff/series/{series}"),
    ("admin", "/en/staff/closures/{closure}"),
    ("counsellor", "/nl/staff/sessions/{sess_a}/registrations/{alice}/confirmation"),
    ("counsellor", "/fr/staff/sessions/{sess_a}/registrations/{alice}/cancel"),
    ("counsellor", "/fr/checkin/{alice_token}?session={sess_a}"),
    ("partner_a", "/en/partner/proposals"),
]

# The public pages (nobody logged in), the account pages before logging in, and the error pages.
PUBLIC = [
    "/fr/?week={week}",
    "/nl/?week={empty_week}",
    "/en/?theme=unknown",
    "/fr/sessions/{sess_a}",
    "/nl/sessions/{sess_b}",
    "/en/registration/{alice_token}",
    "/fr/registration/{alice_token}/cancel",
    "/nl/registration/{alice_token}/survey",
    "/join/{bob_token}",
    "/join/not-a-token",
    "/fr/nowhere",
    "/en/account/login",
    "/nl/account/forgot",
    "/fr/account/reset/{reset}",
]

# Header cells whose text runs on more lines than it has words (a word cut), or wider than their cell.
CUT_HEADERS = """() => [...document.querySelectorAll('main th')].filter(th => {
    if (!th.getClientRects().length || th.closest('[hidden]')) return false;
    const head = th.closest('thead');  // a header hidden on a phone (the week's cards) is not read there
    if (head && getComputedStyle(head).position === 'absolute') return false;
    // The lines its text runs on (the boxes of its elements are not lines: a visually hidden span's is not)
    const tops = new Set(), walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
    }
    const lines = tops.size;
    const words = th.innerText.trim().split(/\\s+/).length;
    return lines > words || th.scrollWidth > th.clientWidth + 1;
}).map(th => th.innerText)"""


@pytest.fixture(scope="module", autouse=True)
def _design_built():
    if not DESIGN.exists():
        if IN_CI:
            pytest.fail(f"{DESIGN} is missing: run make assets")
        pytest.skip("the design system is not built (make assets)")


@pytest.fixture
def w():
    found = world()
    alice = person(found["sess_a"], "Alice Aimée-Dubois de la Fontaine", "alice.aimee-dubois@example.be")
    bob = person(found["sess_b"], "Bob Baudouin-Vandenbroucke", "bob.baudouin@example.be", language="nl")
    day = local_today()
    with unit_of_work():  # committed: the live server reads it
        series = calendar.create_series(found["act_a"], weekdays=[(day + timedelta(days=2)).isoweekday()],
                                        start_time=time(9, 30), start_date=day + timedelta(days=1),
                                        end_date=day + timedelta(days=60), format="online")
        closure = declare_closure(found["venue"], day + timedelta(days=40), day + timedelta(days=44),
                                  "Travaux de peinture dans les salles du rez-de-chaussée", "online")
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.registration_id == alice.id))
        reset = reset_token(found["admin"])
    monday = found["start"].date() - timedelta(days=found["start"].weekday())
    return dict(found, ids={
        "sess_a": found["sess_a"].id, "sess_b": found["sess_b"].id, "act_a": found["act_a"].id,
        "alice": alice.id, "alice_token": alice.token, "bob_token": bob.token, "series": series.id,
        "closure": closure.id, "message": message.id, "reset": reset, "week": monday.isoformat(),
        "empty_week": (monday + timedelta(days=7 * 30)).isoformat()})


@pytest.fixture
def tab(browser):
    contexts = []

    def make(width: int):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_reads_at_this_width(page) -> None:
    """No horizontal scrolling, no header cut, no axe-core violation; the skip link lands on the content."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci") if IN_CI else pytest.skip("axe-core is not installed (npm ci)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "wider than the window: " + ", ".join(page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")))
    assert page.evaluate(CUT_HEADERS) == []
    violations = axe_violations(page)
    assert not violations, "axe-core found problems:\n" + readable(violations)
    # A page with an error summary gives it the focus on arrival (GOV.UK's pattern); any other starts at the top.
    if page.locator(".govuk-error-summary").count():
        assert page.evaluate("!!document.activeElement.closest('.govuk-error-summary')")
        page.evaluate("""() => { document.body.tabIndex = -1; document.body.focus();
                                 document.body.removeAttribute('tabindex'); }""")
    assert page.evaluate("document.activeElement === document.body")
    # The skip link: the first Tab reaches it, Enter moves to the content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main-content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # and the next Tab goes on from there, not back through the navigation
    assert page.evaluate("!document.activeElement.closest('header, .govuk-service-navigation')")


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("who, path", PAGES)
def test_every_back_office_page_reads_at_this_width(tab, live_server, w, who, path, width):
    page = tab(width)
    log_in(page, live_server, w[who])
    response = page.goto(live_server + path.format(**w["ids"]))
    assert response.status == 200
    # The header and the back-office's navigation come before <main>, never inside it.
    assert page.locator("header.govuk-header").count() == 1 and page.locator("main header").count() == 0
    assert page.locator(".govuk-service-navigation .backoffice-nav").count() == 1
    assert page.locator("main .backoffice-nav, main .govuk-service-navigation").count() == 0
    assert_reads_at_this_width(page)


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_page_reads_at_this_width(tab, live_server, w, path, width):
    page = tab(width)
    response = page.goto(live_server + path.format(**w["ids"]))
    assert response.status == {"/fr/nowhere": 404, "/join/not-a-token": 404, "/en/?theme=unknown": 400}.get(path, 200)
    assert page.locator("header.govuk-header").count() == 1 and page.locator(".govuk-footer").count() == 1
    assert_reads_at_this_width(page)


def test_a_week_without_a_session_says_so_once(tab, live_server, w):
    page = tab(320)
    page.goto(f"{live_server}/en/?week={w['ids']['empty_week']}")
    week = page.locator("section.week")
    assert week.get_by_text("No session this week.").count() == 1
    assert week.get_by_text("No session this day.").count() == 0
    assert week.locator("section.day").count() == 0
