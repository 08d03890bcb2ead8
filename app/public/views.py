"""The public pages: the calendar in French, Dutch or English, and one page per session."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.cache import renders
from app.calendar.queries import (
    EARLIEST,
    LATEST,
    SEARCH_MAX,
    calendar_version,
    filter_choices,
    get_public_session,
    list_sessions,
    matching_text,
    parse_filters,
    search_words,
)
from app.closures.services import closures_ahead
from app.database import unit_of_work
from app.errors import DomainError, ValidationError
from app.public.forms import chosen_count, filter_form
from app.public.registration import attach_errors, form_data, registration_form
from app.registrations.services import register_or_resend
from app.timeutil import local_today, utcnow
from app.web.limits import registration_limits
from app.web.urls import language_blueprint
from app.web.weeks import sessions_by_day, week_start

bp = language_blueprint("public", __name__)

PER_PAGE = 40  # sessions in one page of the upcoming list


def feed_links(**filters: str) -> tuple[str, str]:
    """The feed with these filters at the public address: a webcal:// link for calendar apps, and the web one."""
    web = current_app.config["BASE_URL"].rstrip("/") + url_for("feeds.workshops", **filters, lang=g.lang)
    return "webcal://" + web.split("://", 1)[1], web


def _week(raw: str | None) -> tuple[date | None, str | None]:
    """The Monday of the week asked for (`week=YYYY-MM-DD`, any day of it), or an error."""
    if not raw:
        return week_start(local_today()), None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        return None, _("Give the week as a date, for example %(example)s.", example=local_today().isoformat())
    if not EARLIEST <= day <= LATEST:
        return None, _("Give a date between the years 2000 and 2100.")
    return week_start(day), None


@bp.get("/")
def index():
    """The calendar page, rendered once per address and calendar version (see app.cache)."""
    version, ttl = calendar_version()
    return renders.get_or_build(("page", request.full_path, g.lang, version), _index_page, ttl)


def _index_page():
    choices = filter_choices()
    flt, errors = parse_filters(request.args)
    errors = dict(errors)
    monday, week_error = _week(request.args.get("week"))
    if week_error:
        errors["week"] = week_error
    if len(request.args.get("q") or "") > SEARCH_MAX:
        errors["q"] = _("Search with at most %(num)d characters.", num=SEARCH_MAX)
    form = filter_form(request.args, choices, g.lang, errors)
    if errors or flt is None or monday is None:
        return render_template("public/index.html", form=form, errors=errors,
                               chosen=chosen_count(form)), 400
    words = search_words(request.args.get("q"))
    sunday = monday + timedelta(days=6)
    week = sessions_by_day(matching_text(list_sessions(flt.shifted(monday, sunday)), words, g.lang), monday)
    upcoming = matching_text(list_sessions(flt), words, g.lang)
    if not request.args.get("from"):  # from today on: leave out what is already over
        now = utcnow()
        upcoming = [s for s in upcoming if s.end_at > now]
    pages = max(1, -(-len(upcoming) // PER_PAGE))
    page = _page_number(request.args.get("page"), pages)
    webcal, web = feed_links(**flt.query_args())
    return render_template(
        "public/index.html", form=form, errors={}, chosen=chosen_count(form), flt=flt, week=week, monday=monday,
        sunday=sunday,
        previous_week=(monday - timedelta(days=7)).isoformat(), next_week=(monday + timedelta(days=7)).isoformat(),
        today=local_today(), upcoming=upcoming[(page - 1) * PER_PAGE:page * PER_PAGE], page=page, pages=pages,
        week_is_empty=not any(sessions for _day, sessions in week),
        closures=closures_ahead(),
        webcal_url=webcal, feed_url=web,
    )


def _page_number(raw: str | None, pages: int) -> int:
    """The page of the upcoming list asked for; anything odd gives the nearest sensible page."""
    number = int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
    return min(max(number, 1), pages)


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@registration_limits
def session(session_id: int):
    found = get_public_session(session_id)
    if found is None:
        abort(404)
    form = registration_form(g.lang)
    problem, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit() and not form.website.data:
            try:
                with unit_of_work():
                    registration = register_or_resend(found.id, form_data(form))
                if registration is None:  # registered already: the links went to that address, not to this page
                    return redirect(url_for("public.received", session_id=found.id), 303)
                return redirect(url_for("registrations.view", token=registration.token, new=1), 303)
            except ValidationError as exc:
                attach_errors(form, exc.errors)
            except DomainError as exc:
                problem = next(iter(exc.errors.values()))
                status = exc.status
        elif form.website.data:
            problem = _("Your registration could not be taken. Please try again.")
        status = status if status != 200 else 422
        found = get_public_session(session_id)
    webcal, web = feed_links(theme=found.activity.theme.code)
    return render_template(
        "public/session.html", s=found, webcal_url=webcal, feed_url=web, form=form, problem=problem,
        open_for_registration=found.status == "scheduled" and found.end_at > utcnow(),
        ics_url=url_for("feeds.session_ics", session_id=found.id, lang=g.lang),
    ), status


@bp.get("/sessions/<int:session_id>/received")
def received(session_id: int):
    """After a registration of an address that was registered already: the same words for anyone."""
    found = get_public_session(session_id)
    if found is None:
        abort(404)
    return render_template("public/received.html", s=found)
