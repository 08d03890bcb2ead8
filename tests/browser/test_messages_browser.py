"""What people see, in Chromium: the HTML e-mails at 320 px, the registration page with its join link
(from 30 minutes before) and its check-in QR code, no calendar for the waiting list, the cancel page, a
second scan and another session's code on the attendance sheet, the provider a partner really gets."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.messages.delivery import deliver_due
from app.registrations.services import register
from app.timeutil import UTC
from tests import factories as f
from tests.browser.support import MARKS
from tests.browser.test_partner_browser import log_in, new_tab  # noqa: F401
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()

NARROW = {"width": 320, "height": 640}


def in_(delta: timedelta, fmt: str, slug: str, capacity: int = 5):
    start = datetime.now(UTC).replace(microsecond=0) + delta
    venue = f.venue(rooms=("Salle 1", "Salle 2")) if fmt != "online" else None
    activity = f.activity(slug)
    with unit_of_work():  # committed for the live server; a savepoint inside a rolled-back test
        return calendar.create_session(activity, start, start + timedelta(hours=2), fmt, venue=venue,
                                       room=venue.rooms[0] if venue else None, capacity=capacity)


def sign_up(session, n: int, lang: str = "en"):
    with unit_of_work():
        return register(session.id, {"name": f"Person {n}", "email": f"p{n}@example.be", "language": lang,
                                     "consent": True})[0]


def html_as_received(message) -> str:
    """The HTML part as a mail program shows it: its inline images put back in place."""
    html_part = message.get_body(("html",))
    html = html_part.get_content()
    for part in message.walk():
        if part.get("Content-ID"):
            cid = part["Content-ID"].strip("<>")
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{cid}", f"data:{part.get_content_type()};base64,{data}")
    return html


def overflow(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_html_e_mails_fit_320_px(smtp, new_tab, lang):  # noqa: F811
    on_site = in_(timedelta(days=3), "face_to_face", f"site-{lang}")
    hybrid = in_(timedelta(hours=5), "hybrid", f"hyb-{lang}")
    sign_up(on_site, 1, lang)
    sign_up(hybrid, 2, lang)
    with unit_of_work():
        moved = db.session.get(type(on_site), on_site.id)
        later = moved.start_at + timedelta(days=1)
        calendar.reschedule_session(moved, later, later + timedelta(hours=2))
    deliver_due()
    tab = new_tab(**NARROW)
    received = [m for _, _, m in smtp.recorder.received]
    assert len(received) == 3
    for message in received:
        tab.set_content(html_as_received(message))
        assert overflow(tab) <= 0, f"{message['Subject']} overflows by {overflow(tab)} px at 320 px"
    tab.set_content(html_as_received(smtp.recorder.to("p1@example.be")[0]))
    image = tab.locator("img").bounding_box()
    assert image and 100 < image["width"] <= 320  # the QR code, whole and scannable


@pytest.fixture
def desk(live_server):
    online_now = in_(timedelta(minutes=20), "online", "online-now")
    online_later = in_(timedelta(hours=3), "online", "online-later")
    on_site = in_(timedelta(days=2), "face_to_face", "on-site", capacity=1)
    found = dict(online_now=sign_up(online_now, 1), online_later=sign_up(online_later, 2),
                 seated=sign_up(on_site, 3), waiting=sign_up(on_site, 4), live=live_server,
                 alone=sign_up(in_(timedelta(days=2, hours=3), "hybrid", "alone"), 5))
    return found


def test_the_registration_page_shows_the_join_link_from_30_minutes_before(new_tab, desk):  # noqa: F811
    tab = new_tab(**NARROW)
    tab.goto(f"{desk['live']}/en/registration/{desk['online_now'].token}")
    link = tab.get_by_role("link", name="Join the session online")
    assert link.is_visible() and link.get_attribute("href").split("?")[0].endswith(f"/join/{desk['online_now'].token}")
    assert overflow(tab) <= 0
    tab.goto(f"{desk['live']}/en/registration/{desk['online_later'].token}")
    assert tab.get_by_role("link", name="Join the session online").count() == 0
    assert "Your link to join online appears here from" in tab.locator("main").inner_text()
    assert tab.locator("svg.checkin-qr").count() == 0  # online only: nothing to show at an entrance


def test_the_registration_page_shows_the_check_in_code_and_no_calendar_for_the_waiting_list(new_tab, desk):  # noqa: F811
    tab = new_tab(**NARROW)
    tab.goto(f"{desk['live']}/en/registration/{desk['seated'].token}")
    qr = tab.locator("svg.checkin-qr")
    box = qr.bounding_box()
    assert qr.is_visible() and box["width"] > 100 and box["x"] + box["width"] <= 320
    assert "show this QR code at the entrance" in tab.locator("main").inner_text()
    assert tab.get_by_role("link", name="Add to your calendar").is_visible()
    tab.goto(f"{desk['live']}/en/registration/{desk['waiting'].token}")
    assert "waiting list" in tab.locator("main").inner_text()
    assert tab.get_by_role("link", name="Add to your calendar").count() == 0
    assert tab.locator("svg.checkin-qr").count() == 0
    tab.goto(f"{desk['live']}/en/registration/{desk['alone'].token}")  # hybrid: on site too
    assert tab.locator("svg.checkin-qr").is_visible()


def test_the_cancel_page_promises_the_seat_to_the_next_person_only_when_someone_waits(new_tab, desk):  # noqa: F811
    tab = new_tab()
    tab.goto(f"{desk['live']}/en/registration/{desk['seated'].token}/cancel")
    assert "Your seat will go to the next person waiting." in tab.locator("main").inner_text()
    tab.goto(f"{desk['live']}/en/registration/{desk['alone'].token}/cancel")
    text = tab.locator("main").inner_text()
    assert "next person waiting" not in text and "free again for someone else" in text
    tab.goto(f"{desk['live']}/en/registration/{desk['waiting'].token}/cancel")
    text = tab.locator("main").inner_text()
    assert "Do you want to leave the waiting list?" in text and "next person" not in text


def test_a_second_scan_says_already_present_and_another_sessions_code_names_its_session(new_tab, live_server):  # noqa: F811
    w = f.world()
    alice = f.person(w["sess_a"], "Alice Aimée", "alice@example.be")
    bert = f.person(w["sess_ab"], "Bert Bakker", "bert@example.be")
    tab = new_tab(width=390, height=844)
    log_in(tab, live_server, w["partner_a"])
    sheet = w["sess_a"].id
    tab.goto(f"{live_server}/en/checkin/{alice.token}?session={sheet}")
    tab.get_by_role("button", name="Mark present").click()
    tab.wait_for_load_state()
    assert "Alice Aimée is marked present" in tab.locator("main").inner_text()
    tab.goto(f"{live_server}/en/checkin/{alice.token}?session={sheet}")  # the same code, scanned again
    assert "Alice Aimée is already present" in tab.locator("main").inner_text()
    assert tab.get_by_role("button", name="Mark present").count() == 0
    tab.goto(f"{live_server}/en/checkin/{bert.token}?session={sheet}")
    alert = tab.locator("[role=alert]").inner_text()
    assert "another session" in alert and "Workshop shared (en)" in alert
    assert tab.get_by_role("button", name="Mark present").count() == 0


def test_a_partner_is_told_which_provider_its_sessions_really_use(new_tab, live_server):  # noqa: F811
    w = f.world()
    tab = new_tab()
    log_in(tab, live_server, w["partner_b"], lang="en")
    tab.goto(f"{live_server}/en/partner/settings")
    tab.get_by_label("Whereby").check()
    tab.get_by_role("button", name="Save").click()
    tab.wait_for_load_state()
    text = tab.locator("main").inner_text()
    assert "has not set up Whereby yet" in text and "use Jitsi Meet" in text
    assert "You chose Whereby, but the centre has not set it up yet" in tab.locator("#provider-in-use").inner_text()
    tab.goto(f"{live_server}/en/partner/sessions/{w['sess_b'].id}")
    facts = tab.locator("#session-provider").inner_text()
    assert "Videoconference: Jitsi Meet" in facts and "you chose Whereby" in facts
