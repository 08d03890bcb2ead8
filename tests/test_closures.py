"""Closures switch a venue's on-site sessions online (or cancel them) in one go, telling everyone;
ending early gives sessions back; capacity caps bind new registrations and list sessions over them."""
from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.accounts.models import User
from app.calendar import services as calendar
from app.calendar.models import Session
from app.closures import services
from app.closures.models import Closure, ClosureEffect
from app.database import unit_of_work
from app.errors import ValidationError
from app.extensions import db
from app.messages.models import OutboxMessage
from app.registrations import services as registrations
from app.timeutil import BRUSSELS, UTC
from app.videorooms.services import room_of
from tests import factories as f


def on_site(day_offset, fmt="face_to_face", capacity=10, slug=None):
    venue = f.venue()
    start = (datetime.now(UTC) + timedelta(days=day_offset)).replace(hour=13, minute=0, second=0, microsecond=0)
    activity = f.activity(slug or f"act{day_offset}{fmt}")
    return calendar.create_session(activity, start, start + timedelta(hours=2), fmt, venue=venue,
                                   room=venue.rooms[0], capacity=capacity)


def local_day(session):
    return session.start_at.astimezone(BRUSSELS).date()


def register(session, n, lang="fr"):
    return registrations.register(session.id, {"name": f"P{n}", "email": f"p{n}@example.be", "language": lang,
                                               "consent": True})[0]


def kinds():
    return Counter(db.session.scalars(db.select(OutboxMessage.kind)))


def test_preview_lists_the_sessions_and_their_people():
    inside, outside = on_site(3), on_site(20)
    register(inside, 1)
    affected = services.preview_closure(inside.venue, local_day(inside), local_day(inside) + timedelta(days=5),
                                        "Lockdown", "online")
    assert [a.session.id for a in affected] == [inside.id]
    assert [r.email for r in affected[0].registrations] == ["p1@example.be"]
    assert outside.format == "face_to_face"


def test_closure_switches_online_tells_everyone_and_asks_rooms():
    first, second = on_site(3), on_site(4, fmt="hybrid")
    first.capacity = 1
    db.session.commit()
    register(first, 1, "nl")
    register(first, 2, "fr")  # waiting list: told too
    closure = services.declare_closure(first.venue, local_day(first), local_day(second), "Lockdown", "online")
    for session in (first, second):
        db.session.refresh(session)
        assert session.format == "online" and session.venue is None and session.revision == 1
        assert room_of(session).wanted
    assert kinds()["change"] == 2
    assert {e.session_id for e in closure.effects} == {first.id, second.id}
    services.apply_closure(closure)  # idempotent
    assert kinds()["change"] == 2


def test_closure_that_cancels():
    session = on_site(3)
    register(session, 1)
    services.declare_closure(session.venue, local_day(session), local_day(session), "Works", "cancel")
    db.session.refresh(session)
    assert session.status == "cancelled" and session.cancel_reason_fr == "Works"
    assert kinds()["cancellation"] == 1


def test_ending_early_gives_sessions_back_and_extending_takes_more():
    early, late, later = on_site(3), on_site(6), on_site(9)
    venue, room = early.venue, early.room
    closure = services.declare_closure(venue, local_day(early), local_day(late), "Lockdown", "online")
    services.change_closure(closure, local_day(early), local_day(early))  # ends early
    db.session.refresh(late)
    assert late.format == "face_to_face" and late.venue_id == venue.id and late.room_id == room.id
    services.change_closure(closure, local_day(early), local_day(later))  # extended
    for session in (late, later):
        db.session.refresh(session)
        assert session.format == "online"


@pytest.mark.parametrize("days, reason, action, field", [
    ((2, 1), "Lockdown", "online", "last_day"), ((0, 1), "", "online", "reason_fr"),
    ((0, 1), "x" * 301, "online", "reason_fr"), ((0, 1), "Lockdown", "teleport", "action"),
])
def test_bad_closures_are_refused_and_nothing_changes(days, reason, action, field):
    session = on_site(3)
    first = local_day(session) + timedelta(days=days[0] - 0)
    last = local_day(session) + timedelta(days=days[1] - 1) if days != (2, 1) else local_day(session)
    with pytest.raises(ValidationError) as err:
        services.declare_closure(session.venue, first, last, reason, action)
    assert field in err.value.errors
    assert db.session.scalar(db.select(db.func.count(Closure.id))) == 0
    db.session.refresh(session)
    assert session.format == "face_to_face"


def test_capacity_cap_binds_new_registrations_and_lists_sessions_over_it():
    session = on_site(3, capacity=10)  # the room holds 30
    other = calendar.create_session(f.activity("other"), session.start_at, session.end_at, "face_to_face",
                                    venue=f.venue("EFP", rooms=()), capacity=10)  # no room: its own capacity
    for n in range(6):
        register(session, n)
    for n in range(10, 14):
        register(other, n)
    services.add_capacity_cap(None, local_day(session), local_day(session), 20)  # 20 % of 30 = 6; of 10 = 2
    assert services.effective_capacity(session) == 6 and services.effective_capacity(other) == 2
    assert register(session, 7).status == "waitlisted"
    services.add_capacity_cap(other.venue, local_day(other), local_day(other), 30)  # the smaller share binds
    assert [(s.id, allowed) for s, allowed in services.sessions_over_cap()] == [(other.id, 2)]
    assert db.session.get(Session, other.id).confirmed_count == 4  # nobody moved


def test_public_calendar_shows_the_closure_notice(client):
    session = on_site(3)
    services.declare_closure(session.venue, local_day(session), local_day(session), "Lockdown <b>2</b>", "online")
    page = client.get("/en/")
    assert "is closed from" in page.text and "Workshops continue online." in page.text
    assert "Lockdown &lt;b&gt;2&lt;/b&gt;" in page.text


def login(client, role):
    user = User(email=f"{role}@example.be", name=role.title(), role=role, language="en",
                password_hash=PasswordHasher(time_cost=1, memory_cost=8192).hash("correct horse battery"),
                partner=f.partner("actiris") if role == "partner" else None)
    db.session.add(user)
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return user


def test_closure_pages_for_coordinators_only(client):
    assert client.get("/en/staff/closures").status_code == 302  # to the login page
    login(client, "counsellor")
    assert client.get("/en/staff/closures").status_code == 403


def test_declaring_through_the_pages_with_a_preview(client):
    session = on_site(3)
    register(session, 1)
    login(client, "coordinator")
    day = local_day(session).isoformat()
    form = {"venue": session.venue_id, "first_day": day, "last_day": day, "reason_fr": "Lockdown", "action": "online"}
    preview = client.post("/en/staff/closures/new", data={**form, "preview": "1"})
    assert preview.status_code == 200 and "P1" in preview.text
    db.session.refresh(session)
    assert session.format == "face_to_face"  # the preview changed nothing
    done = client.post("/en/staff/closures/new", data={**form, "confirm": "1"})
    assert done.status_code == 303
    db.session.refresh(session)
    assert session.format == "online"
    bad = client.post("/en/staff/closures/new", data={**form, "last_day": "2000-01-01", "preview": "1"})
    assert bad.status_code == 422 and "must not come before" in bad.text


def test_a_refusal_is_a_page_in_the_language_of_the_address(client):
    login(client, "counsellor")
    page = client.get("/nl/staff/closures")
    assert page.status_code == 403 and 'lang="nl"' in page.text and "<h1>" in page.text


def refuse_updates_of(session_id: int) -> None:
    """The database itself refuses any change to one session (a trigger, undone with the test)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(
            "CREATE FUNCTION refuse_change() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
            " LANGUAGE plpgsql"))
        db.session.execute(sa.text(
            f"CREATE TRIGGER refuse_change BEFORE UPDATE ON session FOR EACH ROW WHEN (NEW.id = {session_id})"
            " EXECUTE FUNCTION refuse_change()"))
    else:
        db.session.execute(sa.text(
            f"CREATE TRIGGER refuse_change BEFORE UPDATE ON session WHEN NEW.id = {session_id}"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END"))


def test_a_closure_whose_tenth_session_fails_leaves_all_thirty_unchanged():
    sessions = [on_site(day) for day in range(3, 33)]
    for n, session in enumerate(sessions[:5]):
        register(session, n)
    before = [(s.id, s.format, s.venue_id, s.room_id, s.revision) for s in sessions]
    messages = kinds()
    refuse_updates_of(sessions[9].id)
    with pytest.raises(sa.exc.DBAPIError), unit_of_work():
        services.declare_closure(sessions[0].venue, local_day(sessions[0]), local_day(sessions[-1]), "Lockdown",
                                 "online")
    db.session.expire_all()
    assert [(s.id, s.format, s.venue_id, s.room_id, s.revision) for s in sessions] == before
    assert db.session.scalar(sa.select(sa.func.count(Closure.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ClosureEffect.id))) == 0
    assert all(room_of(s) is None for s in sessions)
    assert kinds() == messages  # nobody is told of a change that did not happen
