"""Serialising the writes on one session: a row lock on PostgreSQL, an immediate transaction on SQLite.

Registrations, cancellations and staff edits of a session all go through here, so a seat count read
inside the lock is the truth until the commit.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.calendar.models import Session
from app.errors import DomainError
from app.extensions import db


class Busy(DomainError):
    """The session's lock could not be had in time: the caller should try again."""

    status = 503
    retry_after = 2


def _timeout_ms() -> int:
    return int(current_app.config.get("SESSION_LOCK_TIMEOUT_MS", 5000))


def begin_write() -> None:
    """On SQLite, open the transaction as a writer now (BEGIN IMMEDIATE), unless one is open."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    connection = db.session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {_timeout_ms()}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_session(session_id: int, fresh: bool = True) -> Session | None:
    """Hold the session's lock until the commit and return the session, reloaded.

    `fresh` starts a new transaction first; a service that has already read (not written) may pass False.
    """
    if fresh:
        db.session.rollback()
    query = db.select(Session).where(Session.id == session_id).execution_options(populate_existing=True)
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text(f"SET LOCAL lock_timeout = {_timeout_ms()}"))
            query = query.with_for_update()
        else:
            begin_write()
        return db.session.scalars(query).first()
    except OperationalError as exc:
        db.session.rollback()
        raise Busy({"session": str(_l("Many people are registering right now. Please try again in a moment."))}) from exc
