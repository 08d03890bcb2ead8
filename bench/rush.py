"""The registration rush on PostgreSQL: the product beside the minimal app (bench/minimal_app.py).

Both get a fresh database of their own (BENCH_RUSH_DATABASE_URL for the product, its public schema dropped
and rebuilt by the migrations; BENCH_MINIMAL_DATABASE_URL for the minimal app, by default the product's
database name followed by `_minimal`), holding the same sessions: for each round, 40 future online sessions
of 20 seats (the spread) and one of 20 seats (the hot spot), plus one for the warm-ups. The product's
sessions are created through the calendar services; the minimal app gets the same ids and capacities.

Each app is served in turn by gunicorn (4 sync workers, 127.0.0.1 only, one server up at a time), the
product with its registration limits lifted and no SMTP_HOST (the messages stay in the outbox). 64
concurrent clients (several processes, each with several threads and one connection per thread) send the
same job list to both: registrations with unique e-mail addresses, through `POST
/api/v1/sessions/<id>/registrations` (the product) and `POST /sessions/<id>/registrations` (the minimal
app). Two phases, each in interleaved rounds (product, minimal, product, minimal, …) on fresh sessions:

1. the spread: registrations spread over the round's 40 sessions (they fill, then the waiting lists grow);
2. the hot spot: registrations all on the round's one session of 20 seats.

Every server start gets a warm-up; every round stops at its time limit. Afterwards each database is read:
the confirmed registrations above capacity (OVERSOLD, must be 0). The figures of a phase are the medians
over its rounds; the ratios product/minimal are the medians of the rounds' ratios. One registration of the
product is then profiled in process (cProfile on CPU time, through the WSGI app as gunicorn calls it) to
show where its CPU goes.

Sizes come from the environment, so a shortened run is possible: BENCH_RUSH_ROUNDS (3), BENCH_RUSH_SPREAD
(registrations per spread round, 2000), BENCH_RUSH_HOT (per hot-spot round, 800), BENCH_RUSH_SECONDS (time
limit of a round, 30), BENCH_RUSH_CLIENTS (64), BENCH_RUSH_PROFILE (registrations profiled, 100; 0: none).
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import sqlalchemy as sa

from bench import load, minimal_app

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/workshops_bench_rush"
TARGETS = {"ratio": 0.7, "p99_ratio": 2.0, "oversold": 0}
SESSIONS, CAPACITY = 40, 20
ACTIVITY = "how-to-use-your-cv"
PHASE_SECONDS = 30.0
# The product's registration limits, lifted for the bench (as in the tests): one client address sends all.
NO_REGISTRATION_LIMITS = {"REGISTRATION_LIMIT_PER_ADDRESS": "off",
                          "REGISTRATION_LIMIT_PER_SESSION": "off",
                          "REGISTRATION_LIMIT_PER_EMAIL": "off"}
APPS = {  # how each app is served, and the prefix of its registration path
    "product": {"app": "wsgi:app", "prefix": "/api/v1"},
    "minimal": {"app": "bench.minimal_app:create()", "prefix": ""},
}
PHASES = ("spread", "hot")


def sizes() -> dict:
    """The run's sizes, from the environment (see the module's docstring)."""
    def number(name: str, default: float) -> float:
        value = os.environ.get(name)
        return float(value) if value else default

    return {"rounds": int(number("BENCH_RUSH_ROUNDS", 3)), "spread": int(number("BENCH_RUSH_SPREAD", 2000)),
            "hot": int(number("BENCH_RUSH_HOT", 800)), "seconds": number("BENCH_RUSH_SECONDS", PHASE_SECONDS),
            "clients": int(number("BENCH_RUSH_CLIENTS", 64)), "profile": int(number("BENCH_RUSH_PROFILE", 100))}


def database_url() -> str:
    return os.environ.get("BENCH_RUSH_DATABASE_URL") or DEFAULT_URL


def minimal_database_url(url: str) -> str:
    """The minimal app's database: BENCH_MINIMAL_DATABASE_URL, else the product's name with `_minimal`."""
    if os.environ.get("BENCH_MINIMAL_DATABASE_URL"):
        return os.environ["BENCH_MINIMAL_DATABASE_URL"]
    target = sa.engine.make_url(url)
    return target.set(database=f"{target.database}_minimal").render_as_string(hide_password=False)


def reachable(url: str) -> str | None:
    """None if PostgreSQL answers, else the reason."""
    target = sa.engine.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: skip this part
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    finally:
        engine.dispose()
    return None


def fresh_database(url: str) -> None:
    """Create the database if missing, drop and rebuild its public schema (the migrations fill it)."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(app, rounds: int) -> dict:
    """Migrations, reference data and the sessions of every round; returns their ids."""
    from flask_migrate import upgrade

    from app.calendar import services
    from app.database import unit_of_work
    from app.demo.data import load_reference
    from app.extensions import db
    from app.timeutil import BRUSSELS, local_today

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        first_day = local_today() + timedelta(days=7)
        count = [0]

        def online(capacity: int = CAPACITY):
            n = count[0]
            count[0] += 1
            day = first_day + timedelta(days=n // 4)
            start = datetime.combine(day, dtime(9 + 2 * (n % 4)), tzinfo=BRUSSELS)
            return services.create_session(activity, start, start + timedelta(minutes=90), "online",
                                           capacity=capacity)

        with unit_of_work():
            activity = load_reference()[ACTIVITY]
            spread = [[online() for _ in range(SESSIONS)] for _ in range(rounds)]
            hot = [online() for _ in range(rounds)]
            warm = online()
            db.session.flush()
            ids = {"spread": [[s.id for s in group] for group in spread], "hot": [s.id for s in hot],
                   "warmup": warm.id}
        db.session.remove()
        db.engine.dispose()
    return ids


# --- the machine's CPU during a phase ----------------------------------------------------------------

def _jiffies(pid: str) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def cpu_snapshot(port: int, database: str) -> dict | None:
    """CPU time so far (clock ticks): the whole machine, gunicorn's processes, this database's backends."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None  # not Linux: no accounting
    values = [int(v) for v in first]
    idle = values[3] + values[4]
    snap = {"busy": sum(values[:8]) - idle, "total": sum(values[:8]), "server": 0, "database": 0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
                snap["server"] += _jiffies(pid)
            elif cmdline.startswith("postgres: ") and f" {database} " in cmdline:
                snap["database"] += _jiffies(pid)
        except OSError:
            continue
    snap["clients"] = int(os.times().children_user * os.sysconf("SC_CLK_TCK")
                          + os.times().children_system * os.sysconf("SC_CLK_TCK"))
    return snap


def cpu_share(before: dict | None, after: dict | None, requests: int) -> dict | None:
    """Shares of the machine's CPU during a phase, and CPU milliseconds per request (per registration, when
    there are registrations) of the server's processes and of the database's backends."""
    if not before or not after or after["total"] <= before["total"]:
        return None
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    span = after["total"] - before["total"]
    d = {k: after[k] - before[k] for k in ("busy", "server", "database", "clients")}
    others = max(0, d["busy"] - d["server"] - d["database"] - d["clients"])
    return {
        "machine_busy": round(d["busy"] / span, 3),
        "server": round(d["server"] / span, 3), "database": round(d["database"] / span, 3),
        "clients": round(d["clients"] / span, 3), "other_processes": round(others / span, 3),
        "server_cpu_ms_per_request": round(d["server"] * tick_ms / requests, 2) if requests else None,
        "database_cpu_ms_per_request": round(d["database"] * tick_ms / requests, 2) if requests else None,
    }


# --- the load client -------------------------------------------------------------------------------

def fire(port: int, jobs: list, clients: int, processes: int, time_limit: float = PHASE_SECONDS,
         database: str = "") -> dict:
    """Send `jobs` (method, path, body) from `clients` concurrent connections in `processes` processes."""
    before = cpu_snapshot(port, database)
    begin, end, results = load.send(port, jobs, clients, processes, time_limit)
    after = cpu_snapshot(port, database)
    wall = end - begin
    latencies = [ms for _status, ms in results]
    statuses = Counter(str(status) if status else "transport error" for status, _ms in results)
    registered = statuses.get("201", 0)
    return {
        "requests": len(results), "seconds": round(wall, 2),
        "per_second": round(len(results) / wall, 1) if wall else None,
        "registered": registered, "registered_per_second": round(registered / wall, 1) if wall else None,
        "p50_ms": round(load.percentile(latencies, 0.50), 1),
        "p95_ms": round(load.percentile(latencies, 0.95), 1),
        "p99_ms": round(load.percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "statuses": dict(sorted(statuses.items())),
        "stopped_by_time_limit": len(results) < len(jobs),
        "cpu": cpu_share(before, after, registered or len(results)),
    }


def registrations(session_ids: list[int], count: int, tag: str) -> list:
    """The job list: (method, path after the app's prefix, body), unique addresses, round robin over sessions."""
    jobs = []
    for n in range(count):
        body = json.dumps({"name": f"Person {tag} {n}", "email": f"person.{tag}.{n}@example.be",
                           "language": "fr", "consent": True}).encode()
        jobs.append(("POST", f"/sessions/{session_ids[n % len(session_ids)]}/registrations", body))
    return jobs


def with_prefix(jobs: list, prefix: str) -> list:
    return [(method, prefix + path, body) for method, path, body in jobs]


# --- after the run ---------------------------------------------------------------------------------

def check_database(url: str, ids: dict) -> dict:
    """The product's database: oversold, waiting-list ranks, duplicates, per phase over all rounds."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT s.id, s.capacity,
                   count(r.id) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                   count(r.id) FILTER (WHERE r.status = 'waitlisted') AS waitlisted,
                   count(r.waitlist_rank) - count(DISTINCT r.waitlist_rank) AS repeated_ranks
            FROM session s LEFT JOIN registration r ON r.session_id = s.id
            GROUP BY s.id, s.capacity""")).all()
        registered = conn.scalar(sa.text("SELECT count(*) FROM registration"))
        duplicates = conn.scalar(sa.text("""SELECT count(*) FROM (SELECT 1 FROM registration
            WHERE status != 'cancelled' GROUP BY session_id, email_key HAVING count(*) > 1) d"""))
    try:  # the outbox's shape is the product's own business: its count is a bonus
        with engine.connect() as conn:
            messages = conn.scalar(sa.text("SELECT count(*) FROM outbox_message"))
    except sa.exc.DBAPIError as exc:
        messages = f"not counted ({type(exc.orig).__name__})"
    engine.dispose()
    by_id = {row.id: row for row in rows}
    hot = [by_id[i] for i in ids["hot"]]
    spread = [by_id[i] for group in ids["spread"] for i in group]
    return {
        "oversold": sum(max(0, row.confirmed - row.capacity) for row in rows),
        "sessions_oversold": sum(1 for row in rows if row.confirmed > row.capacity),
        "repeated_waitlist_ranks": sum(row.repeated_ranks for row in rows),
        "duplicate_active_registrations": duplicates,
        "registrations": registered, "outbox_messages": messages,
        "spread_confirmed": sum(r.confirmed for r in spread), "spread_waitlisted": sum(r.waitlisted for r in spread),
        "spread_sessions_full": sum(1 for r in spread if r.confirmed >= r.capacity),
        "spread_sessions": len(spread),
        "hot_confirmed": sum(r.confirmed for r in hot), "hot_waitlisted": sum(r.waitlisted for r in hot),
        "hot_sessions": len(hot),
    }


def profile_one(app, session_id: int, n: int = 100) -> dict:
    """`n` registrations through the WSGI app itself, as gunicorn calls it (the requests are built beforehand,
    so no client's work is counted), under cProfile counting CPU time: where one registration's CPU goes."""
    from werkzeug.test import EnvironBuilder

    from app.extensions import db

    def environ(i: int) -> dict:
        body = json.dumps({"name": f"Profile {i}", "email": f"profile.{i}@example.be", "language": "fr",
                           "consent": True})
        return EnvironBuilder(path=f"/api/v1/sessions/{session_id}/registrations", method="POST", data=body,
                              content_type="application/json",
                              environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()

    statuses: list[str] = []

    def call(env: dict) -> None:
        body = app(env, lambda status, headers, exc_info=None: statuses.append(status))
        try:
            b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()

    warm, plain, profiled = ([environ(i) for i in range(first, first + count)]
                             for first, count in ((0, 10), (10, n), (10 + n, n)))
    statements = [0]

    def count_statement(*_args, **_kwargs) -> None:
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    for env in warm:  # imports, the first connections, translations
        call(env)
    sa.event.listen(engine, "before_cursor_execute", count_statement)
    try:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for env in plain:
            call(env)
        plain_cpu_ms = (time.process_time() - cpu0) * 1000 / n
        plain_ms = (time.perf_counter() - wall0) * 1000 / n
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_statement)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for env in profiled:
        call(env)
    profiler.disable()
    assert all(status.startswith("201") for status in statuses), Counter(statuses)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt

    def cum(file_part: str, name: str) -> tuple[float, int]:
        found = [(v[3], v[1]) for (f, _line, fn), v in stats.stats.items() if file_part in f and fn == name]
        return (max(found)[0], max(found)[1]) if found else (0.0, 0)

    parts = {
        "whole request (WSGI app)": ("flask/app.py", "wsgi_app"),
        "  before the view (request hooks)": ("flask/app.py", "preprocess_request"),
        "  after the view (response hooks: security headers, limiter)": ("flask/app.py", "process_response"),
        "  API view (parse, register, answer)": ("app/api/registrations.py", "register"),
        "    registrations.services.register": ("app/registrations/services.py", "register"),
        "      validation (clean_registration)": ("app/registrations/services.py", "clean_registration"),
        "        email_validator.validate_email": ("email_validator/validate_email.py", "validate_email"),
        "      lock (SELECT … FOR UPDATE OF session)": ("app/registrations/services.py", "_lock_for_registration"),
        "        connection checkout (with its pre-ping)": ("sqlalchemy/pool/base.py", "_checkout"),
        "      aggregate read, making the feed row too (_seats)": ("app/registrations/services.py", "_seats"),
        "      registration, counters and message in one statement (insert_linked)": ("app/database.py",
                                                                                     "insert_linked"),
        "        the message's row (messages.services.message_row)": ("app/messages/services.py", "message_row"),
        "    answer: registration_json": ("app/api/registrations.py", "registration_json"),
        "    commit (unit_of_work)": ("sqlalchemy/orm/session.py", "commit"),
        "  jsonify": ("flask/json/__init__.py", "jsonify"),
        "SQL sent (psycopg Cursor.execute)": ("psycopg/cursor.py", "execute"),
    }
    rows = {}
    for label, (file_part, name) in parts.items():
        seconds, calls = cum(file_part, name)
        rows[label] = {"ms_per_registration": round(seconds * 1000 / n, 2),
                       "calls_per_registration": round(calls / n, 1),
                       "share": round(seconds / total, 3) if total else None}
    top = io.StringIO()
    pstats.Stats(profiler, stream=top).sort_stats("cumulative").print_stats(25)
    return {"registrations": n, "ms_per_registration_unprofiled": round(plain_ms, 2),
            "cpu_ms_per_registration_unprofiled": round(plain_cpu_ms, 2),
            "sql_statements_per_registration": round(statements[0] / n, 2),
            "ms_per_registration_profiled": round(total * 1000 / n, 2), "parts": rows,
            "top_cumulative": top.getvalue().splitlines()[:60]}


# --- the whole part ------------------------------------------------------------------------------

def _serve_and_fire(name: str, url: str, jobs: list, warm_jobs: list, size: dict, env: dict) -> dict:
    """Start the app `name`, warm it up, send `jobs`, stop it; the round's figures."""
    spec = APPS[name]
    dbname = sa.engine.make_url(url).database
    clients, processes = size["clients"], 4
    with load.gunicorn(url, workers=4, app=spec["app"], env=env) as server:
        port = int(server.base.rsplit(":", 1)[1])
        fire(port, [("GET", "/healthz", None)] * (clients * 4), clients, processes, time_limit=15)
        fire(port, with_prefix(warm_jobs, spec["prefix"]), clients, processes, time_limit=15)
        load.settle(server.base)
        row = fire(port, with_prefix(jobs, spec["prefix"]), clients, processes, time_limit=size["seconds"],
                   database=dbname)
        row["server_problems"] = server.problems()
    return row


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def summarise(rounds: list[dict]) -> dict:
    """Medians over a phase's rounds, and the medians of the rounds' ratios product/minimal."""
    out: dict = {}
    for name in APPS:
        rows = [r[name] for r in rounds]
        cpu = [r.get("cpu") or {} for r in rows]
        out[name] = {
            "registered_per_second": _median([r["registered_per_second"] for r in rows]),
            "p50_ms": _median([r["p50_ms"] for r in rows]),
            "p99_ms": _median([r["p99_ms"] for r in rows]),
            "server_cpu_ms_per_registration": _median([c.get("server_cpu_ms_per_request") for c in cpu]),
            "database_cpu_ms_per_registration": _median([c.get("database_cpu_ms_per_request") for c in cpu]),
        }

    def ratio(key: str) -> float | None:
        pairs = [(r["product"][key], r["minimal"][key]) for r in rounds]
        return _median([p / m for p, m in pairs if p is not None and m])

    out["ratio"] = ratio("registered_per_second")
    out["p99_ratio"] = ratio("p99_ms")
    for key in ("server_cpu_ms_per_registration", "database_cpu_ms_per_registration"):
        p, m = out["product"][key], out["minimal"][key]
        out[key.replace("_ms_per_registration", "_ratio")] = round(p / m, 3) if p is not None and m else None
    return out


def run() -> dict:
    from app import create_app

    size = sizes()
    url = database_url()
    minimal_url = minimal_database_url(url)
    reason = reachable(url)
    if reason:
        where = sa.engine.make_url(url).render_as_string()
        return {"available": False,
                "reason": f"PostgreSQL not reachable at {where} ({reason}): the registration rush is skipped."}
    fresh_database(url)
    fresh_database(minimal_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret",
                      "BASE_URL": "http://127.0.0.1:5000", **NO_REGISTRATION_LIMITS})
    ids = prepare(app, size["rounds"])
    every = [(i, CAPACITY) for group in ids["spread"] for i in group] + [(i, CAPACITY) for i in ids["hot"]]
    minimal_app.prepare(minimal_url, every + [(ids["warmup"], 100_000)])
    result: dict = {"available": True, "engine": "postgresql", "workers": 4, "clients": size["clients"],
                    "client_processes": 4, "sessions": SESSIONS, "capacity": CAPACITY, "sizes": size,
                    "time_limit_s": size["seconds"], "phases": {}}
    urls = {"product": url, "minimal": minimal_url}
    envs = {"product": dict(NO_REGISTRATION_LIMITS), "minimal": {"MINIMAL_DATABASE_URL": minimal_url}}
    env_before = os.environ.pop("SMTP_HOST", None)  # the product's messages stay in the outbox
    try:
        for phase in PHASES:
            total = size[phase]
            rounds = []
            for r in range(size["rounds"]):
                targets = ids["spread"][r] if phase == "spread" else [ids["hot"][r]]
                jobs = registrations(targets, total, f"{phase}{r}")
                warm = registrations([ids["warmup"]], size["clients"] * 2, f"warm{phase}{r}")
                row = {}
                for name in APPS:  # product, minimal: the same jobs, one server up at a time
                    print(f"   {phase} round {r + 1}/{size['rounds']}: {name}, {total} registrations", flush=True)
                    row[name] = _serve_and_fire(name, urls[name], jobs, warm, size, envs[name])
                    print(f"      {row[name]['registered_per_second']} registrations/s, p99 {row[name]['p99_ms']} ms, "
                          f"statuses {row[name]['statuses']}", flush=True)
                rounds.append(row)
            result["phases"][phase] = {"rounds": rounds, "summary": summarise(rounds)}
    finally:
        if env_before is not None:
            os.environ["SMTP_HOST"] = env_before
    result["database"] = {"product": check_database(url, ids), "minimal": minimal_app.oversold(minimal_url)}
    summaries = {phase: result["phases"][phase]["summary"] for phase in PHASES}
    result["targets"] = {}
    for phase in PHASES:
        s = summaries[phase]
        result["targets"][f"{phase}_ratio"] = {"value": s["ratio"], "target": f"≥ {TARGETS['ratio']}",
                                               "met": s["ratio"] is not None and s["ratio"] >= TARGETS["ratio"]}
        result["targets"][f"{phase}_p99_ratio"] = {
            "value": s["p99_ratio"], "target": f"≤ {TARGETS['p99_ratio']}",
            "met": s["p99_ratio"] is not None and s["p99_ratio"] <= TARGETS["p99_ratio"]}
    for name in APPS:
        over = result["database"][name]["oversold"]
        result["targets"][f"{name}_oversold"] = {"value": over, "target": "0", "met": over == TARGETS["oversold"]}
    if size["profile"] > 0:
        print("   profile of one registration (in process)", flush=True)
        with app.app_context():
            from app.calendar.models import Session
            from app.database import unit_of_work
            from app.extensions import db

            with unit_of_work():
                db.session.get(Session, ids["warmup"]).capacity = 10_000  # every profiled one is confirmed
            try:
                result["profile"] = profile_one(app, ids["warmup"], size["profile"])
            except Exception as exc:  # noqa: BLE001 - the figures above are kept; the profile is extra
                result["profile"] = {"error": f"{type(exc).__name__}: {exc}"}
                print(f"   profile failed: {result['profile']['error']}", flush=True)
            finally:
                db.session.remove()
                db.engine.dispose()
    return result


def report_markdown(result: dict) -> str:
    lines = [f"# Registration rush ({result['engine']}), {result['date']}", ""]
    if not result.get("available"):
        return "\n".join(lines + [result["reason"]]) + "\n"
    size = result["sizes"]
    lines += [f"Machine: {result['machine']}. The product and the minimal app (`bench/minimal_app.py`) in turn, each "
              f"under gunicorn with {result['workers']} sync workers on a PostgreSQL database of its own; "
              f"{result['clients']} concurrent clients ({result['client_processes']} processes, one connection per "
              f"client, 127.0.0.1) send both the same registrations (unique addresses) after a warm-up. "
              f"{size['rounds']} interleaved rounds per phase (product, minimal, …) on fresh sessions; a round "
              f"stops after {size['seconds']:.0f} s. Spread: {size['spread']} registrations over {result['sessions']} "
              f"sessions of {result['capacity']} seats; hot spot: {size['hot']} on one session of "
              f"{result['capacity']}. The product's registration limits are lifted and its messages stay in the "
              f"outbox (no SMTP_HOST). Medians over the rounds; ratios are medians of the rounds' ratios.", "",
              "| phase | registrations/s product | minimal | **ratio** | p99 ms product | minimal | **p99 ratio** | "
              "server CPU ms/registration product | minimal | PostgreSQL CPU ms/registration product | minimal |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    labels = {"spread": f"spread over {result['sessions']} sessions", "hot": "hot spot: one session"}
    for phase in PHASES:
        s = result["phases"][phase]["summary"]
        p, m = s["product"], s["minimal"]
        lines.append(f"| {labels[phase]} | {p['registered_per_second']} | {m['registered_per_second']} | "
                     f"**{s['ratio']}** | {p['p99_ms']} | {m['p99_ms']} | **{s['p99_ratio']}** | "
                     f"{p['server_cpu_ms_per_registration']} | {m['server_cpu_ms_per_registration']} | "
                     f"{p['database_cpu_ms_per_registration']} | {m['database_cpu_ms_per_registration']} |")
    lines += ["", "Every round:", "",
              "| phase | round | app | requests | registered/s | p50 ms | p95 ms | p99 ms | max ms | statuses | "
              "machine busy | server | PostgreSQL | clients |", "|---" * 14 + "|"]
    for phase in PHASES:
        for n, row in enumerate(result["phases"][phase]["rounds"], 1):
            for name in APPS:
                r = row[name]
                cpu = r.get("cpu") or {}
                stopped = " (time limit)" if r.get("stopped_by_time_limit") else ""
                statuses = ", ".join(f"{k}: {v}" for k, v in r["statuses"].items())
                shares = " | ".join(f"{cpu[k]:.0%}" if k in cpu else "–"
                                    for k in ("machine_busy", "server", "database", "clients"))
                lines.append(f"| {phase} | {n} | {name} | {r['requests']}{stopped} | {r['registered_per_second']} | "
                             f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | {statuses} | {shares} |")
    prod, mini = result["database"]["product"], result["database"]["minimal"]
    lines += ["", f"Read from the databases after the run: product **oversold {prod['oversold']}** (confirmed above "
                  f"capacity, summed over sessions), repeated waiting-list ranks {prod['repeated_waitlist_ranks']}, "
                  f"duplicate active registrations {prod['duplicate_active_registrations']}, {prod['registrations']} "
                  f"registrations, {prod['outbox_messages']} outbox messages (spread: {prod['spread_confirmed']} "
                  f"confirmed, {prod['spread_waitlisted']} waitlisted, {prod['spread_sessions_full']} of "
                  f"{prod['spread_sessions']} sessions full; hot spot: {prod['hot_confirmed']} confirmed, "
                  f"{prod['hot_waitlisted']} waitlisted over {prod['hot_sessions']} sessions); minimal app "
                  f"**oversold {mini['oversold']}**, {mini['registrations']} registrations.", "", "Targets:", ""]
    for name, target in result["targets"].items():
        verdict = "met" if target["met"] else "missed"
        lines.append(f"- {name}: {target['value']} (target {target['target']}): **{verdict}**")
    prof = result.get("profile")
    if prof and "error" in prof:
        lines += ["", f"The profile of one registration failed: {prof['error']}"]
    elif prof:
        lines += ["", f"Where a registration's CPU goes: {prof['registrations']} registrations through the WSGI app in "
                      f"one process (as gunicorn calls it), {prof.get('cpu_ms_per_registration_unprofiled')} ms of CPU "
                      f"and {prof['ms_per_registration_unprofiled']} ms each without the profiler, "
                      f"{prof.get('sql_statements_per_registration')} SQL statements each "
                      f"({prof['ms_per_registration_profiled']} ms of CPU under cProfile):", "",
                  "| part | CPU ms per registration (profiled) | calls | share |", "|---|---|---|---|"]
        for label, row in prof["parts"].items():
            lines.append(f"| {'· ' * ((len(label) - len(label.lstrip())) // 2)}{label.strip()} | "
                         f"{row['ms_per_registration']} | {row['calls_per_registration']} | {row['share']} |")
    problems = [f"{phase} {n} {name}: {line}" for phase in PHASES
                for n, row in enumerate(result["phases"][phase]["rounds"], 1)
                for name in APPS for line in row[name].get("server_problems", [])]
    if problems:
        lines += ["", "gunicorn reported:", "", *[f"    {line}" for line in problems[-30:]]]
    return "\n".join(lines) + "\n"
