"""Workers of the multi-process tests: each process builds its own app on the same PostgreSQL database
and runs use cases through their real edges (a unit of work each), as web workers would."""
from __future__ import annotations

import random
import time
from datetime import timedelta


def _app(database_url: str):
    from app import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
                       "SESSION_LOCK_TIMEOUT_MS": 20000})


def register_people(database_url: str, session_id: int, emails: list[str], start_at: float) -> list[str]:
    """Register each address in turn; the statuses the service answered."""
    from app.database import unit_of_work
    from app.errors import DomainError
    from app.registrations.services import register

    app, statuses = _app(database_url), []
    with app.app_context():
        time.sleep(max(0.0, start_at - time.time()))
        for email in emails:
            try:
                with unit_of_work():
                    registration, _created = register(session_id, {
                        "name": email.split("@")[0], "email": email, "language": "fr", "consent": True})
                    statuses.append(registration.status)
            except DomainError as exc:
                statuses.append(type(exc).__name__)
    return statuses


def edit_seats_and_time(database_url: str, session_id: int, rounds: int, start_at: float) -> dict[str, int]:
    """A coordinator who keeps lowering the capacity to the seats taken and moving the session."""
    from app.calendar.models import Session
    from app.database import unit_of_work
    from app.errors import DomainError
    from app.extensions import db
    from app.staff.services import edit_session

    app, outcome, rng = _app(database_url), {"changed": 0, "refused": 0}, random.Random(7)
    with app.app_context():
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(rounds):
            seen = db.session.get(Session, session_id, populate_existing=True)
            start = seen.start_at + timedelta(minutes=rng.choice((-15, 15)))
            capacity = max(1, seen.confirmed_count + rng.choice((0, 0, 1)))
            db.session.rollback()
            try:
                with unit_of_work():
                    edit_session(session_id, start=start, end=start + timedelta(hours=2), format="online",
                                 venue=None, room=None, capacity=capacity)
                outcome["changed"] += 1
            except DomainError:
                outcome["refused"] += 1
    return outcome


def run_post_scheduler(database_url: str, settings: dict, clock: list[str], start_at: float) -> list:
    """One scheduler running the posts job at each moment of a fixed clock (`clock`, ISO 8601), through the
    scheduler's own runner; what each run answered."""
    from datetime import datetime
    from functools import partial

    from app import create_app
    from app.posts.services import run
    from app.scheduler import run_job

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
                      "SESSION_LOCK_TIMEOUT_MS": 20000, **settings})
    time.sleep(max(0.0, start_at - time.time()))
    return [run_job(app, "publish_posts", partial(run, datetime.fromisoformat(now))) for now in clock]


def confirm_request(database_url: str, request_id: int, start_iso: str, room_id: int, counsellor_id: int,
                    start_at: float) -> str:
    """A coordinator confirming a school's request into a slot: "confirmed", or the refusal's message."""
    from datetime import datetime

    from app.accounts.models import User
    from app.calendar.models import Room
    from app.database import unit_of_work
    from app.errors import DomainError
    from app.extensions import db
    from app.schools.services import confirm

    app = _app(database_url)
    with app.app_context():
        room, counsellor = db.session.get(Room, room_id), db.session.get(User, counsellor_id)
        db.session.rollback()
        time.sleep(max(0.0, start_at - time.time()))
        try:
            with unit_of_work():
                confirm(request_id, datetime.fromisoformat(start_iso), db.session.get(Room, room_id),
                        db.session.get(User, counsellor_id))
        except DomainError as exc:
            return f"{type(exc).__name__}: {' '.join(exc.errors.values())}"
        assert room and counsellor
        return "confirmed"


def hold_new_feed_row(database_url: str, email_key: str, start_at: float, hold_seconds: float) -> str:
    """Make the feed row of `email_key` at `start_at` and commit it `hold_seconds` later: another
    transaction making the same row meanwhile waits for this one. The row's nonce."""
    from app.database import unit_of_work
    from app.feeds.links import make_person_feed

    app = _app(database_url)
    with app.app_context():
        time.sleep(max(0.0, start_at - time.time()))
        with unit_of_work():
            nonce = make_person_feed(email_key)
            time.sleep(hold_seconds)
    return nonce
