"""Security headers and caching on every kind of answer: pages, the back-office, the API, feeds, errors,
static files; no inline script or style in the pages' templates."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.calendar import services as calendar
from app.registrations.services import register
from app.timeutil import UTC
from tests import factories as f
from tests.factories import as_role

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"


@pytest.fixture
def booked():
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=4)
    session = calendar.create_session(f.activity(), start, start + timedelta(hours=2), "online", capacity=5)
    registration, _ = register(session.id, {"name": "Ana", "email": "ana@example.be", "language": "fr",
                                            "consent": True})
    return session, registration


def kinds(app, client, session, registration):
    """(name, response, personal, token in the address) for every kind of answer."""
    token = registration.token
    answers = [
        ("public page", client.get("/fr/"), False, False),
        ("session page", client.get(f"/nl/sessions/{session.id}"), False, False),
        ("registration page", client.get(f"/fr/registration/{token}"), True, True),
        ("cancel page", client.get(f"/fr/registration/{token}/cancel"), True, True),
        ("check-in page", client.get(f"/fr/checkin/{token}"), True, True),
        ("join page", client.get(f"/join/{token}"), True, True),
        ("reset page", client.get("/en/account/reset/not-a-real-token"), True, True),
        ("API list", client.get("/api/v1/sessions"), False, False),
        ("API registration", client.get(f"/api/v1/registrations/{token}"), True, True),
        ("API new registration", client.post(f"/api/v1/sessions/{session.id}/registrations",
                                              json={"name": "Bo", "email": "bo@example.be", "language": "fr",
                                                    "consent": True}), True, False),
        ("API error", client.get("/api/v1/nothing-here"), False, False),
        ("feed", client.get("/feeds/workshops.ics"), False, False),
        ("personal feed", client.get(f"/feeds/registrations/{token}.ics"), True, True),
        ("error page", client.get("/fr/no-such-page"), False, False),
        ("static file", client.get("/static/site.css"), False, False),
        ("login page", client.get("/en/account/login"), True, False),
        ("health", client.get("/healthz"), False, False),
    ]
    as_role(app, client, "coordinator")
    answers += [
        ("back-office page", client.get("/en/staff/"), True, False),
        ("back-office session", client.get(f"/en/staff/sessions/{session.id}"), True, False),
        ("attendance sheet", client.get(f"/en/staff/sessions/{session.id}/attendance"), True, False),
        ("public page, logged in", client.get(f"/en/sessions/{session.id}"), True, False),
    ]
    return answers


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in policy.split(";")) if part}


def test_the_header_set_of_every_kind_of_answer(app, client, booked):
    session, registration = booked
    for name, response, personal, token in kinds(app, client, session, registration):
        assert response.status_code < 500, name
        headers = response.headers
        csp = directives(response)
        assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'", name
        assert csp["style-src"] == "'self'" and csp["object-src"] == "'none'", name
        assert csp["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY", name
        assert "unsafe-inline" not in headers["Content-Security-Policy"], name
        assert "unsafe-eval" not in headers["Content-Security-Policy"], name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        expected = "no-referrer" if token else "strict-origin-when-cross-origin"
        assert headers["Referrer-Policy"] == expected, name
        assert "Strict-Transport-Security" not in headers, name  # served over http, public address http
        cache = headers.get("Cache-Control") or ""
        assert ("no-store" in cache) == personal, (name, cache)


def test_hsts_over_https_or_when_the_public_address_is_https(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/fr/").headers
    # Without a trusted proxy, a client's X-Forwarded-Proto means nothing.
    assert "Strict-Transport-Security" not in client.get("/fr/", headers={"X-Forwarded-Proto": "https"}).headers
    secure = client.get("/fr/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    monkeypatch.setitem(app.config, "BASE_URL", "https://agenda.example.be")
    for path in ("/fr/", "/api/v1/sessions", "/static/site.css", "/fr/no-such-page"):
        hsts = client.get(path).headers["Strict-Transport-Security"]
        assert int(re.match(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600, path


def test_an_embeddable_view_may_be_framed_and_keeps_the_rest_of_the_policy():
    from app.extensions import headers
    from app.security_headers import embeddable

    def widget():
        return "widget"

    marked = embeddable(headers, widget, ancestors="https://partner.example")
    assert marked is widget and widget.talisman_view_options["frame_options"] is None
    policy = widget.talisman_view_options["content_security_policy"]
    assert policy["frame-ancestors"] == "https://partner.example" and policy["script-src"] == "'self'"


# E-mails and the statistics' PDF (drawn by WeasyPrint, never served as a page) carry their own styles.
PAGE_TEMPLATES = [p for p in TEMPLATES.rglob("*.html")
                  if "messages" not in p.relative_to(TEMPLATES).parts and not p.name.endswith("_pdf.html")]


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_of_a_page_has_inline_script_or_style(path):
    text = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
        assert "src=" in tag, (path, tag)
    assert not re.search(r"<style\b", text, flags=re.I), path
    assert not re.search(r"\s(on[a-z]+|style)\s*=", text, flags=re.I), path
    assert "javascript:" not in text.lower(), path
