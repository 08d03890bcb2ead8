"""The registration rush on PostgreSQL: many people registering at once, through the API, under gunicorn.

A fresh database of its own (BENCH_RUSH_DATABASE_URL, its public schema dropped and rebuilt by the
migrations) gets 40 future online sessions of 20 seats, one hot-spot session of 20 seats and one for the
warm-up, all created through the calendar services. The app is served by gunicorn (4 workers, 127.0.0.1
only, no SMTP_HOST: the messages stay in the outbox) and 64 concurrent clients (several processes, each
with several threads) send, in the same run:

1. `GET /healthz`, the trivial endpoint, as the floor of the machine;
2. the spread: registrations with unique e-mail addresses spread over the 40 sessions (they fill, then
   the waiting lists grow);
3. the hot spot: registrations all on the one session of 20 seats.

Each phase has a warm-up and stops after 60 seconds at most. Afterwards the database is read: for each
session, the confirmed registrations above its capacity (OVERSOLD, must be 0), repeated waiting-list ranks
and the outbox (one message per registration). One registration is then profiled in process (cProfile,
through the test client) to show where its time goes.
"""
from __future__ import annotations

import cProfile
import http.client
import io
import json
import multiprocessing
import os
import pstats
import queue
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import sqlalchemy as sa

from bench import load

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/workshops_bench_rush"
TARGETS = {"oversold": 0, "registrations_per_second": 600.0, "ratio_to_healthz": 0.5, "p99_ms": 250.0}
SESSIONS, CAPACITY = 40, 20
ACTIVITY = "how-to-use-your-cv"
PHASE_SECONDS = 60.0


def database_url() -> str:
    return os.environ.get("BENCH_RUSH_DATABASE_URL") or DEFAULT_URL


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


def prepare(app) -> dict:
    """Migrations, reference data and the sessions of the rush; returns their ids."""
    from flask_migrate import upgrade

    from app.calendar import services
    from app.demo.data import load_reference
    from app.extensions import db
    from app.timeutil import BRUSSELS, local_today

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        activity = load_reference()[ACTIVITY]
        first_day = local_today() + timedelta(days=7)

        def online(n: int):
            day = first_day + timedelta(days=n // 4)
            start = datetime.combine(day, dtime(9 + 2 * (n % 4)), tzinfo=BRUSSELS)
            return services.create_session(activity, start, start + timedelta(minutes=90), "online",
                                           capacity=CAPACITY)

        spread = [online(n) for n in range(SESSIONS)]
        hot, warm = online(SESSIONS), online(SESSIONS + 1)
        db.session.commit()
        ids = {"spread": [s.id for s in spread], "hot": hot.id, "warmup": warm.id}
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
    """Shares of the machine's CPU during a phase, and CPU milliseconds per request of server and database."""
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

def _client_process(port: int, jobs: list, threads: int, deadline_in: float, start_at: float, out) -> None:
    """One client process: `threads` threads, each with its own connection, share `jobs`."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    results: list[tuple[int, float]] = []  # (status or 0 for a transport error, milliseconds)
    lock = threading.Lock()
    while time.time() < start_at:  # all processes start together
        time.sleep(0.001)
    deadline = time.monotonic() + deadline_in

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            try:
                method, path, body = todo.get_nowait()
            except queue.Empty:
                break
            headers = {"Content-Type": "application/json"} if body is not None else {}
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            mine.append((status, (time.perf_counter() - t0) * 1000))
        conn.close()
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    first = time.time()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((first, time.time(), results))


def fire(port: int, jobs: list, clients: int, processes: int, time_limit: float = PHASE_SECONDS,
         database: str = "") -> dict:
    """Send `jobs` (method, path, body) from `clients` concurrent connections in `processes` processes."""
    before = cpu_snapshot(port, database)
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    per = [jobs[i::processes] for i in range(processes)]
    threads = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start_at = time.time() + 0.5
    procs = [ctx.Process(target=_client_process, args=(port, per[i], threads[i], time_limit, start_at, out))
             for i in range(processes)]
    for proc in procs:
        proc.start()
    gathered = []
    try:
        for _ in procs:
            gathered.append(out.get(timeout=time_limit + 60))
    finally:
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
    after = cpu_snapshot(port, database)
    begin = min(g[0] for g in gathered)
    end = max(g[1] for g in gathered)
    results = [r for g in gathered for r in g[2]]
    wall = end - begin
    latencies = [ms for _status, ms in results]
    statuses = Counter(str(status) if status else "transport error" for status, _ms in results)
    return {
        "requests": len(results), "seconds": round(wall, 2),
        "per_second": round(len(results) / wall, 1) if wall else None,
        "p50_ms": round(load.percentile(latencies, 0.50), 1),
        "p95_ms": round(load.percentile(latencies, 0.95), 1),
        "p99_ms": round(load.percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "statuses": dict(sorted(statuses.items())),
        "stopped_by_time_limit": len(results) < len(jobs),
        "cpu": cpu_share(before, after, len(results)),
    }


def registrations(session_ids: list[int], count: int, tag: str) -> list:
    jobs = []
    for n in range(count):
        body = json.dumps({"name": f"Person {tag} {n}", "email": f"person.{tag}.{n}@example.be",
                           "language": "fr", "consent": True}).encode()
        jobs.append(("POST", f"/api/v1/sessions/{session_ids[n % len(session_ids)]}/registrations", body))
    return jobs


# --- after the run ---------------------------------------------------------------------------------

def check_database(url: str, ids: dict) -> dict:
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
        messages = conn.scalar(sa.text("SELECT count(*) FROM outbox_message"))
        duplicates = conn.scalar(sa.text("""SELECT count(*) FROM (SELECT 1 FROM registration
            WHERE status != 'cancelled' GROUP BY session_id, email_key HAVING count(*) > 1) d"""))
    engine.dispose()
    by_id = {row.id: row for row in rows}
    hot = by_id[ids["hot"]]
    spread = [by_id[i] for i in ids["spread"]]
    return {
        "oversold": sum(max(0, row.confirmed - row.capacity) for row in rows),
        "sessions_oversold": sum(1 for row in rows if row.confirmed > row.capacity),
        "repeated_waitlist_ranks": sum(row.repeated_ranks for row in rows),
        "duplicate_active_registrations": duplicates,
        "registrations": registered, "outbox_messages": messages,
        "spread_confirmed": sum(r.confirmed for r in spread), "spread_waitlisted": sum(r.waitlisted for r in spread),
        "spread_sessions_full": sum(1 for r in spread if r.confirmed >= r.capacity),
        "hot_confirmed": hot.confirmed, "hot_waitlisted": hot.waitlisted, "hot_capacity": hot.capacity,
    }


def profile_one(app, session_id: int, n: int = 100) -> dict:
    """`n` registrations through the test client under cProfile: where one registration's time goes."""
    client = app.test_client()

    def post(i: int):
        return client.post(f"/api/v1/sessions/{session_id}/registrations",
                           json={"name": f"Profile {i}", "email": f"profile.{i}@example.be",
                                 "language": "fr", "consent": True})

    for i in range(10):  # warm-up: imports, templates, translations
        post(i)
    t0 = time.perf_counter()
    for i in range(10, 10 + n):
        post(i)
    plain_ms = (time.perf_counter() - t0) * 1000 / n
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(10 + n, 10 + 2 * n):
        resp = post(i)
    profiler.disable()
    assert resp.status_code in (200, 201), resp.status_code
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt

    def cum(file_part: str, name: str) -> tuple[float, int]:
        found = [(v[3], v[1]) for (f, _line, fn), v in stats.stats.items() if file_part in f and fn == name]
        return (max(found)[0], max(found)[1]) if found else (0.0, 0)

    parts = {
        "whole request (test client)": ("flask/app.py", "wsgi_app"),
        "registrations.services.register": ("app/registrations/services.py", "register"),
        "  validation (clean_registration)": ("app/registrations/services.py", "clean_registration"),
        "    email_validator.validate_email": ("email_validator/validate_email.py", "validate_email"),
        "  lock_session (SELECT ... FOR UPDATE)": ("app/locking.py", "lock_session"),
        "  messages.services.enqueue (render the message)": ("app/messages/services.py", "enqueue"),
        "    render_template (text and HTML bodies)": ("flask/templating.py", "render_template"),
        "    invitation (.ics of the confirmation)": ("app/messages/invitation.py", "invitation"),
        "    session_details": ("app/messages/services.py", "session_details"),
        "  Session.commit": ("sqlalchemy/orm/session.py", "commit"),
        "answer: registration_json": ("app/api/registrations.py", "registration_json"),
        "  messages.services.links": ("app/messages/services.py", "links"),
        "  waitlist_position": ("app/registrations/services.py", "waitlist_position"),
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
            "ms_per_registration_profiled": round(total * 1000 / n, 2), "parts": rows,
            "top_cumulative": top.getvalue().splitlines()[:60]}


# --- the whole part ------------------------------------------------------------------------------

def run(clients: int = 64, processes: int = 4, spread_total: int = 3000, hot_total: int = 1000,
        healthz_total: int = 3000) -> dict:
    from app import create_app

    url = database_url()
    reason = reachable(url)
    if reason:
        return {"available": False,
                "reason": f"PostgreSQL not reachable at {sa.engine.make_url(url).render_as_string()}"
                          f" ({reason}): the registration rush is skipped."}
    fresh_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret",
                      "BASE_URL": "http://127.0.0.1:5000"})
    ids = prepare(app)
    result: dict = {"available": True, "engine": "postgresql", "workers": 4, "clients": clients,
                    "client_processes": processes, "sessions": SESSIONS, "capacity": CAPACITY,
                    "time_limit_s": PHASE_SECONDS}
    env_before = os.environ.pop("SMTP_HOST", None)  # messages stay in the outbox
    try:
        with load.gunicorn(url, workers=4) as server:
            port = int(server.base.rsplit(":", 1)[1])
            dbname = sa.engine.make_url(url).database
            health = [("GET", "/healthz", None)]
            print("   warm-up", flush=True)
            fire(port, health * (clients * 8), clients, processes, time_limit=20)
            fire(port, registrations([ids["warmup"]], clients * 4, "warmup"), clients, processes, time_limit=20)
            load.settle(server.base)
            print("   /healthz", flush=True)
            result["healthz"] = fire(port, health * healthz_total, clients, processes, database=dbname)
            load.settle(server.base)
            print(f"   spread: {spread_total} registrations over {SESSIONS} sessions", flush=True)
            result["spread"] = fire(port, registrations(ids["spread"], spread_total, "spread"), clients, processes,
                                    database=dbname)
            load.settle(server.base)
            print(f"   hot spot: {hot_total} registrations on one session", flush=True)
            result["hot"] = fire(port, registrations([ids["hot"]], hot_total, "hot"), clients, processes,
                                 database=dbname)
            result["server_problems"] = server.problems()
    finally:
        if env_before is not None:
            os.environ["SMTP_HOST"] = env_before
    result["database"] = check_database(url, ids)
    health_rate = result["healthz"]["per_second"] or 0
    for phase in ("spread", "hot"):
        row = result[phase]
        row["ratio_to_healthz"] = round(row["per_second"] / health_rate, 3) if health_rate else None
    main = result["spread"]
    result["targets"] = {
        "oversold": {"value": result["database"]["oversold"], "target": "0",
                     "met": result["database"]["oversold"] == 0},
        "registrations_per_second": {"value": main["per_second"], "target": "≥ 600",
                                     "met": main["per_second"] >= TARGETS["registrations_per_second"]},
        "ratio_to_healthz": {"value": main["ratio_to_healthz"], "target": "≥ 0.5",
                             "met": (main["ratio_to_healthz"] or 0) >= TARGETS["ratio_to_healthz"]},
        "p99_ms": {"value": main["p99_ms"], "target": "< 250",
                   "met": main["p99_ms"] < TARGETS["p99_ms"] and result["hot"]["p99_ms"] < TARGETS["p99_ms"]},
    }
    print("   profile of one registration (in process)", flush=True)
    with app.app_context():
        from app.calendar.models import Session
        from app.extensions import db

        warm = db.session.get(Session, ids["warmup"])
        warm.capacity = 10_000  # every profiled registration is confirmed, with its confirmation message
        db.session.commit()
        try:
            result["profile"] = profile_one(app, ids["warmup"])
        finally:
            db.session.remove()
            db.engine.dispose()
    return result


def report_markdown(result: dict) -> str:
    lines = [f"# Registration rush ({result['engine']}), {result['date']}", ""]
    if not result.get("available"):
        return "\n".join(lines + [result["reason"]]) + "\n"
    db_ = result["database"]
    lines += [f"Machine: {result['machine']}. gunicorn, {result['workers']} sync workers, "
              f"{result['clients']} concurrent clients ({result['client_processes']} processes, "
              f"one connection per client, 127.0.0.1), "
              f"`POST /api/v1/sessions/<id>/registrations` with unique e-mail addresses, after a warm-up; "
              f"each phase stops after {result['time_limit_s']:.0f} s. "
              f"The messages stay in the outbox (no SMTP_HOST).", "",
              "| phase | requests | per second | vs /healthz | p50 ms | p95 ms | p99 ms | max ms | statuses |",
              "|---|---|---|---|---|---|---|---|---|"]
    names = {"healthz": "GET /healthz", "spread": f"spread over {result['sessions']} sessions of {result['capacity']}",
             "hot": f"hot spot: one session of {db_['hot_capacity']}"}
    for key, label in names.items():
        row = result[key]
        stopped = " (time limit)" if row.get("stopped_by_time_limit") else ""
        statuses = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
        lines.append(f"| {label} | {row['requests']}{stopped} | {row['per_second']} | "
                     f"{row.get('ratio_to_healthz', '')} | "
                     f"{row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {row['max_ms']} | {statuses} |")
    lines += ["", "CPU during each phase, as shares of the whole machine (other processes: whatever else ran on it "
                  "meanwhile), and CPU per request:", "",
              "| phase | machine busy | gunicorn | PostgreSQL | clients | other processes | gunicorn ms/request | "
              "PostgreSQL ms/request |", "|---|---|---|---|---|---|---|---|"]
    for key, label in names.items():
        cpu = result[key].get("cpu")
        if cpu:
            lines.append(f"| {label} | {cpu['machine_busy']:.0%} | {cpu['server']:.0%} | {cpu['database']:.0%} | "
                         f"{cpu['clients']:.0%} | {cpu['other_processes']:.0%} | {cpu['server_cpu_ms_per_request']} | "
                         f"{cpu['database_cpu_ms_per_request']} |")
    lines += ["", f"After the run: **oversold {db_['oversold']}** (confirmed registrations above capacity, summed over "
                  f"sessions), repeated waiting-list ranks {db_['repeated_waitlist_ranks']}, duplicate active "
                  f"registrations {db_['duplicate_active_registrations']}; {db_['registrations']} registrations, "
                  f"{db_['outbox_messages']} outbox messages. Spread: {db_['spread_confirmed']} confirmed, "
                  f"{db_['spread_waitlisted']} waitlisted, {db_['spread_sessions_full']} sessions full. Hot spot: "
                  f"{db_['hot_confirmed']} confirmed, {db_['hot_waitlisted']} waitlisted.", "",
              "Targets (spread phase; p99 also for the hot spot):", ""]
    for name, target in result["targets"].items():
        lines.append(f"- {name}: {target['value']} (target {target['target']}): "
                     f"**{'met' if target['met'] else 'missed'}**")
    prof = result.get("profile")
    if prof:
        lines += ["", f"Where a registration's time goes: {prof['registrations']} registrations through the test "
                      f"client in one process, {prof['ms_per_registration_unprofiled']} ms each without the profiler "
                      f"({prof['ms_per_registration_profiled']} ms under cProfile):", "",
                  "| part | ms per registration (profiled) | calls | share |", "|---|---|---|---|"]
        for label, row in prof["parts"].items():
            lines.append(f"| {'· ' * ((len(label) - len(label.lstrip())) // 2)}{label.strip()} | "
                         f"{row['ms_per_registration']} | {row['calls_per_registration']} | {row['share']} |")
    if result.get("server_problems"):
        lines += ["", "gunicorn reported:", "", *[f"    {line}" for line in result["server_problems"]]]
    return "\n".join(lines) + "\n"
