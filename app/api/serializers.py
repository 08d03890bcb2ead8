"""Calendar rows as JSON-ready dicts, texts in the language asked (French when missing).

Never any videoconference link here: the public API shows what the public pages show.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from app.calendar.models import Audience, Partner, Session, Theme
from app.calendar.places import place_of
from app.timeutil import to_local


def iso(value: datetime) -> str:
    """An instant as ISO 8601 in Brussels time with its offset, e.g. 2026-03-25T14:00:00+01:00."""
    return to_local(value).isoformat(timespec="seconds")


def base_url() -> str:
    return (current_app.config.get("BASE_URL") or "").rstrip("/")


def labelled(row: Theme | Audience, lang: str) -> dict[str, str]:
    return {"code": row.code, "label": row.localized("label", lang)}


def partner_ref(row: Partner, role: str, lang: str) -> dict[str, str]:
    return {"slug": row.slug, "name": row.localized("name", lang), "role": role}


def partner_entry(row: Partner, lang: str) -> dict[str, Any]:
    return {"slug": row.slug, "name": row.localized("name", lang), "website": row.website or None}


def venue(session: Session, lang: str) -> dict[str, Any] | None:
    place = place_of(session, lang)
    if place is None:
        return None
    return {
        "name": place.venue,
        "address": place.address,
        "room": place.room,
        "accessibility": " ".join(n.strip() for n in place.notes if n.strip()) or None,
    }


def session_links(session_id: int, lang: str) -> dict[str, str]:
    """The public page and the calendar file of a session (addresses agreed with the pages and feeds)."""
    root = base_url()
    return {"url": f"{root}/{lang}/sessions/{session_id}", "ics": f"{root}/feeds/sessions/{session_id}.ics?lang={lang}"}


def session(row: Session, lang: str, detail: bool = False) -> dict[str, Any]:
    activity = row.activity
    partners = [partner_ref(activity.organiser, "organiser", lang)] if activity.organiser else []
    partners += [partner_ref(p, "cohost", lang) for p in activity.cohosts if p is not activity.organiser]
    data: dict[str, Any] = {
        "id": row.id,
        "activity": activity.slug,
        "title": activity.localized("title", lang),
        "summary": activity.localized("summary", lang),
        "start": iso(row.start_at),
        "end": iso(row.end_at),
        "format": row.format,
        "language": row.language,
        "theme": labelled(activity.theme, lang),
        "audiences": [labelled(a, lang) for a in activity.audiences],
        "partners": partners,
        "venue": venue(row, lang),
        "capacity": row.capacity,
        "seats_left": row.seats_left,
        "waiting_list": row.waiting_count(),
        "status": row.status,
        "cancel_reason": (row.localized("cancel_reason", lang) or None) if row.status == "cancelled" else None,
        **session_links(row.id, lang),
        "revision": row.revision,
        "updated_at": iso(row.updated_at),
    }
    if detail:
        data["description"] = activity.localized("description", lang)
    return data
