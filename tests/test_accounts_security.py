"""Accounts under attack: logging out ends the session on the server, login limits counted exactly under a
burst and never locking out the right password from elsewhere, client addresses behind a trusted proxy,
a lost-password form that does the same work for every address, passwords that are not easy to guess."""
from __future__ import annotations

import statistics
import threading
import time
from collections import Counter

import pytest
from flask import template_rendered
from flask_babel import force_locale

from app import create_app
from app.accounts import services
from app.accounts.models import LoginAttempt, User
from app.database import unit_of_work
from app.errors import DomainError, ValidationError
from app.extensions import db
from tests.test_accounts_helpers import PASSWORD, log_in, make_users
from tests.test_translations import ensure_compiled

ensure_compiled()  # the messages in French and Dutch


@pytest.fixture
def users():
    return make_users()


# --- logging out ---------------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_opens_nothing_afterwards(app, client, users):
    assert log_in(client, "coordinator@example.be").status_code == 302
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/en/account/").status_code == 200  # the copy works while the session lasts
    assert client.post("/en/account/logout").status_code == 302
    assert thief.get("/en/account/").status_code == 302  # to the login page: the session is over
    assert thief.get("/en/staff/").status_code == 302
    assert log_in(client, "coordinator@example.be").status_code == 302  # a new login works
    assert client.get("/en/account/").status_code == 200 and thief.get("/en/account/").status_code == 302


def test_a_new_password_ends_every_session_and_the_cookie_of_each(app, client, users):
    other = app.test_client()
    for c in (client, other):
        assert log_in(c, "admin@example.be").status_code == 302
    copied = other.get_cookie("session").value
    key = users["admin"].session_key
    services.reset_password(services.reset_token(users["admin"]), "a completely different passphrase")
    assert users["admin"].session_key != key
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert client.get("/en/account/").status_code == 302 and thief.get("/en/account/").status_code == 302


@pytest.mark.parametrize("value", ["", "1", "1:2", "x:y:z", "²:1:k", "99999999999:1:k", "1:1:" + "k" * 30])
def test_a_forged_or_old_cookie_value_loads_nobody(app, users, value):
    with app.test_request_context():
        assert app.login_manager._user_callback(value) is None


# --- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa", "111111111111", "abcdefghijkl", "123456789012", "passwordpassword", "qwertyuiopas",
    "1qaz2wsx3edc", "iloveyou1234", "abcabcabcabc", "zyxwvutsrqpo", "a" * 200,
])
def test_common_repeated_and_sequential_passwords_are_refused(password):
    with force_locale("en"):
        problem = services.password_problem(password, "ana@example.be")
    assert problem is not None and "too easy to guess" in problem


@pytest.mark.parametrize("password", [PASSWORD, "a long enough password 2020", "Ma tante a 3 vélos bleus",
                                      "Sup3rS3cret!x", "brussel-kanaal-fiets-7"])
def test_passwords_of_a_few_words_of_ones_own_are_accepted(password):
    assert services.password_problem(password, "ana@example.be") is None


def test_the_password_messages_are_translated_and_the_reset_page_says_them(client, users):
    for lang, words in (("fr", "trop facile à deviner"), ("nl", "te gemakkelijk te raden")):
        with force_locale(lang):
            assert words in services.password_problem("aaaaaaaaaaaa", "ana@example.be")
            assert (services.password_problem("short", "ana@example.be")
                    != "Choose a password of at least 12 characters.")
    with pytest.raises(ValidationError) as caught:
        services.create_user("new@example.be", "New", "admin", password="aaaaaaaaaaaa")
    assert set(caught.value.errors) == {"password"}
    path = "/fr/account/reset/" + services.reset_token(users["admin"])
    page = client.post(path, data={"password": "abcdefghijkl", "password_again": "abcdefghijkl"})
    assert page.status_code == 422 and "trop facile à deviner" in page.text


# --- the lost-password form ----------------------------------------------------------------------


def _forgot_work(client, email: str) -> list[str]:
    rendered = []

    def seen(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        assert client.post("/en/account/forgot", data={"email": email}).status_code == 200
    finally:
        template_rendered.disconnect(seen)
    return rendered


def test_the_forgot_form_does_the_same_work_for_known_and_unknown_addresses(client, users):
    known = _forgot_work(client, "counsellor@example.be")
    unknown = _forgot_work(client, "nobody@example.be")
    closed_user = users["partner_b"]
    closed_user.active = False
    db.session.commit()
    closed = _forgot_work(client, "b@vdab.example")
    assert known == unknown == closed
    assert {"messages/account_password_reset.txt", "messages/account_password_reset.html"} <= set(known)
    keys = [a.key for a in db.session.scalars(db.select(LoginAttempt))]
    assert {"reset:counsellor@example.be", "reset:nobody@example.be", "reset:b@vdab.example"} <= set(keys)


def test_the_forgot_form_takes_about_the_same_time_for_known_and_unknown_addresses(client):
    """Measured, not asserted to the millisecond: known and unknown addresses asked for in turn (so that
    the machine's load weighs on both), the medians stay within a wide margin (3.3 times before the fix).
    Each known address is asked for once, under its limit of messages: a message is queued each time."""
    known = [services.create_user(f"staff{n}@example.be", f"Staff {n}", "counsellor").email for n in range(30)]
    unknown = [f"nobody{n}@example.be" for n in range(30)]
    times: dict[str, list[float]] = {"known": [], "unknown": []}

    def ask(kind: str, email: str) -> None:
        start = time.perf_counter()
        assert client.post("/en/account/forgot", data={"email": email}).status_code == 200
        times[kind].append(time.perf_counter() - start)

    for email in ["warm-up@example.be"] * 5:
        client.post("/en/account/forgot", data={"email": email})
    for mine, nobody in zip(known, unknown, strict=True):
        ask("known", mine)
        ask("unknown", nobody)
    ratio = statistics.median(times["known"]) / statistics.median(times["unknown"])
    assert 0.55 < ratio < 1.8, ratio


# --- login limits: a burst counted exactly (committed data, several threads) -----------------------


def _attempt(app, email: str, password: str, ip: str, barrier: threading.Barrier, results: list) -> None:
    with app.app_context():
        barrier.wait()
        try:
            with unit_of_work():  # as the login page does: a failure is an outcome, stored with the unit
                try:
                    services.authenticate(email, password, ip)
                    results.append("ok")
                except DomainError as exc:
                    results.append(type(exc).__name__)
        finally:
            db.session.remove()


@pytest.mark.committed
def test_a_burst_of_simultaneous_guesses_gets_exactly_the_tries_of_the_limit(app):
    with unit_of_work():
        services.create_user("admin@example.be", "Admin", "admin", password=PASSWORD)
    results: list[str] = []
    barrier = threading.Barrier(30)
    threads = [threading.Thread(target=_attempt, args=(app, "admin@example.be", f"wrong guess {n}!", "203.0.113.9",
                                                       barrier, results)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Counter(results) == {"LoginFailed": 5, "TooManyAttempts": 25}
    assert db.session.scalar(db.select(db.func.count(LoginAttempt.id)).where(
        LoginAttempt.key == "account:admin@example.be")) == 5
    # The right password from an address that has not failed still gets in.
    with unit_of_work():
        assert services.authenticate("admin@example.be", PASSWORD, "198.51.100.20").email == "admin@example.be"


@pytest.mark.committed
def test_a_burst_of_guesses_from_one_address_on_made_up_accounts_stops_at_the_address_limit(app):
    results: list[str] = []
    barrier = threading.Barrier(26)
    threads = [threading.Thread(target=_attempt, args=(app, f"nobody{n}@example.be", "wrong guess!", "203.0.113.7",
                                                       barrier, results)) for n in range(26)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Counter(results) == {"LoginFailed": 20, "TooManyAttempts": 6}


# --- behind a reverse proxy ----------------------------------------------------------------------


def _app_behind(app, proxies: int):
    return create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "BASE_URL",
                                                        "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB")},
                       "TESTING": True, "WTF_CSRF_ENABLED": False, "TRUSTED_PROXY_COUNT": proxies})


def _through_proxy(client, email: str, password: str, client_address: str):
    return client.post("/en/account/login", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "10.0.0.2"})


@pytest.mark.committed
def test_behind_a_trusted_proxy_twenty_failures_lock_out_their_address_only(app):
    with unit_of_work():
        make_users()
    proxied = _app_behind(app, 1)
    with proxied.app_context():
        attacker, user = proxied.test_client(), proxied.test_client()
        for n in range(20):
            assert _through_proxy(attacker, f"made-up{n}@example.be", "wrong password!!",
                                  "203.0.113.66").status_code == 401
        assert _through_proxy(attacker, "admin@example.be", PASSWORD, "203.0.113.66").status_code == 429
        assert _through_proxy(user, "admin@example.be", PASSWORD, "198.51.100.7").status_code == 302
        assert user.get("/en/account/", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 200
        keys = {a.key for a in db.session.scalars(db.select(LoginAttempt))}
        assert "ip:203.0.113.66" in keys and "ip:10.0.0.2" not in keys


@pytest.mark.committed
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(app):
    with unit_of_work():
        make_users()
    client = app.test_client()
    for n in range(20):  # a different made-up address in the header each time: all counted on the connection's
        assert _through_proxy(client, f"made-up{n}@example.be", "wrong password!!", f"192.0.2.{n}").status_code == 401
    assert _through_proxy(client, "admin@example.be", PASSWORD, "198.51.100.7").status_code == 429
    assert {a.key for a in db.session.scalars(db.select(LoginAttempt)) if a.key.startswith("ip:")} == {"ip:10.0.0.2"}


@pytest.mark.committed
def test_behind_a_trusted_proxy_the_registration_limits_count_the_client_address(app):
    from datetime import datetime, timedelta

    from app.calendar import services as calendar
    from app.timeutil import UTC
    from tests import factories as f

    with unit_of_work():
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=4)
        session_id = calendar.create_session(f.activity(), start, start + timedelta(hours=2), "online",
                                             capacity=30).id
    proxied = _app_behind(app, 1)
    proxied.config["REGISTRATION_LIMIT_PER_ADDRESS"] = "2/minute"
    from app.extensions import limiter

    with proxied.app_context():
        limiter.reset()
        client = proxied.test_client()

        def post(n, address):
            return client.post(f"/api/v1/sessions/{session_id}/registrations", json={
                "name": f"P {n}", "email": f"p{n}@example.be", "language": "fr", "consent": True},
                headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "10.0.0.2"})

        assert [post(n, "203.0.113.1").status_code for n in range(3)] == [201, 201, 429]
        assert post(3, "203.0.113.2").status_code == 201
        limiter.reset()
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
