"""The widget: `/widget.js` (its size, its words), `/embed/<lang>/` (the one page that may be framed, the
list's filters, the next sessions only), cross-origin reading of the public API, and the back-office page
that builds the snippet."""
from __future__ import annotations

import gzip
import json
import re
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.timeutil import UTC
from tests import factories as f
from tests.test_security_headers import directives


@pytest.fixture
def sessions():
    """Next days: a French on-site workshop (2 seats), a Dutch online one (full), one of VDAB, a cancelled
    one, one for schools only, one already started."""
    cv = f.activity("cv", language="fr", organiser="actiris")
    nl = f.activity("nl", language="nl", theme_code="health", organiser="vdab-brussel")
    school = f.activity("pto", schools_only=True)
    made = {
        "cv": f.session_at(cv, f.at(2, 10), capacity=2),
        "nl": f.session_at(nl, f.at(3, 14), fmt="online", capacity=1),
        "later": f.session_at(cv, f.at(9, 10)),
        "cancelled": f.session_at(cv, f.at(4, 10)),
        "school": f.session_at(school, f.at(2, 9)),
        "started": f.session_at(cv, datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)),
    }
    calendar.cancel_session(made["cancelled"], reason="")
    f.person(made["nl"], "Bram", "bram@example.be", "nl")
    return made


def titles(html: str) -> list[str]:
    return re.findall(r'class="cdmw-title"><a [^>]*>([^<]+)<', html)


def test_the_script_is_small_plain_and_speaks_three_languages(client):
    answer = client.get("/widget.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert len(gzip.compress(answer.data, 9)) < 10 * 1024
    text = answer.get_data(as_text=True)
    words = json.loads(re.search(r"var WORDS = (\{.*?\});\n", text).group(1))
    assert [words[lang]["heading"] for lang in ("fr", "nl", "en")] == \
        ["Nos prochaines séances", "Onze volgende sessies", "Our next sessions"]
    assert words["fr"]["seat_other"] == "%(num)d places restantes" and words["nl"]["formats"]["online"] == "Online"
    assert "import " not in text and "require(" not in text  # no framework, no module loader
    assert answer.headers["Cache-Control"].startswith("public")
    assert client.get("/widget.js", headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304


def test_the_embed_page_alone_may_be_framed(client, sessions):
    embed = client.get("/embed/fr/")
    assert embed.status_code == 200
    assert directives(embed)["frame-ancestors"] == "*" and "X-Frame-Options" not in embed.headers
    assert directives(embed)["script-src"] == "'self'"  # the rest of the policy stays
    for other in ("/fr/", "/fr/programme", f"/fr/sessions/{sessions['cv'].id}"):
        answer = client.get(other)
        assert directives(answer)["frame-ancestors"] == "'none'" and answer.headers["X-Frame-Options"] == "DENY"


def test_the_embed_page_shows_the_next_sessions_with_the_lists_filters(client, sessions):
    html = client.get("/embed/fr/").get_data(as_text=True)
    assert titles(html) == ["Atelier cv", "Atelier nl", "Atelier cv"]  # neither cancelled, schools', nor started
    assert "2 places restantes" in html and "Complet" in html
    assert f'/fr/sessions/{sessions["cv"].id}#register-title' in html and 'target="_blank"' in html
    assert "S&#39;inscrire" in html or "S'inscrire" in html
    nl = client.get("/embed/nl/?language=nl").get_data(as_text=True)
    assert titles(nl) == ["Workshop nl"] and 'lang="nl"' in nl and "Online" in nl
    assert titles(client.get("/embed/en/?partner=actiris&limit=1").get_data(as_text=True)) == ["Workshop cv (en)"]
    assert titles(client.get("/embed/fr/?theme=health").get_data(as_text=True)) == ["Atelier nl"]
    assert titles(client.get("/embed/fr/?format=online").get_data(as_text=True)) == ["Atelier nl"]
    assert titles(client.get("/embed/fr/?audience=jobseekers&limit=2").get_data(as_text=True)) == \
        ["Atelier cv", "Atelier nl"]


def test_the_embed_page_explains_bad_choices(client, sessions):
    answer = client.get("/embed/nl/?limit=99&theme=nope")
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "role=\"alert\"" in text and "Onbekend thema" in text and "20" in text


def test_the_public_api_may_be_read_from_any_origin_never_with_credentials(client, sessions):
    origin = {"Origin": "http://partner.example"}
    listed = client.get("/api/v1/sessions", headers=origin)
    assert listed.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in listed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in listed.headers
    for path in (f"/api/v1/sessions/{sessions['cv'].id}", "/api/v1/themes", "/api/v1/openapi.json",
                 "/api/v1/sessions?theme=nope"):
        assert client.get(path, headers=origin).headers.get("Access-Control-Allow-Origin") == "*", path
    preflight = client.options("/api/v1/sessions", headers={**origin, "Access-Control-Request-Method": "GET",
                                                            "Access-Control-Request-Headers": "accept-language"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Accept-Language" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    # Registering and a registration's own answer stay on this site.
    registration = f.person(sessions["cv"], "Léa", "lea@example.be")
    assert "Access-Control-Allow-Origin" not in client.get(f"/api/v1/registrations/{registration.token}",
                                                             headers=origin).headers
    asked = client.options(f"/api/v1/sessions/{sessions['cv'].id}/registrations",
                           headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in asked.headers


def test_the_builder_makes_the_snippet_from_choices(client, login_as, sessions):
    assert client.get("/fr/staff/widget").status_code in (302, 401)
    login_as(f.user("coordinator"))
    page = client.get("/fr/staff/widget")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'class="govuk-select' in text and 'src="/embed/fr/"' in text
    assert "&lt;div data-cdm-widget data-lang=&#34;fr&#34;&gt;&lt;/div&gt;" in text \
        or "&lt;div data-cdm-widget data-lang=&#34;fr&#34;&gt;" in text or "data-cdm-widget data-lang" in text
    chosen = client.get("/en/staff/widget?kind=iframe&lang=nl&theme=health&format=online&limit=3")
    text = chosen.get_data(as_text=True)
    assert "http://127.0.0.1:5000/embed/nl/?theme=health&amp;amp;format=online&amp;amp;limit=3" in text \
        or "http://127.0.0.1:5000/embed/nl/?theme=health&amp;format=online&amp;limit=3" in text
    assert 'src="/embed/nl/?theme=health&amp;format=online&amp;limit=3"' in text
    script = client.get("/en/staff/widget?kind=script&lang=fr&partner=actiris").get_data(as_text=True)
    assert "data-partner=&#34;actiris&#34;" in script and "/widget.js" in script
    wrong = client.get("/en/staff/widget?limit=50")
    assert wrong.status_code == 422 and "govuk-error-summary" in wrong.get_data(as_text=True)


def test_a_partner_user_builds_a_snippet_too(client, login_as):
    world = f.world()
    login_as(world["partner_b"])
    assert client.get("/nl/staff/widget").status_code == 200
