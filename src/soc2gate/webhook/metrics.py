"""Prometheus metrics of the webhook (one private registry per app)."""

from __future__ import annotations

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, disable_created_metrics

        disable_created_metrics()  # no *_created series: they double the output for no use here
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("soc2gate_webhook_requests", "Admission requests by decision, kind and operation.",
                                ["decision", "kind", "operation", "dry_run"], registry=r)
        self.latency = Histogram("soc2gate_webhook_request_duration_seconds",
                                 "Time from receiving an admission request to answering it.",
                                 ["decision"], buckets=LATENCY_BUCKETS, registry=r)
        self.policy_errors = Counter("soc2gate_webhook_policy_errors", "Policies that failed to evaluate.",
                                     ["policy"], registry=r)
        self.internal_errors = Counter("soc2gate_webhook_internal_errors",
                                       "Requests answered per failure_mode (deadline, exception).", ["reason"], registry=r)
        self.invalid = Counter("soc2gate_webhook_invalid_requests", "Bodies rejected with 400/413.", ["reason"], registry=r)
        self.closed = Counter("soc2gate_webhook_connections_closed", "Connections closed by a timeout (idle, slow).",
                              ["reason"], registry=r)
        self.workers = Gauge("soc2gate_webhook_workers_ready", "Evaluation workers that can take work.", registry=r)
        self.reloads = Counter("soc2gate_webhook_reloads", "Policy/config reloads on SIGHUP.", ["result"], registry=r)
        self.policies = Gauge("soc2gate_webhook_policies_loaded", "Policies in the serving bundle.", registry=r)
        self.in_flight = Gauge("soc2gate_webhook_in_flight_requests", "Admission requests being answered.", registry=r)
        self.evidence_appends = Counter("soc2gate_webhook_evidence_appends",
                                        "Evidence batch records appended to the store, by result.", ["result"], registry=r)
        self.evidence_pending = Gauge("soc2gate_webhook_evidence_pending_decisions",
                                      "Decisions of batches whose append failed, waiting for the next one.", registry=r)
        self.evidence_last_append = Gauge("soc2gate_webhook_evidence_last_append_timestamp_seconds",
                                          "When a batch record was last appended (Unix time).", registry=r)
        self.bundle = Info("soc2gate_webhook_bundle", "The serving policy bundle.", registry=r)

    def loaded(self, policies: int, digest: str, config_digest: str, version: str) -> None:
        self.policies.set(policies)
        self.bundle.info({"digest": digest, "config_digest": config_digest, "version": version})

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
