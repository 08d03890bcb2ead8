"""Taking attendance on a 390 px phone in Chromium: taps, a walk-in, a QR check-in, a network drop."""
from __future__ import annotations

import pytest

from app.attendance.models import Attendance
from app.extensions import db
from tests.browser.test_partner_browser import (  # noqa: F401
    AXE,
    axe_violations,
    log_in,
    new_tab,
    pytestmark,  # noqa: F401
    readable,
)
from tests.factories import person, world

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def w():
    data = world()
    data["alice"] = person(data["sess_a"], "Alice Aimée", "alice@example.be")
    data["bob"] = person(data["sess_a"], "Bob Bold", "bob@example.be", language="nl")
    data["wanda"] = person(data["sess_a"], "Wanda <b>Waiting</b>", "wanda@example.be")  # waiting list
    data["bert"] = person(data["sess_b"], "Bert Bakker", "bert@example.be")
    return data


def marks(session) -> dict:
    db.session.expire_all()
    found = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session.id))
    return {(a.registration.name if a.registration else "walk-in: " + a.walkin_name): (a.status, a.source)
            for a in found}


def sheet(tab, live_server, session):
    tab.goto(f"{live_server}/en/staff/sessions/{session.id}/attendance")


def row(tab, name):
    return tab.locator(".att-row", has_text=name)


def test_a_host_takes_attendance_on_a_phone(new_tab, live_server, w):
    tab = new_tab(**PHONE)
    log_in(tab, live_server, w["partner_a"])
    sheet(tab, live_server, w["sess_a"])
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert "Waiting list" in row(tab, "Wanda <b>Waiting</b>").inner_text()
    row(tab, "Alice Aimée").get_by_role("button", name="Present").click()
    row(tab, "Wanda").get_by_role("button", name="Absent").click()
    tab.wait_for_function("() => document.getElementById('att-status').textContent === 'All saved.'")
    assert row(tab, "Alice Aimée").get_by_role("button", name="Present").get_attribute("aria-pressed") == "true"
    assert tab.locator("#att-present").inner_text() == "1"
    # A walk-in, added on the spot.
    tab.fill("#walkin-name", "Zoé <i>Walk-in</i>")
    tab.fill("#walkin-email", "zoe@example.be")
    tab.click("#walkin-form button[type=submit]")
    assert row(tab, "Zoé <i>Walk-in</i>").count() == 1
    tab.wait_for_function("() => document.getElementById('att-status').textContent === 'All saved.'")
    assert marks(w["sess_a"]) == {"Alice Aimée": ("present", "sheet"), "Wanda <b>Waiting</b>": ("absent", "sheet"),
                                  "walk-in: Zoé <i>Walk-in</i>": ("present", "sheet")}
    # The QR code of Bob's confirmation holds his check-in link; the host pastes (or scans) it.
    link = f"http://127.0.0.1:5000/nl/checkin/{w['bob'].token}"
    tab.fill("#att-link-input", link)
    tab.click("#att-link button[type=submit]")
    tab.wait_for_load_state()
    assert f"/en/checkin/{w['bob'].token}?session={w['sess_a'].id}" in tab.url  # in the host's language
    assert "Bob Bold" in tab.locator("main").inner_text()
    assert "Bob Bold" not in marks(w["sess_a"])  # opening the link changed nothing
    tab.get_by_role("button", name="Mark present").click()
    tab.wait_for_load_state()
    assert "Bob Bold is marked present" in tab.locator(".notice-success").inner_text()
    assert marks(w["sess_a"])["Bob Bold"] == ("present", "qr")
    # A code of another session, opened from this sheet, is refused.
    tab.goto(f"{live_server}/en/checkin/{w['bert'].token}?session={w['sess_a'].id}")
    assert "another session" in tab.locator("[role=alert]").inner_text()
    assert tab.get_by_role("button", name="Mark present").count() == 0
    tab.get_by_role("link", name="Back to the attendance sheet").click()
    tab.wait_for_load_state()
    assert row(tab, "Bob Bold").get_by_role("button", name="Present").get_attribute("aria-pressed") == "true"
    assert tab.locator("#att-present").inner_text() == "3"


def test_no_tick_is_lost_when_the_network_drops(new_tab, live_server, w):
    tab = new_tab(**PHONE)
    log_in(tab, live_server, w["admin"])
    sheet(tab, live_server, w["sess_a"])
    state = {"down": True, "aborted": 0}

    def flaky(route):
        if state["down"]:
            state["aborted"] += 1
            route.abort("internetdisconnected")
        else:
            route.continue_()

    tab.route("**/attendance/mark", flaky)
    row(tab, "Alice Aimée").get_by_role("button", name="Present").click()
    row(tab, "Bob Bold").get_by_role("button", name="Present").click()
    row(tab, "Bob Bold").get_by_role("button", name="Absent").click()  # a correction while offline
    tab.fill("#walkin-name", "Offline Walk-in")
    tab.click("#walkin-form button[type=submit]")
    tab.wait_for_function("() => document.getElementById('att-status').textContent.indexOf('retry') >= 0")
    assert "waiting to be saved" in row(tab, "Alice Aimée").inner_text()
    assert marks(w["sess_a"]) == {}
    # Even a reload while offline keeps the ticks: they wait in the browser.
    tab.reload()
    assert row(tab, "Bob Bold").get_by_role("button", name="Absent").get_attribute("aria-pressed") == "true"
    assert row(tab, "Offline Walk-in").count() == 1
    tab.wait_for_function("() => document.getElementById('att-status').textContent.indexOf('retry') >= 0")
    for _ in range(600):  # let the page try a few times more while the network is still down
        if state["aborted"] >= 4:
            break
        tab.wait_for_timeout(100)
    state["down"] = False
    tab.wait_for_function("() => document.getElementById('att-status').textContent === 'All saved.'", timeout=60_000)
    assert marks(w["sess_a"]) == {"Alice Aimée": ("present", "sheet"), "Bob Bold": ("absent", "sheet"),
                                  "walk-in: Offline Walk-in": ("present", "sheet")}
    assert tab.evaluate(f"localStorage.getItem('attendance-queue-{w['sess_a'].id}')") == "[]"


@pytest.mark.parametrize("who, path", [
    ("partner_a", "/en/staff/sessions/{sess_a}/attendance"),
    ("counsellor", "/fr/staff/sessions/{sess_a}/attendance"),
    ("partner_a", "/en/checkin/{alice}?session={sess_a}"),
])
def test_no_axe_violation_on_the_sheet(new_tab, live_server, w, who, path):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    tab = new_tab(**PHONE)
    log_in(tab, live_server, w[who])
    tab.goto(live_server + path.format(sess_a=w["sess_a"].id, alice=w["alice"].token))
    violations = axe_violations(tab)
    assert not violations, "axe-core found problems:\n" + readable(violations)
