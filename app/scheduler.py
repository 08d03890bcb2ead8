"""`flask --app wsgi scheduler`: the job process (APScheduler), never inside the web workers.

`--once` runs every due job once and exits (for cron, tests and debugging).
"""
from __future__ import annotations

import logging
import signal
from datetime import datetime

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.messages import jobs
from app.messages.delivery import deliver_due
from app.posts.services import run as publish_posts
from app.privacy.jobs import purge as purge_personal_data
from app.schools.jobs import send_school_reminders
from app.timeutil import BRUSSELS, UTC
from app.videorooms.hosts import send_host_links
from app.videorooms.services import sync_due as sync_rooms

log = logging.getLogger(__name__)

# (name, function, setting with its period in seconds, default period)
JOBS = (
    ("close_waiting_lists", jobs.close_waiting_lists, "SCHEDULER_WAITLIST_SECONDS", 300),
    ("send_due_reminders", jobs.send_due_reminders, "SCHEDULER_REMINDER_SECONDS", 300),
    ("send_due_surveys", jobs.send_due_surveys, "SCHEDULER_SURVEY_SECONDS", 900),
    ("send_school_reminders", send_school_reminders, "SCHEDULER_REMINDER_SECONDS", 300),
    ("sync_rooms", sync_rooms, "SCHEDULER_ROOMS_SECONDS", 30),
    ("publish_posts", publish_posts, "SCHEDULER_POSTS_SECONDS", 60),
    ("send_host_links", send_host_links, "SCHEDULER_HOST_LINKS_SECONDS", 300),
    ("deliver_outbox", deliver_due, "SCHEDULER_DELIVERY_SECONDS", 30),
)
# (name, function, setting with its time of day in Brussels, default time): once a day.
DAILY_JOBS = (
    ("purge_personal_data", purge_personal_data, "PRIVACY_PURGE_AT", "03:30"),
)


def time_of_day(text: str) -> tuple[int, int]:
    """"HH:MM" → (hour, minute); ValueError when it is not a time of day."""
    hour, _, minute = str(text).partition(":")
    if not (hour.isdigit() and minute.isdigit() and 0 <= int(hour) < 24 and 0 <= int(minute) < 60):
        raise ValueError(f"not a time of day: {text!r} (give HH:MM)")
    return int(hour), int(minute)


def run_job(app: Flask, name: str, function) -> object:
    """One run of a job in its own app context; an error is logged, never kills the process."""
    with app.app_context():
        try:
            result = function()
            log.info("%s: %s", name, result)
            return result
        except Exception:  # a job must not stop the others
            db.session.rollback()
            log.exception("job %s failed", name)
            return None
        finally:
            db.session.remove()


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every due job once, then exit.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the jobs: deliver the outbox, send due reminders and surveys, close waiting lists, publish posts, purge
    old personal data."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if once:
        for name, function, _, _ in JOBS + DAILY_JOBS:
            click.echo(f"{name}: {run_job(app, name, function)}")
        return
    scheduler = BlockingScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                              "misfire_grace_time": 120})
    for name, function, setting, default in JOBS:
        scheduler.add_job(run_job, "interval", seconds=int(app.config.get(setting, default)), id=name,
                          args=(app, name, function), next_run_time=datetime.now(UTC))
    for name, function, setting, default in DAILY_JOBS:
        hour, minute = time_of_day(app.config.get(setting) or default)
        scheduler.add_job(run_job, CronTrigger(hour=hour, minute=minute, timezone=BRUSSELS), id=name,
                          args=(app, name, function))
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    click.echo("scheduler running; stop with Ctrl+C")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
