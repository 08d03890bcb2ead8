"""`make bench`: the feed, the 304, cached answers, the API and the public page on a year like 2020 and ten
times that, on SQLite and on PostgreSQL; then the registration rush (bench/rush.py).

Each dataset gets a fresh database built by the migrations: an SQLite file in a temporary directory, and the
PostgreSQL database of BENCH_DATABASE_URL (default: workshops_bench_reads on 127.0.0.1; its public schema is
dropped and rebuilt: use a database of its own). Figures are printed and written to
bench/results/<date>_<engine>_<dataset>.json and .md, and the targets at 10x, each with its ratio to its
reference measured in the same run, to bench/results/<date>_<engine>_reads.json and .md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret")  # never write a key into instance/

import sqlalchemy as sa  # noqa: E402

from bench import baseline, load  # noqa: E402

DATASETS = {"year2020": 1, "year2020x10": 10}
TARGETS = {"feed_ratio": 1.5, "p95_ms": 50.0, "cached_cpu_ratio": 1.5, "feed_200_vs_304": 3.0, "stats_p95_ms": 200.0}
STATS_ENDPOINTS = ("api_stats", "page_stats")
ENGINES = ("sqlite", "postgresql")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/workshops_bench_reads"
CACHED_PATHS = {"api_sessions": "/api/v1/sessions", "page_fr": "/fr/"}


def postgresql_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG_URL


def fresh_database(workdir: Path, name: str, engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite')}"
    url = postgresql_url()
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
    return url


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def in_process(app, scale: int, reps: int, cached_requests: int) -> dict:
    """Seed, then time the feed builder against icalendar's own serialisation, the 304 against the 200 that
    follows the first, and the CPU of cached answers."""
    from flask_migrate import upgrade

    from app.database import unit_of_work
    from app.extensions import db
    from app.timeutil import local_today
    from bench.seed import analyze, seed_stats, seed_year

    out: dict = {}
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        t0 = time.perf_counter()
        with unit_of_work():
            out["seed"] = seed_year(scale, local_today())
        with unit_of_work():
            out["seed"]["stats"] = seed_stats(scale, local_today())
        out["seed"]["seconds"] = round(time.perf_counter() - t0, 1)
        analyze(db.engine)
        out["stats_login"] = staff_cookie(app)
        with app.test_request_context("/"):
            out["stats_compute"] = stats_timing(local_today().year)
        seeded = time.monotonic()
        with app.test_request_context("/"):
            out["feed"] = feed_timing(app, reps)
        db.session.remove()
        # Right after a write, cached answers live a moment only (see calendar_version): wait until the
        # seeding has settled, as a calendar that is read more than written has.
        time.sleep(max(0.0, settling_seconds() + 0.5 - (time.monotonic() - seeded)))
        out["not_modified"] = not_modified_timing(app)
        out["cached_cpu"] = cached_cpu(app, cached_requests)
        db.session.remove()
        db.engine.dispose()
    return out


def staff_cookie(app) -> dict:
    """A counsellor's account and the session cookie of its login, for the statistics page over HTTP."""
    from app.accounts.models import User
    from app.accounts.services import create_user
    from app.database import unit_of_work
    from app.extensions import db

    with unit_of_work():
        user = create_user("bench-stats@cdm.example", "Bench Stats", "counsellor",
                           password="a long bench password 2020")
    user = db.session.get(User, user.id)
    with app.test_request_context("/"):
        value = app.session_interface.get_signing_serializer(app).dumps({"_user_id": user.get_id(), "_fresh": True})
    return {"Cookie": f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={value}"}


def stats_timing(year: int, reps: int = 5) -> dict:
    """The statistics of the current year computed from the data, without the cache: median of `reps`."""
    from app.stats.figures import Period, compute

    samples, figures = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        figures = compute(Period.year(year))
        samples.append(time.perf_counter() - t0)
    return {"year": year, "compute_ms": median_ms(samples), "repetitions": reps,
            "activities": figures.activities["total"], "contacts": figures.contacts}


def settling_seconds() -> float:
    try:
        from app.calendar.queries import SETTLING
    except ImportError:
        return 0.0
    return SETTLING.total_seconds()


def cached_cpu(app, n: int) -> dict:
    """In-process CPU (time.process_time) of cached answers: `n` requests through the test client after one
    warm-up request, per path; the render cache's hits show the answers were cached."""
    try:
        from app.cache import renders
    except ImportError:
        renders = None
    client = app.test_client()
    out: dict = {"requests": n}
    for name, path in CACHED_PATHS.items():
        first = client.get(path)
        if first.status_code != 200:
            out[name] = {"available": False, "reason": f"GET {path} gave {first.status_code}"}
            continue
        hits = renders.hits if renders is not None else None
        statuses = set()
        t0, w0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            statuses.add(client.get(path).status_code)
        cpu, wall = time.process_time() - t0, time.perf_counter() - w0
        out[name] = {"path": path, "cpu_ms": round(cpu * 1000 / n, 3), "wall_ms": round(wall * 1000 / n, 3),
                     "statuses": sorted(statuses), "bytes": len(first.data),
                     "cache_hits": None if hits is None else renders.hits - hits}
    return out


def feed_timing(app, reps: int) -> dict:
    from app.calendar.queries import SessionFilter, list_sessions
    from app.timeutil import local_today

    try:
        from app.feeds.ics import build_feed
    except ImportError as exc:
        return {"available": False, "reason": f"feed builder missing: {exc}"}
    today = local_today()
    past = app.config.get("FEED_PAST_DAYS", 60)
    cancelled_since = datetime.now(timezone.utc) - timedelta(days=app.config.get("FEED_CANCELLED_DAYS", 30))
    # The feed's default window: FEED_PAST_DAYS back to a year ahead, cancelled sessions of the last days.
    flt = SessionFilter(first=today - timedelta(days=past), last=today + timedelta(days=365),
                        cancelled_since=cancelled_since)
    sessions = list_sessions(flt)
    base_url = app.config["BASE_URL"]
    ours_bytes = build_feed(sessions, "fr", base_url)  # warm-up and size
    theirs_bytes = baseline.icalendar_feed(sessions, "fr", base_url)
    ours, theirs = [], []
    for _ in range(reps):  # interleaved, so both see the same machine state
        t0 = time.perf_counter()
        build_feed(sessions, "fr", base_url)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        baseline.icalendar_feed(sessions, "fr", base_url)
        theirs.append(time.perf_counter() - t0)
    ratio = statistics.median(ours) / statistics.median(theirs)
    return {
        "available": True, "events": len(sessions), "repetitions": reps,
        "build_feed_ms": median_ms(ours), "icalendar_ms": median_ms(theirs), "ratio": round(ratio, 3),
        "build_feed_bytes": len(ours_bytes), "icalendar_bytes": len(theirs_bytes),
        "target_ratio": TARGETS["feed_ratio"], "target_met": ratio <= TARGETS["feed_ratio"],
    }


def not_modified_timing(app, n: int = 300) -> dict:
    client = app.test_client()
    first = client.get("/feeds/workshops.ics")
    etag = first.headers.get("ETag")
    if first.status_code != 200 or not etag:
        return {"available": False, "reason": f"GET /feeds/workshops.ics gave {first.status_code}, ETag {etag!r}"}
    full, spent = [], time.perf_counter()
    for _ in range(20):  # the 200s after the first: the body is kept by its ETag
        t0 = time.perf_counter()
        resp = client.get("/feeds/workshops.ics")
        full.append(time.perf_counter() - t0)
        if resp.status_code != 200:
            return {"available": False, "reason": f"GET /feeds/workshops.ics gave {resp.status_code} after the first"}
        if time.perf_counter() - spent > 20:
            break
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = client.get("/feeds/workshops.ics", headers={"If-None-Match": etag})
        samples.append(time.perf_counter() - t0)
        if resp.status_code != 304:
            return {"available": False, "reason": f"If-None-Match gave {resp.status_code}"}
    ratio = statistics.median(full) / statistics.median(samples)
    return {"available": True, "requests": n, "p50_ms": median_ms(samples),
            "p95_ms": round(load.percentile(samples, 0.95) * 1000, 2), "full_200_ms": median_ms(full),
            "full_200_requests": len(full), "full_200_vs_304": round(ratio, 2),
            "target_full_200_vs_304": TARGETS["feed_200_vs_304"], "target_met": ratio <= TARGETS["feed_200_vs_304"],
            "bytes": len(first.data)}


def over_http(database_url: str, total: int, clients: int, login: dict | None = None) -> dict:
    import requests

    out: dict = {"workers": 4, "clients": clients, "requests_per_endpoint": total}
    with load.gunicorn(database_url, workers=4) as server:
        base = server.base
        endpoints = {"healthz": ("/healthz", {}, 200)}
        feed = requests.get(base + "/feeds/workshops.ics", timeout=60)
        if feed.status_code == 200 and feed.headers.get("ETag"):
            endpoints["feed_304"] = ("/feeds/workshops.ics", {"If-None-Match": feed.headers["ETag"]}, 304)
        endpoints.update({"api_sessions": ("/api/v1/sessions", {}, 200), "page_fr": ("/fr/", {}, 200)})
        year = datetime.now().year
        endpoints["api_stats"] = (f"/api/v1/stats/{year}", {}, 200)
        if login:
            endpoints["page_stats"] = (f"/en/staff/stats?year={year}", login, 200)
        for name, (path, headers, expect) in endpoints.items():
            probe = requests.get(base + path, headers=headers, timeout=60)
            if probe.status_code != expect:
                out[name] = {"available": False, "reason": f"GET {path} gave {probe.status_code}"}
                continue
            load.hammer(base + path, total=clients * 4, clients=clients, headers=headers, expect=expect,
                        time_limit=15)  # warm-up
            load.settle(base)
            out[name] = {"path": path, **load.hammer(base + path, total=total, clients=clients, headers=headers,
                                                      expect=expect)}
            load.settle(base)  # requests the clients gave up on must not weigh on the next endpoint
        out["server_problems"] = server.problems()
    health = out["healthz"]
    for name in ("api_sessions", "page_fr", "feed_304", *STATS_ENDPOINTS):
        row = out.get(name)
        if row and row.get("p95_ms") is not None and "available" not in row:
            row["p50_vs_healthz"] = round(row["p50_ms"] / health["p50_ms"], 2)
            row["p95_vs_healthz"] = round(row["p95_ms"] / health["p95_ms"], 2)
            if name != "feed_304":
                target = TARGETS["stats_p95_ms"] if name in STATS_ENDPOINTS else TARGETS["p95_ms"]
                row["target_p95_ms"] = target
                row["target_met"] = row["p95_ms"] < target
    return out


def report_markdown(result: dict) -> str:
    lines = [f"# Benchmark {result['dataset']} ({result['engine']}), {result['date']}", "",
             f"{result['seed']['sessions']} sessions ({result['seed']['series']} weekly series, "
             f"{result['seed']['one_offs']} one-offs) from {result['seed']['first']} to {result['seed']['last']}, "
             f"seeded through the services in {result['seed']['seconds']} s. Machine: {result['machine']}.", ""]
    feed = result["feed"]
    if feed.get("available"):
        lines += [f"- Public feed, {feed['events']} events: build_feed {feed['build_feed_ms']} ms, icalendar's own "
                  f"{feed['icalendar_ms']} ms, ratio **{feed['ratio']}** (target ≤ {feed['target_ratio']}: "
                  f"{'met' if feed['target_met'] else 'missed'}), median of {feed['repetitions']}."]
    else:
        lines += [f"- Public feed: not measured ({feed.get('reason')})."]
    nm = result["not_modified"]
    if nm.get("available"):
        lines += [f"- /feeds/workshops.ics in process: 304 to If-None-Match p50 {nm['p50_ms']} ms, "
                  f"p95 {nm['p95_ms']} ms; full 200 after the first (body kept by its ETag) {nm['full_200_ms']} ms, "
                  f"median of "
                  f"{nm['full_200_requests']}, {nm['bytes']} bytes: **{nm['full_200_vs_304']}×** the 304 (target ≤ "
                  f"{nm['target_full_200_vs_304']}×: {'met' if nm['target_met'] else 'missed'})."]
    else:
        lines += [f"- 304: not measured ({nm.get('reason')})."]
    cached = result.get("cached_cpu", {})
    for name in CACHED_PATHS:
        row = cached.get(name)
        if row and "available" not in row:
            lines += [f"- Cached answer of {row['path']} in process: {row['cpu_ms']} ms of CPU, {row['wall_ms']} ms "
                      f"wall, mean of {cached['requests']} after a warm-up ({row['cache_hits']} cache hits, "
                      f"{row['bytes']} bytes)."]
        elif row:
            lines += [f"- Cached answer of {name}: not measured ({row['reason']})."]
    stats = result.get("stats_compute")
    if stats:
        seeded = result["seed"].get("stats", {})
        lines += [f"- Statistics of {stats['year']} computed from the data (no cache): {stats['compute_ms']} ms, "
                  f"median of {stats['repetitions']}; {stats['activities']} group activities, {stats['contacts']} "
                  f"contacts (seeded: {seeded.get('attendance_rows')} attendance rows, "
                  f"{seeded.get('past_activities')} imported past activities)."]
    http = result["http"]
    lines += ["", f"gunicorn, {http['workers']} workers, {http['clients']} concurrent clients, "
              f"{http['requests_per_endpoint']} requests per endpoint after a warm-up:", "",
              "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | req/s | p95 vs /healthz | "
              "target p95 (50 ms; statistics 200 ms) |", "|---|---|---|---|---|---|---|---|---|"]
    for name in ("healthz", "feed_304", "api_sessions", "page_fr", *STATS_ENDPOINTS):
        row = http.get(name)
        if row is None:
            continue
        if "available" in row:
            lines.append(f"| {name} | – | – | – | – | – | – | – | not measured: {row['reason']} |")
            continue
        target = "" if "target_met" not in row else ("met" if row["target_met"] else "missed")
        stopped = " (time limit)" if row.get("stopped_by_time_limit") else ""
        lines.append(f"| {row['path']} | {row['requests']}{stopped} | {row['errors']} | {row['p50_ms']} | "
                     f"{row['p95_ms']} | {row['p99_ms']} | {row['throughput_rps']} | {row.get('p95_vs_healthz', '')} | "
                     f"{target} |")
    if http.get("server_problems"):
        lines += ["", "gunicorn reported:", "", *[f"    {line}" for line in http["server_problems"]]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated: " + ", ".join(DATASETS))
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: " + ", ".join(ENGINES))
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint over HTTP")
    parser.add_argument("--cached-requests", type=int, default=300, help="cached answers timed in process")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--only", choices=("all", "datasets", "rush"), default="all",
                        help="the datasets, the registration rush on PostgreSQL, or both (default)")
    args = parser.parse_args(argv)

    def interrupted(signum, frame):  # run the `finally` blocks: gunicorn is stopped
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupted)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()] if args.only != "rush" else []
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for engine in engines if datasets else []:
            if engine == "postgresql":
                from bench.rush import reachable

                reason = reachable(postgresql_url())
                if reason:
                    print(f"== PostgreSQL not reachable ({reason}): its datasets are skipped", flush=True)
                    failed.append("postgresql (not reachable)")
                    continue
            results: dict = {}
            for dataset in datasets:
                try:
                    results[dataset] = run_dataset(dataset, Path(tmp), out_dir, engine, args)
                except Exception:  # noqa: BLE001 - one broken part must not hide the others
                    traceback.print_exc()
                    print(f"== {engine} {dataset}: failed (see above); carrying on", flush=True)
                    failed.append(f"{engine} {dataset}")
            if results:
                write_reads_summary(engine, results, out_dir)
    if args.only != "datasets":
        try:
            rush_part(out_dir)
        except Exception:  # noqa: BLE001 - reported, and the exit status says so
            traceback.print_exc()
            failed.append("rush")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr, flush=True)
    return 1 if failed else 0


def run_dataset(dataset: str, tmp: Path, out_dir: Path, engine: str, args) -> dict:
    from app import create_app

    scale = DATASETS[dataset]
    url = fresh_database(tmp, dataset, engine)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret",
                      "BASE_URL": "http://127.0.0.1:5000"})
    print(f"== {dataset}: seeding and in-process timings ({engine})", flush=True)
    result = {"dataset": dataset, "engine": engine, "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"}
    result.update(in_process(app, scale, reps=15 if scale == 1 else 5, cached_requests=args.cached_requests))
    print(f"== {dataset}: gunicorn ({engine})", flush=True)
    result["http"] = over_http(url, args.requests, args.clients, result.pop("stats_login", None))
    stem = f"{datetime.now():%Y-%m-%d}_{engine}_{dataset}"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = report_markdown(result)
    (out_dir / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text, flush=True)
    return result


def reads_targets(results: dict) -> list[dict]:
    """The targets at 10x a year's data, each with its value, its reference of the same run and the ratio."""
    big, small = results.get("year2020x10"), results.get("year2020")
    rows: list[dict] = []
    if big is None:
        return rows
    http = big.get("http", {})
    health = http.get("healthz", {})
    for name in CACHED_PATHS:
        row = http.get(name, {})
        value = row.get("p95_ms") if "available" not in row else None
        rows.append({"figure": f"{CACHED_PATHS[name]} p95 at 10x, 16 clients (ms)", "value": value,
                     "reference": f"/healthz p95 {health.get('p95_ms')} ms", "ratio": row.get("p95_vs_healthz"),
                     "target": f"< {TARGETS['p95_ms']:g} ms", "met": value is not None and value < TARGETS["p95_ms"]})
    for name in CACHED_PATHS:
        b = big.get("cached_cpu", {}).get(name, {})
        s = (small or {}).get("cached_cpu", {}).get(name, {})
        ratio = round(b["cpu_ms"] / s["cpu_ms"], 2) if b.get("cpu_ms") and s.get("cpu_ms") else None
        rows.append({"figure": f"cached {CACHED_PATHS[name]} CPU at 10x (ms)", "value": b.get("cpu_ms"),
                     "reference": f"the same at 1x {s.get('cpu_ms')} ms", "ratio": ratio,
                     "target": f"ratio ≤ {TARGETS['cached_cpu_ratio']:g}",
                     "met": ratio is not None and ratio <= TARGETS["cached_cpu_ratio"]})
    for name in STATS_ENDPOINTS:
        row = http.get(name, {})
        value = row.get("p95_ms") if "available" not in row else None
        rows.append({"figure": f"{row.get('path', name)} p95 at 10x, 16 clients (ms)", "value": value,
                     "reference": f"/healthz p95 {health.get('p95_ms')} ms", "ratio": row.get("p95_vs_healthz"),
                     "target": f"< {TARGETS['stats_p95_ms']:g} ms",
                     "met": value is not None and value < TARGETS["stats_p95_ms"]})
    nm = big.get("not_modified", {})
    rows.append({"figure": "full feed 200 at 10x, after the first (ms)", "value": nm.get("full_200_ms"),
                 "reference": f"its 304 {nm.get('p50_ms')} ms", "ratio": nm.get("full_200_vs_304"),
                 "target": f"ratio ≤ {TARGETS['feed_200_vs_304']:g}", "met": bool(nm.get("target_met"))})
    return rows


def write_reads_summary(engine: str, results: dict, out_dir: Path) -> None:
    rows = reads_targets(results)
    if not rows:
        return
    summary = {"engine": engine, "date": datetime.now().strftime("%Y-%m-%d %H:%M"), "targets": rows}
    stem = f"{datetime.now():%Y-%m-%d}_{engine}_reads"
    (out_dir / f"{stem}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    lines = [f"# Reads at 10x a year's data ({engine}), {summary['date']}", "",
             "Each figure against its reference measured in the same run:", "",
             "| figure | value | reference | ratio | target | |", "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['figure']} | {row['value']} | {row['reference']} | {row['ratio']} | {row['target']} | "
                     f"**{'met' if row['met'] else 'missed'}** |")
    text = "\n".join(lines) + "\n"
    (out_dir / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text, flush=True)


def rush_part(out_dir: Path) -> None:
    """The registration rush on PostgreSQL (bench/rush.py); skipped with a message if PostgreSQL is not there."""
    from bench import rush

    print("== registration rush (postgresql)", flush=True)
    result = {"date": datetime.now().strftime("%Y-%m-%d %H:%M"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"}
    result.update(rush.run())
    if not result["available"]:
        print(result["reason"], flush=True)
        return
    stem = f"{datetime.now():%Y-%m-%d}_postgresql_rush"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = rush.report_markdown(result)
    (out_dir / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text, flush=True)


if __name__ == "__main__":
    sys.exit(main())
