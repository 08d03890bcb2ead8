"""Small builders of calendar rows for tests, written through the real database."""
from __future__ import annotations

from datetime import datetime, time

from app.calendar.models import Activity, Audience, Partner, Room, Theme, Venue
from app.extensions import db
from app.messages.models import OutboxMessage
from app.messages.services import render_queued
from app.timeutil import BRUSSELS


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
        row = Partner(slug=slug, name_fr=slug.title(), name_nl=slug.title(), name_en=slug.title(), room_provider=provider)
        db.session.add(row)
        db.session.commit()
    return row


def venue(name="Cité des métiers", rooms=("Salle 1",)) -> Venue:
    row = db.session.scalar(db.select(Venue).filter_by(name=name))
    if row is None:
        row = Venue(name=name, address="Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode",
                    accessibility_notes="Step-free entrance")
        row.rooms = [Room(name=r, capacity=30) for r in rooms]
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
