"""Registrations racing a coordinator's edits, from several processes on PostgreSQL: the session's lock
holds through the whole edit (time and seats), so the session is never overfilled."""
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from app.calendar.models import Session
from app.extensions import db
from app.registrations.models import Registration
from tests import factories as f
from tests.concurrency import edit_seats_and_time, register_people

pytestmark = [pytest.mark.slow, pytest.mark.committed]


def test_registrations_racing_a_staff_edit_never_overfill_the_session(postgres_only, database_url):
    session_id = f.online_session(capacity=40).id
    people = [[f"p{w}-{n}@example.be" for n in range(25)] for w in range(3)]
    begin = time.time() + 3  # every process has built its app by then
    with ProcessPoolExecutor(max_workers=4, mp_context=get_context("spawn")) as pool:
        registering = [pool.submit(register_people, database_url, session_id, emails, begin) for emails in people]
        editing = pool.submit(edit_seats_and_time, database_url, session_id, 40, begin)
        statuses = [s for job in registering for s in job.result(timeout=240)]
        edits = editing.result(timeout=240)
    db.session.expire_all()
    session = db.session.get(Session, session_id)
    confirmed = db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.status == "confirmed"))
    waiting = db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.status == "waitlisted"))
    assert edits["changed"] > 0 and statuses.count("confirmed") > 0 and statuses.count("waitlisted") > 0
    assert confirmed <= session.capacity, f"overfilled: {confirmed} confirmed for {session.capacity} seats"
    assert (confirmed, waiting) == (session.confirmed_count, session.waitlisted_count)
    assert confirmed + waiting == 75
