"""A lost password: the same answer for every address, a signed link by e-mail that works once, for one hour."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner

from app.accounts import services
from app.accounts.models import User
from app.errors import Gone, ValidationError
from app.extensions import db
from app.messages.models import OutboxMessage
from tests.test_accounts_helpers import PASSWORD, log_in, make_users
from tests.test_translations import ensure_compiled

NEW = "a completely different passphrase"
ensure_compiled()  # the message in Dutch needs the compiled catalogues


@pytest.fixture
def users():
    return make_users()


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_path(message: OutboxMessage) -> str:
    url = re.search(r"http://127\.0\.0\.1:5000(/\w\w/account/reset/[\w.-]+)", message.body_text).group(1)
    assert url in message.body_html
    return url


def test_the_forgot_page_answers_the_same_for_every_address(client, users):
    known = client.post("/en/account/forgot", data={"email": "Counsellor@Example.be"})
    unknown = client.post("/en/account/forgot", data={"email": "nobody@example.be"})
    invalid = client.post("/en/account/forgot", data={"email": "<script>alert(1)</script>"})
    assert known.status_code == unknown.status_code == invalid.status_code == 200
    assert known.get_data() == unknown.get_data() == invalid.get_data()
    assert "If an account exists for this address" in known.get_data(as_text=True)
    [message] = outbox()
    assert message.to_email == "counsellor@example.be" and message.registration_id is None
    assert message.kind == "password_reset" and message.status == "queued"


def test_the_message_is_in_the_account_language_with_a_link_in_it(client, users):
    client.post("/fr/account/forgot", data={"email": "b@vdab.example"})  # asked from a French page
    [message] = outbox()
    assert message.language == "nl" and '<html lang="nl">' in message.body_html
    assert link_path(message).startswith("/nl/account/reset/")
    assert "Partner Bram" in message.body_text
    assert message.subject == "Kies een nieuw wachtwoord"


def test_an_empty_form_says_what_is_missing(client):
    page = client.post("/en/account/forgot", data={"email": ""})
    assert page.status_code == 422 and "Give your e-mail address." in page.get_data(as_text=True)


def test_a_closed_account_gets_no_message_and_too_many_asks_are_not_sent(client, users):
    users["counsellor"].active = False
    db.session.commit()
    client.post("/en/account/forgot", data={"email": "counsellor@example.be"})
    assert outbox() == []
    for _ in range(5):
        assert client.post("/en/account/forgot", data={"email": "admin@example.be"}).status_code == 200
    assert len(outbox()) == services.RESETS_PER_WINDOW


def test_the_link_sets_a_new_password_once(client, users):
    services.request_password_reset("admin@example.be", "en")
    path = link_path(outbox()[0]).replace("/fr/", "/en/", 1)  # the link is in French; read the page in English
    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    differ = client.post(path, data={"password": NEW, "password_again": NEW + "!"})
    assert differ.status_code == 422 and "The two passwords differ" in differ.get_data(as_text=True)
    short = client.post(path, data={"password": "short", "password_again": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)
    mail = client.post(path, data={"password": "ADMIN@example.be", "password_again": "ADMIN@example.be"})
    assert mail.status_code == 422 and "cannot be your e-mail address" in mail.get_data(as_text=True)
    done = client.post(path, data={"password": NEW, "password_again": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/en/account/login"
    again = client.get(path)
    assert again.status_code == 410 and "expired or was used already" in again.get_data(as_text=True)
    assert client.post(path, data={"password": PASSWORD, "password_again": PASSWORD}).status_code == 410
    assert log_in(client, "admin@example.be").status_code == 401
    assert log_in(client, "admin@example.be", NEW).status_code == 302


def test_a_link_signed_more_than_an_hour_ago_has_expired(app, client, users):
    class AnHourAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - services.RESET_MAX_AGE - 1

    user = users["coordinator"]
    payload = {"u": user.id, "s": services.password_stamp(user)}
    old = services.reset_serializer(signer=AnHourAgo).dumps(payload)
    fresh = services.reset_serializer().dumps(payload)
    assert client.get(f"/en/account/reset/{old}").status_code == 410
    with pytest.raises(Gone):
        services.reset_password(old, NEW)
    assert client.get(f"/en/account/reset/{fresh}").status_code == 200


@pytest.mark.parametrize("token", [
    "nonsense", "x" * 5000, "eyJ1IjoxLCJzIjoxfQ.forged.signature", "<script>alert(1)</script>", "%00",
])
def test_a_forged_link_is_refused(client, users, token):
    response = client.get(f"/en/account/reset/{token}")
    assert response.status_code in (404, 410)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_a_link_for_another_secret_or_a_closed_account_is_refused(app, users):
    user = users["admin"]
    token = services.reset_token(user)
    other = services.URLSafeTimedSerializer("another secret", salt=services.RESET_SALT).dumps(
        {"u": user.id, "s": services.password_stamp(user)})
    with pytest.raises(Gone):
        services.user_for_reset(other)
    user.active = False
    db.session.commit()
    with pytest.raises(Gone):
        services.user_for_reset(token)


def test_a_new_password_logs_out_every_other_session(app, client, users):
    elsewhere = app.test_client()
    assert log_in(elsewhere, "coordinator@example.be").status_code == 302
    assert elsewhere.get("/en/account/").status_code == 200
    services.reset_password(services.reset_token(users["coordinator"]), NEW)
    assert elsewhere.get("/en/account/").status_code == 302
    assert log_in(client, "coordinator@example.be", NEW).status_code == 302
    assert client.get("/en/account/").status_code == 200


def test_two_resets_in_the_same_second_still_use_each_link_once(users):
    user = users["partner_a"]
    first = services.reset_token(user)
    services.reset_password(first, NEW)
    second = services.reset_token(db.session.get(User, user.id))
    services.reset_password(second, NEW + " again")
    for token in (first, second):
        with pytest.raises(Gone):
            services.reset_password(token, "yet another passphrase")


def test_the_service_checks_the_new_password(users):
    with pytest.raises(ValidationError) as caught:
        services.reset_password(services.reset_token(users["admin"]), "x" * (services.MAX_PASSWORD + 1))
    assert "password" in caught.value.errors


def test_staff_reading_the_outbox_never_see_a_reset_link(app, client, users):
    if "staff.outbox_message" not in app.view_functions:
        pytest.skip("no outbox page")
    services.request_password_reset("admin@example.be", "en")
    message = outbox()[0]
    token = link_path(message).rsplit("/", 1)[1]
    log_in(client, "coordinator@example.be")
    for path in ("/en/staff/messages", f"/en/staff/messages/{message.id}"):
        page = client.get(path)
        assert page.status_code == 200 and token not in page.get_data(as_text=True)
