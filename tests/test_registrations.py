"""Registering: validation, one registration per address, exact capacity, the waiting list in order."""
from datetime import datetime, timedelta

import pytest

from app.calendar import services as calendar
from app.errors import Conflict, Gone, NotFound, ValidationError
from app.extensions import db
from app.registrations import services
from app.registrations.models import Registration
from app.timeutil import UTC
from tests import factories as f


def person(n: int, **kw) -> dict:
    data = {"name": f"Person {n}", "email": f"person{n}@example.be", "language": "fr", "consent": True}
    data.update(kw)
    return data


@pytest.fixture
def session_of():
    def build(capacity=3, hours_ahead=72):
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours_ahead)
        return calendar.create_session(f.activity(), start, start + timedelta(hours=2), "online", capacity=capacity)
    return build


def test_confirmed_up_to_capacity_then_waitlisted_in_order(session_of):
    session = session_of(capacity=2)
    results = [services.register(session.id, person(n)) for n in range(5)]
    assert [r.status for r, _ in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [services.waitlist_position(r) for r, _ in results[2:]] == [1, 2, 3]
    db.session.refresh(session)
    assert (session.seats_taken(), session.waiting_count(), session.seats_left) == (2, 3, 0)


def test_same_address_gets_its_one_registration_back(session_of):
    session = session_of()
    first, created = services.register(session.id, person(1, email="Jo.Doe@Example.BE"))
    again, created_again = services.register(session.id, person(1, email="jo.doe@example.be", name="Jo"))
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1


def test_cancellation_promotes_the_first_waiting_and_positions_close_up(session_of):
    session = session_of(capacity=1)
    regs = [services.register(session.id, person(n))[0] for n in range(4)]
    services.cancel_registration(regs[0].token)
    statuses = {r.id: db.session.get(Registration, r.id).status for r in regs}
    assert [statuses[r.id] for r in regs] == ["cancelled", "confirmed", "waitlisted", "waitlisted"]
    assert [services.waitlist_position(db.session.get(Registration, r.id)) for r in regs[2:]] == [1, 2]
    # Leaving the waiting list frees no seat and promotes nobody.
    services.cancel_registration(regs[2].token)
    assert db.session.get(Registration, regs[3].id).status == "waitlisted"
    assert services.waitlist_position(db.session.get(Registration, regs[3].id)) == 1


def test_no_promotion_after_the_cutoff_and_full_session_refuses(session_of):
    session = session_of(capacity=1, hours_ahead=1)  # inside the two-hour cut-off
    first, _ = services.register(session.id, person(1))
    with pytest.raises(Conflict):
        services.register(session.id, person(2))
    services.cancel_registration(first.token)
    second, _ = services.register(session.id, person(3))  # a walk-in takes the freed seat
    assert second.status == "confirmed"


def test_errors_unknown_cancelled_past_and_invalid(session_of):
    with pytest.raises(NotFound):
        services.register(999999, person(1))
    session = session_of()
    with pytest.raises(ValidationError) as err:
        services.register(session.id, {"name": "", "email": "not-an-address", "language": "de", "consent": False,
                                       "postcode": "12", "audience": "aliens"})
    assert set(err.value.errors) == {"name", "email", "language", "consent", "postcode", "audience"}
    calendar.cancel_session(session, "ill")
    with pytest.raises(Gone):
        services.register(session.id, person(1))
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_unknown_or_malformed_tokens(session_of):
    with pytest.raises(NotFound):
        services.cancel_registration("nope")
    assert services.find_by_token("x" * 500) is None


def test_the_lock_refreshes_a_session_already_loaded_and_writes_what_an_edit_left_pending(session_of):
    """The lock reads the session's row itself: an instance already in the unit of work is the one returned,
    holding what the row holds now (as another writer left it), and a pending edit is written first."""
    from app.database import unit_of_work

    session = session_of(capacity=1)
    db.session.flush()
    table = type(session).__table__
    db.session.execute(table.update().where(table.c.id == session.id).values(capacity=3))  # behind the ORM
    assert session.capacity == 1
    with unit_of_work():
        first, created = services.register(session.id, person(1))
    assert created and first.session is session and session.capacity == 3
    assert session.confirmed_count == 1 and first.status == "confirmed"
    with unit_of_work():
        session.capacity = 1  # pending in this unit of work when the next registration locks the row
        second, _ = services.register(session.id, person(2))
    assert second.status == "waitlisted" and session.capacity == 1
    db.session.expire_all()
    assert db.session.get(type(session), session.id).capacity == 1
