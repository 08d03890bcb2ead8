"""Two coordinators confirming two requests into one room and one counsellor at the same instant, in two
processes on PostgreSQL: exactly one session is made, the other gets a clear conflict."""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from app.calendar.models import Booking, Session
from app.database import unit_of_work
from app.extensions import db
from app.schools import services as schools
from app.schools.models import SchoolRequest
from tests.concurrency import confirm_request
from tests.school_factories import school_day, school_world, teacher_request

pytestmark = [pytest.mark.slow, pytest.mark.committed]


def test_two_confirmations_into_one_slot_make_one_session(postgres_only, database_url):
    with unit_of_work():
        world = school_world()
        day = school_day(21)
        first = teacher_request(world["pto"], first=day, second=school_day(28, avoid=(day,)))
        second = teacher_request(world["pto"], first=day, second=school_day(35, avoid=(day,)))
    slot = schools.free_slots(db.session.get(SchoolRequest, first.id))[0]
    room_id, anna_id, ids = world["venue"].rooms[0].id, world["anna"].id, [first.id, second.id]
    db.session.rollback()
    begin = time.time() + 3
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        jobs = [pool.submit(confirm_request, database_url, request_id, slot.start.isoformat(), room_id, anna_id,
                            begin) for request_id in ids]
        outcomes = sorted(job.result(timeout=120) for job in jobs)
    assert outcomes[1] == "confirmed", outcomes
    assert outcomes[0].startswith("Conflict: ") and ("Salle 1" in outcomes[0] or "Anna Peeters" in outcomes[0])
    db.session.expire_all()
    sessions = db.session.scalars(db.select(Session).where(Session.visibility == "school")).all()
    assert len(sessions) == 1
    states = sorted(db.session.get(SchoolRequest, i).state for i in ids)
    assert states == ["confirmed", "new"]
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 2  # one room, one host
