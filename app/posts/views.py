"""The staff page of the posts: the next ones as each network will show them, editing, publishing now,
skipping, resuming a network whose token was refused, and the history."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import require
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.integrations.social_registry import LABELS, MAX_LENGTHS, NETWORKS, is_configured, length_of, missing_settings
from app.posts import services
from app.posts.forms import EditPostForm, PostActionForm
from app.posts.models import WAITING, Post
from app.web.urls import language_blueprint

bp = language_blueprint("posts", __name__, "/staff")


def _networks() -> list[dict]:
    config = current_app.config
    return [{"name": n, "label": LABELS[n], "configured": is_configured(n, config),
             "missing": missing_settings(n, config), "blocked": services.blocked(n)} for n in NETWORKS]


@bp.get("/posts")
def index():
    require("publish_posts")
    waiting = services.waiting_posts()
    read: dict = {}  # the sessions of each kind and day, read once for the page
    previews = {p.id: services.preview_text(p, sessions=read) for p in waiting}
    return render_template("posts/index.html", waiting=waiting, previews=previews, history=services.history(),
                           networks=_networks(), action=PostActionForm(), labels=LABELS,
                           due=services.local_due,
                           lengths={p.id: length_of(p.network, previews[p.id]) for p in waiting},
                           limits=MAX_LENGTHS, format_day=format_date)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int):
    require("publish_posts")
    post = db.get_or_404(Post, post_id)
    if post.state not in WAITING:
        flash(_("This post is no longer waiting: it cannot be changed."), "info")
        return redirect(url_for("posts.index"), 303)
    form = EditPostForm()
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.edit(post.id, form.text.data, current_user)
            flash(_("The post will go with your text."), "success")
            return redirect(url_for("posts.index"), 303)
        except ValidationError as exc:
            form.text.errors = list(form.text.errors) + [exc.errors.get("text", "")]
    elif not form.is_submitted():
        form.text.data = services.preview_text(post)
    if form.errors:
        status = 400
    return render_template("posts/edit.html", post=post, form=form, labels=LABELS, limit=MAX_LENGTHS[post.network],
                           due=services.local_due, format_day=format_date), status


def _checked(post_id: int) -> Post:
    require("publish_posts")
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    if not PostActionForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        abort(redirect(url_for("posts.index"), 303))
    return post


@bp.post("/posts/<int:post_id>/publish")
def publish(post_id: int):
    post = _checked(post_id)
    with unit_of_work():
        services.ask_now(post.id)
    if not is_configured(post.network, current_app.config):
        flash(_("%(network)s has no credentials: the post stays in the preview.", network=LABELS[post.network]), "info")
        return redirect(url_for("posts.index"), 303)
    services.publish_due(only=post.id)
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    if post.state == "published":
        flash(_("Published on %(network)s.", network=LABELS[post.network]), "success")
    elif post.state == "skipped":
        flash(_("Not published: there is no session left to show."), "info")
    else:
        flash(_("Not published yet: %(reason)s", reason=post.last_error or _("it is waiting for its turn.")), "error")
    return redirect(url_for("posts.index"), 303)


@bp.post("/posts/<int:post_id>/skip")
def skip(post_id: int):
    post = _checked(post_id)
    with unit_of_work():
        post = services.skip(post.id)
        done = post.state == "skipped"
    if done:
        flash(_("The post will not go out."), "success")
    else:
        flash(_("This post is no longer waiting."), "info")
    return redirect(url_for("posts.index"), 303)


@bp.post("/posts/networks/<network>/resume")
def resume(network: str):
    require("publish_posts")
    if network not in NETWORKS:
        abort(404)
    if not PostActionForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
    else:
        with unit_of_work():
            services.resume(network)
        flash(_("Posts to %(network)s go again.", network=LABELS[network]), "success")
    return redirect(url_for("posts.index"), 303)
