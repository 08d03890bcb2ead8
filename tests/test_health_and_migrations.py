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
