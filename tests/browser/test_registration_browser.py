"""Registering from a session's page in Chromium, in French and in Dutch: the form, its messages beside the
fields, the waiting list, the cancel link that changes nothing until its button is pressed, axe-core, 320 px."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.calendar import services
from app.database import unit_of_work
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.services import register
from app.timeutil import local_today
from tests import factories as f
from tests.browser.support import MARKS, axe_violations
from tests.test_translations import ensure_compiled

pytestmark = MARKS

ensure_compiled()  # before the live server's first request: translations are loaded once per process

# What each page language says; the same words as the translation catalogues.
WORDS = {
    "fr": {
        "name": "Votre nom", "email": "Votre adresse e-mail", "language": "Langue de nos messages",
        "consent": "J'accepte que la Cité des métiers conserve mon nom",
        "register": "S'inscrire", "waitlist": "Rejoindre la liste d'attente",
        "booked": "{name}, votre place est réservée.",
        "waiting": "{name}, vous êtes sur la liste d'attente, en position 1.",
        "sending": "Nous vous envoyons un e-mail",
        "no_name": "Indiquez votre nom.",
        "bad_email": "Indiquez une adresse e-mail valide, par exemple nom@exemple.be.",
        "no_consent": "Nous avons besoin de votre accord pour conserver votre inscription.",
        "cancel_title": "Annuler votre inscription", "cancel_button": "Oui, annuler mon inscription",
        "cancelled_title": "Inscription annulée",
        "cancelled": "Votre inscription est annulée. Merci de nous avoir prévenus.",
    },
    "nl": {
        "name": "Uw naam", "email": "Uw e-mailadres", "language": "Taal van onze berichten",
        "consent": "Ik ga ermee akkoord dat het Beroepenpunt mijn naam",
        "register": "Inschrijven", "waitlist": "Op de wachtlijst komen",
        "booked": "{name}, uw plaats is gereserveerd.",
        "waiting": "{name}, u staat op de wachtlijst, op plaats 1.",
        "sending": "We sturen u een e-mail",
        "no_name": "Vul uw naam in.",
        "bad_email": "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be.",
        "no_consent": "We hebben uw toestemming nodig om uw inschrijving te bewaren.",
        "cancel_title": "Uw inschrijving annuleren", "cancel_button": "Ja, mijn inschrijving annuleren",
        "cancelled_title": "Inschrijving geannuleerd",
        "cancelled": "Uw inschrijving is geannuleerd. Bedankt om het ons te laten weten.",
    },
}
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
TOKEN = re.compile(r"/(fr|nl|en)/registration/([^/?#]+)\?new=1$")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    yield tab
    context.close()


def future_session(capacity: int = 12, slug: str = "cv"):
    """A face-to-face session in four days, 14:00 to 16:00 in Brussels."""
    day = local_today() + timedelta(days=4)
    place, activity = f.venue(), f.activity(slug)
    start = f.local(day.year, day.month, day.day, 14, 0)
    with unit_of_work():  # committed: the live server reads it
        return services.create_session(activity, start, start + timedelta(hours=2), "face_to_face",
                                       venue=place, room=place.rooms[0], capacity=capacity)


def registrations() -> list[SimpleNamespace]:
    """The rows as the database has them now (the pages are served by another thread)."""
    db.session.expire_all()
    rows = [SimpleNamespace(status=r.status, name=r.name, email=r.email, language=r.language, channel=r.channel,
                            token=r.token)
            for r in db.session.scalars(db.select(Registration).order_by(Registration.id))]
    db.session.rollback()
    return rows


def form_of(tab):
    return tab.locator("section.register form")


def fill(tab, lang: str, *, name: str, email: str, language: str, consent: bool = True) -> None:
    form, words = form_of(tab), WORDS[lang]
    form.get_by_label(words["name"], exact=True).fill(name)
    form.get_by_label(words["email"], exact=True).fill(email)
    form.get_by_role("group", name=words["language"]).get_by_label(LANGUAGE_NAMES[language], exact=True).check()
    consent_box = form.get_by_label(words["consent"])
    if consent:
        consent_box.check()
    else:
        consent_box.uncheck()


def submit(tab, label: str) -> None:
    with tab.expect_navigation():
        form_of(tab).get_by_role("button", name=label).click()


def token_of(tab) -> tuple[str, str]:
    found = TOKEN.search(tab.url)
    assert found, f"not on a registration page: {tab.url}"
    return found.group(1), found.group(2)


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


@pytest.mark.parametrize("lang, person, email, language", [
    ("fr", "Fatima El Idrissi", "Fatima.El@Example.be", "fr"),
    ("nl", "Jan Peeters", "jan.peeters@example.be", "nl"),
])
def test_register_through_the_page(page, live_server, lang, person, email, language):
    session = future_session()
    words = WORDS[lang]
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    assert page.locator("html").get_attribute("lang") == lang
    form = form_of(page)
    # The page's language is chosen for the messages unless the person picks another.
    assert form.get_by_label(LANGUAGE_NAMES[lang], exact=True).is_checked()
    assert words["consent"] in form.inner_text()
    fill(page, lang, name=person, email=email, language=language)
    submit(page, words["register"])
    page_lang, token = token_of(page)
    assert page_lang == lang
    assert page.get_by_role("heading", level=1).inner_text() == ("Votre inscription" if lang == "fr"
                                                                  else "Uw inschrijving")
    assert words["booked"].format(name=person) in page.locator("main").inner_text()
    assert words["sending"] in page.get_by_role("status").inner_text()
    (row,) = registrations()
    assert (row.status, row.name, row.email, row.language, row.channel) == (
        "confirmed", person, email.split("@")[0] + "@example.be", language, "web")
    assert row.token == token


def test_register_in_another_language_than_the_page(page, live_server):
    session = future_session()
    page.goto(f"{live_server}/nl/sessions/{session.id}")
    fill(page, "nl", name="Amélie", email="amelie@example.be", language="fr")
    submit(page, WORDS["nl"]["register"])
    assert token_of(page)[0] == "nl"  # the pages stay in the language the person was reading
    assert WORDS["nl"]["booked"].format(name="Amélie") in page.locator("main").inner_text()
    assert [r.language for r in registrations()] == ["fr"]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_errors_beside_the_fields_in_the_page_language(page, live_server, lang):
    session = future_session()
    words, other = WORDS[lang], WORDS["nl" if lang == "fr" else "fr"]
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    fill(page, lang, name="", email="not an address", language=lang, consent=False)
    submit(page, words["register"])
    assert page.url.endswith(f"/{lang}/sessions/{session.id}")
    form = form_of(page)
    name = form.get_by_label(words["name"], exact=True)
    consent = form.get_by_label(words["consent"])
    # Each message sits in the field's block and is the field's description.
    assert name.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + name.get_attribute("aria-describedby")).inner_text() == words["no_name"]
    assert consent.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + consent.get_attribute("aria-describedby")).inner_text() == words["no_consent"]
    messages = form.locator(".field-error").all_inner_texts()
    assert words["no_name"] in messages and words["no_consent"] in messages
    assert not any(text in messages for text in (other["no_name"], other["no_consent"],
                                                 "Give your name.", "We need your consent to keep your registration."))
    assert form.get_by_label(words["email"], exact=True).input_value() == "not an address"  # what was typed is kept
    assert registrations() == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_bad_address_alone_is_refused_beside_its_field(page, live_server, lang):
    session = future_session()
    words = WORDS[lang]
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    fill(page, lang, name="Sam", email="sam@@example", language="en")
    submit(page, words["register"])
    email = form_of(page).get_by_label(words["email"], exact=True)
    assert email.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + email.get_attribute("aria-describedby")).inner_text() == words["bad_email"]
    assert registrations() == []


@pytest.mark.parametrize("lang, typed, first", [("fr", {"name": "", "email": "x"}, "name"),
                                                ("nl", {"name": "Sam", "email": "sam@@example"}, "email")])
def test_the_first_field_in_error_takes_the_focus(page, live_server, lang, typed, first):
    session = future_session()
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    fill(page, lang, language=lang, consent=False, **typed)
    submit(page, WORDS[lang]["register"])
    assert form_of(page).locator(".field-error").count() >= 1
    assert page.evaluate("document.activeElement && document.activeElement.name") == first


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_message_at_once(page, live_server, lang):
    """Empty name, bad address and no consent: the three messages together, not one after the other."""
    session = future_session()
    words = WORDS[lang]
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    fill(page, lang, name="", email="not an address", language=lang, consent=False)
    submit(page, words["register"])
    messages = form_of(page).locator(".field-error").all_inner_texts()
    assert sorted(messages) == sorted([words["no_name"], words["bad_email"], words["no_consent"]])


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_full_session_offers_the_waiting_list(page, live_server, lang):
    with unit_of_work():
        session = future_session(capacity=1)
        register(session.id, {"name": "First", "email": "first@example.be", "language": "fr", "consent": True})
    words = WORDS[lang]
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    form = form_of(page)
    assert form.get_by_role("button", name=words["register"], exact=True).count() == 0
    fill(page, lang, name="Second", email="second@example.be", language=lang)
    submit(page, words["waitlist"])
    token_of(page)
    assert words["waiting"].format(name="Second") in page.locator("main").inner_text()
    assert [r.status for r in registrations()] == ["confirmed", "waitlisted"]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_cancel_link_changes_nothing_until_the_button_is_pressed(page, live_server, lang):
    with unit_of_work():
        session = future_session()
        row, _created = register(session.id, {"name": "Nadia", "email": "nadia@example.be", "language": lang,
                                              "consent": True})
    words = WORDS[lang]
    token = row.token
    for _ in range(2):  # a mail scanner, then the person: opening the link is harmless
        page.goto(f"{live_server}/{lang}/registration/{token}/cancel")
        assert page.get_by_role("heading", level=1).inner_text() == words["cancel_title"]
        assert [r.status for r in registrations()] == ["confirmed"]
    buttons = page.locator("main form").get_by_role("button")
    assert buttons.count() == 1 and buttons.inner_text() == words["cancel_button"]
    assert_accessible(page)
    with page.expect_navigation():
        buttons.click()
    assert page.get_by_role("heading", level=1).inner_text() == words["cancelled_title"]
    assert page.get_by_role("status").inner_text() == words["cancelled"]
    assert [r.status for r in registrations()] == ["cancelled"]
    assert_accessible(page)
    page.goto(f"{live_server}/{lang}/registration/{token}/cancel")  # again: nothing left to press
    assert page.locator("main form").count() == 0
    assert [r.status for r in registrations()] == ["cancelled"]


def test_the_waiting_list_is_left_through_the_same_link(page, live_server):
    with unit_of_work():
        session = future_session(capacity=1)
        register(session.id, {"name": "First", "email": "first@example.be", "language": "fr", "consent": True})
        waiting, _created = register(session.id, {"name": "Second", "email": "second@example.be", "language": "nl",
                                                  "consent": True})
    page.goto(f"{live_server}/nl/registration/{waiting.token}")
    assert "Second, u staat op de wachtlijst, op plaats 1." in page.locator("main").inner_text()
    href = page.get_by_role("link", name="De wachtlijst verlaten").get_attribute("href")
    path = f"/nl/registration/{waiting.token}/cancel"
    assert href.endswith(path)  # the links of the messages, on the site's public address
    page.goto(live_server + path)
    assert [r.status for r in registrations()] == ["confirmed", "waitlisted"]
    with page.expect_navigation():
        page.locator("main form").get_by_role("button").click()
    assert [r.status for r in registrations()] == ["confirmed", "cancelled"]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_no_accessibility_violation_on_the_session_page_and_registration_page(page, live_server, lang):
    session = future_session()
    words = WORDS[lang]
    page.goto(f"{live_server}/{lang}/sessions/{session.id}")
    assert form_of(page).count() == 1
    assert_accessible(page)
    fill(page, lang, name="", email="not an address", language=lang, consent=False)
    submit(page, words["register"])
    assert form_of(page).locator(".field-error").count() >= 2
    assert_accessible(page)
    fill(page, lang, name="Lena", email="lena@example.be", language=lang)
    submit(page, words["register"])
    token_of(page)
    assert_accessible(page)


def test_no_accessibility_violation_on_the_waiting_list_form(page, live_server):
    with unit_of_work():
        session = future_session(capacity=1)
        register(session.id, {"name": "First", "email": "first@example.be", "language": "fr", "consent": True})
    page.goto(f"{live_server}/fr/sessions/{session.id}")
    assert form_of(page).get_by_role("button", name=WORDS["fr"]["waitlist"]).count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("lang, with_errors", [("fr", False), ("nl", True)])
def test_the_session_page_at_320_pixels_has_no_horizontal_scroll(browser, live_server, lang, with_errors):
    session = future_session()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    phone = context.new_page()
    try:
        phone.goto(f"{live_server}/{lang}/sessions/{session.id}")
        if with_errors:
            submit(phone, WORDS[lang]["register"])
            assert form_of(phone).locator(".field-error").count() >= 2
        widths = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"
        too_wide = phone.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)""")
        assert not too_wide, f"wider than the window: {too_wide}"
    finally:
        context.close()
