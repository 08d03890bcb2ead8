"""Accounts: creating them, logging in and out, the rate limit, lost passwords, cookies."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask_babel import force_locale

from app.accounts import services
from app.accounts.models import LoginAttempt, User
from app.errors import ValidationError
from app.extensions import db
from tests import factories as f
from tests.test_accounts_helpers import PASSWORD, csrf_token, home_path, log_in, make_users

GENERIC = "E-mail address or password incorrect."


@pytest.fixture
def users():
    return make_users()


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# --- create_user ---------------------------------------------------------------------------------


def test_create_user_normalises_the_address_and_hashes_the_password():
    user = services.create_user("  Marie.Dupont@Example.BE ", "Marie Dupont", "coordinator", password=PASSWORD)
    assert user.email == "marie.dupont@example.be"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, PASSWORD)
    assert user.active and user.partner is None and user.language == "fr"


@pytest.mark.parametrize("kwargs, field", [
    (dict(email="not an address"), "email"),
    (dict(email="a" * 250 + "@example.be"), "email"),
    (dict(name="   "), "name"),
    (dict(name="x" * 121), "name"),
    (dict(name="Bad\x00name"), "name"),
    (dict(role="superuser"), "role"),
    (dict(role="partner"), "partner"),
    (dict(role="counsellor", partner="actiris"), "partner"),
    (dict(role="partner", partner="no-such-partner"), "partner"),
    (dict(password="short"), "password"),
    (dict(password="new@example.be"), "password"),
    (dict(password="NEW@example.be  "), "password"),
    (dict(language="de"), "language"),
])
def test_create_user_refuses_bad_input_field_by_field_and_stores_nothing(kwargs, field):
    f.partner("actiris")
    values = dict(email="new@example.be", name="New", role="coordinator", password=PASSWORD, language="fr") | kwargs
    with pytest.raises(ValidationError) as caught:
        services.create_user(**values)
    assert field in caught.value.errors
    assert count(User) == 0


def test_create_user_refuses_an_address_twice_whatever_its_case():
    services.create_user("twice@example.be", "One", "admin", password=PASSWORD)
    with pytest.raises(ValidationError) as caught:
        services.create_user("TWICE@example.be", "Two", "admin", password=PASSWORD)
    assert "email" in caught.value.errors and count(User) == 1


def test_a_partner_user_belongs_to_a_partner():
    user = services.create_user("p@example.be", "P", "partner", password=PASSWORD, partner="actiris") \
        if f.partner("actiris") else None
    assert user.partner.slug == "actiris" and not user.is_staff


# --- logging in ----------------------------------------------------------------------------------


def test_login_succeeds_and_lands_on_the_back_office_home(app, client, users):
    response = log_in(client, "coordinator@example.be")
    assert response.status_code == 302
    assert response.headers["Location"] == home_path(app)
    home = client.get("/en/account/")
    assert home.status_code == 200 and "Coordinator Cleo" in home.get_data(as_text=True)
    assert db.session.get(User, users["coordinator"].id).last_login_at is not None


def test_unknown_account_wrong_password_and_closed_account_get_the_same_answer(client, users):
    users["counsellor"].active = False
    db.session.commit()
    answers = [log_in(client, "nobody@example.be"), log_in(client, "admin@example.be", "wrong password!!"),
               log_in(client, "counsellor@example.be"), log_in(client, "not even an address")]
    assert {a.status_code for a in answers} == {401}
    said = r'role="alert"><p class="govuk-notification-banner__heading">([^<]*)<'
    problems = {re.search(said, a.get_data(as_text=True)).group(1) for a in answers}
    assert problems == {GENERIC}
    with force_locale("en"), pytest.raises(services.LoginFailed) as caught:
        services.authenticate("nobody@example.be", PASSWORD, "10.0.0.1")
    assert caught.value.errors == {"_": GENERIC}


def test_five_failures_lock_the_account_for_the_addresses_that_failed_until_the_window_passes(client, users):
    for _ in range(5):
        assert log_in(client, "admin@example.be", "wrong password!!").status_code == 401
    locked = log_in(client, "admin@example.be")  # the right password, past the limit: not even checked
    assert locked.status_code == 429
    assert re.search(r"Too many attempts, try again in 1[45] minutes\.", locked.get_data(as_text=True))
    # An address that has not failed gets its one try checked: a wrong guess, and it is refused from then on.
    third = client.application.test_client()
    assert log_in(third, "admin@example.be", "another wrong one", ip="192.0.2.8").status_code == 401
    assert log_in(third, "admin@example.be", ip="192.0.2.8").status_code == 429
    # The right password from another address that has not failed gets in (and clears the failures).
    other_place = client.application.test_client()
    assert log_in(other_place, "admin@example.be", ip="192.0.2.7").status_code == 302
    assert log_in(client, "coordinator@example.be").status_code == 302  # the address is not blocked by this
    # Sixteen minutes later: the failures are moved back in time, as the clock would have done.
    for attempt in db.session.scalars(db.select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(minutes=16)
    db.session.commit()
    assert log_in(client, "admin@example.be").status_code == 302


def test_twenty_failures_from_one_address_block_it_for_every_account(client, users):
    for n in range(20):
        assert log_in(client, f"someone{n}@example.be", "wrong password!!", ip="198.51.100.9").status_code == 401
    assert log_in(client, "admin@example.be", ip="198.51.100.9").status_code == 429
    assert log_in(client, "admin@example.be", ip="198.51.100.10").status_code == 302
    with pytest.raises(services.TooManyAttempts) as caught:
        services.authenticate("admin@example.be", PASSWORD, "198.51.100.9")
    assert 1 <= caught.value.minutes <= 15
    for attempt in db.session.scalars(db.select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(minutes=15, seconds=1)
    db.session.commit()
    assert services.authenticate("coordinator@example.be", PASSWORD, "198.51.100.9").email == "coordinator@example.be"


def test_the_limits_come_from_the_configuration(app, client, users, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_PER_ACCOUNT", 2)
    log_in(client, "admin@example.be", "wrong password!!")
    assert log_in(client, "admin@example.be", "wrong password!!").status_code == 401
    assert log_in(client, "admin@example.be").status_code == 429


def test_a_success_clears_the_failures_of_the_account(client, users):
    for _ in range(4):
        log_in(client, "admin@example.be", "wrong password!!")
    assert log_in(client, "admin@example.be").status_code == 302
    keys = [a.key for a in db.session.scalars(db.select(LoginAttempt))]
    assert "account:admin@example.be" not in keys and keys.count("ip:127.0.0.1") == 4


def test_an_old_hash_is_upgraded_at_login_and_sessions_stay(users):
    user = users["admin"]
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    db.session.commit()
    stamp = user.get_id()
    services.authenticate("admin@example.be", PASSWORD, "10.0.0.1")
    assert not services.hasher().check_needs_rehash(user.password_hash)
    assert services.hasher().verify(user.password_hash, PASSWORD) and user.get_id() == stamp


def test_login_page_in_each_language_and_an_already_logged_in_visitor(client, users):
    for lang, word in (("fr", 'lang="fr"'), ("nl", 'lang="nl"'), ("en", 'lang="en"')):
        page = client.get(f"/{lang}/account/login")
        assert page.status_code == 200 and word in page.get_data(as_text=True)
    log_in(client, "admin@example.be")
    assert client.get("/en/account/login").status_code == 302


def test_an_empty_form_says_what_is_missing(client):
    page = client.post("/en/account/login", data={"email": "", "password": ""})
    assert page.status_code == 422 and "Give your e-mail address." in page.get_data(as_text=True)


# --- where the login leads -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client, users):
    response = client.get("/en/account/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/account/login?next=")
    page = client.get(response.headers["Location"])
    assert 'value="/en/account/users"' in page.get_data(as_text=True)
    back = log_in(client, "admin@example.be", next="/en/account/users")
    assert back.headers["Location"] == "/en/account/users"


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "http://evil.example/fr/account/", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "//evil.example/%2F..", "/\t/evil.example", "evil.example",
    "https:/evil.example", "/fr/\x00",
])
def test_next_never_leads_to_another_site(app, client, users, target):
    response = log_in(client, "admin@example.be", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == home_path(app)
    page = client.get("/en/account/login?next=" + target.replace("\x00", "%00"))
    assert "evil" not in page.get_data(as_text=True) or page.status_code == 302


# --- logging out ---------------------------------------------------------------------------------


def test_logout_needs_a_post_with_its_csrf_token(app, client, users, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_page = client.get("/en/account/login")
    token = csrf_token(login_page)
    response = client.post("/en/account/login", data={"email": "admin@example.be", "password": PASSWORD,
                                                      "csrf_token": token})
    assert response.status_code == 302
    home = client.get("/en/account/")
    assert home.status_code == 200
    assert client.get("/en/account/logout").status_code == 405
    assert client.post("/en/account/logout").status_code == 400
    assert client.post("/en/account/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/en/account/").status_code == 200  # still logged in
    out = client.post("/en/account/logout", data={"csrf_token": csrf_token(home)})
    assert out.status_code == 302 and out.headers["Location"] == "/en/account/login"
    assert "You are logged out." in client.get("/en/account/login").get_data(as_text=True)
    assert client.get("/en/account/").status_code == 302


def test_login_without_its_csrf_token_is_refused(app, client, users, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/en/account/login", data={"email": "admin@example.be", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/en/account/").status_code == 302


# --- cookies -------------------------------------------------------------------------------------


def test_the_session_cookie_is_http_only_and_lax(app, client, users):
    response = log_in(client, "admin@example.be")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.login_manager.session_protection in ("basic", "strong")  # see app/accounts/login.py


@pytest.mark.parametrize("base_url, secure", [("https://workshops.example.be", True), ("http://127.0.0.1:5000", False)])
def test_cookies_are_secure_when_the_public_address_is_https(base_url, secure, tmp_path):
    code = "from config import Config as C; print(C.SESSION_COOKIE_SECURE, C.REMEMBER_COOKIE_SECURE)"
    env = {"BASE_URL": base_url, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=str(f.__file__).rsplit("/tests/", 1)[0]).stdout.split()
    assert out == [str(secure), str(secure)]


def test_a_closed_account_is_logged_out_at_its_next_request(client, users):
    log_in(client, "coordinator@example.be")
    assert client.get("/en/account/").status_code == 200
    services.set_active(users["coordinator"], False, by=users["admin"])
    assert client.get("/en/account/").status_code == 302
