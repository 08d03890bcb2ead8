"""Where transactions begin and end, and the row locks that serialise writers.

Domain services only add, change and flush; they never commit or roll back. Each use case (a request
that writes, a command, one step of a job) runs inside ``unit_of_work()``, which commits once at its
end or rolls back everything when anything inside it raised. Units nest: an inner one is a savepoint of
the outer, undone alone when it raises, so the outer may catch the error and go on.

Side effects that must only happen once the data is stored (calling a videoconference provider,
delivering a message now) are registered with ``after_commit`` and run after the outermost commit;
they are dropped with the unit, or the savepoint, that registered them.

``lock_rows`` holds rows against other writers until the unit's commit: ``SELECT … FOR UPDATE`` on
PostgreSQL, an immediate (writing) transaction on SQLite. It refuses to run outside a unit of work,
since a lock that ends at an unknown commit protects nothing. On PostgreSQL each connection is given
its ``lock_timeout`` once, when it is opened (``configure_engine``), not at every lock. ``lock_one`` is the
same lock for a hot path, through a Core select built once.

``insert_row`` and ``insert_linked`` write new rows in one statement each (``insert_linked``: two linked
rows and one more write in a single statement on PostgreSQL) and give their instances as loading would.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Iterator, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.errors import DomainError
from app.extensions import db

T = TypeVar("T")


@dataclass
class _Unit:
    depth: int = 0
    after: list[Callable[[], object]] = field(default_factory=list)


def _unit() -> _Unit:
    info = db.session().info
    unit = info.get("unit_of_work")
    if unit is None:
        unit = info["unit_of_work"] = _Unit()
    return unit


def in_unit_of_work() -> bool:
    return _unit().depth > 0


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run a use case: one commit at the end, or a rollback of everything (usable as a decorator too)."""
    unit = _unit()
    if unit.depth:
        yield from _nested(unit)
        return
    unit.depth, unit.after = 1, []
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        unit.after = []
        raise
    finally:
        unit.depth = 0
    callbacks, unit.after = unit.after, []
    for callback in callbacks:
        callback()


def _nested(unit: _Unit) -> Iterator[None]:
    registered = len(unit.after)
    unit.depth += 1
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        del unit.after[registered:]
        raise
    finally:
        unit.depth -= 1


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current unit of work has committed (at once when there is none)."""
    unit = _unit()
    if unit.depth:
        unit.after.append(callback)
    else:
        callback()


# Rows written in one statement ---------------------------------------------------------------------


@cache
def _insert_returning_id(table: sa.Table):
    return sa.insert(table).returning(table.c.id)


def insert_row(model: type[T], values: dict[str, Any]) -> T:
    """One INSERT … RETURNING id of `values` (column: value), and the row's instance in the session as if it
    had been loaded: none of the unit of work's bookkeeping, nothing reloaded. Give every column but the id
    (a column left out gets its default in the database, and is read again when the instance needs it)."""
    row_id = db.session.connection().execute(_insert_returning_id(model.__table__), values).scalar_one()
    return _as_loaded(model, values, row_id)


def _as_loaded(model: type[T], values: dict[str, Any], row_id: int) -> T:
    instance = model.__mapper__.class_manager.new_instance()  # as the ORM's loading makes one: no events
    instance.__dict__.update(values, id=row_id)
    make_transient_to_detached(instance)  # its attributes are what the row holds
    db.session.add(instance)
    return instance


@cache
def _insert_linked_statement(parent: sa.Table, parent_keys: tuple[str, ...], child: sa.Table,
                             child_keys: tuple[str, ...], link: str, alongside: sa.Update | None):
    """WITH new_parent AS (INSERT … RETURNING id)[, alongside AS (UPDATE …)] INSERT INTO child (…, link)
    VALUES (…, (SELECT id FROM new_parent)) RETURNING id, link: PostgreSQL runs the three as one statement."""
    new = sa.insert(parent).values({k: sa.bindparam(f"p_{k}", type_=parent.c[k].type) for k in parent_keys}) \
        .returning(parent.c.id).cte("new_parent")
    statement = sa.insert(child).values({
        **{k: sa.bindparam(f"c_{k}", type_=child.c[k].type) for k in child_keys},
        link: sa.select(new.c.id).scalar_subquery(),
    }).returning(child.c.id, child.c[link])
    if alongside is not None:
        statement = statement.add_cte(alongside.cte("alongside"))
    return statement


def insert_linked(parent: type[T], parent_values: dict[str, Any], child: type, child_values: dict[str, Any],
                  link: str, *, alongside: sa.Update | None = None, alongside_params: dict | None = None):
    """Two new rows, the second pointing at the first by its column `link`, and optionally one more write
    (`alongside`: a statement built once, its values in `alongside_params`, none starting with p_ or c_):
    (parent, child) as insert_row gives them. On PostgreSQL one statement (data-modifying WITH) does it
    all, a single round trip; SQLite, which has no such WITH, takes one statement for each."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        first = insert_row(parent, parent_values)
        if alongside is not None:
            connection.execute(alongside, alongside_params)
        return first, insert_row(child, {**child_values, link: first.id})
    statement = _insert_linked_statement(parent.__table__, tuple(parent_values), child.__table__,
                                         tuple(child_values), link, alongside)
    params = {**{f"p_{k}": v for k, v in parent_values.items()}, **{f"c_{k}": v for k, v in child_values.items()},
              **(alongside_params or {})}
    child_id, parent_id = connection.execute(statement, params).one()
    return (_as_loaded(parent, parent_values, parent_id),
            _as_loaded(child, {**child_values, link: parent_id}, child_id))


# Row locks ------------------------------------------------------------------------------------


class Busy(DomainError):
    """A lock could not be had in time: the caller should try again."""

    status = 503
    retry_after = 2


def lock_timeout_ms() -> int:
    return int(current_app.config.get("SESSION_LOCK_TIMEOUT_MS", 5000))


def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def configure_engine(app: Flask) -> None:
    """On PostgreSQL, every new connection waits SESSION_LOCK_TIMEOUT_MS at most for a lock (set once per
    connection, remembered on it: a lock then costs no statement of its own)."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            return
        milliseconds = int(app.config.get("SESSION_LOCK_TIMEOUT_MS", 5000))

        @event.listens_for(engine, "connect")
        def set_lock_timeout(dbapi_connection, connection_record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {milliseconds}")
            dbapi_connection.commit()  # a setting of the connection, not of a transaction to be rolled back
            connection_record.info["lock_timeout_ms"] = milliseconds


def _use_lock_timeout() -> None:
    """The configured lock timeout for this transaction: the connection's own, unless the setting changed
    since it was opened (then for this transaction only)."""
    wanted = lock_timeout_ms()
    connection = db.session.connection()
    if connection.connection.info.get("lock_timeout_ms") != wanted:
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {wanted}")


def begin_write() -> None:
    """On SQLite, open the transaction as a writer now (BEGIN IMMEDIATE), unless one is open."""
    if is_postgresql():
        return
    connection = db.session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {lock_timeout_ms()}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


_PREPARED: dict[tuple, object] = {}


def _for_locking(query, postgresql: bool, skip_locked: bool, of, constant: bool):
    """`query` as it is sent to lock its rows; a constant query (built once, its values bound parameters) is
    prepared once per process, so its cache key is computed once too."""
    key = (query, postgresql, skip_locked, of)
    prepared = _PREPARED.get(key) if constant else None
    if prepared is None:
        prepared = query.execution_options(populate_existing=True)
        if postgresql:
            prepared = prepared.with_for_update(skip_locked=skip_locked, of=of)
        if constant:
            _PREPARED[key] = prepared
    return prepared


def lock_rows(query, *, params: dict | None = None, skip_locked: bool = False, of=None, busy_field: str = "_",
              busy_message=None) -> list:
    """The rows of `query`, held against other writers until the unit of work commits.

    `skip_locked` leaves out rows another process holds (work queues); otherwise a lock that cannot be
    had within SESSION_LOCK_TIMEOUT_MS raises Busy. `of`: the table locked when the query joins others
    (those read alongside it, an eager load, stay free). `params`: the values of a query built once (a
    module's constant, its values as bind parameters), which is then prepared once per process.
    """
    with _busy_when_locked(busy_field, busy_message):
        postgresql = _ready_to_lock(wait=not skip_locked)
        query = _for_locking(query, postgresql, skip_locked, of, constant=params is not None)
        return list(db.session.scalars(query, params))


def _ready_to_lock(wait: bool = True) -> bool:
    """Before a row lock (inside _busy_when_locked): a unit of work is required; on PostgreSQL the lock
    timeout (when the lock waits), on SQLite the writing transaction. Whether the database is PostgreSQL."""
    if not in_unit_of_work():
        raise RuntimeError("a row lock needs a unit of work: it holds until that unit commits")
    postgresql = is_postgresql()
    if not postgresql:
        begin_write()
    elif wait:
        _use_lock_timeout()
    return postgresql


def flush_pending() -> None:
    """Write what this unit of work changed, if anything, before a statement sent past the ORM (as an ORM
    query's autoflush would)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()


@cache
def _core_for_locking(statement: sa.Select, table: sa.Table, postgresql: bool):
    return statement.with_for_update(of=table) if postgresql else statement


def lock_one(model: type[T], statement: sa.Select, params: dict, *, busy_field: str = "_",
             busy_message=None) -> T | None:
    """One row of `model`'s table held as ``lock_rows`` holds it, read without the ORM's query machinery:
    `statement` is a Core select built once of some of the table's columns (its id among them), its
    values bound from `params`. The row's instance as if loaded with those columns (the others load when
    read), or the one already in the session, refreshed from the row. None when no row matches."""
    session = db.session
    with _busy_when_locked(busy_field, busy_message):
        postgresql = _ready_to_lock()
        flush_pending()
        row = session.connection().execute(_core_for_locking(statement, model.__table__, postgresql),
                                           params).first()
    if row is None:
        return None
    values = dict(zip(_attribute_keys(model, tuple(statement.selected_columns)), row, strict=True))
    found = session.identity_map.get(identity_key(model, values["id"]))
    if found is None:
        row_id = values.pop("id")
        return _as_loaded(model, values, row_id)
    for name, value in values.items():  # as populate_existing does: what the locked row holds
        set_committed_value(found, name, value)
    return found


@cache
def _attribute_keys(model: type, columns: tuple) -> tuple[str, ...]:
    mapper = model.__mapper__
    return tuple(mapper.get_property_by_column(column).key for column in columns)


def start_writing(*, busy_field: str = "_", busy_message=None) -> None:
    """For a use case that writes before it takes its row locks: on SQLite, the writing transaction now (its
    lock is the whole database, and a write would take it anyway), Busy when it cannot be had in time; on
    PostgreSQL nothing (rows are locked one by one, later)."""
    if not in_unit_of_work():
        raise RuntimeError("a writing transaction needs a unit of work: it holds until that unit commits")
    if is_postgresql():
        return
    with _busy_when_locked(busy_field, busy_message):
        begin_write()


@contextmanager
def _busy_when_locked(busy_field: str, busy_message) -> Iterator[None]:
    """A lock that could not be had in time, as Busy; any other failure of the database as it came."""
    try:
        yield
    except OperationalError as exc:
        if not _lock_timed_out(exc):
            raise  # the database itself is out of reach: not a matter of waiting for a lock
        message = busy_message or _l("Too many people are changing this at once. Please try again.")
        raise Busy({busy_field: str(message)}) from exc


def _lock_timed_out(exc: OperationalError) -> bool:
    """PostgreSQL's lock_timeout (SQLSTATE 55P03) or SQLite's busy timeout, as opposed to an outage."""
    if exc.connection_invalidated:
        return False
    if getattr(exc.orig, "sqlstate", None) == "55P03":
        return True
    return "database is locked" in str(exc.orig)


def lock_row(model: type[T], row_id: int, *, options=(), busy_field: str = "_", busy_message=None) -> T | None:
    """One row by id, held until the unit of work commits (None when it does not exist). `options`: loader
    options (an eager load read in the same statement; only this row is locked)."""
    query = db.select(model).where(model.id == row_id).options(*options)
    rows = lock_rows(query, of=model if options else None, busy_field=busy_field, busy_message=busy_message)
    return rows[0] if rows else None


def lock_names(*names: str, busy_field: str = "_", busy_message=None) -> None:
    """Hold names (of things that need not be rows: a login counter, say) against other writers until the
    unit of work commits: a transaction-level advisory lock per name on PostgreSQL, taken in one order
    so that two writers never wait for each other; the writing transaction on SQLite."""
    if not in_unit_of_work():
        raise RuntimeError("a lock needs a unit of work: it holds until that unit commits")
    try:
        if is_postgresql():
            _use_lock_timeout()
            for name in sorted(set(names)):
                db.session.execute(db.text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"),
                                   {"name": name})
        else:
            begin_write()
    except OperationalError as exc:
        message = busy_message or _l("Too many people are changing this at once. Please try again.")
        raise Busy({busy_field: str(message)}) from exc
