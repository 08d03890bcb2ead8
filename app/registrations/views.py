"""The pages behind the signed links of a registration. Opening a link never changes anything."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from app.attendance.qr import checkin_url, qr_svg
from app.calendar.models import ON_SITE_FORMATS, ONLINE_FORMATS
from app.database import unit_of_work
from app.errors import DomainError
from app.feeds.services import replace_person_feed
from app.messages.invitation import personal_calendar
from app.messages.services import feed_link, links, session_details
from app.registrations import services
from app.registrations.forms import CancelForm, FeedForm, SurveyForm
from app.text import file_name
from app.timeutil import to_local, utcnow
from app.videorooms.services import JOIN_OPENS_BEFORE
from app.web.urls import LANG_PREFIX, speaks_language

bp = speaks_language(Blueprint("registrations", __name__))  # the personal feed is under /feeds/


def _registration(token: str):
    found = services.find_by_token(token)
    if found is None:
        abort(404)
    return found


def _page(template: str, registration, **context):
    session, now = registration.session, utcnow()
    seat = registration.status == "confirmed" and session.status == "scheduled" and now < session.end_at
    online = seat and session.format in ONLINE_FORMATS
    join_opens_at = session.start_at - JOIN_OPENS_BEFORE
    checkin = None
    if seat and session.format in ON_SITE_FORMATS:  # what the host scans at the entrance
        checkin = Markup(qr_svg(checkin_url(registration), _("Your check-in QR code")))
    return render_template(template, r=registration, s=session, links=links(registration),
                           details=session_details(session, g.lang, join_below=None),
                           position=services.waitlist_position(registration), now=now, online=online,
                           join_open=online and now >= join_opens_at, join_opens_at=join_opens_at,
                           checkin_qr=checkin, **context)


@bp.get(f"{LANG_PREFIX}/registration/<token>")
def view(token: str):
    registration = _registration(token)
    with unit_of_work():  # the address's feed link is made the first time it is shown, and kept
        feed = feed_link(registration)
    return _page("registrations/view.html", registration, feed=feed, feed_form=FeedForm())


@bp.post(f"{LANG_PREFIX}/registration/<token>/feed")
def replace_feed(token: str):
    """A new link for the person's feed; it goes by e-mail only, and the answer does not show it."""
    registration = _registration(token)
    form = FeedForm()
    if not form.validate_on_submit() or not registration.email_key:
        abort(400)
    with unit_of_work():
        replace_person_feed(registration)
    return _page("registrations/feed_replaced.html", registration)


@bp.route(f"{LANG_PREFIX}/registration/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    registration = _registration(token)
    form = CancelForm()
    if form.validate_on_submit() and registration.status != "cancelled":
        with unit_of_work():
            registration = services.cancel_registration(token)
        return _page("registrations/cancelled.html", registration)
    return _page("registrations/cancel.html", registration, form=form)


@bp.route(f"{LANG_PREFIX}/registration/<token>/survey", methods=["GET", "POST"])
def survey(token: str):
    registration = _registration(token)
    form = SurveyForm()
    error = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.answer_survey(token, form.rating.data, form.comment.data or "")
            return _page("registrations/survey.html", registration, form=None, thanks=True)
        except DomainError as exc:
            error = next(iter(exc.errors.values()))
    status = 422 if form.errors or error else 200
    return _page("registrations/survey.html", registration, form=form, thanks=False, error=error), status


@bp.get("/feeds/registrations/<token>.ics")
def ics(token: str):
    registration = _registration(token)
    body = personal_calendar(registration, current_app.config["BASE_URL"])
    session, lang = registration.session, registration.language
    name = file_name(session.activity.localized("title", lang), to_local(session.start_at).date().isoformat(), "ics")
    response = Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
