"""A school request's teacher is forgotten a school year after the class; the class's pupils and adults keep
counting as contacts in the statistics, before and after."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.calendar.models import Session
from app.database import unit_of_work
from app.extensions import db
from app.privacy.jobs import purge
from app.schools import services as schools
from app.schools.models import SchoolRequest
from app.stats.figures import Period, compute
from app.timeutil import utcnow
from tests import factories as f
from tests.school_factories import school_world, teacher_request
from tests.test_privacy import every_text


def test_a_class_counts_its_pupils_and_adults_and_its_teacher_is_forgotten_a_school_year_later(app):
    world = school_world()
    with unit_of_work():
        request = teacher_request(world["pto"])
    day = request.dates[0].day
    start = f.local(day.year, day.month, day.day, 9, 0)
    with unit_of_work():
        schools.confirm(request.id, start, world["venue"].rooms[0], world["anna"])
    session = db.session.get(SchoolRequest, request.id).session
    held = utcnow() - timedelta(days=3)  # the class took place three days ago
    with unit_of_work():
        db.session.execute(sa.update(Session).where(Session.id == session.id)
                           .values(start_at=held, end_at=held + timedelta(minutes=100)))
        db.session.execute(sa.update(SchoolRequest).where(SchoolRequest.id == request.id)
                           .values(slot_start=held, slot_end=held + timedelta(minutes=100)))
        db.session.expire_all()
        schools.mark_class_attendance(db.session.get(Session, session.id), 21, 2, world["anna"])
    period = Period(held.date() - timedelta(days=1), utcnow().date())
    before = compute(period)
    assert before.contacts == 23 and before.activities["total"] == 1
    assert every_text("Claire Dubois", "claire.dubois@ecole.example.be")

    assert purge(utcnow() + timedelta(days=300))["school_requests"] == 0  # within the school year: kept
    assert purge(utcnow() + timedelta(days=366))["school_requests"] == 1
    assert every_text("Claire Dubois", "claire.dubois@ecole.example.be", "02 218 00 00") == []
    assert compute(period) == before
