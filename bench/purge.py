"""The retention purge on ten times a year's data: 110,000 registrations (with their survey answers and messages)
on about 9,000 sessions, all past their retention.

It reports the purge's time, its peak Python memory (tracemalloc: bounded by the batch, whatever the number of
rows), its longest batch (one transaction), and the longest wait of a coordinator locking a session row
(`SELECT … FOR UPDATE`, over and over in another connection while the purge runs: the purge never takes a
session's lock). The reference beside it, in the same run on a copy of the same rows: the database's own single
`UPDATE` of every registration (one statement, one transaction, no batches).

    python bench/purge.py [--engines sqlite,postgresql] [--registrations 110000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret")

import sqlalchemy as sa  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/workshops_bench_purge"


def fresh(engine: str, tmp: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp / 'purge.sqlite'}"
    url = os.environ.get("BENCH_PURGE_DATABASE_URL", DEFAULT_PG_URL)
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    return url


def seed(app, registrations: int) -> dict:
    """A 10x year of sessions, then `registrations` rows written in bulk (Core), a survey answer for one in ten,
    a sent confirmation for each."""
    from app.calendar.models import Session
    from app.database import unit_of_work
    from app.extensions import db
    from app.messages.models import OutboxMessage
    from app.registrations.models import Registration, SurveyAnswer
    from app.timeutil import utcnow
    from bench.seed import analyze, seed_year

    with app.app_context():
        with unit_of_work():
            seed_year(10, date.today())
        ids = list(db.session.scalars(sa.select(Session.id).order_by(Session.id)))
        latest = db.session.scalar(sa.select(sa.func.max(Session.end_at)))
        now, chunk = utcnow(), 5000
        for first in range(0, registrations, chunk):
            rows, answers, messages = [], [], []
            for n in range(first, min(first + chunk, registrations)):
                rows.append(dict(id=n + 1, session_id=ids[n % len(ids)], name=f"Person {n}",
                                 email=f"person{n}@example.be", email_key=f"person{n}@example.be",
                                 language="fr", consent_at=now, postcode="1210", channel="web",
                                 status="confirmed", token=f"token-{n:012d}", created_at=now, updated_at=now))
                if n % 10 == 0:
                    answers.append(dict(registration_id=n + 1, session_id=ids[n % len(ids)], rating=4,
                                        comment=f"comment {n}", created_at=now, updated_at=now))
                messages.append(dict(kind="confirmation", registration_id=n + 1, session_id=ids[n % len(ids)],
                                     to_email=f"person{n}@example.be", to_name=f"Person {n}", language="fr",
                                     subject="Confirmation", body_text=f"Hello Person {n}", body_html="<p>Hi</p>",
                                     status="sent", attempts=1, next_attempt_at=now, created_at=now, sent_at=now,
                                     message_id=f"<bench-{n}@example.be>"))
            with unit_of_work():
                db.session.execute(sa.insert(Registration.__table__), rows)
                db.session.execute(sa.insert(SurveyAnswer.__table__), answers)
                db.session.execute(sa.insert(OutboxMessage.__table__), messages)
        count = db.session.scalar(sa.select(sa.func.count(Registration.id)))
        db.session.remove()
        analyze(db.engine)
    return {"sessions": len(ids), "registrations": count, "after": latest + timedelta(days=366)}


def lock_waits(url: str, session_id: int, stop: threading.Event, waits: list[float]) -> None:
    """A coordinator's edits, one after the other: lock the session row, then commit."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        while not stop.is_set():
            started = time.perf_counter()
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT id FROM session WHERE id = :i FOR UPDATE"), {"i": session_id})
                else:  # SQLite locks the whole database for a write
                    conn.execute(sa.text("UPDATE session SET revision = revision WHERE id = :i"), {"i": session_id})
            waits.append(time.perf_counter() - started)
            time.sleep(0.005)
    engine.dispose()


def measure(engine: str, registrations: int, tmp: Path) -> dict:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.privacy.jobs import purge

    url = fresh(engine, tmp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret",
                      "BASE_URL": "http://127.0.0.1:5000", "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    print(f"== purge ({engine}): seeding {registrations} registrations", flush=True)
    seeded = seed(app, registrations)
    result = {"engine": engine, "date": datetime.now().strftime("%Y-%m-%d %H:%M"), "sessions": seeded["sessions"],
              "registrations": seeded["registrations"]}

    # The reference: the database's own one-statement erasure, on a copy of the rows, in the same run.
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE reference_copy AS SELECT * FROM registration"))
        started = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE reference_copy SET name = '', email = NULL, email_key = NULL, "
                                 "phone = NULL, token = NULL, postcode = substr(postcode, 1, 2)"))
        result["reference_seconds"] = round(time.perf_counter() - started, 3)
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE reference_copy"))
        session_id = db.session.scalar(sa.text("SELECT min(session_id) FROM registration"))
        db.session.remove()

    stop, waits = threading.Event(), []
    coordinator = threading.Thread(target=lock_waits, args=(url, session_id, stop, waits), daemon=True)
    batches: list[float] = []
    with app.app_context():
        coordinator.start()
        tracemalloc.start()
        started = time.perf_counter()
        done = purge(seeded["after"], on_batch=batches.append)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stop.set()
        coordinator.join(10)
        left = db.session.scalar(sa.text("SELECT count(*) FROM registration WHERE erased_at IS NULL"))
        db.session.remove()
    result.update({
        "purged": done, "left_unpurged": left, "seconds": round(elapsed, 2),
        "ratio_to_reference": round(elapsed / max(result["reference_seconds"], 1e-6), 2),
        "peak_python_memory_mb": round(peak / 2**20, 1), "batches": len(batches),
        "longest_batch_ms": round(max(batches, default=0) * 1000, 1),
        "session_lock_waits": len(waits),
        "longest_session_lock_wait_ms": round(max(waits, default=0) * 1000, 1),
    })
    return result


def report_markdown(results: list[dict]) -> str:
    lines = ["# Retention purge on 10x a year's data", "",
             "| engine | registrations | purge s | one-UPDATE reference s | ratio | peak memory MB | batches | "
             "longest batch ms | longest session-lock wait ms | left |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['engine']} | {r['registrations']:,} | {r['seconds']} | {r['reference_seconds']} | "
                     f"{r['ratio_to_reference']} | {r['peak_python_memory_mb']} | {r['batches']} | "
                     f"{r['longest_batch_ms']} | {r['longest_session_lock_wait_ms']} | {r['left_unpurged']} |")
    lines += ["", "Each batch is one transaction over at most 500 rows of one kind; the session rows are never "
              "locked by the purge, so a coordinator's edit waits at most for one batch on SQLite (whose write lock "
              "is the whole database) and not at all on PostgreSQL."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--registrations", type=int, default=110_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-purge-") as tmp:
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            results.append(measure(engine, args.registrations, Path(tmp)))
    stem = f"{datetime.now():%Y-%m-%d}_purge"
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    text = report_markdown(results)
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
