"""Logging in and out in Debian's Chromium through Playwright; axe-core on the account pages."""
from __future__ import annotations

import json

import pytest

from app.database import unit_of_work
from tests.browser.support import MARKS, inject_axe
from tests.test_accounts_helpers import PASSWORD, make_users
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()  # before the live server's first request: translations are loaded once per process


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    yield tab
    context.close()


def _axe_violations(tab) -> list[dict]:
    inject_axe(tab)
    return tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]


def _readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


def test_log_in_see_the_back_office_and_log_out(page, live_server):
    with unit_of_work():  # committed: the live server reads it
        make_users()
    page.goto(f"{live_server}/en/account/")
    assert "/en/account/login?next=" in page.url  # anonymous: to the login page, and back afterwards
    page.get_by_label("E-mail address").fill("Admin@Example.be")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "E-mail address or password incorrect."
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/en/account/")
    assert page.get_by_role("heading", level=1).inner_text() == "Back-office"
    navigation = page.get_by_role("navigation", name="Back-office")
    assert "Admin Ada" in navigation.inner_text()
    assert page.get_by_role("link", name="Manage the accounts of staff and partners").is_visible()
    navigation.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server}/en/account/login")
    assert "You are logged out." in page.get_by_role("status").inner_text()
    page.goto(f"{live_server}/en/account/")
    assert "/en/account/login" in page.url


@pytest.mark.parametrize("path", ["/en/account/login", "/fr/account/login", "/nl/account/forgot",
                                  "/en/account/forgot", "/en/account/reset/expired-or-forged"])
def test_no_accessibility_violation_on_the_account_pages(page, live_server, path):
    page.goto(f"{live_server}{path}")
    violations = _axe_violations(page)
    assert violations == [], _readable(violations)


def test_no_accessibility_violation_on_the_login_page_with_its_errors(page, live_server):
    page.goto(f"{live_server}/en/account/login")
    page.get_by_role("button", name="Log in").click()
    assert page.locator(".field-error").count() == 2
    violations = _axe_violations(page)
    assert violations == [], _readable(violations)


def test_no_accessibility_violation_on_the_accounts_page(page, live_server):
    with unit_of_work():  # committed: the live server reads it
        make_users()
    page.goto(f"{live_server}/en/account/login")
    page.get_by_label("E-mail address").fill("admin@example.be")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/en/account/users")
    assert page.get_by_role("table").count() == 1
    violations = _axe_violations(page)
    assert violations == [], _readable(violations)
