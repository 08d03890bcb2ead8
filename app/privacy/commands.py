"""`flask --app wsgi privacy purge`: erase the personal data past its retention now, and say what was done."""
from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.privacy.jobs import purge
from app.timeutil import UTC

privacy_command = AppGroup("privacy", help="Personal data: the retention purge.")

LABELS = {
    "registrations": "registrations anonymised (session ended more than RETENTION_DAYS ago)",
    "walkins": "walk-ins' names and addresses erased (same period)",
    "feeds": "personal feed links deleted (no registration of their address left)",
    "school_requests": "teachers' details erased from school requests (a school year after the class)",
    "messages": "outbox messages emptied of address and text (older than OUTBOX_RETENTION_DAYS)",
    "links": "sign-in and data links erased from sent messages (expired)",
    "login_attempts": "failed-login records deleted (older than LOGIN_ATTEMPT_RETENTION_DAYS)",
    "audit": "audit log entries deleted (older than AUDIT_RETENTION_DAYS)",
}


@privacy_command.command("purge")
@click.option("--now", "now_text", metavar="YYYY-MM-DDTHH:MM", default=None,
              help="Purge as if it were this moment (UTC); for checks, never ahead of time in production.")
def purge_command(now_text: str | None) -> None:
    """Erase personal data past its retention, keeping the anonymous counts."""
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text).replace(tzinfo=UTC)
        except ValueError:
            raise click.BadParameter("give the moment as YYYY-MM-DDTHH:MM", param_hint="--now") from None
    done = purge(now)
    for kind, count in done.items():
        click.echo(f"{count:>8}  {LABELS[kind]}")
    click.echo(f"{sum(done.values()):>8}  in all")
