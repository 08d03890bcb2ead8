"""The app under gunicorn on 127.0.0.1, and a small concurrent HTTP client to measure its latency."""
from __future__ import annotations

import http.client
import multiprocessing
import os
import queue
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
from urllib.parse import urlsplit

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


def _client_process(port: int, jobs: list, threads: int, deadline_in: float, start_at: float, out) -> None:
    """One client process: `threads` threads, each with its own connection, share `jobs` (method, path, body
    and, optionally, headers)."""
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
                method, path, body, *more = todo.get_nowait()
            except queue.Empty:
                break
            headers = {"Content-Type": "application/json"} if body is not None else {}
            headers.update(*more)
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


def send(port: int, jobs: list, clients: int, processes: int, time_limit: float) -> tuple[float, float, list]:
    """Send `jobs` from `clients` concurrent connections spread over `processes` processes (so that no
    client waits for another's interpreter): (first start, last end, [(status or 0, milliseconds)])."""
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
    return min(g[0] for g in gathered), max(g[1] for g in gathered), [r for g in gathered for r in g[2]]


def hammer(url: str, *, total: int, clients: int, headers: dict | None = None, expect: int = 200,
           time_limit: float = 30.0, processes: int = 4) -> dict:
    """`total` GETs of `url` from `clients` connections (http.client, keep-alive) in `processes` processes;
    latencies in milliseconds. Stops early after `time_limit` seconds, so a slow endpoint cannot stall the
    run."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    begin, end, results = send(parts.port, [("GET", path, None, headers or {})] * total, clients,
                               min(processes, clients), time_limit)
    latencies = [ms for status, ms in results if status == expect]
    errors = [str(status or "transport error") for status, _ms in results if status != expect]
    wall = end - begin
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
