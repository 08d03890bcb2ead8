"""`flask --app wsgi scheduler`: the job process (APScheduler), never inside the web workers.

`--once` runs every due job once and exits (for cron, tests and debugging).
"""
from __future__ import annotations

import logging
import signal
from datetime import datetime

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.messages import jobs
from app.messages.delivery import deliver_due
from app.schools.jobs import send_school_reminders
from app.timeutil import UTC
from app.videorooms.services import sync_due as sync_rooms

log = logging.getLogger(__name__)

# (name, function, setting with its period in seconds, default period)
JOBS = (
    ("close_waiting_lists", jobs.close_waiting_lists, "SCHEDULER_WAITLIST_SECONDS", 300),
    ("send_due_reminders", jobs.send_due_reminders, "SCHEDULER_REMINDER_SECONDS", 300),
    ("send_due_surveys", jobs.send_due_surveys, "SCHEDULER_SURVEY_SECONDS", 900),
    ("send_school_reminders", send_school_reminders, "SCHEDULER_REMINDER_SECONDS", 300),
    ("sync_rooms", sync_rooms, "SCHEDULER_ROOMS_SECONDS", 30),
    ("deliver_outbox", deliver_due, "SCHEDULER_DELIVERY_SECONDS", 30),
)


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
    """Run the jobs: deliver the outbox, send due reminders and surveys, close waiting lists."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if once:
        for name, function, _, _ in JOBS:
            click.echo(f"{name}: {run_job(app, name, function)}")
        return
    scheduler = BlockingScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                              "misfire_grace_time": 120})
    for name, function, setting, default in JOBS:
        scheduler.add_job(run_job, "interval", seconds=int(app.config.get(setting, default)), id=name,
                          args=(app, name, function), next_run_time=datetime.now(UTC))
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    click.echo("scheduler running; stop with Ctrl+C")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
