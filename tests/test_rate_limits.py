"""Rate limits on registrations: per client address, per session, per e-mail address; the page form and
the API share them, the staff desk has none. In memory here (the test app's storage), in Redis with a
multi-process server at the end."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db, limiter
from app.registrations.models import Registration
from app.timeutil import UTC
from app.web.limits import email_key
from config import Config
from tests import factories as f
from tests.factories import as_role
from tests.rush import call, gunicorn

LIMITS = ("REGISTRATION_LIMIT_PER_ADDRESS", "REGISTRATION_LIMIT_PER_SESSION", "REGISTRATION_LIMIT_PER_EMAIL")


@pytest.fixture
def limits(app, monkeypatch):
    """The limits of production (the defaults of config.py), on fresh counters."""
    for name in LIMITS:
        monkeypatch.setitem(app.config, name, getattr(Config, name))
    limiter.reset()
    yield app.config
    limiter.reset()


def new_session(capacity=50, days=4):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    return calendar.create_session(f.activity(slug=f"cv-{uuid.uuid4().hex[:8]}"), start, start + timedelta(hours=2),
                                   "online", capacity=capacity)


def person(n, **kw):
    return {"name": f"Person {n}", "email": f"person{n}@example.be", "language": "fr", "consent": True, **kw}


def api(client, session_id, body, ip="127.0.0.1", lang=None):
    query = f"?lang={lang}" if lang else ""
    return client.post(f"/api/v1/sessions/{session_id}/registrations{query}", json=body,
                       environ_base={"REMOTE_ADDR": ip})


def form(client, session_id, n, lang="fr", ip="127.0.0.1", **kw):
    data = {"name": f"Person {n}", "email": f"person{n}@example.be", "language": "fr", "consent": "y", **kw}
    return client.post(f"/{lang}/sessions/{session_id}", data=data, environ_base={"REMOTE_ADDR": ip})


def count() -> int:
    return db.session.scalar(db.select(db.func.count(Registration.id)))


def test_the_defaults_are_the_documented_ones():
    assert Config.REGISTRATION_LIMIT_PER_ADDRESS == "10/minute;50/hour"
    assert Config.REGISTRATION_LIMIT_PER_SESSION == "100/hour"
    assert Config.REGISTRATION_LIMIT_PER_EMAIL == "5/hour;10/day"
    assert Config.RATELIMIT_STORAGE_URI == "memory://"


def test_one_address_gets_ten_a_minute_across_the_form_and_the_api(client, limits):
    session = new_session()
    for n in range(5):
        assert api(client, session.id, person(n)).status_code == 201
    for n in range(5, 10):
        assert form(client, session.id, n).status_code == 303
    refused = api(client, session.id, person(10), lang="nl")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 60
    assert refused.get_json() == {"errors": {"request": "Er werden in korte tijd te veel inschrijvingen gedaan "
                                                        "vanaf uw verbinding. Probeer het opnieuw over 1 minuut."}}
    page = form(client, session.id, 11, lang="en")
    assert page.status_code == 429 and 1 <= int(page.headers["Retry-After"]) <= 60
    assert 'lang="en"' in page.text and "Too many registrations were made from your connection" in page.text
    assert "Please try again in 1 minute." in page.text
    assert count() == 10
    # Another client is not concerned; reading the page is not counted.
    assert api(client, session.id, person(12), ip="192.0.2.44").status_code == 201
    assert all(client.get(f"/fr/sessions/{session.id}").status_code == 200 for _ in range(12))


def test_refused_attempts_count_for_the_address_too(client, limits):
    session = new_session()
    for n in range(10):
        assert api(client, session.id, person(n, consent=False)).status_code == 422
    assert api(client, session.id, person(99)).status_code == 429
    assert count() == 0


def test_the_page_in_french_says_when_to_try_again(client, limits):
    session = new_session()
    limits["REGISTRATION_LIMIT_PER_ADDRESS"] = "1/hour"
    assert form(client, session.id, 1).status_code == 303
    page = form(client, session.id, 2)
    assert page.status_code == 429 and 'lang="fr"' in page.text
    assert "Trop d&#39;inscriptions ont été faites depuis votre connexion en peu de temps." in page.text
    assert "Réessayez dans 60 minutes." in page.text and 3500 <= int(page.headers["Retry-After"]) <= 3600


def test_one_mailbox_gets_five_registrations_an_hour_whatever_its_case_and_tag(client, limits):
    spellings = ["anna@example.be", "Anna@Example.BE", "anna+cv@example.be", "ANNA+x@example.be",
                 "anna+1+2@example.be"]
    sessions = [new_session(days=3 + n) for n in range(7)]
    assert len({email_key(e) for e in spellings}) == 1 and email_key("anna@example.be") != email_key("an@example.be")
    for n, (session, email) in enumerate(zip(sessions, spellings, strict=False)):
        assert api(client, session.id, person(n, email=email), ip=f"192.0.2.{n + 1}").status_code == 201
    refused = form(client, sessions[5].id, 6, lang="en", ip="198.51.100.1", email="anna+new@example.be")
    assert refused.status_code == 429
    assert "Too many registrations were made with this e-mail address in a short time." in refused.text
    answer = api(client, sessions[6].id, person(7, email="anna@example.be"), ip="198.51.100.2", lang="en")
    assert answer.status_code == 429 and set(answer.get_json()["errors"]) == {"email"}
    assert api(client, sessions[6].id, person(8), ip="198.51.100.3").status_code == 201  # another mailbox


def test_refused_registrations_do_not_count_for_the_mailbox_nor_the_session(client, limits):
    limits["REGISTRATION_LIMIT_PER_SESSION"] = "2/hour"
    session = new_session()
    for n in range(6):  # a stranger's bad requests with Anna's address cannot block her
        assert api(client, session.id, {"email": "anna@example.be", "consent": True},
                   ip=f"192.0.2.{n}").status_code == 422
    assert api(client, session.id, person(1, email="anna@example.be"), ip="198.51.100.9").status_code == 201


def test_one_session_gets_a_limited_number_of_registrations_an_hour(client, limits):
    limits["REGISTRATION_LIMIT_PER_SESSION"] = "3/hour"
    busy, other = new_session(), new_session(days=6)
    for n in range(3):
        assert api(client, busy.id, person(n), ip=f"192.0.2.{n + 1}").status_code == 201
    refused = api(client, busy.id, person(3), ip="192.0.2.50", lang="en")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60
    assert refused.get_json()["errors"] == {
        "session": "This session is receiving too many registrations at the moment. Please try again in 60 minutes."}
    assert form(client, busy.id, 4, ip="192.0.2.51").status_code == 429
    assert api(client, other.id, person(5), ip="192.0.2.52").status_code == 201


def test_the_staff_desk_is_not_limited(app, client, limits):
    limits["REGISTRATION_LIMIT_PER_ADDRESS"] = "2/hour"
    session = new_session()
    as_role(app, client, "counsellor")
    for n in range(6):
        data = {"name": f"Caller {n}", "email": "caller@example.be" if n % 2 else f"c{n}@example.be",
                "language": "fr", "agreed": "y", "channel": "phone"}
        response = client.post(f"/fr/staff/sessions/{session.id}/registrations", data=data)
        assert response.status_code == 303
    assert count() == 4  # caller@ once, c0, c2, c4


def test_a_limit_on_an_unknown_session_or_a_body_that_is_not_json_never_breaks(client, limits):
    assert client.post("/api/v1/sessions/abc/registrations", json=person(1)).status_code == 404
    assert client.post("/api/v1/sessions/1/registrations", data="{oops",
                       content_type="application/json").status_code in (404, 422)
    assert client.post("/fr/sessions/1", data={"email": "x" * 5000}).status_code == 404


# --- for real, in Redis, with several web processes ----------------------------------------------


@pytest.mark.slow
@pytest.mark.committed
def test_the_counters_in_redis_are_shared_by_every_web_process(database_url):
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("the tests need the local Redis server on 127.0.0.1:6379")
    prefix = f"workshops-test-{uuid.uuid4().hex}"
    with unit_of_work():
        session_id = new_session(capacity=100).id
    env = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": prefix,
           "REGISTRATION_LIMIT_PER_ADDRESS": "10/minute"}
    try:
        with gunicorn(database_url, workers=3, **env) as base:
            url = f"{base}/api/v1/sessions/{session_id}/registrations?lang=en"
            answers = [call("POST", url, person(n)) for n in range(14)]
        assert [code for code, _ in answers] == [201] * 10 + [429] * 4
        assert set(answers[-1][1]["errors"]) == {"request"}
        keys = [key.decode() for key in server.scan_iter(match=f"*{prefix}*")]
        assert any("registrations-address" in key for key in keys), keys
        assert any("registrations-email" in key for key in keys) and any("registrations-session" in key for key in keys)
        assert not any("person1@example.be" in key for key in keys)  # the mailbox is hashed
    finally:
        for key in server.scan_iter(match=f"*{prefix}*"):
            server.delete(key)
        server.close()


def test_the_api_description_names_the_429_answer(client):
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"]["/sessions/{id}/registrations"]["post"]["responses"]["429"]
    assert answer == {"$ref": "#/components/responses/TooManyRequests"}
    assert "Retry-After" in document["components"]["responses"]["TooManyRequests"]["headers"]



def test_a_limit_set_to_off_counts_nothing_and_the_others_still_hold(client, limits):
    limits["REGISTRATION_LIMIT_PER_ADDRESS"] = "off"
    for n in range(12):  # beyond 10/minute from one address
        assert api(client, new_session(days=3 + n % 3).id, person(n)).status_code == 201
    limits["REGISTRATION_LIMIT_PER_SESSION"] = "2/hour"
    session = new_session()
    assert [api(client, session.id, person(n)).status_code for n in (20, 21, 22)] == [201, 201, 429]  # still counted
    for name in LIMITS:
        limits[name] = "OFF"
    limiter.reset()
    for n in range(30, 36):  # all lifted: nothing reaches the limiter's storage
        assert api(client, session.id, person(n)).status_code == 201
    storage = limiter.storage
    assert not storage.storage and not storage.events, (storage.storage, storage.events)
    assert count() >= 18
