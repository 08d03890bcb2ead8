"""The health check, and the migrations: from nothing, down and up again, and in step with the models."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import ROOT, ensure_postgres_database, reset_schema


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path):
    # A port where nothing listens: the connection is refused at once.
    broken = create_app({"TESTING": True, "SECRET_KEY": "x",
                         "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"})
    with broken.app_context():
        response = broken.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["database"] == "unreachable"
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def _model_checks_on_sqlite() -> dict[tuple[str, str], str]:
    return {(table.name, str(check.name)): str(check.sqltext.compile(dialect=db.engine.dialect,
                                                                     compile_kwargs={"literal_binds": True}))
            for table in db.metadata.sorted_tables for check in table.constraints
            if isinstance(check, sa.CheckConstraint)}


CHECKS_OF_A_SCHEMA = sa.text(
    "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
    "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
    "WHERE c.contype = 'c' AND n.nspname = :schema")


def _model_checks_on_postgresql(connection) -> dict[tuple[str, str], str]:
    """The models' CHECK constraints as PostgreSQL writes them back, from a scratch schema undone at once."""
    transaction = connection.begin()
    try:
        connection.execute(sa.text("CREATE SCHEMA model_checks"))
        connection.execute(sa.text("SET LOCAL search_path TO model_checks"))
        db.metadata.create_all(connection)
        return {(t, n): d for t, n, d in connection.execute(CHECKS_OF_A_SCHEMA, {"schema": "model_checks"})}
    finally:
        transaction.rollback()


def test_check_constraints_of_models_and_migrations_agree(app):
    """Alembic's comparison leaves CHECK constraints out; those the models generate (from the enumerations
    of each feature) must be what the migrations created, word for word."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            migrated = {(t, n): d for t, n, d in conn.execute(CHECKS_OF_A_SCHEMA, {"schema": "public"})}
            conn.rollback()
            models = _model_checks_on_postgresql(conn)
        else:
            inspector = sa.inspect(conn)
            migrated = {(table, check["name"]): check["sqltext"] for table in inspector.get_table_names()
                        for check in inspector.get_check_constraints(table)}
            models = _model_checks_on_sqlite()
    assert len(models) > 30
    assert models == migrated


def test_migrations_run_down_to_nothing_and_up_again(app, database_url, tmp_path):
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(database=f"{url.database}_migrations")
        ensure_postgres_database(url.render_as_string(hide_password=False))
    else:
        url = sa.engine.make_url(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
    text_url = url.render_as_string(hide_password=False)
    reset_schema(text_url)
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": text_url})
    directory = str(ROOT / "migrations")
    with other.app_context():
        upgrade(directory=directory)
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"activity", "series", "session", "venue", "partner"} <= tables
        downgrade(directory=directory, revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=directory)
        assert "session" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
