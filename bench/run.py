"""`make bench`: the feed, the 304, the API and the public page on a year like 2020 and ten times that.

Each dataset gets a fresh database built by the migrations: an SQLite file in a temporary directory, or
the PostgreSQL database of BENCH_DATABASE_URL (its public schema is dropped and rebuilt: use a database
of its own). Figures are printed and written to bench/results/<date>_<engine>_<dataset>.json and .md.
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
TARGETS = {"feed_ratio": 1.5, "p95_ms": 50.0}


def fresh_database(workdir: Path, name: str) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{workdir / (name + '.sqlite')}"
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


def in_process(app, scale: int, reps: int) -> dict:
    """Seed, then time the feed builder against icalendar's own serialisation, and the 304."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.timeutil import local_today
    from bench.seed import seed_year

    out: dict = {}
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        t0 = time.perf_counter()
        out["seed"] = seed_year(scale, local_today())
        out["seed"]["seconds"] = round(time.perf_counter() - t0, 1)
        with app.test_request_context("/"):
            out["feed"] = feed_timing(app, reps)
        out["not_modified"] = not_modified_timing(app)
        db.session.remove()
        db.engine.dispose()
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
    full = []
    for _ in range(5):
        t0 = time.perf_counter()
        client.get("/feeds/workshops.ics")
        full.append(time.perf_counter() - t0)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = client.get("/feeds/workshops.ics", headers={"If-None-Match": etag})
        samples.append(time.perf_counter() - t0)
        if resp.status_code != 304:
            return {"available": False, "reason": f"If-None-Match gave {resp.status_code}"}
    return {"available": True, "requests": n, "p50_ms": median_ms(samples),
            "p95_ms": round(load.percentile(samples, 0.95) * 1000, 2), "full_200_ms": median_ms(full),
            "bytes": len(first.data)}


def over_http(database_url: str, total: int, clients: int) -> dict:
    import requests

    out: dict = {"workers": 4, "clients": clients, "requests_per_endpoint": total}
    with load.gunicorn(database_url, workers=4) as server:
        base = server.base
        endpoints = {"healthz": ("/healthz", {}, 200)}
        feed = requests.get(base + "/feeds/workshops.ics", timeout=60)
        if feed.status_code == 200 and feed.headers.get("ETag"):
            endpoints["feed_304"] = ("/feeds/workshops.ics", {"If-None-Match": feed.headers["ETag"]}, 304)
        endpoints.update({"api_sessions": ("/api/v1/sessions", {}, 200), "page_fr": ("/fr/", {}, 200)})
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
    for name in ("api_sessions", "page_fr", "feed_304"):
        row = out.get(name)
        if row and row.get("p95_ms") is not None and "available" not in row:
            row["p50_vs_healthz"] = round(row["p50_ms"] / health["p50_ms"], 2)
            row["p95_vs_healthz"] = round(row["p95_ms"] / health["p95_ms"], 2)
            if name != "feed_304":
                row["target_p95_ms"] = TARGETS["p95_ms"]
                row["target_met"] = row["p95_ms"] < TARGETS["p95_ms"]
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
        lines += [f"- 304 of /feeds/workshops.ics (If-None-Match, in process): p50 {nm['p50_ms']} ms, "
                  f"p95 {nm['p95_ms']} ms (full 200: {nm['full_200_ms']} ms, {nm['bytes']} bytes)."]
    else:
        lines += [f"- 304: not measured ({nm.get('reason')})."]
    http = result["http"]
    lines += ["", f"gunicorn, {http['workers']} workers, {http['clients']} concurrent clients, "
              f"{http['requests_per_endpoint']} requests per endpoint after a warm-up:", "",
              "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | req/s | p95 vs /healthz | "
              "target p95 < 50 ms |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name in ("healthz", "feed_304", "api_sessions", "page_fr"):
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
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
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
    engine = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()] if args.only != "rush" else []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for dataset in datasets:
            try:
                run_dataset(dataset, Path(tmp), out_dir, engine, args)
            except Exception:  # noqa: BLE001 - one broken part must not hide the others
                traceback.print_exc()
                print(f"== {dataset}: failed (see above); carrying on", flush=True)
                failed.append(dataset)
    if args.only != "datasets":
        rush_part(out_dir)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr, flush=True)
    return 1 if failed else 0


def run_dataset(dataset: str, tmp: Path, out_dir: Path, engine: str, args) -> None:
    from app import create_app

    scale = DATASETS[dataset]
    url = fresh_database(tmp, dataset)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret",
                      "BASE_URL": "http://127.0.0.1:5000"})
    print(f"== {dataset}: seeding and in-process timings ({engine})", flush=True)
    result = {"dataset": dataset, "engine": engine, "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"}
    result.update(in_process(app, scale, reps=15 if scale == 1 else 5))
    print(f"== {dataset}: gunicorn", flush=True)
    result["http"] = over_http(url, args.requests, args.clients)
    stem = f"{datetime.now():%Y-%m-%d}_{engine}_{dataset}"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = report_markdown(result)
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
