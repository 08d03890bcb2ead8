"""The statistics page in Chromium: axe-core finds nothing at 1280 and 320 px, in English and French; the
charts load under the Content-Security-Policy, each with its text alternative and its table; no horizontal
scrolling on a phone."""
from __future__ import annotations

import pytest

from app.accounts.services import create_user
from app.database import unit_of_work
from tests.browser.support import MARKS
from tests.browser.test_closure_browser import assert_accessible
from tests.test_accounts_helpers import PASSWORD
from tests.test_stats import build_year
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()


@pytest.fixture
def year():
    from app.stats import charts

    charts.breakdown_chart(["x"], [1], [1], ("a", "b"), "warm-up")  # matplotlib's fonts, before any request
    with unit_of_work():  # committed: the live server reads it
        build_year()
        create_user("coordinator@example.be", "Coordinator Cleo", "coordinator", password=PASSWORD)


def _logged_in(browser, live_server, width: int, locale: str):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    tab = context.new_page()
    tab.goto(live_server + "/en/account/login")
    tab.get_by_label("E-mail address").fill("coordinator@example.be")
    tab.get_by_label("Password").fill(PASSWORD)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Log in").click()
    return context, tab


@pytest.mark.committed
@pytest.mark.parametrize("width", [1280, 320])
def test_the_statistics_page_is_accessible(browser, live_server, year, width):
    context, tab = _logged_in(browser, live_server, width, "en-GB")
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    try:
        for path in ("/en/staff/stats?year=2025", "/fr/staff/stats?year=2025"):
            tab.goto(live_server + path)
            assert tab.get_by_role("heading", level=1).inner_text() in ("Statistics: 2025", "Statistiques\u00a0: 2025")
            charts = tab.locator("img.stats-chart")
            assert charts.count() == 8
            for n in range(charts.count()):
                chart = charts.nth(n)
                chart.scroll_into_view_if_needed()
                assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
                assert chart.get_attribute("alt")
            assert tab.locator("table.stats-table").count() == 9  # every chart's table, and the survey's
            assert_accessible(tab)
            if width == 320:
                assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert not problems, problems
        assert tab.get_by_role("link", name="Statistiques en PDF (français)").count() == 1
    finally:
        context.close()
