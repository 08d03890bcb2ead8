"""Pages of partner organisations: their sessions and registrations, proposals, videoconference choice."""
from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import can, require
from app.calendar.models import DELIVERY_LANGUAGES, FORMATS, ONLINE_FORMATS, Partner, Session
from app.calendar.queries import rooms_by_name, venues_by_name
from app.database import unit_of_work
from app.errors import DomainError
from app.extensions import db
from app.i18n import current_lang
from app.integrations.registry import FALLBACK, LABELS
from app.partners import services
from app.partners.forms import ProposalForm, ProviderForm, ReviewForm
from app.partners.models import SessionProposal
from app.videorooms.services import provider_in_use, session_provider
from app.web.labels import LANGUAGE_NAMES, REGISTRATION_CHANNEL_LABELS
from app.web.urls import language_blueprint

bp = language_blueprint("partners", __name__, "/partner")


@bp.get("/")
def sessions():
    require("backoffice")
    upcoming, recent = services.sessions_for(current_user)
    return render_template("partners/sessions.html", upcoming=upcoming, recent=recent)


@bp.get("/sessions/<int:session_id>")
def session(session_id: int):
    found = db.get_or_404(Session, session_id)
    require("see_registrations", session=found)
    provider = session_provider(found) if found.format in ONLINE_FORMATS else None
    return render_template("partners/session.html", s=found, registrations=services.registrations_of(found),
                           provider=provider, provider_labels=LABELS, channel_labels=REGISTRATION_CHANNEL_LABELS)


def status_labels() -> dict[str, str]:
    """The words of the codes a registration's row shows: status, attendance, channel, language."""
    return {"confirmed": _("Confirmed"), "waitlisted": _("Waiting list"), "cancelled": _("Cancelled"),
            "present": _("Present"), "absent": _("Absent"),
            **{f"channel:{code}": str(label) for code, label in REGISTRATION_CHANNEL_LABELS.items()},
            **{f"language:{code}": name for code, name in LANGUAGE_NAMES.items()}}


@bp.get("/sessions/<int:session_id>/registrations.csv")
def session_csv(session_id: int):
    found = db.get_or_404(Session, session_id)
    require("see_registrations", session=found)
    header = [_("Name"), _("E-mail"), _("Status"), _("Language"), _("Channel"), _("Registered on"), _("Attendance")]
    body = services.registrations_csv(found, status_labels(), header)
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="registrations-session-{found.id}.csv"',
        "Cache-Control": "private, no-store"})


def _proposal_form() -> ProposalForm:
    form = ProposalForm()
    activities = services.proposable_activities(current_user.partner_id)
    form.activity.choices = [(None, _("Choose an activity"))] + [
        (a.id, a.localized("title", g.lang)) for a in activities]
    form.format.choices = [(code, label) for code, label in
                           zip(FORMATS, (_("Face-to-face"), _("Online"), _("Hybrid")), strict=True)]
    lang = current_lang()
    venues = venues_by_name(lang)
    form.venue.choices = [(None, _("No venue (online)"))] + [(v.id, v.localized("name", lang)) for v in venues]
    form.room.choices = [(None, _("No particular room"))] + [
        (r.id, f"{v.localized('name', lang)} · {r.localized('name', lang)}") for v in venues
        for r in rooms_by_name(v, lang)]
    form.language.choices = list(zip(DELIVERY_LANGUAGES, (_("French"), _("Dutch"), _("English"),
                                                           _("French and Dutch")), strict=True))
    if request.method == "GET":
        form.capacity.data = form.capacity.data or 20
    return form


@bp.route("/propose", methods=["GET", "POST"])
def propose():
    require("propose_session")
    form = _proposal_form()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.propose_session(current_user, dict(
                    activity_id=form.activity.data, day=form.day.data, start=form.start.data, end=form.end.data,
                    format=form.format.data, venue_id=form.venue.data, room_id=form.room.data,
                    capacity=form.capacity.data, language=form.language.data, note=form.note.data))
        except DomainError as exc:
            errors = exc.errors
        else:
            flash(_("Your proposal is sent. The centre will tell you its decision by e-mail."), "success")
            return redirect(url_for("partners.proposals"), 303)
    for name, message in errors.items():
        getattr(form, name, form.note).errors = list(getattr(form, name, form.note).errors) + [message]
    status = 422 if request.method == "POST" else 200
    return render_template("partners/propose.html", form=form), status


@bp.get("/proposals")
def proposals():
    require("backoffice")
    reviewer = can(current_user, "review_proposals")
    return render_template("partners/proposals.html", proposals=services.proposals_for(current_user),
                           reviewer=reviewer, review_form=ReviewForm())


@bp.post("/proposals/<int:proposal_id>/review")
def review(proposal_id: int):
    require("review_proposals")
    db.get_or_404(SessionProposal, proposal_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("partners.proposals"), 303)
    try:
        if form.refuse.data:
            with unit_of_work():
                services.refuse_proposal(proposal_id, current_user, form.note.data or "")
            flash(_("The proposal is refused; the partner is told."), "success")
        else:
            with unit_of_work():
                proposal = services.approve_proposal(proposal_id, current_user, form.note.data or "")
            flash(_("The proposal is approved: the session is in the calendar and the partner is told."), "success")
            return redirect(url_for("partners.proposals", approved=proposal.created_session_id), 303)
    except DomainError as exc:
        for message in exc.errors.values():
            flash(_("Not done: %(problem)s", problem=message), "error")
    return redirect(url_for("partners.proposals"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@bp.route("/<int:partner_id>/settings", methods=["GET", "POST"])
def settings(partner_id: int | None = None):
    require("set_room_provider")
    if partner_id is None and current_user.role == "partner":
        partner_id = current_user.partner_id
    if partner_id is None:
        partners = list(db.session.scalars(db.select(Partner).order_by(Partner.slug)))
        return render_template("partners/settings.html", partner=None, partners=partners, form=None,
                               provider_labels=LABELS, fallback_provider=FALLBACK)
    partner = db.get_or_404(Partner, partner_id)
    require("set_room_provider", partner_id=partner.id)
    form = ProviderForm()
    if request.method == "GET":
        form.provider.data = partner.room_provider or FALLBACK
    elif form.validate_on_submit():
        try:
            with unit_of_work():
                services.set_room_provider(partner, form.provider.data)
        except DomainError as exc:
            form.provider.errors = list(exc.errors.values())
        else:
            used = provider_in_use(form.provider.data)
            if used == form.provider.data:
                flash(_("Saved: new online sessions of %(name)s use %(provider)s.",
                        name=partner.localized("name", g.lang), provider=LABELS[used]), "success")
            else:
                flash(_("Saved. The centre has not set up %(chosen)s yet: until it does, the online sessions of "
                        "%(name)s use %(provider)s.", chosen=LABELS[form.provider.data],
                        name=partner.localized("name", g.lang), provider=LABELS[used]), "warning")
            return redirect(request.path, 303)
    status = 422 if request.method == "POST" else 200
    chosen = partner.room_provider or FALLBACK
    return render_template("partners/settings.html", partner=partner, partners=None, form=form,
                           chosen=chosen, in_use=provider_in_use(chosen), provider_labels=LABELS,
                           fallback_provider=FALLBACK,
                           unavailable=[name for name in LABELS if provider_in_use(name) != name]), status
