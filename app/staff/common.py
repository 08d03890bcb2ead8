"""Pieces shared by the staff pages: times typed in Brussels, places, form errors."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.calendar.models import Activity, Room, Session, Venue
from app.calendar.queries import rooms_by_name, venues_by_name
from app.extensions import db
from app.i18n import current_lang
from app.staff.blueprint import bp
from app.text import fold
from app.timeutil import BRUSSELS, real_local
from app.web.labels import MESSAGE_STATUS_LABELS
from app.web.urls import id_from


def local_datetime(day: date, at: time) -> datetime:
    """A Brussels wall-clock time, as an aware datetime (the services store it in UTC)."""
    return datetime.combine(day, at, tzinfo=BRUSSELS)


def wall_clock_end(start: datetime, minutes: int) -> datetime:
    """The end `minutes` of wall-clock time later, in Brussels (right across a clock change)."""
    naive = real_local(start).replace(tzinfo=None) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=BRUSSELS)


def activity_choices(lang: str) -> list[tuple[str, str]]:
    """Every activity as an option, sorted by its title in `lang` without regard to case or accents."""
    options = [(str(a.id), a.localized("title", lang)) for a in db.session.scalars(db.select(Activity))]
    return [("", "—")] + sorted(options, key=lambda option: (fold(option[1]), option[1], option[0]))


def place_choices(lang: str | None = None) -> tuple[list, list]:
    """(venue options, room options) for select fields, named in `lang` (the page's); '' means none."""
    lang = lang or current_lang()
    venues = venues_by_name(lang)
    rooms = [(str(r.id), f"{v.localized('name', lang)} · {r.localized('name', lang)} ({r.capacity})")
             for v in venues for r in rooms_by_name(v, lang)]
    return [("", "—")] + [(str(v.id), v.localized("name", lang)) for v in venues], [("", "—")] + rooms


def venue_and_room(venue_id: str | None, room_id: str | None) -> tuple[Venue | None, Room | None]:
    """The chosen venue and room; a room alone implies its venue."""
    room = db.session.get(Room, id_from(room_id)) if id_from(room_id) else None
    venue = db.session.get(Venue, id_from(venue_id)) if id_from(venue_id) else None
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
    return db.get_or_404(Session, session_id)


@bp.context_processor
def staff_labels() -> dict:
    return {"status_labels": MESSAGE_STATUS_LABELS}
