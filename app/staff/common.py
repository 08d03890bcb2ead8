"""Pieces shared by the staff pages: the language from the URL, times typed in Brussels, form errors."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort

from app.calendar.models import Room, Session, Venue
from app.extensions import db
from app.i18n import LANGS
from app.staff import bp
from app.timeutil import BRUSSELS

LANG_RULE = "<any(" + ", ".join(LANGS) + "):lang>"
PREFIX = f"/{LANG_RULE}/staff"
MAX_ID = 2**31 - 1


def get_or_404(model, ident: int):
    found = db.session.get(model, ident) if 0 < ident <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def local_datetime(day: date, at: time) -> datetime:
    """A Brussels wall-clock time, as an aware datetime (the services store it in UTC)."""
    return datetime.combine(day, at, tzinfo=BRUSSELS)


def wall_clock_end(start: datetime, minutes: int) -> datetime:
    """The end `minutes` of wall-clock time later, in Brussels (right across a clock change)."""
    naive = start.astimezone(BRUSSELS).replace(tzinfo=None) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=BRUSSELS)


def place_choices(lang: str) -> tuple[list, list]:
    """(venue options, room options) for select fields; '' means none."""
    venues = list(db.session.scalars(db.select(Venue).order_by(Venue.name)))
    rooms = [(str(r.id), f"{v.name} · {r.name} ({r.capacity})") for v in venues for r in v.rooms]
    return [("", "—")] + [(str(v.id), v.name) for v in venues], [("", "—")] + rooms


def venue_and_room(venue_id: str | None, room_id: str | None) -> tuple[Venue | None, Room | None]:
    """The chosen venue and room; a room alone implies its venue."""
    room = db.session.get(Room, int(room_id)) if room_id and room_id.isdigit() and int(room_id) <= MAX_ID else None
    venue = db.session.get(Venue, int(venue_id)) if venue_id and venue_id.isdigit() and int(venue_id) <= MAX_ID else None
    if venue is None and room is not None:
        venue = room.venue
    return venue, room


def attach_errors(form, errors: dict, aliases: dict | None = None) -> list[str]:
    """Put the service's messages beside their fields; return those that belong to no field."""
    loose = []
    for name, message in errors.items():
        field = form._fields.get((aliases or {}).get(name, name))
        if field is None:
            loose.append(message)
        else:
            field.errors = list(field.errors) + [message]
    return loose


def load_session(session_id: int) -> Session:
    return get_or_404(Session, session_id)


@bp.context_processor
def staff_labels() -> dict:
    from flask_babel import lazy_gettext as _l

    return {"status_labels": {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}}
