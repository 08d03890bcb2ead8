"""The outbox under faults, with a real SMTP server on 127.0.0.1 and schedulers as processes of their own
(`flask --app wsgi scheduler --once`): a poison message among good ones, a scheduler killed with
SIGKILL in the middle of its batch, a server slower than the lease with two schedulers. Messages are
counted by Message-ID at the server."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.messages.delivery import NO_SMTPUTF8
from app.messages.models import OutboxMessage
from app.messages.outbox import queue_message
from app.registrations.services import register
from app.timeutil import UTC
from tests import factories as f
from tests.smtp import SmtpServer

pytestmark = [pytest.mark.slow, pytest.mark.committed]
ROOT = Path(__file__).resolve().parent.parent


def scheduler(database_url: str, server: SmtpServer, lease: float = 300) -> subprocess.Popen:
    """One scheduler process, running every due job once."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(server.port), "SMTP_TLS": "none", "OUTBOX_LEASE_SECONDS": str(lease),
           "SESSION_LOCK_TIMEOUT_MS": "20000"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "--once"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, timeout: float = 120) -> str:
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output


def people(n: int, prefix: str = "p") -> list[str]:
    """n registrations (a confirmation each) to a face-to-face session, committed."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    with unit_of_work():
        session = calendar.create_session(f.activity(), start, start + timedelta(hours=2), "face_to_face",
                                          venue=f.venue(), capacity=n + 5)
    emails = [f"{prefix}{i}@example.be" for i in range(n)]
    for email in emails:
        with unit_of_work():
            register(session.id, {"name": email.split("@")[0], "email": email, "language": "fr", "consent": True})
    return emails


def by_status() -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(db.select(OutboxMessage.status, db.func.count()).group_by(OutboxMessage.status))
    return dict(rows.all())


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def server():
    started = SmtpServer().start()
    yield started
    started.stop()


def test_poison_messages_among_good_ones_are_failed_and_the_others_all_go_once(database_url, server):
    with unit_of_work():  # first in the queue: the bad ones
        poison = queue_message("password_reset", to_email="jöhn@exämple.be", to_name="Jöhn", language="fr",
                               subject="Hello", template="messages/account_password_reset",
                               context={"link": "http://127.0.0.1/x", "hours": 1})
        broken = queue_message("password_reset", to_email="nobody", to_name="", language="fr", subject="Hello",
                               template="messages/account_password_reset",
                               context={"link": "http://127.0.0.1/x", "hours": 1})
        legacy = queue_message("password_reset", to_email="legacy@example.be", to_name="Old\u2028Name",
                               language="fr", subject="Hello", template="messages/account_password_reset",
                               context={"link": "http://127.0.0.1/x", "hours": 1})
        legacy.subject = "Atelier\u2028CV"  # as queued before subjects were cleaned
    good = people(20)
    finish(scheduler(database_url, server))
    assert by_status() == {"sent": 21, "failed": 2}
    db.session.expire_all()
    assert db.session.get(OutboxMessage, poison.id).last_error == NO_SMTPUTF8
    assert "cannot be written to" in db.session.get(OutboxMessage, broken.id).last_error
    assert all(len(server.recorder.to(email)) == 1 for email in good + ["legacy@example.be"])
    (received,) = server.recorder.to("legacy@example.be")
    assert str(received["Subject"]) == "Atelier CV" and str(received["To"]) == "Old Name <legacy@example.be>"
    assert server.recorder.duplicates() == 0
    finish(scheduler(database_url, server))  # the failed ones are not taken again
    assert by_status() == {"sent": 21, "failed": 2} and len(server.recorder.received) == 21


def test_a_scheduler_killed_mid_batch_leaves_at_most_the_message_in_flight_to_send_again(database_url):
    server = SmtpServer(delay=0.15).start()  # a message every 0.15 s: the kill lands in a batch
    try:
        emails = people(40)
        first = scheduler(database_url, server, lease=2)
        wait_for(lambda: len(server.recorder.received) >= 12)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        statuses = by_status()
        print(f"after SIGKILL: {statuses}, {len(server.recorder.received)} received")
        assert statuses.get("sending", 0) <= 1, statuses  # only the message in flight is held
        time.sleep(2.5)  # its lease runs out
        finish(scheduler(database_url, server, lease=2))
        assert by_status() == {"sent": 40}
        ids = server.recorder.message_ids()
        assert len(set(ids)) == 40 and all(server.recorder.to(email) for email in emails)
        duplicates = server.recorder.duplicates()
        print(f"duplicates: {duplicates} of {len(ids)} received")
        # The message the server took while the scheduler died was never marked: it goes again, once,
        # with the same Message-ID. Nothing else is sent twice.
        assert duplicates <= 1
    finally:
        server.stop()


def test_a_server_slower_than_the_lease_with_two_schedulers_sends_each_message_once(database_url):
    server = SmtpServer(delay=1.5).start()  # each message takes longer than the lease of 1 s
    try:
        people(10)
        schedulers = [scheduler(database_url, server, lease=1)]
        wait_for(lambda: len(server.recorder.received) >= 1)
        time.sleep(1.5)  # the first scheduler's first lease would have run out twice by now
        schedulers.append(scheduler(database_url, server, lease=1))
        outputs = [finish(process, timeout=180) for process in schedulers]
        assert by_status() == {"sent": 10}, outputs
        ids = server.recorder.message_ids()
        print(f"duplicates: {server.recorder.duplicates()} of {len(ids)} received")
        assert len(ids) == 10 and server.recorder.duplicates() == 0
        sent = [int(re.search(r"deliver_outbox: \{'sent': (\d+)", output).group(1)) for output in outputs]
        assert sum(sent) == 10 and min(sent) > 0, sent  # both schedulers took part
    finally:
        server.stop()
