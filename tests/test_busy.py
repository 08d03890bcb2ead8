"""A session whose lock cannot be had in time: a clear "try again" (503, Retry-After), nothing stored.

Another connection holds the lock, so these tests run on committed data."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.calendar import services as calendar
from app.database import unit_of_work
from app.extensions import db
from app.registrations.models import Registration
from app.timeutil import UTC
from tests import factories as f

pytestmark = pytest.mark.committed

PERSON = {"name": "Ana", "email": "ana@example.be", "language": "fr", "consent": True}


@pytest.fixture
def held_lock(app, database_url, monkeypatch):
    """Another connection holds the session's lock (a row lock, or SQLite's write lock)."""
    monkeypatch.setitem(app.config, "SESSION_LOCK_TIMEOUT_MS", 300)
    start = datetime.now(UTC) + timedelta(days=3)
    with unit_of_work():
        session = calendar.create_session(f.activity(), start, start + timedelta(hours=1), "online", capacity=5)
    other = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    conn = other.connect()
    if other.dialect.name == "postgresql":
        conn.execute(sa.text("BEGIN"))
        conn.execute(sa.text("SELECT id FROM session WHERE id = :id FOR UPDATE"), {"id": session.id})
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    yield session
    conn.rollback()
    conn.close()
    other.dispose()


def test_api_answers_503_with_retry_after(client, held_lock):
    response = client.post(f"/api/v1/sessions/{held_lock.id}/registrations?lang=en", json=PERSON)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "try again" in response.get_json()["errors"]["session"]


def test_page_says_try_again_in_the_page_language(client, held_lock):
    response = client.post(f"/nl/sessions/{held_lock.id}",
                           data={**PERSON, "consent": "y", "language": "nl"})
    assert response.status_code == 503
    assert "Probeer" in response.text


def test_nothing_was_stored(client, held_lock):
    client.post(f"/api/v1/sessions/{held_lock.id}/registrations", json=PERSON)
    db.session.rollback()
    # the lock is still held by the other connection; counting needs no lock
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
