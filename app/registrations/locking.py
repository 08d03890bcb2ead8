"""Serialising the writes on one session: a row lock on PostgreSQL, an immediate transaction on SQLite."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.calendar.models import Session
from app.errors import DomainError
from app.extensions import db


class Busy(DomainError):
    """The session's lock could not be had in time: the caller should try again."""

    status = 503
    retry_after = 2


def lock_session(session_id: int) -> Session | None:
    """Start a write transaction holding the session's lock, and return the session (fresh)."""
    db.session.rollback()
    dialect = db.session.get_bind().dialect.name
    timeout_ms = int(current_app.config.get("REGISTRATION_LOCK_TIMEOUT_MS", 5000))
    try:
        if dialect == "postgresql":
            db.session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
            query = db.select(Session).where(Session.id == session_id).with_for_update()
        else:
            # pysqlite opens no transaction by itself for this statement: this one takes the write lock.
            db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            query = db.select(Session).where(Session.id == session_id)
        return db.session.scalars(query.execution_options(populate_existing=True)).first()
    except OperationalError as exc:
        db.session.rollback()
        raise Busy({"session": "busy, try again"}) from exc
