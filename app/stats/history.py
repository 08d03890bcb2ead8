"""Importing the history: past group activities and past closures from the centre's spreadsheets (CSV).

A file is read whole and checked row by row first; a single bad row and nothing is imported, every bad
row reported with its line number and reason. Importing the same file again imports nothing: a past
activity's key is its row's content and its rank among identical rows of the file, a past closure's its
days.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.calendar.models import DELIVERY_LANGUAGES, FORMATS, Activity, Audience, Partner, Theme
from app.extensions import db
from app.stats.models import PastActivity, PastClosure
from app.text import fold
from app.timeutil import local_today

ACTIVITY_COLUMNS = ("date", "activity", "format", "participants", "partner", "theme", "audience", "language")
CLOSURE_COLUMNS = ("from", "to", "reason")
MAX_PARTICIPANTS = 100_000
MAX_ROWS = 100_000


@dataclass
class Report:
    imported: int = 0
    already: int = 0  # rows of an earlier import of the same file
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def _rows(text: str, columns: tuple[str, ...], report: Report) -> list[tuple[int, dict[str, str]]]:
    """The rows of the file with their line numbers (the header is line 1), or none and the header's error."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        report.errors.append((1, _("The file is empty: its first line names the columns %(columns)s.",
                                   columns=",".join(columns))))
        return []
    missing = [name for name in columns if name not in header]
    if missing:
        report.errors.append((1, _("Columns missing from the first line: %(missing)s (expected: %(columns)s).",
                                   missing=", ".join(missing), columns=",".join(columns))))
        return []
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            rows.append((reader.line_num, values))
            if len(rows) > MAX_ROWS:
                report.errors.append((reader.line_num, _("Too many rows: at most %(most)s per file.", most=MAX_ROWS)))
                return []
    except csv.Error as exc:
        report.errors.append((reader.line_num, _("This line cannot be read as CSV (%(problem)s).", problem=str(exc))))
        return []
    return rows


def _day(value: str) -> date | None:
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class _Names:
    """The reference rows by every name they go by: their label in each language, and their code or slug
    (which wins: it is exact)."""

    def __init__(self) -> None:
        self.activities = self._index(Activity, "slug", "title")
        self.partners = self._index(Partner, "slug", "name")
        self.themes = self._index(Theme, "code", "label")
        self.audiences = self._index(Audience, "code", "label")

    @staticmethod
    def _index(model, code: str, label: str) -> dict[str, object]:
        rows = list(db.session.scalars(sa.select(model).order_by(model.id)))
        found: dict[str, object] = {}
        for row in rows:
            for lang in ("en", "nl", "fr"):  # French last: it wins a name two rows share
                text = getattr(row, f"{label}_{lang}")
                if text:
                    found[fold(text.strip())] = row
        found.update((fold(getattr(row, code)), row) for row in rows)
        return found

    def find(self, kind: str, value: str):
        return getattr(self, kind).get(fold(value.strip()))


def _row_key(values: tuple, rank: int) -> str:
    return hashlib.sha256(repr((values, rank)).encode()).hexdigest()


def read_activities(text: str, source: str = "") -> tuple[list[PastActivity], Report]:
    """The past activities of a file, checked; with any error, none."""
    report = Report()
    rows = _rows(text, ACTIVITY_COLUMNS, report)
    names = _Names()
    today = local_today()
    made: list[PastActivity] = []
    seen: dict[tuple, int] = {}
    for line, v in rows:
        problems = []
        day = _day(v["date"])
        if day is None:
            problems.append(_("the date “%(value)s” is not a date written YYYY-MM-DD", value=v["date"]))
        elif day >= today:
            problems.append(_("the date %(value)s is not in the past", value=v["date"]))
        if not v["activity"]:
            problems.append(_("the activity is missing"))
        elif len(v["activity"]) > 200:
            problems.append(_("the activity's name is longer than 200 characters"))
        if v["format"] not in FORMATS:
            problems.append(_("the format “%(value)s” is not one of %(choices)s", value=v["format"],
                              choices=", ".join(FORMATS)))
        participants = v["participants"]
        if not (participants.isascii() and participants.isdigit() and int(participants) <= MAX_PARTICIPANTS):
            problems.append(_("the participants “%(value)s” are not a whole number from 0 to %(most)s",
                              value=participants, most=MAX_PARTICIPANTS))
        found = {}
        for column, kind in (("partner", "partners"), ("theme", "themes"), ("audience", "audiences")):
            if v[column]:
                found[column] = names.find(kind, v[column])
                if found[column] is None:
                    problems.append({"partner": _("the partner “%(value)s” is unknown", value=v[column]),
                                     "theme": _("the theme “%(value)s” is unknown", value=v[column]),
                                     "audience": _("the audience “%(value)s” is unknown", value=v[column])}[column])
        if v["language"] and v["language"] not in DELIVERY_LANGUAGES:
            problems.append(_("the language “%(value)s” is not one of %(choices)s", value=v["language"],
                              choices=", ".join(DELIVERY_LANGUAGES)))
        if problems:
            report.errors.append((line, " — ".join(problems)))
            continue
        activity = names.find("activities", v["activity"])
        partner, theme, audience = found.get("partner"), found.get("theme"), found.get("audience")
        values = (day.isoformat(), activity.slug if activity else fold(v["activity"]), v["format"],
                  int(participants), partner.slug if partner else None, theme.code if theme else None,
                  audience.code if audience else None, v["language"] or None)
        rank = seen[values] = seen.get(values, 0) + 1
        made.append(PastActivity(
            day=day, activity_id=activity.id if activity else None, title="" if activity else v["activity"],
            format=v["format"], participants=int(participants), partner_id=partner.id if partner else None,
            theme_id=theme.id if theme else None, audience_id=audience.id if audience else None,
            language=v["language"] or None, row_key=_row_key(values, rank), source=source[:200]))
    return ([] if report.errors else made), report


def import_activities(text: str, source: str = "") -> Report:
    """Import the past activities of a file: all of them, or none when a row is bad. Flushes."""
    rows, report = read_activities(text, source)
    if not report.ok:
        return report
    keys = [row.row_key for row in rows]
    taken = set()
    for start in range(0, len(keys), 500):
        taken.update(db.session.scalars(sa.select(PastActivity.row_key).where(
            PastActivity.row_key.in_(keys[start:start + 500]))))
    new = [row for row in rows if row.row_key not in taken]
    db.session.add_all(new)
    db.session.flush()
    report.imported, report.already = len(new), len(rows) - len(new)
    return report


def import_closures(text: str) -> Report:
    """Import past closures of the premises (from, to, reason; days included): all, or none with a bad row."""
    report = Report()
    rows = _rows(text, CLOSURE_COLUMNS, report)
    made: dict[tuple[date, date], PastClosure] = {}
    for line, v in rows:
        problems = []
        first, last = _day(v["from"]), _day(v["to"])
        for name, day in (("from", first), ("to", last)):
            if day is None:
                problems.append(_("“%(value)s” (%(column)s) is not a date written YYYY-MM-DD", value=v[name],
                                  column=name))
        if first and last and last < first:
            problems.append(_("the last day comes before the first"))
        if len(v["reason"]) > 300:
            problems.append(_("the reason is longer than 300 characters"))
        if problems:
            report.errors.append((line, " — ".join(problems)))
            continue
        made.setdefault((first, last), PastClosure(first_day=first, last_day=last, reason=v["reason"]))
    if report.errors:
        return report
    taken = {(a, b) for a, b in db.session.execute(sa.select(PastClosure.first_day, PastClosure.last_day))}
    new = [row for key, row in made.items() if key not in taken]
    db.session.add_all(new)
    db.session.flush()
    report.imported, report.already = len(new), len(made) - len(new)
    return report
