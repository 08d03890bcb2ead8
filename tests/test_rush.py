"""A rush on one session from several client processes at a 4-worker gunicorn on PostgreSQL."""
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from multiprocessing import get_context

import pytest

from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.registrations.models import Registration
from app.timeutil import UTC
from tests import factories as f
from tests.rush import call, fire_together, gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.committed]  # gunicorn workers read committed data

PEOPLE = 220
PROCESSES = 4
DUPLICATES = 12


def test_rush_of_simultaneous_registrations(postgres_only, database_url):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    activity = f.activity()
    with unit_of_work():
        session = calendar.create_session(activity, start, start + timedelta(hours=2), "online", capacity=20)
    session_id = session.id
    people = [{"name": f"Person {n}", "email": f"person{n}@example.be", "language": "fr", "consent": True}
              for n in range(PEOPLE)]
    # The same address several times among them, fired at the same instant.
    people += [{"name": "Twin", "email": "Twin@Example.be", "language": "nl", "consent": True}] * DUPLICATES
    chunks = [people[i::PROCESSES] for i in range(PROCESSES)]
    with gunicorn(database_url, workers=4) as base:
        url = f"{base}/api/v1/sessions/{session_id}/registrations"
        start_at = time.time() + 3
        with ProcessPoolExecutor(PROCESSES, mp_context=get_context("spawn")) as pool:
            results = [r for chunk in pool.map(fire_together, [url] * PROCESSES, chunks, [start_at] * PROCESSES)
                       for r in chunk]
        statuses = Counter(code for code, _ in results)
        assert set(statuses) == {201}, statuses  # the same answer whether or not already registered
        answers = [body for _, body in results]
        by_email = {}
        for person, body in zip([p for c in chunks for p in c], answers, strict=True):
            by_email.setdefault(person["email"].lower(), set()).add(body["token"])
        # One registration for the duplicates: its token went to one answer only, the others got none.
        assert len(by_email["twin@example.be"] - {None}) == 1 and None in by_email["twin@example.be"]

        db.session.expire_all()
        rows = list(db.session.scalars(db.select(Registration).where(Registration.session_id == session_id)))
        assert len(rows) == PEOPLE + 1
        confirmed = [r for r in rows if r.status == "confirmed"]
        waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.waitlist_rank)
        assert len(confirmed) == 20
        assert [r.waitlist_rank for r in waiting] == list(range(1, len(waiting) + 1))
        first_answers = {body["token"]: body for body in answers}
        positions = sorted(b["position"] for b in first_answers.values() if b["status"] == "waitlisted")
        assert positions == list(range(1, len(waiting) + 1))  # no gap, no repeat

        # Five cancellations promote the first five waiting, in order.
        for registration in confirmed[:5]:
            code, body = call("DELETE", f"{base}/api/v1/registrations/{registration.token}")
            assert code == 200, body
        db.session.expire_all()
        promoted = [db.session.get(Registration, r.id).status for r in waiting[:6]]
        assert promoted == ["confirmed"] * 5 + ["waitlisted"]
        assert db.session.scalar(db.select(db.func.count(Registration.id)).where(
            Registration.session_id == session_id, Registration.status == "confirmed")) == 20
