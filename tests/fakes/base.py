"""A small HTTP server on 127.0.0.1 in a thread, keeping a log of what it was asked."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Logged:
    method: str
    path: str
    args: dict
    headers: dict
    body: bytes
    status: int | None = None  # of the answer given

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def form(self) -> dict:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.body.decode("utf-8", "replace")))


@dataclass
class Canned:
    """An answer given instead of the normal one, to the next matching requests."""

    status: int
    body: bytes
    headers: dict = field(default_factory=dict)
    count: int = 1
    method: str | None = None
    path_contains: str | None = None

    def matches(self, request: Request) -> bool:
        if self.method and request.method != self.method:
            return False
        return not self.path_contains or self.path_contains in request.path


def json_response(status: int, payload: Any, headers: dict | None = None) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers or {}, content_type="application/json")


class FakeServer:
    """Serves ``handle(request) -> Response`` on a free port of 127.0.0.1, many requests at once."""

    def __init__(self):
        self.lock = threading.RLock()
        self.requests: list[Logged] = []
        self.canned: list[Canned] = []
        self.stopping = threading.Event()
        self._server = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------

    def start(self):
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes any slow answer
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- control ------------------------------------------------------------------------------

    def answer_next(self, status: int, body: Any = b"", *, headers: dict | None = None, count: int = 1,
                    method: str | None = None, path_contains: str | None = None,
                    content_type: str | None = None) -> None:
        """The next ``count`` matching requests get this answer (dicts and lists are sent as JSON)."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        if content_type:
            headers["Content-Type"] = content_type
        with self.lock:
            self.canned.append(Canned(status, body, headers, count, method, path_contains))

    def pause(self, seconds: float) -> None:
        """Sleep in a request; returns at once when the server stops."""
        self.stopping.wait(seconds)

    def calls(self, method: str | None = None, path_contains: str | None = None) -> list[Logged]:
        with self.lock:
            return [r for r in self.requests
                    if (method is None or r.method == method)
                    and (path_contains is None or path_contains in r.path)]

    # -- serving ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:  # pragma: no cover - overridden
        raise NotImplementedError

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        body = request.get_data(cache=True)
        logged = Logged(request.method, request.path, request.args.to_dict(), dict(request.headers), body)
        with self.lock:
            self.requests.append(logged)
            canned = next((c for c in self.canned if c.matches(request)), None)
            if canned is not None:
                canned.count -= 1
                if canned.count <= 0:
                    self.canned.remove(canned)
        if canned is not None:
            response = Response(canned.body, status=canned.status, headers=canned.headers)
        else:
            response = self.handle(request)
        logged.status = response.status_code
        return response(environ, start_response)


Handler = Callable[[Request], Response]
