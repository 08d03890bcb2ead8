"""The staff statistics page, its CSV downloads and its PDF (made from the same template by WeasyPrint)."""
from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from datetime import date

from flask import Response, abort, render_template, request
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.accounts.access import require
from app.cache import renders
from app.calendar.models import FORMATS, Activity, Audience, Partner, Theme
from app.extensions import db
from app.stats.figures import (
    BREAKDOWNS,
    EARLIEST_YEAR,
    LATEST_YEAR,
    NONE,
    Figures,
    Period,
    cached,
    last_complete_year,
    version,
)
from app.timeutil import local_today
from app.web.labels import CHANNEL_LABELS, DELIVERY_LANGUAGE_LABELS, FORMAT_LABELS
from app.web.urls import language_blueprint

bp = language_blueprint("stats", __name__, "/staff")

MAX_PERIOD_DAYS = 366
BREAKDOWN_TITLES = {
    "audience": _l("By target audience"),
    "partner": _l("By partner"),
    "theme": _l("By theme"),
    "channel": _l("By registration channel"),
    "language": _l("By delivery language"),
    "format": _l("By format"),
}
BREAKDOWN_COLUMNS = {
    "audience": _l("Target audience"), "partner": _l("Partner"), "theme": _l("Theme"),
    "channel": _l("Channel"), "language": _l("Language"), "format": _l("Format"),
}
NOT_RECORDED = {
    "audience": _l("No target audience given"),
    "partner": _l("The centre alone, without a partner"),
    "theme": _l("No theme given"),
    "channel": _l("Not recorded (school classes, imported history)"),
    "language": _l("Not recorded"),
    "format": _l("Not recorded"),
}


@dataclass
class Asked:
    period: Period
    year: int | None  # when the period is a calendar year
    errors: dict[str, str]


def parse_period(args, today: date) -> Asked:
    """The period asked: `year`, or `from` and `to` (Brussels days); the last complete year by default."""
    errors: dict[str, str] = {}
    default = last_complete_year(today)
    if args.get("from") or args.get("to"):
        first, last = _date(args.get("from")), _date(args.get("to"))
        if first is None:
            errors["from"] = _("Give the first day as a date, such as 2025-01-01.")
        if last is None:
            errors["to"] = _("Give the last day as a date, such as 2025-12-31.")
        if first and last:
            if last < first:
                errors["to"] = _("The last day must not come before the first.")
            elif (last - first).days >= MAX_PERIOD_DAYS:
                errors["to"] = _("A period lasts a year at most.")
        if not errors:
            period = Period(first, last)
            return Asked(period, period.first.year if period.is_year else None, {})
        return Asked(Period.year(default), default, errors)
    raw = args.get("year")
    if raw:
        year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
        if year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
            errors["year"] = _("Give a year from %(first)s to %(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR)
            return Asked(Period.year(default), default, errors)
        return Asked(Period.year(year), year, {})
    return Asked(Period.year(default), default, {})


def _date(raw) -> date | None:
    raw = (raw or "").strip()
    if len(raw) != 10:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


# Labels --------------------------------------------------------------------------------------------


def _names(model, field: str, ids, lang: str) -> dict:
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return {}
    return {row.id: row.localized(field, lang) for row in db.session.scalars(db.select(model).where(model.id.in_(ids)))}


def breakdown_labels(figures: Figures, lang: str) -> dict[str, dict]:
    """The words of each breakdown's values in `lang`."""
    keys = {name: [row.key for row in rows] for name, rows in figures.breakdowns.items()}
    labels = {
        "audience": _names(Audience, "label", keys["audience"], lang),
        "partner": _names(Partner, "name", keys["partner"], lang),
        "theme": _names(Theme, "label", keys["theme"], lang),
        "channel": {code: CHANNEL_LABELS[code] for code in ("web", "phone", "email", "desk")},
        "language": dict(DELIVERY_LANGUAGE_LABELS),
        "format": dict(FORMAT_LABELS),
    }
    return {name: {key: str(labels[name].get(key, NOT_RECORDED[name] if key == NONE else key))
                   for key in keys[name]} for name in BREAKDOWNS}


def month_label(month: str, pattern: str = "MMMM y") -> str:
    year, number = month.split("-")
    return format_date(date(int(year), int(number), 1), pattern)


def period_label(period: Period) -> str:
    if period.is_year:
        return str(period.first.year)
    return _("from %(first)s to %(last)s", first=format_date(period.first, "d MMMM y"),
             last=format_date(period.last, "d MMMM y"))


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def build_charts(figures: Figures, labels: dict[str, dict]) -> dict[str, dict]:
    """Each chart as an image address and its text alternative."""
    from app.stats import charts  # matplotlib, loaded by the first chart rather than by every process start

    period = figures.period
    label = period_label(period)
    before = period_label(period.previous_year())
    short = [month_label(m.month, "MMM") for m in figures.months]
    found = {}
    title = _("Contacts month by month, %(period)s against %(before)s; closures shaded in grey",
              period=label, before=before)
    found["contacts"] = (title, charts.contacts_chart(
        period.month_starts(), short, [m.contacts for m in figures.months],
        [m.contacts_previous_year for m in figures.months], [(a, b) for a, b, _r in figures.closures],
        (label, before), title, _("Closed")))
    title = _("Group activities per month by format, %(period)s", period=label)
    found["formats"] = (title, charts.formats_chart(
        short, {fmt: [getattr(m, fmt) for m in figures.months] for fmt in FORMATS},
        {fmt: str(FORMAT_LABELS[fmt]) for fmt in FORMATS}, title))
    for name in BREAKDOWNS:
        rows = figures.breakdowns[name]
        title = _("Group activities and contacts %(breakdown)s, %(period)s",
                  breakdown=str(BREAKDOWN_TITLES[name]).lower(), period=label)
        found[name] = (title, charts.breakdown_chart(
            [labels[name][r.key] for r in rows], [r.activities for r in rows], [r.contacts for r in rows],
            (_("Group activities"), _("Contacts")), title))
    return {name: {"src": _data_uri(svg), "svg": svg,
                   "alt": _("%(title)s. The figures are in the table beside the chart.", title=title)}
            for name, (title, svg) in found.items()}


def context(asked: Asked, lang: str, key: tuple[tuple, float] | None = None) -> dict:
    key = key or version(asked.period)
    figures = cached(asked.period, key)
    labels = breakdown_labels(figures, lang)
    drawn = renders.get_or_build(("stats-charts", lang) + key[0], lambda: build_charts(figures, labels), key[1])
    titles = _names(Activity, "title", [s.activity_id for s in figures.satisfaction], lang)
    args = _period_args(asked)
    return {
        "figures": figures, "asked": asked, "labels": labels, "charts": drawn,
        "activity_titles": titles, "period_label": period_label(asked.period),
        "previous_label": period_label(asked.period.previous_year()), "month_label": month_label,
        "number": lambda value: format_decimal(value, format="#,##0"),
        "percent": lambda value: "–" if value is None else format_percent(value, format=_percent_pattern()),
        "average": lambda value: format_decimal(value, format="0.0"),
        "breakdowns": BREAKDOWNS, "breakdown_titles": BREAKDOWN_TITLES, "breakdown_columns": BREAKDOWN_COLUMNS,
        "period_args": args,
        "formats": FORMATS,
    }


def _percent_pattern() -> str:
    """The locale's own percent pattern (12 %, 12%), with one decimal."""
    pattern = get_locale().percent_formats[None].pattern
    return pattern.replace("0", "0.0", 1) if "." not in pattern else pattern


def _lang() -> str:
    from app.i18n import current_lang

    return current_lang()


def _years() -> list[int]:
    """The years offered in the page's choice: this one and the eleven before it, at most."""
    return list(range(local_today().year, EARLIEST_YEAR - 1, -1))[:12]


def _period_args(asked: Asked) -> dict:
    return {"year": asked.year} if asked.year else {"from": asked.period.first.isoformat(),
                                                     "to": asked.period.last.isoformat()}


def report_html(asked: Asked, lang: str) -> Markup:
    """The figures, charts and tables of the page, rendered once per version of the data, language and
    period asked (each reader's page around it is rendered for them)."""
    key = version(asked.period)
    cache_key = ("stats-report", lang, tuple(sorted(_period_args(asked).items()))) + key[0]
    return renders.get_or_build(cache_key, lambda: Markup(render_template(
        "stats/_report.html", downloads=True, **context(asked, lang, key))), key[1])


@bp.get("/stats")
def page():
    require("see_centre")
    asked = parse_period(request.args, local_today())
    return render_template(
        "stats/page.html", report=report_html(asked, _lang()), asked=asked, period_label=period_label(asked.period),
        period_args=_period_args(asked), years=_years(),
    ), 422 if asked.errors else 200


def _csv(rows: list[list], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _asked_or_404() -> Asked:
    asked = parse_period(request.args, local_today())
    if asked.errors:
        abort(404)
    return asked


def _stem(asked: Asked) -> str:
    if asked.year:
        return str(asked.year)
    return f"{asked.period.first.isoformat()}_{asked.period.last.isoformat()}"


@bp.get("/stats/months.csv")
def months_csv():
    require("see_centre")
    asked = _asked_or_404()
    figures = cached(asked.period)
    rows = [["month", "activities", "face_to_face", "online", "hybrid", "contacts", "contacts_previous_year"]]
    rows += [[m.month, m.activities, m.face_to_face, m.online, m.hybrid, m.contacts, m.contacts_previous_year]
             for m in figures.months]
    return _csv(rows, f"stats_{_stem(asked)}_months.csv")


@bp.get("/stats/<name>.csv")
def breakdown_csv(name: str):
    require("see_centre")
    if name not in BREAKDOWNS:
        abort(404)
    asked = _asked_or_404()
    figures = cached(asked.period)
    labels = breakdown_labels(figures, _lang())[name]
    rows = [["value", "activities", "contacts"]]
    rows += [[labels[r.key], r.activities, r.contacts] for r in figures.breakdowns[name]]
    return _csv(rows, f"stats_{_stem(asked)}_{name}.csv")


@bp.get("/stats/report.pdf")
def pdf():
    require("see_centre")
    asked = _asked_or_404()
    html = render_template("stats/report_pdf.html", **context(asked, _lang()))
    from weasyprint import HTML

    document = HTML(string=html, base_url=request.host_url).write_pdf()
    response = Response(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="stats_{_stem(asked)}_{_lang()}.pdf"'
    return response
