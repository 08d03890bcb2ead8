"""A person's own data in Chromium, in French and in Dutch: asking for the link, opening it from the e-mail,
downloading everything, erasing it after a confirmation; axe-core on every step, and 320 px wide."""
from __future__ import annotations

import json
import re

import pytest

from app.database import unit_of_work
from app.extensions import db
from app.messages.delivery import deliver_due
from app.registrations.models import Registration
from app.registrations.services import register
from tests import factories as f
from tests.browser.support import MARKS, assert_accessible, overflows
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()

WORDS = {
    "fr": {"email": "Votre adresse e-mail", "send": "M'envoyer le lien", "asked": "Regardez dans votre boîte e-mail",
           "mine": "Vos données", "download": "Tout télécharger (JSON)", "erase": "Effacer mes données",
           "tick": "Je comprends", "erased": "Vos données sont effacées", "missing": "Cochez la case"},
    "nl": {"email": "Uw e-mailadres", "send": "Stuur mij de link", "asked": "Kijk in uw mailbox",
           "mine": "Uw gegevens", "download": "Alles downloaden (JSON)", "erase": "Mijn gegevens wissen",
           "tick": "Ik begrijp het", "erased": "Uw gegevens zijn gewist", "missing": "Vink het vakje aan"},
}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_person_sees_downloads_and_erases_their_data(page, browser, live_server, smtp, lang):
    session = f.one_session(capacity=1)
    address = f"zoe.{lang}@example.be"
    with unit_of_work():
        mine = register(session.id, dict(name="Zoé Verhaegen", email=address, language=lang, consent=True))[0]
        waiting = register(session.id, dict(name="Omar Benali", email="omar@example.be", language="fr",
                                            consent=True))[0]
    words = WORDS[lang]

    page.goto(f"{live_server}/{lang}/my-data/")
    assert_accessible(page)
    page.get_by_label(words["email"]).fill(address.upper())
    with page.expect_navigation():
        page.get_by_role("button", name=words["send"]).click()
    assert words["asked"] in page.locator("h1").inner_text()
    assert_accessible(page)

    deliver_due()
    [message] = [m for m in smtp.recorder.to(address) if "/my-data/" in m.get_body(("plain",)).get_content()]
    link = re.search(r"http://\S+/my-data/\S+", message.get_body(("plain",)).get_content()).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    page.goto(live_server + path)
    assert page.locator("h1").inner_text() == words["mine"]
    assert "Zoé Verhaegen" in page.content() and "Omar" not in page.content()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=words["download"]).click()
    exported = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert [r["name"] for r in exported["registrations"]] == ["Zoé Verhaegen"]

    phone = browser.new_context(viewport={"width": 320, "height": 640})
    small = phone.new_page()
    small.goto(live_server + path)
    assert not overflows(small)
    phone.close()

    page.get_by_role("link", name=words["erase"]).click()
    page.wait_for_load_state()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=words["erase"]).click()
    assert words["missing"] in page.content()  # nothing erased without the box ticked
    assert_accessible(page)
    page.get_by_label(words["tick"]).check()
    with page.expect_navigation():
        page.get_by_role("button", name=words["erase"]).click()
    assert words["erased"] in page.locator("h1").inner_text()
    assert_accessible(page)

    db.session.expire_all()
    erased, promoted = db.session.get(Registration, mine.id), db.session.get(Registration, waiting.id)
    assert (erased.name, erased.email, erased.status) == ("", None, "cancelled")
    assert promoted.status == "confirmed"
    db.session.rollback()
