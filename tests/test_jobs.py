"""The job process: reminders and surveys once each, waiting lists closed, two schedulers never send twice."""
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.messages import jobs
from app.messages.models import OutboxMessage
from app.registrations import services
from app.timeutil import UTC
from tests import factories as f
from tests.conftest import ROOT
from tests.smtp import SmtpServer


def session_at(start, capacity=5, slug="cv"):
    return calendar.create_session(f.activity(slug), start, start + timedelta(hours=2), "online", capacity=capacity)


def register(session, n):
    return services.register(session.id, {"name": f"P{n}", "email": f"p{n}@example.be", "language": "en",
                                          "consent": True})[0]


def kinds():
    return Counter(db.session.scalars(db.select(OutboxMessage.kind)))


def test_reminder_once_at_its_time_even_when_the_job_runs_twice():
    now = datetime.now(UTC)
    session = session_at(now + timedelta(days=3))
    register(session, 1)
    assert jobs.send_due_reminders(now) == 0  # too early
    later = session.start_at - timedelta(hours=23)
    assert jobs.send_due_reminders(later) == 1
    assert jobs.send_due_reminders(later) == 0
    assert kinds()["reminder"] == 1


def test_no_reminder_for_someone_who_registered_inside_the_window():
    session = session_at(datetime.now(UTC) + timedelta(hours=5))
    register(session, 1)
    assert jobs.send_due_reminders() == 0


def test_survey_once_after_the_end_and_not_for_cancelled_sessions():
    session = session_at(datetime.now(UTC) + timedelta(days=2))
    other = session_at(datetime.now(UTC) + timedelta(days=2), slug="video")
    register(session, 1)
    register(other, 2)
    calendar.cancel_session(other)
    after = session.end_at + timedelta(hours=2)
    assert jobs.send_due_surveys(after) == 1
    assert jobs.send_due_surveys(after) == 0
    assert kinds()["survey"] == 1


def test_those_still_waiting_at_the_cutoff_are_told_once():
    session = session_at(datetime.now(UTC) + timedelta(days=2), capacity=1)
    register(session, 1)
    register(session, 2)
    at_cutoff = session.start_at - timedelta(hours=1)
    assert jobs.close_waiting_lists(at_cutoff) == 1
    assert jobs.close_waiting_lists(at_cutoff) == 0
    assert kinds()["full"] == 1


@pytest.mark.slow
@pytest.mark.committed
def test_two_scheduler_processes_deliver_each_message_once(database_url):
    with unit_of_work():  # committed: the scheduler processes read it
        session = session_at(datetime.now(UTC) + timedelta(days=3), capacity=200)
        for n in range(120):
            register(session, n)
    server = SmtpServer().start()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="test-secret", SMTP_HOST="127.0.0.1",
               SMTP_PORT=str(server.port), SMTP_TLS="none")
    try:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "--once"]
        procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(2)]
        outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        # whatever one process left (a batch is 50), a second round takes
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    finally:
        server.stop()
    received = Counter(rcpt for _, rcpts, _ in server.recorder.received for rcpt in rcpts)
    assert len(received) == 120 and set(received.values()) == {1}
    db.session.expire_all()
    assert Counter(db.session.scalars(db.select(OutboxMessage.status))) == {"sent": 120}
