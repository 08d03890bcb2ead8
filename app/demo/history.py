"""The demo's history: a year shaped like the centre's 2020 report (831 group activities, 263 face-to-face and
568 online, 10,380 contacts, the two lockdowns) and the year before it, imported as the last complete year
and the one before, so the statistics page is full when the demo opens. Imported through the same service
as the `stats import` command: loading the demo again imports nothing more."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from app.stats.figures import last_complete_year
from app.stats.history import import_activities, import_closures

HERE = Path(__file__).resolve().parent
REPORT_YEAR = 2020  # the year the files are written in


def _moved(day: str, shift: int) -> str:
    value = date.fromisoformat(day)
    try:
        return value.replace(year=value.year + shift).isoformat()
    except ValueError:  # 29 February
        return value.replace(year=value.year + shift, day=28).isoformat()


def _shifted(name: str, columns: tuple[str, ...], shift: int) -> str:
    reader = csv.DictReader(io.StringIO((HERE / name).read_text(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in reader:
        writer.writerow({**row, **{c: _moved(row[c], shift) for c in columns}})
    return out.getvalue()


def load_history(today: date) -> str:
    shift = last_complete_year(today) - REPORT_YEAR
    activities = import_activities(_shifted("history.csv", ("date",), shift), "demo history.csv")
    closures = import_closures(_shifted("closures.csv", ("from", "to"), shift))
    for report in (activities, closures):
        if not report.ok:
            raise ValueError(f"the demo's history has bad rows: {report.errors[:3]}")
    return (f"History: {activities.imported} past group activities and {closures.imported} closures imported "
            f"({REPORT_YEAR - 1 + shift} and {REPORT_YEAR + shift}).")
