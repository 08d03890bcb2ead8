"""Every back-office page in Chromium at 320 px and 1280 px: no horizontal scrolling, no word cut inside a
table header, no axe-core violation, and the skip link lands on the page's content."""
from __future__ import annotations

import pytest

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
]

# Header cells whose text runs on more lines than it has words (a word cut), or wider than their cell.
CUT_HEADERS = """() => [...document.querySelectorAll('main th')].filter(th => {
    if (!th.getClientRects().length || th.closest('[hidden]')) return false;
    const head = th.closest('thead');  // a header hidden on a phone (the week's cards) is not read there
    if (head && getComputedStyle(head).position === 'absolute') return false;
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
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
    person(found["sess_a"], "Alice Aimée-Dubois de la Fontaine", "alice.aimee-dubois@example.be")
    return found


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


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("who, path", PAGES)
def test_every_back_office_page_reads_at_this_width(tab, live_server, w, who, path, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci") if IN_CI else pytest.skip("axe-core is not installed (npm ci)")
    page = tab(width)
    log_in(page, live_server, w[who])
    response = page.goto(live_server + path.format(sess_a=w["sess_a"].id, act_a=w["act_a"].id))
    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "wider than the window: " + ", ".join(page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")))
    assert page.evaluate(CUT_HEADERS) == []
    violations = axe_violations(page)
    assert not violations, "axe-core found problems:\n" + readable(violations)
    # The skip link: the first Tab reaches it, Enter moves to the content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main-content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # and the next Tab goes on from there, not back through the navigation
    assert page.evaluate("!document.activeElement.closest('header, .govuk-service-navigation')")
