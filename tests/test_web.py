"""What every page shares: the language and ids of addresses, the error pages, the health check."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g, url_for

from app import create_app
from app.accounts.services import create_user
from app.calendar import services
from app.extensions import db
from app.timeutil import utcnow
from app.web.urls import MAX_ID, id_from, language_blueprint
from tests import factories as f
from tests.test_translations import ensure_compiled

ensure_compiled()  # before the first request of this process: translations are loaded once

PASSWORD = "a long enough password for tests"


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


@pytest.fixture
def session_row():
    activity = f.activity("cv")
    start = utcnow() + timedelta(days=3)
    return services.create_session(activity, start, start + timedelta(hours=2), "online")


def test_a_query_argument_named_lang_neither_breaks_the_calendar_nor_changes_its_language(client):
    """`lang` in the query is only an argument: the page stays French and its links keep the argument."""
    response = client.get("/fr/?lang=nl&week=2026-03-25")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr" class="govuk-template">' in html
    assert 'href="/fr/?lang=nl&amp;week=2026-03-16" rel="prev"' in html
    assert 'href="/fr/?lang=nl&amp;week=2026-03-30" rel="next"' in html
    assert 'hreflang="nl" href="/nl/?lang=nl&amp;week=2026-03-25"' in html


@pytest.mark.parametrize("path", ["/de/", "/de/sessions/1", "/xx/staff/", "/FR/"])
def test_an_unknown_language_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("raw", ["0", str(MAX_ID + 1), "9" * 30, "%D9%A1", "%EF%BC%91", "1" * 5000, "-1", "1.0"])
def test_an_id_out_of_range_or_not_in_ascii_digits_is_not_found(client, session_row, raw):
    """Arabic-Indic or full-width digits are not ids (an Arabic one used to open session 1)."""
    assert client.get(f"/fr/sessions/{raw}").status_code == 404
    assert client.get(f"/feeds/sessions/{raw}.ics").status_code == 404


def test_the_api_takes_only_ascii_ids(client, session_row):
    """A registration for "١" (Arabic-Indic one) used to go to session 1."""
    person = {"name": "Ana", "email": "ana@example.be", "language": "fr", "consent": True}
    for raw in ("%D9%A1", "%EF%BC%91", str(MAX_ID + 1)):
        assert client.get(f"/api/v1/sessions/{raw}").status_code == 404
        response = client.post(f"/api/v1/sessions/{raw}/registrations", json=person)
        assert response.status_code == 404 and set(response.get_json()["errors"]) == {"id"}
    assert client.post(f"/api/v1/sessions/{session_row.id}/registrations", json=person).status_code == 201


def test_ids_of_every_size_the_databases_store_are_addresses(app, client, session_row):
    assert client.get(f"/nl/sessions/{session_row.id}").status_code == 200
    assert client.get(f"/nl/sessions/{MAX_ID}").status_code == 404  # a possible id, no such session
    with app.test_request_context("/fr/"):
        assert url_for("public.session", lang="fr", session_id=MAX_ID) == f"/fr/sessions/{MAX_ID}"


@pytest.mark.parametrize("value, expected", [
    ("1", 1), ("007", 7), (str(MAX_ID), MAX_ID), (42, 42), ("0", None), (0, None), (MAX_ID + 1, None),
    (str(MAX_ID + 1), None), ("١", None), ("", None), (None, None), (True, None), ("12a", None), (" 1", None),
])
def test_id_from(value, expected):
    assert id_from(value) == expected


def test_staff_addresses_with_an_impossible_id_are_not_found(client):
    create_user("admin@example.be", "Admin", "admin", password=PASSWORD)
    assert client.post("/fr/account/login", data={"email": "admin@example.be", "password": PASSWORD}).status_code == 302
    for path in (f"/fr/staff/sessions/{MAX_ID + 1}", "/nl/staff/series/%D9%A1", f"/fr/staff/messages/{10**12}",
                 f"/fr/staff/closures/{MAX_ID + 1}", f"/nl/partner/{MAX_ID + 1}/settings"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/fr/account/users/{MAX_ID + 1}/active", data={"active": "0"}).status_code == 404
    assert client.post(f"/fr/staff/sessions/{MAX_ID + 1}/room", data={}).status_code == 404


def test_links_without_a_language_take_the_request_s(app):
    with app.test_request_context("/nl/"):
        g.lang = "nl"
        assert url_for("public.index") == "/nl/"
        assert url_for("staff.session", session_id=5) == "/nl/staff/sessions/5"
        assert url_for("accounts.login") == "/nl/account/login"
        assert url_for("public.index", lang="en") == "/en/"
        assert url_for("feeds.workshops") == "/feeds/workshops.ics"  # the feeds take no language by default
        assert url_for("videorooms.join", token="t") == "/join/t"
    with app.test_request_context("/join/t", headers={"Accept-Language": "en-GB,en;q=0.9"}):
        assert url_for("public.index") == "/en/"


def test_views_receive_no_language_argument(client, session_row):
    """The language is taken out of the view's arguments; the page still knows it."""
    response = client.get(f"/en/sessions/{session_row.id}")
    assert response.status_code == 200 and '<html lang="en" class="govuk-template">' in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, expected", [("fr", "Page introuvable"), ("nl", "Pagina niet gevonden"),
                                            ("en", "Page not found")])
def test_the_404_page_speaks_the_address_s_language(client, lang, expected):
    response = client.get(f"/{lang}/nothing-here")
    assert response.status_code == 404
    assert title(response).startswith(expected)


@pytest.mark.parametrize("lang, expected", [("fr", "Cette action n'est pas possible ici"),
                                            ("nl", "Deze actie is hier niet mogelijk"),
                                            ("en", "This action is not possible here")])
def test_a_wrong_method_has_its_page_and_says_what_is_allowed(client, lang, expected):
    response = client.post(f"/{lang}/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert title(response).replace("&#39;", "'").startswith(expected)


def test_the_api_keeps_its_json_errors(client):
    for path, status in (("/api/", 404), ("/api/v1/nothing", 404), (f"/api/v1/sessions/{MAX_ID + 1}", 404)):
        response = client.get(path)
        assert response.status_code == status and response.mimetype == "application/json", path
        assert set(response.get_json()) == {"errors"}
    response = client.post("/api/v1/sessions")
    assert response.status_code == 405 and set(response.get_json()) == {"errors"}


@pytest.fixture
def failing_app(database_url):
    """An app of its own, with one page that fails, and exceptions handled as in production."""
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False})
    failing = language_blueprint("failing", __name__)

    @failing.get("/failing")
    def fail():
        raise RuntimeError("secret internal detail: password=hunter2")

    app.register_blueprint(failing)
    app.add_url_rule("/feeds/failing.ics", "failing_feed", fail)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("lang, expected", [("fr", "Un problème est survenu"), ("nl", "Er is iets misgegaan"),
                                            ("en", "Something went wrong")])
def test_the_500_page_is_translated_and_never_shows_the_error(failing_app, lang, expected):
    response = failing_app.test_client().get(f"/{lang}/failing")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert title(response).startswith(expected)
    assert f'<html lang="{lang}" class="govuk-template">' in html
    for leak in ("secret internal detail", "hunter2", "RuntimeError", "Traceback", "File \""):
        assert leak not in html


def test_a_failing_feed_answers_http_s_plain_500(failing_app):
    response = failing_app.test_client().get("/feeds/failing.ics")
    assert response.status_code == 500
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert "Cité des métiers" not in response.get_data(as_text=True)
