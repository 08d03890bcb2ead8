"""`flask --app wsgi posts publish --kind week|day [--date YYYY-MM-DD]`: compose and publish now."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from app.timeutil import local_today

posts_command = AppGroup("posts", help="Posts of the week's and the day's workshops to Facebook and LinkedIn.")


@posts_command.command("publish")
@click.option("--kind", type=click.Choice(["week", "day"]), required=True,
              help="The week's programme or the day's workshops.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day (of the week) the post is for; today by default.")
def publish_command(kind: str, day) -> None:
    """Compose the posts of KIND for the date and publish them now (run twice, it posts once)."""
    from flask import current_app

    from app.integrations.social_registry import is_configured
    from app.posts.services import publish_now

    when: date = day.date() if day else local_today()
    posts, counts = publish_now(kind, when)
    if not posts:
        click.echo(f"No session to post for the {kind} of {when.isoformat()}: nothing queued.")
        return
    for post in posts:
        held = "" if is_configured(post.network, current_app.config) else " (no credentials: kept in the preview)"
        detail = post.url or post.network_post_id or post.last_error or ""
        click.echo(f"{post.network} {post.language} {post.kind} {post.day.isoformat()}: {post.state}{held}"
                   + (f" {detail}" if detail else ""))
    click.echo(", ".join(f"{name} {count}" for name, count in counts.items() if count) or "nothing new to publish")
