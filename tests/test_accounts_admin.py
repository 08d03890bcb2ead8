"""Managing accounts: the admin's page, the `users create` command, the demo accounts."""
from __future__ import annotations

import re

import pytest

from app.accounts.models import User
from app.demo.accounts import ACCOUNTS, load_demo_accounts
from app.extensions import db
from app.messages.models import OutboxMessage
from tests import factories as f
from tests.test_accounts_helpers import PASSWORD, log_in, make_users

MARKUP = '<script>alert("x")</script><b>Bold</b>'


@pytest.fixture
def users():
    return make_users()


def emails() -> list[str]:
    return sorted(db.session.scalars(db.select(User.email)))


# --- the admin's page ----------------------------------------------------------------------------


def test_the_admin_creates_an_account_who_gets_a_link_to_choose_a_password(client, users):
    log_in(client, "admin@example.be")
    page = client.get("/en/account/users")
    assert page.status_code == 200 and "Partner Bram" in page.get_data(as_text=True)
    response = client.post("/en/account/users", data={
        "email": "New.Person@Example.be", "name": MARKUP, "role": "partner", "partner": "actiris", "language": "nl"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.person@example.be"))
    assert user.name == MARKUP and user.partner.slug == "actiris" and user.language == "nl"
    listing = client.get("/en/account/users").get_data(as_text=True)
    assert MARKUP not in listing and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;" in listing
    [welcome] = db.session.scalars(db.select(OutboxMessage))
    assert welcome.kind == "account_welcome" and welcome.language == "nl" and "/nl/account/reset/" in welcome.body_text
    assert MARKUP not in welcome.body_html and "&lt;script&gt;" in welcome.body_html


@pytest.mark.parametrize("data, message", [
    ({"email": "x" * 250 + "@example.be"}, "254 characters at most"),
    ({"email": "not an address"}, "Give a valid e-mail address"),
    ({"email": "admin@example.be"}, "exists already"),
    ({"name": "n" * 121}, "too long"),
    ({"name": ""}, "Give the person"),
    ({"role": "partner", "partner": ""}, "A partner user belongs to a partner organisation"),
    ({"role": "coordinator", "partner": "actiris"}, "belong to no partner organisation"),
    ({"role": "root"}, "Choose a role"),
    ({"partner": "<b>nope</b>", "role": "partner"}, "Unknown partner organisation."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_stored(client, users, data, message):
    log_in(client, "admin@example.be")
    before = emails()
    values = {"email": "new@example.be", "name": "New", "role": "counsellor", "partner": "", "language": "fr"} | data
    response = client.post("/en/account/users", data=values)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "<b>nope</b>" not in response.get_data(as_text=True)
    assert emails() == before and db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_the_admin_deactivates_and_reactivates_an_account(app, client, users):
    log_in(client, "admin@example.be")
    other = app.test_client()
    log_in(other, "counsellor@example.be")
    assert other.get("/en/account/").status_code == 200
    target = f"/en/account/users/{users['counsellor'].id}/active"
    assert client.post(target, data={"active": "0"}).status_code == 302
    assert "can no longer log in" in client.get("/en/account/users").get_data(as_text=True)
    assert other.get("/en/account/").status_code == 302  # logged out at once
    assert log_in(other, "counsellor@example.be").status_code == 401
    client.post(target, data={"active": "1"})
    assert log_in(other, "counsellor@example.be").status_code == 302


def test_an_admin_cannot_deactivate_themself(client, users):
    log_in(client, "admin@example.be")
    response = client.post(f"/en/account/users/{users['admin'].id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in client.get("/en/account/users").get_data(as_text=True)
    assert db.session.get(User, users["admin"].id).active
    assert client.get("/en/account/").status_code == 200


def test_unknown_accounts_answer_404(client, users):
    log_in(client, "admin@example.be")
    assert client.post("/en/account/users/999999/active", data={"active": "0"}).status_code == 404
    assert client.post("/en/account/users/99999999999999/active", data={"active": "0"}).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "counsellor", "partner_a"])
def test_only_admins_manage_accounts(client, users, who):
    log_in(client, users[who].email)
    assert client.get("/en/account/users").status_code == 403
    assert client.post("/en/account/users",
                       data={"email": "x@example.be", "name": "X", "role": "admin"}).status_code == 403
    assert client.post(f"/en/account/users/{users['admin'].id}/active", data={"active": "0"}).status_code == 403
    assert db.session.get(User, users["admin"].id).active and len(emails()) == 5


def test_the_home_lists_what_each_role_may_do(client, users):
    log_in(client, "admin@example.be")
    assert "/en/account/users" in client.get("/en/account/").get_data(as_text=True)
    client.post("/en/account/logout")
    log_in(client, "a@actiris.example")
    home = client.get("/en/account/").get_data(as_text=True)
    assert "/en/account/users" not in home and "Partner Anna (Actiris)" in home


# --- the command ---------------------------------------------------------------------------------


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", "create", *args], input=input)


def test_the_command_creates_the_first_admin(app):
    result = cli(app, "--email", "Boss@Example.be", "--role", "admin", "--name", "Boss", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Account created: boss@example.be (admin)." in result.output
    user = db.session.scalar(db.select(User))
    assert user.name == "Boss" and user.role == "admin"
    assert log_in(app.test_client(), "boss@example.be").status_code == 302


def test_the_command_asks_the_password_twice_without_showing_it(app):
    f.partner("vdab-brussel")
    result = cli(app, "--email", "p@vdab.example", "--role", "partner", "--partner", "vdab-brussel",
                 input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and "do not match" in result.output
    user = db.session.scalar(db.select(User))
    assert user.name == "p" and user.partner.slug == "vdab-brussel"


@pytest.mark.parametrize("args, words", [
    (["--email", "nope", "--role", "admin", "--password", PASSWORD], "email"),
    (["--email", "p@example.be", "--role", "partner", "--password", PASSWORD], "partner organisation"),
    (["--email", "p@example.be", "--role", "partner", "--partner", "nowhere", "--password", PASSWORD],
     "Unknown partner"),
    (["--email", "c@example.be", "--role", "coordinator", "--partner", "actiris", "--password", PASSWORD],
     "no partner"),
    (["--email", "c@example.be", "--role", "admin", "--password", "short"], "at least 12"),
    (["--email", "c@example.be", "--role", "admin", "--password", "C@EXAMPLE.BE"], "e-mail address"),
    (["--email", "c@example.be", "--role", "wizard", "--password", PASSWORD], "wizard"),
    (["--email", "c@example.be", "--role", "admin", "--name", "x" * 200, "--password", PASSWORD], "too long"),
])
def test_the_command_refuses_bad_input_clearly(app, args, words):
    f.partner("actiris")
    result = cli(app, *args)
    assert result.exit_code != 0
    assert words in result.output
    assert emails() == []


def test_the_command_refuses_an_address_twice(app):
    cli(app, "--email", "c@example.be", "--role", "admin", "--password", PASSWORD)
    result = cli(app, "--email", "C@example.be", "--role", "counsellor", "--password", PASSWORD)
    assert result.exit_code == 1 and "exists already" in result.output


# --- the demo accounts ---------------------------------------------------------------------------


def test_demo_accounts_one_per_role_passwords_printed_once(app):
    f.partner("actiris"), f.partner("vdab-brussel")
    lines = load_demo_accounts()
    assert len(lines) == len(ACCOUNTS) == 5
    assert {u.role for u in db.session.scalars(db.select(User))} == {"admin", "coordinator", "counsellor", "partner"}
    passwords = dict(re.fullmatch(r"Demo account (\S+) \(\w+\): password (\S+)", line).groups() for line in lines)
    client = app.test_client()
    for email, password in passwords.items():
        assert len(password) >= 12
        assert log_in(client, email, password).status_code == 302
        client.post("/en/account/logout")
    again = load_demo_accounts()
    assert all(line.endswith("exists already, password unchanged.") for line in again)
    assert not any(password in "\n".join(again) for password in passwords.values())
    assert len(emails()) == 5
    partner_users = {u.email: u.partner.slug for u in db.session.scalars(db.select(User).where(User.role == "partner"))}
    assert partner_users == {"partner-actiris@demo.cdm.brussels": "actiris",
                             "partner-vdab@demo.cdm.brussels": "vdab-brussel"}


def test_set_password_gives_a_demo_account_a_new_password(app):
    cli(app, "--email", "boss@example.be", "--role", "admin", "--password", PASSWORD)
    new = "a brand new passphrase 7"
    result = app.test_cli_runner().invoke(args=["users", "set-password", "--email", "Boss@Example.be",
                                                "--password", new])
    assert result.exit_code == 0 and "Password changed for boss@example.be." in result.output, result.output
    client = app.test_client()
    assert log_in(client, "boss@example.be").status_code != 302  # the old password no longer opens it
    response = client.post("/en/account/login", data={"email": "boss@example.be", "password": new})
    assert response.status_code == 302


@pytest.mark.parametrize("args, words", [
    (["--email", "nobody@example.be", "--password", PASSWORD], "no account"),
    (["--email", "boss@example.be", "--password", "short"], "at least 12"),
])
def test_set_password_refuses_with_a_message(app, args, words):
    cli(app, "--email", "boss@example.be", "--role", "admin", "--password", PASSWORD)
    result = app.test_cli_runner().invoke(args=["users", "set-password", *args])
    assert result.exit_code == 1 and words in result.output


def test_database_url_in_the_forms_hosting_services_give():
    import pytest as _pytest

    from config import database_url

    assert database_url("postgres://u:p@db.example:5432/w") == "postgresql+psycopg://u:p@db.example:5432/w"
    assert database_url("postgresql://u@db/w") == "postgresql+psycopg://u@db/w"
    assert database_url("postgresql+psycopg://u@db/w") == "postgresql+psycopg://u@db/w"
    assert database_url(None).startswith("sqlite:///")
    for wrong in ("nonsense", "mysql://u@db/w", "http://example.be"):
        with _pytest.raises(SystemExit) as stopped:
            database_url(wrong)
        assert "DATABASE_URL" in str(stopped.value)
