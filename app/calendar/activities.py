"""Creating and editing activities: texts in three languages, theme, audiences, defaults, partners."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from app.calendar.models import DELIVERY_LANGUAGES, LANGS, Activity, Audience, Partner, Theme
from app.errors import ValidationError
from app.extensions import db
from app.timeutil import utcnow
from app.validation import CAPACITY_OUT_OF_RANGE, MAX_CAPACITY, Problem, clean_text, is_whole_number, text_problem

# field -> (longest length, required, newlines allowed)
TEXTS = {"title": (200, False, False), "summary": (500, False, True), "description": (10_000, False, True)}
REQUIRED_TITLES = ("fr", "nl")  # the public sees everything in French and Dutch; English falls back to French


def _clean_texts(errors: dict, data: dict) -> dict:
    cleaned = {}
    for field, (longest, _required, newlines) in TEXTS.items():
        for lang in LANGS:
            name = f"{field}_{lang}"
            value = clean_text(data.get(name), multiline=newlines)
            problem = text_problem(value, longest, multiline=newlines,
                                   required=field == "title" and lang in REQUIRED_TITLES)
            if problem is Problem.MISSING:
                errors[name] = _l("Give the title in this language.")
            elif problem is Problem.TOO_LONG:
                errors[name] = _l("This text is too long (%(num)d characters at most).", num=longest)
            elif problem is Problem.BAD_CHARACTERS:
                errors[name] = _l("This text contains characters that cannot be used.")
            cleaned[name] = value
    return cleaned


def _whole(errors: dict, data: dict, name: str, low: int, high: int, message) -> int | None:
    value = data.get(name)
    if not is_whole_number(value, low, high):
        errors[name] = message
        return None
    return value


def _rows(model, ids) -> list | None:
    """The rows of these ids, or None when one is unknown."""
    raw = [str(i) for i in ids or ()]
    if any(not (i.isascii() and i.isdigit() and len(i) < 11) for i in raw):
        return None
    ids = {int(i) for i in raw}
    if any(not 0 < i < 2**31 for i in ids):
        return None
    rows = list(db.session.scalars(db.select(model).where(model.id.in_(ids)))) if ids else []
    return rows if len(rows) == len(ids) else None


def clean_activity(data: dict) -> dict:
    """Every field checked; ValidationError lists every bad one, nothing is written."""
    errors: dict = {}
    values = _clean_texts(errors, data)
    theme = _rows(Theme, [data.get("theme")]) if data.get("theme") else None
    if not theme:
        errors["theme"] = _l("Choose a theme.")
    audiences = _rows(Audience, data.get("audiences"))
    if audiences is None:
        errors["audiences"] = _l("Unknown audience.")
    if data.get("language") not in DELIVERY_LANGUAGES:
        errors["language"] = _l("Choose French, Dutch, English or bilingual French/Dutch.")
    duration = _whole(errors, data, "default_duration_minutes", 1, 24 * 60,
                      _l("The duration must be from 1 minute to 24 hours."))
    capacity = _whole(errors, data, "default_capacity", 1, MAX_CAPACITY, CAPACITY_OUT_OF_RANGE)
    organiser = _rows(Partner, [data["organiser"]]) if data.get("organiser") else []
    if organiser is None:
        errors["organiser"] = _l("Unknown partner.")
    cohosts = _rows(Partner, data.get("cohosts"))
    if cohosts is None:
        errors["cohosts"] = _l("Unknown partner.")
    if errors:
        raise ValidationError({k: str(v) for k, v in errors.items()})
    values.update(theme=theme[0], audiences=sorted(audiences, key=lambda a: a.code), language=data["language"],
                  default_duration_minutes=duration, default_capacity=capacity,
                  organiser=organiser[0] if organiser else None,
                  cohosts=sorted((p for p in cohosts if not organiser or p.id != organiser[0].id),
                                 key=lambda p: p.slug),
                  schools_only=bool(data.get("schools_only")))
    return values


def _slug(title: str) -> str:
    """A unique address-friendly name from the French title."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:70] or "activity"
    taken = set(db.session.scalars(db.select(Activity.slug).where(Activity.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_activity(data: dict) -> Activity:
    """A new activity from form values (ids for theme, audiences, organiser and co-hosts)."""
    values = clean_activity(data)
    activity = Activity(slug=_slug(values["title_fr"]))
    _assign(activity, values)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(activity: Activity, data: dict) -> Activity:
    """Edit an activity; its sessions show the new texts at once (feeds and pages follow)."""
    values = clean_activity(data)
    _assign(activity, values)
    db.session.flush()
    return activity


def _assign(activity: Activity, values: dict) -> None:
    for name, value in values.items():
        setattr(activity, name, value)
    activity.updated_at = utcnow()  # also when only audiences or co-hosts changed: caches and feeds follow
