"""The staff pages in Chromium: a weekly series planned and one date moved, a caller registered, axe-core."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.calendar.models import Series, Session
from app.database import unit_of_work
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.services import register
from app.timeutil import BRUSSELS, local_today
from tests import factories as f
from tests.browser.support import AXE, IN_CI, MARKS, inject_axe
from tests.factories import one_session, outbox, session_cookie_data, user
from tests.test_translations import ensure_compiled

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chromium staff pages"

pytestmark = MARKS

ensure_compiled()


@pytest.fixture
def logged_in(app, browser, live_server):
    """A browser tab logged in with a new account of the role asked (the session cookie Flask-Login writes)."""
    contexts = []

    def open_as(role: str, width: int = 1280):
        account = user(role)
        data = session_cookie_data(app, account, AGENT)
        cookie = app.session_interface.get_signing_serializer(app).dumps(data)
        context = browser.new_context(viewport={"width": width, "height": 900}, user_agent=AGENT, locale="en-GB")
        context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server}])
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def _next_wednesday():
    day = local_today() + timedelta(days=7)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def test_a_coordinator_creates_a_weekly_series_and_moves_one_date(logged_in, live_server):
    act, place = f.activity("cv"), f.venue(rooms=("Salle 1", "Salle 2"))
    first = _next_wednesday()
    last = first + timedelta(weeks=3)
    page = logged_in("coordinator")
    page.goto(f"{live_server}/en/staff/series/new?activity={act.id}")
    page.get_by_label("Wednesday").check()
    page.get_by_label("Start time (Brussels)").fill("14:00")
    page.get_by_label("Duration (minutes)").fill("120")
    page.get_by_label("First date").fill(first.isoformat())
    page.get_by_label("Last date").fill(last.isoformat())
    page.get_by_label("Room", exact=True).select_option(str(place.rooms[0].id))
    page.get_by_role("button", name="Preview the dates").click()
    page.wait_for_load_state()
    rows = page.locator("table.preview tbody tr")
    assert rows.count() == 4
    assert "14:00" in rows.first.inner_text()
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 0
    page.get_by_role("button", name="Create these sessions").click()
    page.wait_for_load_state()
    assert "/en/staff/series/" in page.url
    series = db.session.scalar(sa.select(Series))
    second = first + timedelta(weeks=1)
    row = page.locator(f"tr#d{second.isoformat()}")
    row.locator("summary").click()
    row.get_by_label("New date and time (Brussels)").fill(f"{(second + timedelta(days=1)).isoformat()}T10:00")
    row.get_by_role("button", name="Move this date").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.inner_text().startswith("The date is moved")
    db.session.expire_all()
    moved = db.session.scalar(sa.select(Session).where(Session.series_id == series.id,
                                                       Session.occurrence_date == second))
    local = moved.start_at.astimezone(BRUSSELS)
    assert (local.date(), local.hour) == (second + timedelta(days=1), 10)
    assert "Moved" in page.locator(f"tr#d{second.isoformat()}").inner_text()


def test_a_receptionist_registers_a_caller(logged_in, live_server):
    session = one_session(capacity=5)
    page = logged_in("counsellor")
    page.goto(f"{live_server}/en/staff/")
    page.get_by_role("link", name=session.activity.title_en).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/en/staff/sessions/{session.id}")
    desk = page.locator("section.desk")
    desk.get_by_label("Name", exact=True).fill("Jan Peeters")
    desk.get_by_label("E-mail address", exact=True).fill("jan@example.be")
    desk.get_by_label("How the person asked").select_option("phone")
    desk.get_by_label("Nederlands").check()
    desk.get_by_role("button", name="Register this person").click()
    page.wait_for_load_state()
    assert "agreement" in desk.inner_text()  # refused: the person's agreement is not ticked
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    desk.get_by_label("The person agreed").check()
    desk.get_by_role("button", name="Register this person").click()
    page.wait_for_load_state()
    assert "Jan Peeters is registered" in page.get_by_role("status").first.inner_text()
    assert "Jan Peeters" in page.locator("#registrations").inner_text()
    registration = db.session.scalar(sa.select(Registration))
    assert (registration.channel, registration.language, registration.status) == ("phone", "nl", "confirmed")
    assert [m.to_email for m in outbox("confirmation")] == ["jan@example.be"]


def _axe_violations(tab) -> list[dict]:
    inject_axe(tab)
    return tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]


def _readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("what", ["week", "preview", "session", "series"])
def test_no_accessibility_violation(logged_in, live_server, what, width):
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"{AXE} is missing: run npm ci")
        pytest.skip("axe-core is not installed (npm ci)")
    with unit_of_work():  # committed: the live server reads it
        session = one_session(capacity=1)
        register(session.id, dict(name="Ana", email="ana@example.be", language="fr", consent=True))
        register(session.id, dict(name="Bo", email="bo@example.be", language="nl", consent=True))
    page = logged_in("coordinator", width)
    if what == "week":
        page.goto(f"{live_server}/fr/staff/?week={session.start_at.astimezone(BRUSSELS).date().isoformat()}")
    elif what == "session":
        page.goto(f"{live_server}/nl/staff/sessions/{session.id}")
        page.locator("section.desk").get_by_role("button").click()  # the form comes back with its errors
        page.wait_for_load_state()
    else:
        page.goto(f"{live_server}/en/staff/series/new?activity={session.activity_id}")
        page.get_by_label("Wednesday").check()
        page.get_by_label("First date").fill("2026-03-04")
        page.get_by_label("Last date").fill("2026-04-15")
        page.get_by_role("radio", name="Online", exact=True).check()
        page.get_by_role("button", name="Preview the dates").click()
        page.wait_for_load_state()
        assert page.locator("table.preview tbody tr").count() == 7
        if what == "series":
            start = _next_wednesday()
            page.get_by_label("First date").fill(start.isoformat())
            page.get_by_label("Last date").fill((start + timedelta(weeks=2)).isoformat())
            page.get_by_role("button", name="Create these sessions").click()
            page.wait_for_load_state()
            assert "/staff/series/" in page.url
    violations = _axe_violations(page)
    assert not violations, "axe-core found problems:\n" + _readable(violations)
