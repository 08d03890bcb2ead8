"""The outbox has one writer; message kinds are one enumeration, checked by the database too."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.messages.models import KINDS, Kind, OutboxMessage
from app.messages.outbox import queue_message

APP = Path(__file__).resolve().parent.parent / "app"
WRITER = APP / "messages" / "outbox.py"
HTML_EMAILS = ("messages/message.html", "messages/host_link.html", "messages/account_password_reset.html",
               "partners/proposal_message.html")


def _calls(name: str):
    """(file, call) for every call of `name` (a function or a class) in app/."""
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called == name:
                    yield path, node


def _reset_message(**overrides):
    values = dict(to_email="an@example.be", to_name="An <b>", language="nl", subject=_l("Choose a new password"),
                  template="messages/account_password_reset",
                  context=dict(link="http://127.0.0.1/reset", login="http://127.0.0.1/login", hours=1))
    return queue_message(Kind.PASSWORD_RESET, **{**values, **overrides})


def test_only_the_writer_makes_outbox_rows():
    makers = {path for path, _call in _calls("OutboxMessage")}
    assert makers == {WRITER}


def test_every_kind_written_is_in_the_enumeration():
    written = set()
    # The functions that take a kind, and where: the writer and the features' own helpers.
    for name, position in (("queue_message", 0), ("enqueue", 0), ("_enqueue_account_message", 1), ("_each", 1)):
        for _path, call in _calls(name):
            args = [*call.args[position:position + 1], *(k.value for k in call.keywords if k.arg == "kind")]
            for arg in args:
                if isinstance(arg, ast.Constant):
                    written.add(arg.value)
                elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "Kind":
                    written.add(Kind[arg.attr].value)
    assert written and written <= set(KINDS)
    assert {"host_link", "account_welcome", "password_reset", "proposal"} <= written
    assert len(KINDS) == len(set(KINDS)) == len(Kind)


def test_the_database_refuses_an_unknown_kind():
    message = OutboxMessage(kind="newsletter", to_email="an@example.be", to_name="An", language="fr",
                            subject="Hello", body_text="Hello", body_html="<p>Hello</p>")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(message)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_the_writer_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        queue_message("newsletter", to_email="an@example.be", to_name="An", language="fr", subject="Hello",
                      template="messages/account_password_reset", context={})
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_the_writer_renders_in_the_addressees_language_with_the_shared_layout():
    message = _reset_message()
    db.session.flush()
    assert (message.kind, message.language, message.status) == ("password_reset", "nl", "queued")
    assert message.subject == "Kies een nieuw wachtwoord"  # the lazy subject, read in Dutch
    assert '<html lang="nl">' in message.body_html and "Dag An &lt;b&gt;," in message.body_html
    assert "max-width: 40em" in message.body_html and "Beroepenpunt van Brussel" in message.body_html
    assert "http://127.0.0.1/reset" in message.body_text and "http://127.0.0.1/reset" in message.body_html


def test_a_dedupe_key_is_used_once():
    assert _reset_message(dedupe_key="reset:once") is not None
    assert _reset_message(dedupe_key="reset:once") is None
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1


@pytest.mark.parametrize("template", HTML_EMAILS)
def test_html_emails_extend_the_one_layout(template):
    text = (APP / "templates" / template).read_text(encoding="utf-8")
    assert text.startswith('{% extends "messages/base.html" %}')
    assert "<body" not in text and "font-family" not in text
