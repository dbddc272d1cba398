"""Run the webhook under uvicorn: TLS, SIGTERM drain, SIGHUP reload of policies, config and certificate.

* SIGTERM/SIGINT: /readyz turns 503, the listener closes, requests in flight complete
  (up to ``graceful_timeout`` seconds), then the evaluation workers stop.
* SIGHUP: config, policies and settings are loaded and validated off the event loop, then
  swapped in atomically; a bad reload is logged and the previous generation keeps
  serving.  The TLS certificate and key are re-read into the live SSL context, so a
  rotated cert-manager secret is picked up by new connections without a restart.
* A TLS handshake not completed within ``webhook.tls_handshake_timeout_s`` closes the
  connection (``handshake.py``); read at start, a reload does not change it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
import ssl
import sys
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from soc2gate import __version__, api
from soc2gate.api import ScanOptions
from soc2gate.errors import Soc2gateError, UsageError
from soc2gate.webhook.app import AdmissionApp, _now
from soc2gate.webhook.evaluator import Loaded, load
from soc2gate.webhook.handshake import loop_factory
from soc2gate.webhook.metrics import Metrics
from soc2gate.webhook.pool import EvaluatorPool
from soc2gate.webhook.recorder import EvidenceRecorder
from soc2gate.webhook.transport import guarded

KEEP_ALIVE_CEILING_S = 3600

log = logging.getLogger("soc2gate.webhook")


@dataclass(frozen=True)
class ServeOptions:
    scan: ScanOptions = field(default_factory=ScanOptions)
    host: str = "0.0.0.0"
    port: int = 8443
    tls_cert: str | None = None
    tls_key: str | None = None
    insecure_http: bool = False
    mode: str | None = None
    graceful_timeout: float = 25.0
    log_level: str = "info"


def check_tls(options: ServeOptions) -> None:
    if options.insecure_http:
        if options.tls_cert or options.tls_key:
            raise UsageError("--insecure-http serves plain HTTP: do not combine it with --tls-cert/--tls-key")
        return
    if not (options.tls_cert and options.tls_key):
        raise UsageError("the webhook serves HTTPS only: give --tls-cert and --tls-key "
                         "(or --insecure-http for local testing)")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(options.tls_cert, options.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"cannot use --tls-cert {options.tls_cert} / --tls-key {options.tls_key}: {exc}") from None


def serve(options: ServeOptions) -> int:
    """Serve until SIGTERM/SIGINT; returns the exit code."""
    check_tls(options)
    _configure_logging(options.log_level)
    loaded = load(options.scan, options.mode, 1)
    listener = _listen(options.host, options.port)
    port = listener.getsockname()[1]
    metrics = Metrics()
    pool = EvaluatorPool(loaded, loaded.settings.workers)
    recorder = EvidenceRecorder(lambda: pool.current, metrics, _now)
    app = AdmissionApp(pool, metrics, observe=recorder.observe)
    metrics.workers.set_function(pool.alive)
    config = uvicorn.Config(
        app, host=options.host, port=options.port, ssl_certfile=options.tls_cert, ssl_keyfile=options.tls_key,
        lifespan="on", access_log=False, log_config=None, log_level=options.log_level,
        timeout_graceful_shutdown=int(options.graceful_timeout), http=_protocol(pool, metrics),
        timeout_keep_alive=KEEP_ALIVE_CEILING_S,  # our idle timeout closes first (transport.py)
    )
    server = _Server(config, app, loaded.settings.tls_handshake_timeout_s)
    reloader = _Reloader(options, pool, metrics, server)
    app.on_startup += [pool.start, lambda: _announce(loaded, metrics, port=port), reloader.install, recorder.start]
    app.on_shutdown += [pool.stop, recorder.stop]  # after the drain: the last batch holds every answer
    # uvicorn re-raises the signal it shut down on once it has drained; a graceful stop exits 0.
    previous = {sig: signal.signal(sig, _drained) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run(sockets=[listener])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        listener.close()
    return 0


def _protocol(pool: EvaluatorPool, metrics: Any) -> type:
    """uvicorn's HTTP protocol with the idle and read timeouts of the serving settings."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    def timeouts() -> tuple[float, float]:
        settings = pool.current.settings
        return settings.idle_timeout_s, settings.read_timeout_s

    return guarded(AutoHTTPProtocol, timeouts, lambda reason: metrics.closed.labels(reason).inc())


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before start-up so a busy port is a clear error and port 0
    (any free port, reported in the start event) works."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


def _drained(sig: int, frame: Any) -> None:
    """Stand-in handler uvicorn restores and re-raises into after a graceful shutdown."""


class _Server(uvicorn.Server):
    """uvicorn.Server that marks the app draining as soon as SIGTERM arrives (readyz -> 503) and
    bounds the TLS handshake."""

    def __init__(self, config: uvicorn.Config, app: Any, handshake_timeout: float) -> None:
        super().__init__(config)
        self.app = app
        self.handshake_timeout = handshake_timeout

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        with asyncio.Runner(loop_factory=loop_factory(self.handshake_timeout)) as runner:
            runner.run(self.serve(sockets=sockets))

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.app.draining = True
        super().handle_exit(sig, frame)


@dataclass
class _Reloader:
    options: ServeOptions
    pool: EvaluatorPool
    metrics: Any
    server: Any
    busy: bool = False
    again: bool = False  # a SIGHUP came during a reload: reload once more when it ends
    generation: int = 1  # never reused, even by a failed reload

    def install(self) -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._schedule)

    def _schedule(self) -> None:
        if self.busy:
            self.again = True
            return
        self.busy = True
        asyncio.get_running_loop().create_task(self._reload_until_settled())

    async def _reload_until_settled(self) -> None:
        try:
            await self.reload()
            while self.again:
                self.again = False
                await self.reload()
        finally:
            self.busy = False

    async def reload(self) -> None:
        loop = asyncio.get_running_loop()
        self.generation += 1
        try:
            loaded = await loop.run_in_executor(None, load, self.options.scan, self.options.mode, self.generation)
            await self.pool.swap(loaded)
        except Exception as exc:  # noqa: BLE001 - a failed reload keeps the serving generation
            self.metrics.reloads.labels("failed").inc()
            error = str(exc) if isinstance(exc, Soc2gateError) else f"{type(exc).__name__}: {exc}"
            _event("reload", result="failed", error=error, generation=self.pool.current.generation)
            return
        self.metrics.reloads.labels("ok").inc()
        _announce(loaded, self.metrics, "reload")
        self._reload_certificate()

    def _reload_certificate(self) -> None:
        context = getattr(self.server.config, "ssl", None)
        if context is None:
            return
        try:
            context.load_cert_chain(self.options.tls_cert, self.options.tls_key)
        except (OSError, ValueError) as exc:
            _event("certificate", result="failed", error=f"{self.options.tls_cert}: {exc}")
            return
        _event("certificate", result="ok", path=self.options.tls_cert)


def _announce(loaded: Loaded, metrics: Any, event: str = "start", **extra: Any) -> None:
    gate = loaded.gate
    metrics.loaded(len(gate.policies), gate.bundle.digest, gate.config.digest, __version__)
    _event(event, result="ok", **extra, generation=loaded.generation, policies=len(gate.policies),
           bundle_digest=gate.bundle.digest, config_digest=gate.config.digest, mode=loaded.settings.mode,
           not_evaluated_at_admission=dict(loaded.context), evidence=_evidence_summary(loaded))


def _evidence_summary(loaded: Loaded) -> dict[str, Any] | None:
    """Where batch records go (the store without its password), or None when they are off."""
    batches = loaded.settings.evidence
    if batches is None or loaded.evidence is None:
        return None
    return {"store": api.redact_url(loaded.evidence.url), "interval_s": batches.interval_s,
            "signed": bool(loaded.evidence.key)}


def _event(event: str, **fields: Any) -> None:
    logging.getLogger("soc2gate.webhook.decisions").info(json.dumps({"ts": _now(), "event": event, **fields}))


def _configure_logging(level: str) -> None:
    """Decision lines go to stdout as bare JSON; server diagnostics to stderr."""
    decisions = logging.getLogger("soc2gate.webhook.decisions")
    decisions.handlers[:] = [_handler(sys.stdout, "%(message)s")]
    decisions.setLevel(logging.INFO)
    decisions.propagate = False
    for name in ("uvicorn", "uvicorn.error", "soc2gate.webhook"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [_handler(sys.stderr, "%(asctime)s %(levelname)s %(name)s: %(message)s")]
        logger.setLevel(level.upper())
        logger.propagate = False


def _handler(stream: Any, fmt: str) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt))
    return handler
