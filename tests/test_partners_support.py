"""Shared by the partner and attendance tests (no tests here): accounts, sessions of two partners, logging in."""
from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from flask_login.utils import _create_identifier

from app.accounts.models import User
from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.registrations.services import register
from app.timeutil import local_today
from tests import factories as f

PASSWORD = "a long enough password 2020"
_hasher = PasswordHasher(time_cost=1, memory_cost=8192)
_hash = None


def user(email: str, role: str, partner=None, language: str = "fr", name: str | None = None) -> User:
    global _hash
    _hash = _hash or _hasher.hash(PASSWORD)
    row = User(email=email, name=name or email.split("@")[0].title(), password_hash=_hash, role=role,
               partner_id=partner.id if partner else None, language=language, active=True)
    db.session.add(row)
    db.session.commit()
    return row


def login(app, client, account: User) -> None:
    """The session cookie of a logged-in account, as Flask-Login writes it."""
    with app.test_request_context():
        ident = _create_identifier()
    with client.session_transaction() as sess:
        sess["_user_id"] = account.get_id()
        sess["_fresh"] = True
        sess["_id"] = ident


def world() -> dict:
    """Actiris (A) and VDAB Brussel (B); a session each, one of B co-hosted by A, accounts for every role."""
    a, b = f.partner("actiris"), f.partner("vdab-brussel")
    place = f.venue(rooms=("Salle 1", "Salle 2"))
    day = local_today() + timedelta(days=3)
    start = f.local(day.year, day.month, day.day, 14, 0)
    act_a = f.activity("cv-a", organiser="actiris")
    act_b = f.activity("nl-b", organiser="vdab-brussel", language="nl")
    act_ab = f.activity("shared", organiser="vdab-brussel", cohosts=("actiris",))
    with unit_of_work():  # committed for the live server; a savepoint inside a rolled-back test
        sess_a = calendar.create_session(act_a, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                         room=place.rooms[0], capacity=2)
        sess_b = calendar.create_session(act_b, start, start + timedelta(hours=2), "online", capacity=5)
        sess_ab = calendar.create_session(act_ab, start + timedelta(days=1), start + timedelta(days=1, hours=2),
                                          "online")
    return {
        "a": a, "b": b, "venue": place, "act_a": act_a, "act_b": act_b, "act_ab": act_ab,
        "sess_a": sess_a, "sess_b": sess_b, "sess_ab": sess_ab, "start": start,
        "admin": user("admin@cdm.example", "admin"),
        "coordinator": user("coord@cdm.example", "coordinator", language="nl"),
        "counsellor": user("couns@cdm.example", "counsellor"),
        "partner_a": user("anna@actiris.example", "partner", partner=a, language="fr"),
        "partner_b": user("bram@vdab.example", "partner", partner=b, language="nl"),
    }


def person(session, name: str, email: str, language: str = "fr", **extra):
    data = dict(name=name, email=email, language=language, consent=True, **extra)
    with unit_of_work():
        return register(session.id, data)[0]
