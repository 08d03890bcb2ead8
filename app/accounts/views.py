"""Account pages under /<lang>/account/: log in and out, a lost password, the back-office home, accounts."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import services
from app.accounts.access import can, require
from app.accounts.forms import ForgotForm, LoginForm, ResetForm, UserForm
from app.accounts.models import ROLES, User
from app.calendar.models import Partner
from app.database import unit_of_work
from app.errors import DomainError, NotFound, ValidationError
from app.extensions import db
from app.feeds import services as feed_services
from app.feeds.links import user_feed_url
from app.web.urls import language_blueprint

bp = language_blueprint("accounts", __name__, "/account")  # Flask-Login links here in the request's language


def safe_next(target: str | None) -> str | None:
    """A path on this site, or None: never another site, whatever its spelling."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def home_url() -> str:
    """Staff land on the centre's week, partner users on their organisation's sessions."""
    from flask_login import current_user

    if getattr(current_user, "role", None) == "school" and "schools.account" in current_app.view_functions:
        return url_for("schools.account")  # a school contact: the requests and classes of their school
    for endpoint, action in (("staff.week", "see_centre"), ("partners.sessions", "propose_session")):
        if endpoint in current_app.view_functions and can(current_user, action):
            return url_for(endpoint)
    return url_for("accounts.home")


def _new_session() -> None:
    """Nothing of the visit before carries over (and the form token cached for it goes with it)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _errors_into(form, errors: dict) -> str | None:
    """Messages beside their fields; what belongs to no field is returned."""
    general = None
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            general = message
    return general


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if current_user.is_authenticated:
            return redirect(form.next.data or home_url())
    problem, status = None, 200
    if form.validate_on_submit():
        with unit_of_work():
            try:
                user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
            except DomainError as exc:  # an outcome of the use case: the failed attempt is stored
                user, problem, status = None, exc.errors["_"], exc.status
        if user is not None:
            target = safe_next(form.next.data) or home_url()
            _new_session()
            session.permanent = True
            login_user(user)
            return redirect(target)
    elif request.method == "POST":
        status = 422
    form.password.data = ""
    return render_template("accounts/login.html", form=form, problem=problem), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:  # the session ends on the server: a copy of the cookie opens nothing
        with unit_of_work():
            services.end_sessions(current_user)
    logout_user()
    _new_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_password_reset(form.email.data, g.lang)
        return render_template("accounts/forgot.html", form=None, sent=True)
    return render_template("accounts/forgot.html", form=form, sent=False), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        services.user_for_reset(token)
    except DomainError as exc:
        return render_template("accounts/reset.html", form=None, problem=exc.errors["token"]), exc.status
    form = ResetForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.reset_password(token, form.password.data)
        except DomainError as exc:
            _errors_into(form, exc.errors)
            return render_template("accounts/reset.html", form=form, problem=exc.errors.get("token")), exc.status
        logout_user()
        flash(_("Your password is changed. Log in with the new one."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, problem=None), 422 if form.errors else 200


@bp.get("/")
def home():
    require("backoffice")
    feeds = None
    if feed_services.may_have_feed(current_user):
        feeds = [(row, user_feed_url(row, g.lang)) for row in feed_services.user_feeds(current_user)]
    return render_template("accounts/home.html", feeds=feeds)


@bp.post("/feeds")
def feed_create():
    """A new link to the user's own feed (staff: every session; a partner user: the organisation's)."""
    require("backoffice")
    if not feed_services.may_have_feed(current_user):
        abort(403)
    with unit_of_work():
        feed_services.create_user_feed(current_user)
    flash(_("A new link to your calendar is ready below. Subscribe to it in your calendar app."), "success")
    return redirect(url_for("accounts.home") + "#feeds", 303)


@bp.post("/feeds/<int:feed_id>/revoke")
def feed_revoke(feed_id: int):
    require("backoffice")
    try:
        with unit_of_work():
            feed_services.revoke_user_feed(current_user, feed_id)
    except NotFound:
        abort(404)
    flash(_("The link is revoked: calendars subscribed to it get nothing more."), "success")
    return redirect(url_for("accounts.home") + "#feeds", 303)


def _user_form() -> UserForm:
    form = UserForm()
    labels = {"admin": _("Administrator"), "coordinator": _("Coordinator"), "counsellor": _("Counsellor"),
              "partner": _("Partner user")}
    form.role.choices = [(role, labels[role]) for role in ROLES]
    partners = db.session.scalars(db.select(Partner)).all()
    form.partner.choices = [("", _("None (staff of the centre)"))] + sorted(
        ((p.slug, p.localized("name", g.lang)) for p in partners), key=lambda c: c[1].casefold())
    return form


def _users_page(form: UserForm, status: int = 200):
    users = db.session.scalars(db.select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("accounts/users.html", form=form, users=users), status


@bp.route("/users", methods=["GET", "POST"])
def users():
    require("manage_users")
    form = _user_form()
    if not form.validate_on_submit():
        return _users_page(form, 422 if form.errors else 200)
    try:
        with unit_of_work():
            user = services.create_user(form.email.data, form.name.data, form.role.data, None,
                                        form.partner.data or None, form.language.data, welcome=True)
    except ValidationError as exc:
        flash_problem = _errors_into(form, exc.errors)
        if flash_problem:
            flash(flash_problem, "error")
        return _users_page(form, 422)
    flash(_("Account created for %(email)s: a link to choose a password was sent.", email=user.email), "success")
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    require("manage_users")
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        with unit_of_work():
            services.set_active(user, active, by=current_user)
    except ValidationError as exc:
        flash(exc.errors["_"], "error")
    else:
        flash(_("%(email)s can log in again.", email=user.email) if active
              else _("%(email)s can no longer log in.", email=user.email), "success")
    return redirect(url_for("accounts.users"))
