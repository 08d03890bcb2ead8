"""Schools in Chromium at 320 px, in French and in Dutch: a teacher asks for a PTO at the school, a
coordinator confirms a slot with a counsellor, the teacher receives the confirmation and cancels; axe-core
finds no violation on any of these pages."""
from __future__ import annotations

import json
import re

import pytest

from app.database import unit_of_work
from app.extensions import db
from app.messages.delivery import deliver_due
from app.schools.models import SchoolRequest
from tests.browser.support import AXE, IN_CI, MARKS, inject_axe
from tests.factories import session_cookie_data, user
from tests.school_factories import school_day, school_world
from tests.test_translations import ensure_compiled

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chromium school pages"
pytestmark = [*MARKS, pytest.mark.committed]

ensure_compiled()

WORDS = {"fr": {"sent": "Demande reçue", "confirmed": "Votre classe est réservée", "cancelled": "Annulée"},
         "nl": {"sent": "Aanvraag ontvangen", "confirmed": "Uw klas is geboekt", "cancelled": "Geannuleerd"}}


def _no_violation(tab) -> None:
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"{AXE} is missing: run npm ci")
        pytest.skip("axe-core is not installed (npm ci)")
    inject_axe(tab)
    found = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]
    assert not found, "axe-core found problems on " + tab.url + ":\n" + "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} at {json.dumps([n['target'] for n in v['nodes'][:3]])}"
        for v in found)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "scrolls sideways"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_teacher_books_a_pto_a_coordinator_confirms_the_teacher_cancels(app, browser, live_server, smtp, lang):
    with unit_of_work():
        world = school_world()
        first = school_day(21)
        second = school_day(28, avoid=(first,))
    teacher = browser.new_context(viewport={"width": 320, "height": 800}, user_agent=AGENT)
    tab = teacher.new_page()
    tab.goto(f"{live_server}/{lang}/schools/")
    _no_violation(tab)
    tab.fill("[name=school_name]", "Athénée Royal de Saint-Josse")
    tab.fill("[name=postcode]", "1210")
    tab.select_option("[name=network]", "fwb_wbe" if lang == "fr" else "vg_go")
    tab.fill("[name=teacher_name]", "Claire Dubois")
    tab.fill("[name=email]", "claire@ecole.example.be")
    tab.fill("[name=phone]", "02 218 00 00")
    tab.check("[name=activity][value='%d']" % world["pto"].id)
    tab.select_option("[name=class_level]", "s2")
    tab.fill("[name=pupils]", "22")
    tab.check(f"[name=teaching_language][value={lang}]")
    tab.check("[name=place][value=school]")
    tab.fill("[name=school_address]", "Rue de la Limite 2, 1210 Saint-Josse")
    tab.fill("[name=date_1]", first.isoformat())
    tab.check("[name=half_1][value=morning]")
    tab.fill("[name=date_2]", second.isoformat())
    tab.check("[name=half_2][value=afternoon]")
    with tab.expect_navigation():
        tab.click("form[action$='#request'] [type=submit]")
    problems = tab.locator(".govuk-error-summary").all_inner_texts()
    assert tab.url.split("#")[0].endswith("/schools/received"), problems
    assert WORDS[lang]["sent"] in tab.content()
    _no_violation(tab)
    with app.app_context():
        request = db.session.scalars(db.select(SchoolRequest)).one()
        request_id, token = request.id, request.token

    coordinator = user("coordinator")
    cookie = app.session_interface.get_signing_serializer(app).dumps(session_cookie_data(app, coordinator, AGENT))
    staff = browser.new_context(viewport={"width": 320, "height": 800}, user_agent=AGENT)
    staff.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server}])
    office = staff.new_page()
    office.goto(f"{live_server}/{lang}/staff/schools/")
    _no_violation(office)
    office.goto(f"{live_server}/{lang}/staff/schools/{request_id}")
    _no_violation(office)
    office.locator("button[name=confirm]").first.click()
    office.wait_for_load_state()
    assert "Anna Peeters" in office.content()
    with app.app_context():
        deliver_due()
        assert db.session.get(SchoolRequest, request_id).state == "confirmed"
    confirmation = [m for m in smtp.recorder.to("claire@ecole.example.be")
                    if WORDS[lang]["confirmed"] in str(m["Subject"])]
    assert len(confirmation) == 1
    text = confirmation[0].get_body(("plain",)).get_content()
    assert "Anna Peeters" in text
    link = re.search(r"http://127\.0\.0\.1:5000(/" + lang + r"/schools/requests/[\w-]+)", text)[1]
    assert link.endswith(token)
    assert any(part.get_content_type() == "text/calendar" for part in confirmation[0].walk())

    tab.goto(f"{live_server}{link}")
    _no_violation(tab)
    tab.click(f"form[action$='/requests/{token}/cancel'] button")
    tab.wait_for_load_state()
    assert WORDS[lang]["cancelled"] in tab.content()
    with app.app_context():
        request = db.session.get(SchoolRequest, request_id)
        assert request.state == "cancelled" and request.session.status == "cancelled"
    teacher.close()
    staff.close()
