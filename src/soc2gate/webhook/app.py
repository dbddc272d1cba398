"""The ASGI application: /validate, /healthz, /readyz, /metrics.

A plain ASGI callable (no framework): four routes do not need one, and reading the body
chunk by chunk lets it stop at the size limit without buffering more.
"""

from __future__ import annotations

import inspect
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import Any, Awaitable, Callable

from soc2gate.webhook.admission import evaluate_request, exclusion, target_name
from soc2gate.webhook.decision import Decision, failure
from soc2gate.webhook.evaluator import Loaded
from soc2gate.webhook.metrics import Metrics
from soc2gate.webhook.pool import DeadlineExceeded, EvaluatorPool, WorkersUnavailable
from soc2gate.webhook.review import AdmissionRequest, ReviewError, parse_review, review_response
from soc2gate.webhook.settings import MAX_BODY_BYTES

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
JSON = b"application/json"
STATUS_REASONS = {400: "BadRequest", 413: "RequestEntityTooLarge", 500: "InternalError"}
decisions_log = logging.getLogger("soc2gate.webhook.decisions")
log = logging.getLogger("soc2gate.webhook")


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


@dataclass
class AdmissionApp:
    pool: EvaluatorPool
    metrics: Metrics
    on_startup: list[Callable[[], Any]] = field(default_factory=list)
    on_shutdown: list[Callable[[], Any]] = field(default_factory=list)
    draining: bool = False
    observe: Callable[[dict[str, Any]], None] | None = None  # each decision line (evidence batches)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            hooks = {"lifespan.startup": self.on_startup, "lifespan.shutdown": self.on_shutdown}.get(message["type"], [])
            for hook in hooks:
                outcome = hook()
                if inspect.isawaitable(outcome):
                    await outcome
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        routes = {"/validate": ("POST", self._validate), "/healthz": ("GET", self._healthz),
                  "/readyz": ("GET", self._readyz), "/metrics": ("GET", self._metrics)}
        if path not in routes:
            await _reply(send, 404, {"error": f"no route {path}; POST admission reviews to /validate"})
        elif method != routes[path][0] and not (method == "HEAD" and routes[path][0] == "GET"):
            await _reply(send, 405, {"error": f"{path} accepts {routes[path][0]}"})
        else:
            await routes[path][1](scope, receive, send)

    async def _healthz(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _reply(send, 200, {"status": "ok"})

    async def _readyz(self, scope: Scope, receive: Receive, send: Send) -> None:
        loaded = self.pool.current
        body = {"policies": len(loaded.gate.policies), "bundle_digest": loaded.gate.bundle.digest,
                "generation": loaded.generation}
        if self.draining:
            await _reply(send, 503, {"status": "shutting down", **body})
        elif not self.pool.ready():  # starting, or every worker failed and is being replaced
            await _reply(send, 503, {"status": "no evaluation worker ready", **body})
        else:
            await _reply(send, 200, {"status": "ready", **body})

    async def _metrics(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, content_type = self.metrics.render()
        await _send(send, 200, body, content_type.encode())

    async def _validate(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        self.metrics.in_flight.inc()
        answered: list[bool] = []

        async def tracked(message: dict[str, Any]) -> None:
            answered.append(True)
            await send(message)

        try:
            await self._review(scope, receive, tracked, started)
        except Exception as exc:  # noqa: BLE001 - a bug must still get a logged, closed answer
            log.exception("answering an admission request failed")
            self.metrics.internal_errors.labels("exception").inc()
            if not answered:
                await self._invalid(send, 500, "internal", f"internal error: {type(exc).__name__}", started)
        finally:
            self.metrics.in_flight.dec()

    async def _review(self, scope: Scope, receive: Receive, send: Send, started: float) -> None:
        try:
            request = parse_review(await _read_body(scope, receive, MAX_BODY_BYTES))
        except BodyTooLarge:
            await self._invalid(send, 413, "too_large", f"body exceeds the limit of {MAX_BODY_BYTES} bytes", started)
            return
        except ReviewError as exc:
            await self._invalid(send, 400, "malformed", f"not an admission.k8s.io/v1 AdmissionReview: {exc}", started,
                                exc.uid)
            return
        except ClientGone:
            return
        loaded = self.pool.current
        decision = await self._decide(request, loaded)
        response = review_response(request.uid, decision.allowed, code=decision.code, reason=decision.reason,
                                   message=decision.message, warnings=decision.warnings,
                                   annotations=decision.annotations())
        await _reply(send, 200, response)
        self._record(request, decision, loaded, time.perf_counter() - started)

    async def _decide(self, request: AdmissionRequest, loaded: Loaded) -> Decision:
        decision = exclusion(request, loaded)
        if decision is not None:
            return decision
        settings = loaded.settings
        try:
            return await self.pool.run(partial(evaluate_request, request), settings.deadline_ms / 1000)
        except DeadlineExceeded as exc:
            self.metrics.internal_errors.labels("deadline").inc()
            return failure(settings, str(exc), target_name(request))
        except WorkersUnavailable as exc:
            self.metrics.internal_errors.labels("workers").inc()
            return failure(settings, str(exc), target_name(request))
        except Exception as exc:  # noqa: BLE001 - answered per failure_mode, never a crash
            log.exception("evaluation of %s failed", request.uid)
            self.metrics.internal_errors.labels("exception").inc()
            return failure(settings, f"internal error: {type(exc).__name__}: {exc}", target_name(request))

    async def _invalid(self, send: Send, status: int, reason: str, message: str, started: float,
                       uid: str = "") -> None:
        """A request that cannot be evaluated: denied, in an AdmissionReview, and logged."""
        answer = review_response(uid, False, code=status, reason=STATUS_REASONS[status], message=message)
        await _reply(send, status, answer, close=status != 400)
        decision = "invalid" if status < 500 else "error"
        if status < 500:
            self.metrics.invalid.labels(reason).inc()
        self.metrics.requests.labels(decision, "", "", "false").inc()
        self.metrics.latency.labels(decision).observe(time.perf_counter() - started)
        line = {"ts": _now(), "event": "admission", "uid": uid, "decision": decision, "allowed": False,
                "http_status": status, "reason": message}
        decisions_log.info(json.dumps(line))
        if self.observe is not None:
            self.observe(line)

    def _record(self, request: AdmissionRequest, decision: Decision, loaded: Loaded, seconds: float) -> None:
        dry_run = "true" if request.dry_run else "false"
        self.metrics.requests.labels(decision.outcome, request.kind, request.operation, dry_run).inc()
        self.metrics.latency.labels(decision.outcome).observe(seconds)
        for policy_id in decision.errors:
            self.metrics.policy_errors.labels(policy_id).inc()
        line = decision_record(request, decision, loaded, seconds)
        decisions_log.info(json.dumps(line))
        if self.observe is not None:
            self.observe(line)


def decision_record(request: AdmissionRequest, decision: Decision, loaded: Loaded, seconds: float) -> dict[str, Any]:
    """The JSON log line: evidence that the control operated on this request."""
    subject = request.subject() or {}
    metadata = subject.get("metadata") if isinstance(subject.get("metadata"), dict) else {}
    return {
        "ts": _now(), "event": "admission", "uid": request.uid,
        "kind": request.kind, "api_version": request.api_version, "resource": request.resource,
        "namespace": request.namespace, "name": request.name or str(metadata.get("name") or metadata.get("generateName") or ""),
        "operation": request.operation, "user": request.user, "groups": list(request.groups),
        "dry_run": request.dry_run, "decision": decision.outcome, "allowed": decision.allowed,
        "mode": loaded.settings.mode,
        "policies": list(decision.denied + decision.warned + decision.audited),
        "denied": list(decision.denied), "warned": list(decision.warned), "audited": list(decision.audited),
        "waived": list(decision.waived), "errors": list(decision.errors), "controls": list(decision.controls),
        "not_evaluated": dict(decision.skipped), "reason": decision.message if decision.outcome != "denied" else "",
        "duration_ms": round(seconds * 1000, 2), "bundle_digest": loaded.gate.bundle.digest,
        "config_digest": loaded.gate.config.digest, "generation": loaded.generation,
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _reply(send: Send, status: int, document: dict[str, Any], close: bool = False) -> None:
    await _send(send, status, json.dumps(document).encode(), JSON, close)


async def _send(send: Send, status: int, body: bytes, content_type: bytes, close: bool = False) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
