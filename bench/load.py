"""The app under gunicorn on 127.0.0.1, and a small concurrent HTTP client to measure its latency."""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, base: str, log_path: str):
        self.base, self.log_path = base, log_path

    def problems(self) -> list[str]:
        """gunicorn's warnings and errors so far (worker timeouts, crashes)."""
        lines = Path(self.log_path).read_text(errors="replace").splitlines()
        return [line for line in lines if "[WARNING]" in line or "[ERROR]" in line or "[CRITICAL]" in line][-20:]


@contextmanager
def gunicorn(database_url: str, workers: int = 4, app: str = "wsgi:app", env: dict | None = None):
    """Serve `app` (the product by default) with `workers` sync workers, `env` added to its environment;
    always stopped on leaving, even on error. Yields a Server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="bench-secret", BASE_URL=base, **(env or {}))
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn_bin), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait_ready(proc, base, log.name)
        yield Server(base, log.name)
    except BaseException:
        print("gunicorn log (tail):\n" + Path(log.name).read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        _stop(proc)
        log.close()
        os.unlink(log.name)


def _wait_ready(proc: subprocess.Popen, base: str, log_path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early:\n" + Path(log_path).read_text()[-2000:])
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time:\n" + Path(log_path).read_text()[-2000:])


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers), then SIGKILL to its process group if needed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def settle(base: str, timeout: float = 90) -> None:
    """Wait until the server is idle: three quick /healthz answers in a row."""
    deadline, quick = time.monotonic() + timeout, 0
    while quick < 3 and time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            requests.get(base + "/healthz", timeout=timeout)
        except requests.RequestException:
            pass
        quick = quick + 1 if time.perf_counter() - t0 < 0.05 else 0
        time.sleep(0.05)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def hammer(url: str, *, total: int, clients: int, headers: dict | None = None, expect: int = 200,
           time_limit: float = 30.0) -> dict:
    """`total` GETs by `clients` threads (one requests.Session each); latencies in milliseconds.

    Stops early after `time_limit` seconds, so a slow endpoint cannot stall the run.
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = [0]
    deadline = time.monotonic() + time_limit

    def worker():
        with requests.Session() as http:
            while True:
                with lock:
                    if issued[0] >= total or time.monotonic() > deadline:
                        return
                    issued[0] += 1
                t0 = time.perf_counter()
                try:
                    resp = http.get(url, headers=headers, timeout=30)
                    _ = resp.content
                    ok = resp.status_code == expect
                except requests.RequestException as exc:
                    ok, resp = False, exc
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors.append(str(getattr(resp, "status_code", resp)))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "throughput_rps": round((len(latencies) + len(errors)) / wall, 1) if wall else None,
        "stopped_by_time_limit": len(latencies) + len(errors) < total,
    }
