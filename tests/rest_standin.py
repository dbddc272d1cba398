"""A loopback HTTP server answering GET requests from a route table, as GitHub's and GitLab's REST
APIs answer them (JSON bodies, ``Link`` pagination headers, error statuses): real HTTP for the real
client.  ``{base}`` in a header value is replaced by the server's own URL.
"""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator


class Replay:
    """Routes ``path?query`` (or ``path``) to a queue of (status, headers, body); the last one repeats.

    ``auth_header``: requests without it get GitHub's 401 answer."""

    def __init__(self, auth_header: str | None = None) -> None:
        self.routes: dict[str, list[tuple[int, dict[str, str], Any]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""
        self.auth_header = auth_header

    def add(self, path: str, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.routes.setdefault(path, []).append((status, headers or {}, body))

    def respond(self, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if self.auth_header and not headers.get(self.auth_header):
            return 401, {}, {"message": "Requires authentication", "documentation_url": "https://docs.github.com/rest"}
        path = target.split("?")[0]
        queue = self.routes.get(target) or self.routes.get(path)
        if not queue:
            return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@contextlib.contextmanager
def serve(replay: Replay) -> Iterator[Replay]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            headers = {k.lower(): v for k, v in self.headers.items()}
            replay.requests.append((self.path, headers))
            status, extra, body = replay.respond(self.path, headers)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value.replace("{base}", replay.base))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        httpd.shutdown()
        httpd.server_close()
