"""Load helpers for the rush test: a gunicorn server, and client processes firing at once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn(database_url: str, workers: int = 4, **env):
    """The app under gunicorn with several worker processes, on 127.0.0.1; the registration limits are
    lifted (a rush is many clients, all on 127.0.0.1 here) unless `env` sets them."""
    from tests.conftest import NO_REGISTRATION_LIMITS

    port = free_port()
    environment = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="test-secret",
                       BASE_URL=f"http://127.0.0.1:{port}", **{**NO_REGISTRATION_LIMITS, **env})
    environment.pop("SMTP_HOST", None)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: " + proc.stderr.read().decode(errors="replace")) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def call(method: str, url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {"raw": raw.decode(errors="replace")}


def fire_together(url: str, payloads: list[dict], start_at: float) -> list[tuple[int, dict]]:
    """In this process: one thread per payload, all released at the same instant."""
    results: list = [None] * len(payloads)
    barrier = threading.Barrier(len(payloads))

    def one(i: int) -> None:
        barrier.wait()
        delay = start_at - time.time()
        if delay > 0:
            time.sleep(delay)
        results[i] = call("POST", url, payloads[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
