"""The reference of the registration benchmark: the smallest Flask app that gives the product's guarantees.

Flask + Flask-SQLAlchemy + psycopg, and nothing else: the JSON body validated (email-validator for the
address), the session's row locked (`SELECT … FOR UPDATE`), one aggregate read (the same address already
registered, confirmed, waiting, the last rank), the registration inserted confirmed or waitlisted with its
rank under a partial unique index (one active registration per address and session), the session's
counters incremented, one small outbox row, one commit, 201 with status, position and token.

Served by gunicorn beside the product (`bench/rush.py`): `gunicorn 'bench.minimal_app:create()'`, with
MINIMAL_DATABASE_URL naming its PostgreSQL database. `prepare(url, sessions, capacity)` builds its tables.
"""
from __future__ import annotations

import os
import secrets

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

SCHEMA = """
DROP TABLE IF EXISTS m_outbox, m_registration, m_session;
CREATE TABLE m_session (id integer PRIMARY KEY, capacity integer NOT NULL, confirmed integer NOT NULL DEFAULT 0,
                        waiting integer NOT NULL DEFAULT 0);
CREATE TABLE m_registration (id bigserial PRIMARY KEY, session_id integer NOT NULL REFERENCES m_session (id),
                             name varchar(120) NOT NULL, email varchar(254) NOT NULL, email_key varchar(254) NOT NULL,
                             language varchar(2) NOT NULL, status varchar(10) NOT NULL, rank integer,
                             token varchar(64) NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
CREATE UNIQUE INDEX m_registration_active ON m_registration (session_id, email_key) WHERE status <> 'cancelled';
CREATE TABLE m_outbox (id bigserial PRIMARY KEY, kind varchar(20) NOT NULL, registration_id bigint NOT NULL,
                       created_at timestamptz NOT NULL DEFAULT now());
"""

AGGREGATE = sa.text("""
SELECT count(*) FILTER (WHERE email_key = :key AND status <> 'cancelled') AS same,
       count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
       count(*) FILTER (WHERE status = 'waitlisted') AS waiting,
       coalesce(max(rank), 0) AS top
FROM m_registration WHERE session_id = :session
""")
INSERT = sa.text("""
INSERT INTO m_registration (session_id, name, email, email_key, language, status, rank, token)
VALUES (:session, :name, :email, :key, :language, :status, :rank, :token) RETURNING id
""")


def prepare(url: str, sessions: list[tuple[int, int]]) -> None:
    """Fresh tables holding `sessions` as (id, capacity)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(SCHEMA)
        conn.execute(sa.text("INSERT INTO m_session (id, capacity) VALUES (:id, :capacity)"),
                     [{"id": i, "capacity": c} for i, c in sessions])
    engine.dispose()


def oversold(url: str) -> dict[str, int]:
    """Confirmed above capacity, and repeated active addresses, read from the database."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        over = conn.scalar(sa.text(
            "SELECT coalesce(sum(greatest(c - s.capacity, 0)), 0) FROM m_session s JOIN "
            "(SELECT session_id, count(*) AS c FROM m_registration WHERE status = 'confirmed' GROUP BY session_id) r "
            "ON r.session_id = s.id"))
        registrations = conn.scalar(sa.text("SELECT count(*) FROM m_registration"))
    engine.dispose()
    return {"oversold": int(over or 0), "registrations": int(registrations or 0)}


def _problems(body) -> tuple[dict, dict]:
    errors, data = {}, {}
    if not isinstance(body, dict):
        return {"body": "Send a JSON object."}, data
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120 or not name.isprintable():
        errors["name"] = "Give your name."
    email = body.get("email")
    try:
        if not isinstance(email, str) or len(email) > 254:
            raise EmailNotValidError("no address")
        data["email"] = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = "Give a valid e-mail address."
    language = body.get("language") or "fr"
    if language not in ("fr", "nl", "en"):
        errors["language"] = "Choose fr, nl or en."
    if body.get("consent") is not True:
        errors["consent"] = "Consent is needed."
    data.update(name=(name or "").strip(), language=language)
    return errors, data


def create() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["MINIMAL_DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": True, "connect_args": {"options": "-c lock_timeout=5000"}}
    db.init_app(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/sessions/<int:session_id>/registrations")
    def register(session_id: int):
        errors, data = _problems(request.get_json(silent=True))
        if errors:
            return jsonify(errors=errors), 422
        key = data["email"].lower()
        try:
            found = db.session.execute(sa.text(
                "SELECT capacity FROM m_session WHERE id = :id FOR UPDATE"), {"id": session_id}).first()
            if found is None:
                db.session.rollback()
                return jsonify(errors={"id": "There is no such session."}), 404
            same, confirmed, waiting, top = db.session.execute(AGGREGATE, {"key": key, "session": session_id}).one()
            if same:
                db.session.rollback()
                return jsonify(status="received", position=None, token=None, links=None), 201
            status = "confirmed" if confirmed < found.capacity else "waitlisted"
            rank = None if status == "confirmed" else top + 1
            token = secrets.token_urlsafe(32)
            registration_id = db.session.execute(INSERT, {
                "session": session_id, "name": data["name"], "email": data["email"], "key": key,
                "language": data["language"], "status": status, "rank": rank, "token": token}).scalar_one()
            column = "confirmed" if status == "confirmed" else "waiting"
            db.session.execute(sa.text(f"UPDATE m_session SET {column} = {column} + 1 WHERE id = :id"),
                               {"id": session_id})
            db.session.execute(sa.text("INSERT INTO m_outbox (kind, registration_id) VALUES (:kind, :id)"),
                               {"kind": "confirmation" if status == "confirmed" else "waitlisted",
                                "id": registration_id})
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return jsonify(status=status, position=waiting + 1 if rank else None, token=token,
                       links={"view": f"/registration/{token}"}), 201

    return app
