"""Under the pages' Content-Security-Policy, Chromium refuses nothing the pages need: the public pages,
registering, a registration's page, the back-office and the attendance sheet's script all work, and the
browser reports no violation."""
from __future__ import annotations

import pytest

from app.database import unit_of_work
from tests.browser.test_partner_browser import (  # noqa: F401
    log_in,
    new_tab,
    pytestmark,  # noqa: F401
)
from tests.factories import person, world

WATCH = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__violations = window.__violations || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


@pytest.fixture
def w():
    with unit_of_work():
        data = world()
        data["alice"] = person(data["sess_a"], "Alice Aimée", "alice@example.be")
    return data


@pytest.fixture
def watched(new_tab):  # noqa: F811
    """A tab that records every CSP violation: the browser's events and its console."""
    tab = new_tab()
    refused: list[str] = []
    tab.context.add_init_script(WATCH)
    tab.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    def violations() -> list[str]:
        return refused + (tab.evaluate("window.__violations || []") or [])

    tab.violations = violations
    return tab


def test_the_pages_work_under_their_policy(watched, live_server, w):
    tab = watched
    tab.goto(f"{live_server}/fr/")
    assert tab.get_by_role("heading", level=1).count() == 1
    tab.goto(f"{live_server}/en/sessions/{w['sess_b'].id}")
    form = tab.locator("section.register form")
    form.get_by_label("Your name", exact=True).fill("Zoé Test")
    form.get_by_label("Your e-mail address", exact=True).fill("zoe@example.be")
    form.get_by_label("I agree that the Cité des métiers keeps my name").check()
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/en/registration/" in tab.url and tab.get_by_role("heading", level=1).count() == 1
    assert tab.violations() == []
    log_in(tab, live_server, w["partner_a"])
    tab.goto(f"{live_server}/en/staff/sessions/{w['sess_a'].id}/attendance")
    row = tab.locator(".att-row", has_text="Alice Aimée")
    row.get_by_role("button", name="Present").click()
    tab.wait_for_function("() => document.getElementById('att-status').textContent === 'All saved.'")
    assert row.get_by_role("button", name="Present").get_attribute("aria-pressed") == "true"
    tab.goto(f"{live_server}/en/partner/")
    assert tab.violations() == []
