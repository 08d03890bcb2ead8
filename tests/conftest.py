"""Fixtures: the app on a real database (SQLite, or PostgreSQL through TEST_DATABASE_URL).

The schema is built by the Alembic migrations, once per run. Each test runs inside one database
transaction that is rolled back at its end (every commit inside it, the app's and the test's, is a
savepoint of that transaction), and the test's body is itself a unit of work, so services that lock
rows can be called directly, as an edge would call them. Tests that need data other connections see
(a server in a thread, several processes, a second engine) are marked `committed`: they run on
committed data, and every table is emptied before and after them.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from werkzeug.serving import make_server

from app import create_app
from app.database import _Unit
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
# Registration limits out of the way of the tests that register many people from 127.0.0.1.
NO_REGISTRATION_LIMITS = {"REGISTRATION_LIMIT_PER_ADDRESS": "100000/minute",
                          "REGISTRATION_LIMIT_PER_SESSION": "100000/minute",
                          "REGISTRATION_LIMIT_PER_EMAIL": "100000/minute",
                          "MY_DATA_LIMIT_PER_ADDRESS": "100000/minute",
                          "SCHOOL_REQUEST_LIMIT_PER_ADDRESS": "100000/minute"}


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "sqlite")
    if url == "sqlite":
        return f"sqlite:///{tmp_root / 'test.sqlite'}"
    return url


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL test database when missing."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def reset_schema(url: str) -> None:
    """An empty database, so the migrations run from nothing."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            for table in sa.inspect(conn).get_table_names():
                conn.execute(sa.text(f'DROP TABLE "{table}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    reset_schema(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://127.0.0.1:5000",
        "SERVER_NAME": None,
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8192,  # cheap hashes: the tests make many
        **NO_REGISTRATION_LIMITS,  # the tests register many people; tests/test_rate_limits.py sets them
    })
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    yield app
    with app.app_context():
        db.engine.dispose()


def clear_tables() -> None:
    """Empty every table, for the tests that commit for real."""
    db.session.rollback()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(sa.text(f'DELETE FROM "{table}"'))
    db.session.commit()


def needs_committed_data(request) -> bool:
    return request.node.get_closest_marker("committed") is not None or "live_server" in request.fixturenames


@contextmanager
def rolled_back_transaction():
    """Every session of the app, in this thread, bound to one connection whose transaction is undone."""
    connection = db.engine.connect()
    raw = connection.connection.dbapi_connection
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # pysqlite opens transactions lazily and breaks savepoints: SQLAlchemy's documented recipe
        raw.isolation_level = None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    original = db.session
    bound = sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint", query_cls=db.Query)
    app = current_app._get_current_object()

    def factory():  # another app of a test (a broken database, say) keeps its own engine
        return bound() if current_app._get_current_object() is app else original.session_factory()

    db.session = sa.orm.scoped_session(factory, scopefunc=original.registry.scopefunc)
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        transaction.rollback()
        if sqlite:
            if raw.in_transaction:
                raw.rollback()
            raw.isolation_level = ""
        connection.close()


@pytest.fixture(autouse=True)
def _database(app, request):
    from app.cache import feeds, renders

    renders.clear()  # rendered answers of an earlier test's data
    feeds.clear()
    with app.app_context():
        if needs_committed_data(request):
            clear_tables()
            try:
                yield
            finally:
                db.session.remove()
                clear_tables()  # the tests that roll back start from empty tables
            return
        with rolled_back_transaction():
            db.session().info["unit_of_work"] = _Unit(depth=1)  # the test is the edge of its use cases
            yield


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency is tested against PostgreSQL, with several processes")


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on 127.0.0.1 that the app delivers to (see tests/smtp.py)."""
    from tests.smtp import SmtpServer

    server = SmtpServer().start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_TLS", "none")
    yield server
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app, client):
    """Log `client` in: `login_as("coordinator")` makes an account of that role, `login_as(account)` uses
    one; returns the account (like the Flask tutorial's `auth` fixture)."""
    from tests.factories import login, user

    def log_in(who, **kw):
        account = user(who, **kw) if isinstance(who, str) else who
        login(app, client, account)
        return account

    return log_in


@pytest.fixture
def live_server(app):
    """The app served over HTTP on 127.0.0.1 (for the browser and schemathesis tests)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
