"""A closure declared in Chromium: a coordinator logs in, fills the form, reads the preview of the sessions and
people concerned, confirms; the public calendar shows the notice and those sessions online. axe-core throughout."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.accounts.services import create_user
from app.calendar import services
from app.calendar.models import Session
from app.closures.models import Closure
from app.database import unit_of_work
from app.extensions import db
from app.registrations.services import register
from app.timeutil import local_today
from tests import factories as f
from tests.browser.support import MARKS, axe_violations
from tests.test_accounts_helpers import PASSWORD
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()  # before the live server's first request: translations are loaded once per process

REASON = "Travaux de toiture"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def planned():
    """At the Cité des métiers: a face-to-face session on the first closed day (one seat: one person confirmed,
    one waiting), a hybrid one the next day; outside the closure, the same venue ten days later and another
    venue on the first day."""
    first = local_today() + timedelta(days=3)
    last = first + timedelta(days=1)
    cite, other = f.venue(), f.venue("EFP", rooms=("Local 2",))

    def at(day, hour, slug, fmt, place, capacity=10):
        start = f.local(day.year, day.month, day.day, hour, 0)
        return services.create_session(f.activity(slug), start, start + timedelta(hours=2), fmt, venue=place,
                                       room=place.rooms[0], capacity=capacity)

    with unit_of_work():  # committed: the live server reads it
        sessions = {
            "cv": at(first, 10, "cv", "face_to_face", cite, capacity=1),
            "interview": at(last, 14, "interview", "hybrid", cite),
            "later": at(first + timedelta(days=10), 10, "later", "face_to_face", cite),
            "elsewhere": at(first, 10, "elsewhere", "face_to_face", other),
        }
        for session, name, email, lang in [(sessions["cv"], "Amina Haddad", "amina@example.be", "fr"),
                                           (sessions["cv"], "Bert Janssens", "bert@example.be", "nl"),
                                           (sessions["interview"], "Chloé Dubois", "chloe@example.be", "en"),
                                           (sessions["later"], "Dirk Maes", "dirk@example.be", "nl")]:
            register(session.id, {"name": name, "email": email, "language": lang, "consent": True})
        create_user("coordinator@example.be", "Coordinator Cleo", "coordinator", password=PASSWORD)
    query = f"from={first.isoformat()}&to={(first + timedelta(days=14)).isoformat()}&week={first.isoformat()}"
    return {"first": first, "last": last, "venue": cite, "query": query,
            "ids": {key: s.id for key, s in sessions.items()}}


def formats(ids: dict) -> dict:
    """Each session's format as the database has it now (the pages are served by another thread)."""
    db.session.expire_all()
    found = {key: db.session.get(Session, sid).format for key, sid in ids.items()}
    db.session.rollback()
    return found


def log_in(tab, live_server: str, path: str) -> None:
    """Open a staff page, be sent to the login page, log in there and come back."""
    tab.goto(live_server + path)
    assert "/en/account/login" in tab.url
    tab.get_by_label("E-mail address").fill("coordinator@example.be")
    tab.get_by_label("Password").fill(PASSWORD)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Log in").click()
    assert tab.url == live_server + path


_axe_violations = axe_violations  # the shared check (tests/browser/support.py)


def _readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_accessible(tab) -> None:
    violations = _axe_violations(tab)
    assert not violations, f"axe-core found problems on {tab.url}:\n" + _readable(violations)


def fill_closure(tab, planned: dict) -> None:
    tab.get_by_label("Venue").select_option(label=planned["venue"].name_fr)
    tab.get_by_label("First day closed").fill(planned["first"].isoformat())
    tab.get_by_label("Last day closed").fill(planned["last"].isoformat())
    tab.get_by_label("Reason (shown to the public) (Français)").fill(REASON)
    tab.get_by_role("group", name="Sessions on site during the closure").get_by_label("Switch them online").check()


def session_facts(tab, title: str) -> str:
    """The facts line (format, language, place, seats) of one session in the list of coming sessions."""
    item = tab.locator("section.upcoming li.session").filter(has=tab.get_by_role("link", name=title, exact=True))
    assert item.count() == 1, f"{title} is listed {item.count()} times"
    return item.locator(".session-facts").inner_text()


def test_a_coordinator_switches_a_closed_venue_online(page, live_server, planned):
    ids = planned["ids"]
    page.goto(f"{live_server}/en/?{planned['query']}")  # the calendar as it was, read once before the closure
    assert "Online" not in session_facts(page, "Workshop cv (en)")
    assert "is closed from" not in page.locator("main").inner_text()

    log_in(page, live_server, "/en/staff/closures/new")
    assert page.get_by_role("heading", level=1).inner_text() == "Declare a closure"
    fill_closure(page, planned)
    with page.expect_navigation():
        page.get_by_role("button", name="Show the sessions concerned").click()

    preview = page.locator("section[aria-labelledby=affected-title]")
    assert preview.get_by_role("heading", level=2).inner_text() == "Sessions concerned: 2"
    items = preview.get_by_role("listitem")
    assert items.count() == 2
    cv, interview = items.nth(0).inner_text(), items.nth(1).inner_text()
    assert "Workshop cv (en)" in cv and "2 people registered" in cv
    assert "Amina Haddad" in cv and "Bert Janssens (waiting list)" in cv
    assert "Workshop interview (en)" in interview and "1 person registered" in interview
    assert "Chloé Dubois" in interview
    text = preview.inner_text()
    assert "Workshop later (en)" not in text and "Workshop elsewhere (en)" not in text and "Dirk Maes" not in text
    # The choices are kept for the confirmation, and nothing has changed yet.
    assert page.locator("#reason_fr").input_value() == REASON
    assert page.get_by_label("Last day closed").input_value() == planned["last"].isoformat()
    assert formats(ids) == {"cv": "face_to_face", "interview": "hybrid", "later": "face_to_face",
                            "elsewhere": "face_to_face"}
    assert db.session.scalar(db.select(db.func.count(Closure.id))) == 0

    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the closure").click()
    assert page.url == f"{live_server}/en/staff/closures"
    assert page.get_by_role("status").first.inner_text().startswith(
        "The closure is recorded; 2 sessions were changed and everyone registered is told.")
    row = page.get_by_role("row").filter(has_text=REASON)
    assert row.count() == 1 and "Cité des métiers" in row.inner_text() and "switched online" in row.inner_text()
    assert formats(ids) == {"cv": "online", "interview": "online", "later": "face_to_face",
                            "elsewhere": "face_to_face"}

    page.goto(f"{live_server}/en/?{planned['query']}")
    notice = page.get_by_role("note").filter(has_text="is closed from")
    assert notice.count() == 1
    said = notice.inner_text()
    assert "Cité des métiers is closed from" in said and "Workshops continue online." in said and REASON in said
    assert planned["first"].strftime("%A") in said and str(planned["last"].year) in said
    for title in ("Workshop cv (en)", "Workshop interview (en)"):
        facts = session_facts(page, title)
        assert "Online" in facts and "Cité des métiers" not in facts
    for title in ("Workshop later (en)", "Workshop elsewhere (en)"):
        assert "Online" not in session_facts(page, title)

    page.goto(f"{live_server}/fr/?{planned['query']}")
    notice = page.get_by_role("note").filter(has_text="Fermeture de Cité des métiers")
    assert notice.count() == 1 and "Les ateliers continuent en ligne." in notice.inner_text()
    for title in ("Atelier cv", "Atelier interview"):
        assert "En ligne" in session_facts(page, title)
    assert "En ligne" not in session_facts(page, "Atelier later")

    page.goto(f"{live_server}/en/sessions/{ids['cv']}")
    facts = page.locator("dl.facts").inner_text()
    assert "Online" in facts and "Avenue de l'Astronomie" not in facts


def test_no_accessibility_violation_on_the_closure_pages(page, live_server, planned):
    log_in(page, live_server, "/en/staff/closures/new")
    assert_accessible(page)  # the empty form
    with page.expect_navigation():
        page.get_by_role("button", name="Show the sessions concerned").click()
    assert page.locator(".field-error").count() >= 1
    assert_accessible(page)  # the form with its errors
    fill_closure(page, planned)
    with page.expect_navigation():
        page.get_by_role("button", name="Show the sessions concerned").click()
    assert page.get_by_role("heading", name="Sessions concerned: 2").count() == 1
    assert_accessible(page)  # the preview
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the closure").click()
    assert page.get_by_role("table").count() == 1
    assert_accessible(page)  # the closures list, with the new closure and its message
    page.goto(f"{live_server}/fr/?{planned['query']}")
    assert page.get_by_role("note").count() == 1
    assert_accessible(page)  # the public calendar with the notice


def test_a_bad_period_is_refused_beside_its_field_and_nothing_changes(page, live_server, planned):
    log_in(page, live_server, "/en/staff/closures/new")
    fill_closure(page, planned)
    page.get_by_label("Last day closed").fill((planned["first"] - timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Show the sessions concerned").click()
    last = page.get_by_label("Last day closed")
    assert last.get_attribute("aria-invalid") == "true"
    assert "must not come before" in page.locator("#" + last.get_attribute("aria-describedby")).inner_text()
    assert page.get_by_role("button", name="Confirm the closure").count() == 0
    assert formats(planned["ids"])["cv"] == "face_to_face"
