"""A loopback STAND-IN for an OPA server, for tests only.  It is NOT OPA.

No OPA binary can be installed where these tests run, so this server implements just the
parts of OPA's documented REST API (https://www.openpolicyagent.org/docs/rest-api) that
soc2gate's OPA engine uses, with OPA's documented request and response shapes:

* ``GET /health`` -> 200 ``{}``
* ``GET /v1/policies`` -> 200 ``{"result": [{"id", "raw"}]}`` (OPA also returns each module's
  ``ast``; the stand-in has none)
* ``PUT /v1/policies/{id}`` (text/plain Rego) -> 200 ``{}``; a module that does not parse ->
  400 ``{"code": "invalid_parameter", "message": "error(s) occurred while compiling module(s)",
  "errors": [{"code": "rego_parse_error", "message", "location": {"file", "row", "col"}}]}``
* ``DELETE /v1/policies/{id}`` -> 200 ``{}``; unknown id -> 404 ``{"code": "resource_not_found",
  "message": "storage_not_found_error: policy id \\"<id>\\""}``
* ``POST /v1/data/{path}`` with ``{"input": ...}`` -> 200 ``{"result": value}``, or ``{}`` when
  the document is undefined; evaluation errors -> 500 ``{"code": "internal_error", "message":
  "error(s) occurred while evaluating query", "errors": [...]}``
* bearer-token authentication (``--authentication=token``): a request to /v1 without the
  token -> 401 ``{"code": "unauthorized", "message": "request rejected by administrative policy"}``

Rego is evaluated with regorus (soc2gate's embedded engine), so this stand-in checks the
HTTP conversation, not OPA's semantics; regopy is the independent second implementation
(tests/test_conformance_regopy.py).
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StandInOpa:
    """Start with ``with StandInOpa(...) as opa:``; ``opa.url`` is its root URL."""

    def __init__(self, token: str | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.token = token
        self.policies: dict[str, str] = {}
        self.log: list[tuple[str, str]] = []
        self.fail_data: tuple[int, Any] | None = None
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StandInOpa:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the API ---------------------------------------------------------------------
    def put_policy(self, policy_id: str, source: str) -> tuple[int, Any]:
        import regorus

        try:
            regorus.Engine().add_policy(policy_id, source)
        except RuntimeError as exc:
            row, col = _location(str(exc))
            return 400, {"code": "invalid_parameter", "message": "error(s) occurred while compiling module(s)",
                         "errors": [{"code": "rego_parse_error", "message": _first_error(str(exc)),
                                     "location": {"file": policy_id, "row": row, "col": col}}]}
        with self.lock:
            self.policies[policy_id] = source
        return 200, {}

    def delete_policy(self, policy_id: str) -> tuple[int, Any]:
        with self.lock:
            if self.policies.pop(policy_id, None) is None:
                return 404, {"code": "resource_not_found", "message": f'storage_not_found_error: policy id "{policy_id}"'}
        return 200, {}

    def query(self, path: str, body: bytes) -> tuple[int, Any]:
        import regorus

        if self.fail_data is not None:
            return self.fail_data
        try:
            request = json.loads(body or b"{}")
        except ValueError as exc:
            return 400, {"code": "invalid_parameter", "message": f"body contains malformed input document: {exc}"}
        engine = regorus.Engine()
        with self.lock:
            modules = list(self.policies.items())
        for policy_id, source in modules:
            engine.add_policy(policy_id, source)
        if "input" in request:
            engine.set_input_json(json.dumps(request["input"]))
        try:
            answer = json.loads(engine.eval_query_as_json("data." + ".".join(p for p in path.split("/") if p)))
        except RuntimeError as exc:
            return 500, {"code": "internal_error", "message": "error(s) occurred while evaluating query",
                         "errors": [{"code": "eval_error", "message": _first_error(str(exc))}]}
        results = answer.get("result") or []
        if not results:
            return 200, {}
        return 200, {"result": results[0]["expressions"][0]["value"]}


def _first_error(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    where = next((line[4:] for line in lines if line.startswith("--> ")), "")
    text = next((line for line in lines if line.startswith("error:")), lines[0] if lines else "")
    return f"{where}: {text}" if where else text


def _location(message: str) -> tuple[int, int]:
    found = re.search(r":(\d+):(\d+)", message)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def _handler(opa: StandInOpa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _route(self, method: str) -> None:
            path = self.path.split("?", 1)[0]
            body = self._body() if method in ("PUT", "POST") else b""
            opa.log.append((method, path))
            if path == "/health" and method == "GET":
                return self._send(200, {})
            if opa.token and self.headers.get("Authorization") != f"Bearer {opa.token}":
                return self._send(401, {"code": "unauthorized", "message": "request rejected by administrative policy"})
            if path.rstrip("/") == "/v1/policies" and method == "GET":
                with opa.lock:
                    listed = [{"id": i, "raw": s} for i, s in opa.policies.items()]
                return self._send(200, {"result": listed})
            if path.startswith("/v1/policies/") and method in ("PUT", "DELETE"):
                policy_id = path[len("/v1/policies/"):]
                if method == "PUT":
                    return self._send(*opa.put_policy(policy_id, body.decode("utf-8")))
                return self._send(*opa.delete_policy(policy_id))
            if path.startswith("/v1/data/") and method == "POST":
                return self._send(*opa.query(path[len("/v1/data/"):], body))
            return self._send(405 if path.startswith("/v1/") else 404,
                              {"code": "invalid_operation" if path.startswith("/v1/") else "resource_not_found",
                               "message": f"{method} {path} is not implemented by this stand-in"})

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._route("GET")

        def do_PUT(self) -> None:  # noqa: N802
            self._route("PUT")

        def do_POST(self) -> None:  # noqa: N802
            self._route("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._route("DELETE")

    return Handler
