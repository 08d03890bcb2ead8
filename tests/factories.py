"""Builders of the rows tests need, written through the real database: the calendar, accounts of every
role and logging them in, a small calendar of two partners, registrations."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from argon2 import PasswordHasher
from flask_login.utils import _create_identifier

from app.accounts.models import User
from app.calendar import services as calendar
from app.calendar.models import Activity, Audience, Partner, Room, Theme, Venue
from app.database import unit_of_work
from app.extensions import db
from app.messages.models import OutboxMessage
from app.messages.services import render_queued
from app.registrations.services import register
from app.timeutil import BRUSSELS, UTC, local_today


def rendered(*messages: OutboxMessage) -> list[OutboxMessage]:
    """The messages as the sender writes them: those still without their texts are rendered now (the
    delivery's own step), from the current data."""
    return [message if message.rendered else render_queued(message) for message in messages]


def local(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BRUSSELS)


def theme(code="jobsearch", **kw) -> Theme:
    row = db.session.scalar(db.select(Theme).filter_by(code=code))
    if row is None:
        row = Theme(code=code, label_fr=kw.get("fr", f"Thème {code}"), label_nl=kw.get("nl", f"Thema {code}"),
                    label_en=kw.get("en", f"Theme {code}"))
        db.session.add(row)
        db.session.commit()
    return row


def audience(code="jobseekers") -> Audience:
    row = db.session.scalar(db.select(Audience).filter_by(code=code))
    if row is None:
        row = Audience(code=code, label_fr=f"Public {code}", label_nl=f"Doelgroep {code}", label_en=f"Audience {code}")
        db.session.add(row)
        db.session.commit()
    return row


def partner(slug="actiris", provider=None) -> Partner:
    row = db.session.scalar(db.select(Partner).filter_by(slug=slug))
    if row is None:
        row = Partner(slug=slug, name_fr=slug.title(), name_nl=slug.title(), name_en=slug.title(),
                      room_provider=provider)
        db.session.add(row)
        db.session.commit()
    return row


ADDRESS_FR = "Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode"
ADDRESS_NL = "Sterrenkundelaan 14, 1210 Sint-Joost-ten-Node"


def venue(name="Cité des métiers", rooms=("Salle 1",), name_nl: str = "") -> Venue:
    """A venue named `name` in French (`name_nl` in Dutch, else the French name shows), its address in French
    and Dutch (no English: the French shows), its notes in the three languages; rooms named in French only."""
    row = db.session.scalar(db.select(Venue).filter_by(name_fr=name))
    if row is None:
        row = Venue(name_fr=name, name_nl=name_nl, address_fr=ADDRESS_FR, address_nl=ADDRESS_NL,
                    accessibility_notes_fr="Entrée de plain-pied", accessibility_notes_nl="Gelijkvloerse ingang",
                    accessibility_notes_en="Step-free entrance")
        row.rooms = [Room(name_fr=r, capacity=30) for r in rooms]
        db.session.add(row)
        db.session.commit()
    return row


def activity(slug="cv", *, language="fr_nl", theme_code="jobsearch", audiences=("jobseekers",),
             organiser=None, cohosts=(), schools_only=False, capacity=20, minutes=120) -> Activity:
    row = Activity(
        slug=slug, title_fr=f"Atelier {slug}", title_nl=f"Workshop {slug}", title_en=f"Workshop {slug} (en)",
        summary_fr="Résumé", summary_nl="Samenvatting", summary_en="Summary",
        description_fr="Description", description_nl="Beschrijving", description_en="Description",
        theme=theme(theme_code), language=language, default_duration_minutes=minutes, default_capacity=capacity,
        organiser=partner(organiser) if organiser else None, schools_only=schools_only,
    )
    row.audiences = [audience(a) for a in audiences]
    row.cohosts = [partner(p) for p in cohosts]
    db.session.add(row)
    db.session.commit()
    return row


WEDNESDAY = 3
TWO_PM = time(14, 0)


# Accounts and logging in ---------------------------------------------------------------------------

PASSWORD = "a long enough password 2020"
_hash: list[str] = []


def user(role: str, email: str | None = None, partner=None, language: str = "fr", name: str | None = None) -> User:
    """An active account of `role` whose password is PASSWORD (hashed cheaply, once per run)."""
    if not _hash:
        _hash.append(PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD))
    row = User(email=email or f"{role}@cdm.example", name=name or f"{role.title()} Staff", password_hash=_hash[0],
               role=role, partner_id=partner.id if partner else None, language=language, active=True)
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
    return local(day.year, day.month, day.day, hour, 0)


def online_session(capacity: int, days: int = 6):
    """An online session `days` from now, in a unit of work of its own (committed for the multi-process tests)."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    with unit_of_work():
        return calendar.create_session(activity(), start, start + timedelta(hours=2), "online", capacity=capacity)


def one_session(capacity: int = 2, days: int = 3, **kw):
    """A face-to-face session in Salle 1 a few days from now."""
    place = venue(rooms=("Salle 1", "Salle 2"))
    act = kw.pop("activity", None) or activity(kw.pop("slug", "cv"))
    start = soon(days)
    with unit_of_work():  # committed for the live server; a savepoint inside a rolled-back test
        return calendar.create_session(act, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                       room=place.rooms[0], capacity=capacity, **kw)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return rendered(*db.session.scalars(query))  # as the sender writes them


HOSTILE = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b>'


# Two partners' calendar ---------------------------------------------------------------------------

def world() -> dict:
    """Actiris (A) and VDAB Brussel (B); a session each, one of B co-hosted by A, accounts for every role."""
    a, b = partner("actiris"), partner("vdab-brussel")
    place = venue(rooms=("Salle 1", "Salle 2"))
    day = local_today() + timedelta(days=3)
    start = local(day.year, day.month, day.day, 14, 0)
    act_a = activity("cv-a", organiser="actiris")
    act_b = activity("nl-b", organiser="vdab-brussel", language="nl")
    act_ab = activity("shared", organiser="vdab-brussel", cohosts=("actiris",))
    with unit_of_work():  # committed for the live server; a savepoint inside a rolled-back test
        sess_a = calendar.create_session(act_a, start, start + timedelta(hours=2), "face_to_face", venue=place,
                                         room=place.rooms[0], capacity=2)
        sess_b = calendar.create_session(act_b, start, start + timedelta(hours=2), "online", capacity=5)
        sess_ab = calendar.create_session(act_ab, start + timedelta(days=1), start + timedelta(days=1, hours=2),
                                          "online")
    return {
        "a": a, "b": b, "venue": place, "act_a": act_a, "act_b": act_b, "act_ab": act_ab,
        "sess_a": sess_a, "sess_b": sess_b, "sess_ab": sess_ab, "start": start,
        "admin": user("admin", "admin@cdm.example", name="Admin"),
        "coordinator": user("coordinator", "coord@cdm.example", language="nl", name="Coord"),
        "counsellor": user("counsellor", "couns@cdm.example", name="Couns"),
        "partner_a": user("partner", "anna@actiris.example", partner=a, language="fr", name="Anna"),
        "partner_b": user("partner", "bram@vdab.example", partner=b, language="nl", name="Bram"),
    }


def person(session, name: str, email: str, language: str = "fr", **extra):
    data = dict(name=name, email=email, language=language, consent=True, **extra)
    with unit_of_work():
        return register(session.id, data)[0]


# Days from today ---------------------------------------------------------------------------------


def at(days: int, hour: int = 10) -> datetime:
    """`hour` o'clock in Brussels, `days` from today."""
    day = local_today() + timedelta(days=days)
    return local(day.year, day.month, day.day, hour, 0)


def session_at(act, start, fmt="face_to_face", minutes=60, **kw):
    """A session of `act` from `start`, in the centre's first room unless online."""
    place = venue() if fmt != "online" else None
    return calendar.create_session(act, start, start + timedelta(minutes=minutes), fmt, venue=place,
                                   room=place.rooms[0] if place else None, **kw)


def monday_of(day):
    return day - timedelta(days=day.weekday())
