"""Shared by the staff tests (no tests here): accounts of every role, logging in, a small calendar."""
from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from flask_login.utils import _create_identifier

from app.accounts.models import User
from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.messages.models import OutboxMessage
from app.timeutil import local_today
from tests import factories as f

PASSWORD = "a long enough password 2020"
_hash: list[str] = []


def user(role: str, email: str | None = None, partner=None, language: str = "fr") -> User:
    if not _hash:
        _hash.append(PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD))
    row = User(email=email or f"{role}@cdm.example", name=f"{role.title()} Staff", password_hash=_hash[0], role=role,
               partner_id=partner.id if partner else None, language=language, active=True)
    db.session.add(row)
    db.session.commit()
    return row


def session_cookie_data(app, account: User, user_agent: str | None = None) -> dict:
    """What Flask-Login keeps in the session of a logged-in account (its strong protection included)."""
    headers = {"User-Agent": user_agent} if user_agent else {}
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        ident = _create_identifier()
    return {"_user_id": account.get_id(), "_fresh": True, "_id": ident}


def login(app, client, account: User) -> None:
    data = session_cookie_data(app, account, client.environ_base.get("HTTP_USER_AGENT"))
    with client.session_transaction() as sess:
        sess.update(data)


def as_role(app, client, role: str, **kw) -> User:
    account = user(role, **kw)
    login(app, client, account)
    return account


def soon(days: int = 3, hour: int = 14):
    day = local_today() + timedelta(days=days)
    return f.local(day.year, day.month, day.day, hour, 0)


def one_session(capacity: int = 2, days: int = 3, **kw):
    """A face-to-face session in Salle 1 a few days from now."""
    place = f.venue(rooms=("Salle 1", "Salle 2"))
    act = kw.pop("activity", None) or f.activity(kw.pop("slug", "cv"))
    start = soon(days)
    with unit_of_work():  # committed for the live server; a savepoint inside a rolled-back test
        return calendar.create_session(act, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                       room=place.rooms[0], capacity=capacity, **kw)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return f.rendered(*db.session.scalars(query))  # as the sender writes them


HOSTILE = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b>'
