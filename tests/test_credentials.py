"""The API token never leaves the configured API host, and the server's words never echo it.

Two real loopback HTTP servers: the "API" (which redirects or fails) and a second origin (another
port, so another host:port) that records every header it receives and reflects them in its body.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

import pytest

from soc2gate.change import github_api, gitlab_api
from soc2gate.change.api_client import scrub
from soc2gate.errors import InputError

TOKEN = "ghp_S3cretT0kenValue0123456789abcdef"


class Origin:
    """One loopback server; ``answer(path, headers)`` returns (status, extra headers, JSON body)."""

    def __init__(self, answer: Callable[["Origin", str, dict[str, str]], tuple[int, dict[str, str], Any]]) -> None:
        self.answer = answer
        self.seen: list[tuple[str, dict[str, str]]] = []
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                headers = {k.lower(): v for k, v in self.headers.items()}
                origin.seen.append((self.path, headers))
                status, extra, body = origin.answer(origin, self.path, headers)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _reflect(origin: Origin, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    return 200, {}, {"reflected": headers, "message": f"you sent {headers}"}


@pytest.fixture
def pair() -> Iterator[tuple[Origin, Origin]]:
    other = Origin(_reflect)
    state: dict[str, Any] = {}

    def api(origin: Origin, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        return state["answer"](origin, path, headers)

    origin = Origin(api)
    origin.state = state  # type: ignore[attr-defined]
    yield origin, other
    origin.close()
    other.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_an_error_and_the_token_stays_home(pair, status: int) -> None:
    api, other = pair
    api.state["answer"] = lambda o, p, h: (status, {"Location": f"{other.base}/steal{p}"}, {})
    client = github_api.client(TOKEN, api.base)
    with pytest.raises(InputError, match=f"HTTP {status} redirect points to another host .127.0.0.1:"):
        client.get("/repos/o/r/pulls/1")
    assert other.seen == []  # not even a request without the token: a cross-host redirect is not followed
    assert api.seen[0][1]["authorization"] == f"Bearer {TOKEN}"


def test_a_relative_redirect_on_the_same_origin_is_followed_with_the_token(pair) -> None:
    api, _ = pair

    def answer(origin: Origin, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if path.startswith("/old"):
            return 301, {"Location": "/new/pulls/1"}, {}
        return 200, {}, {"number": 1, "auth": headers.get("authorization")}

    api.state["answer"] = answer
    assert github_api.client(TOKEN, api.base).get("/old/pulls/1") == {"number": 1, "auth": f"Bearer {TOKEN}"}


def test_gitlab_private_token_never_follows_a_redirect_elsewhere(pair) -> None:
    api, other = pair
    api.state["answer"] = lambda o, p, h: (302, {"Location": f"{other.base}{p}"}, {})
    client = gitlab_api.client(TOKEN, api.base + "/api/v4")
    with pytest.raises(InputError, match="redirect points to another host"):
        client.get("/projects/1/merge_requests/2")
    assert other.seen == []


@pytest.mark.parametrize("status", [401, 403, 404, 500])
def test_error_bodies_that_reflect_headers_never_print_the_token(pair, status: int) -> None:
    api, _ = pair
    api.state["answer"] = lambda o, p, h: (status, {}, {"message": f"bad: {h}\x1b[31m" + "x" * 5000})
    with pytest.raises(InputError) as info:
        github_api.client(TOKEN, api.base).get("/repos/o/r/pulls/1")
    message = str(info.value)
    assert TOKEN not in message and f"HTTP {status}" in message
    assert "[redacted]" in message
    assert "\x1b" not in message and len(message) < 600


def test_a_non_json_error_body_is_not_echoed(pair) -> None:
    api, _ = pair
    api.state["answer"] = lambda o, p, h: (500, {}, f"<html>{h}</html>")
    with pytest.raises(InputError) as info:
        github_api.client(TOKEN, api.base).get("/repos/o/r/pulls/1")
    assert TOKEN not in str(info.value) and "<html>" not in str(info.value)


def test_scrub_removes_each_part_of_a_header_value() -> None:
    assert scrub(f"token {TOKEN} and Bearer {TOKEN}", (f"Bearer {TOKEN}",)) == "token [redacted] and [redacted]"
    assert scrub("a\nb\x00c", ()) == "a b c"
    assert scrub("y" * 300, ()).endswith("…") and len(scrub("y" * 300, ())) == 201


def test_through_the_cli_a_redirecting_api_is_exit_2_and_the_token_is_nowhere(pair, tmp_path) -> None:
    import os
    import subprocess
    import sys

    import change_payloads as cp

    api, other = pair
    api.state["answer"] = lambda o, p, h: (307, {"Location": f"{other.base}{p}"}, {})
    event = tmp_path / "event.json"
    event.write_text(cp.render(cp.review_event("Codertocat", "commented")))
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GITHUB_API_URL")}
    run = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", "--change-record",
                          str(event), "--github-token", TOKEN, "--github-api-url", api.base, "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "redirect points to another host" in run.stderr
    assert TOKEN not in run.stderr + run.stdout and other.seen == []
