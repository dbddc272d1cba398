"""Leader election on a ``coordination.k8s.io/v1`` Lease, with client-go's leaderelection semantics.

Every replica is a candidate. A candidate takes the Lease when it has no holder or when the holder
did not renew it for ``leaseDurationSeconds`` (measured on the candidate's own clock from the moment
it last saw the Lease change, as client-go does, so clock skew between nodes does not matter). The
leader renews every ``retry_period_s``; when it has not renewed for ``renew_deadline_s`` (shorter than
the lease duration) it steps down before anyone else may take over, so two replicas never write at
once. Writes carry the Lease's ``resourceVersion``: a ``409 Conflict`` means another candidate won
the race and the attempt counts as failed. On shutdown the leader releases the Lease (empty holder,
duration 1 s) so a follower takes over at once.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

LOG = logging.getLogger("soc2gate.monitor.leader")
GROUP, VERSION, PLURAL = "coordination.k8s.io", "v1", "leases"
JITTER = 1.2  # client-go's JitterFactor: candidates retry at retry_period * [1, 2.2)


@dataclass(frozen=True)
class LeaseSettings:
    name: str = "soc2gate-monitor"
    namespace: str = "soc2gate-system"
    identity: str = ""
    lease_duration_s: float = 15.0   # client-go's defaults
    renew_deadline_s: float = 10.0
    retry_period_s: float = 2.0


def default_identity() -> str:
    """The pod's name (``POD_NAME`` from the downward API), else the hostname, with a random suffix so
    two processes on one host never share an identity."""
    base = os.environ.get("POD_NAME") or socket.gethostname() or "soc2gate-monitor"
    return f"{base}_{random.getrandbits(32):08x}"


def check(settings: LeaseSettings) -> None:
    if not 0 < settings.retry_period_s < settings.renew_deadline_s < settings.lease_duration_s:
        raise ValueError("leader election needs retry period < renew deadline < lease duration "
                         f"(got {settings.retry_period_s:g} s, {settings.renew_deadline_s:g} s, "
                         f"{settings.lease_duration_s:g} s)")


def _now() -> str:
    """A MicroTime: RFC 3339 with microseconds, UTC."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class LeaderElector(threading.Thread):
    """Runs until ``stop`` is set; ``is_leader()`` is what guards every write."""

    def __init__(self, api_client: Any, settings: LeaseSettings, stop: threading.Event,
                 on_change: Callable[[bool], Any] = lambda leading: None) -> None:
        from kubernetes import client

        super().__init__(name="leader-election", daemon=True)
        check(settings)
        self.api = client.CustomObjectsApi(api_client)
        self.settings, self.stop, self.on_change = settings, stop, on_change
        self.identity = settings.identity or default_identity()
        self._renewed = 0.0                     # monotonic time of the last successful acquire/renew
        self._observed: tuple[Any, ...] = ()    # holder, renewTime, resourceVersion last seen
        self._observed_at = 0.0
        self._leading = False
        self.conflicts = self.transitions = 0

    def is_leader(self) -> bool:
        """True only while leading and renewed within the renew deadline (even if this thread hangs)."""
        return self._leading and time.monotonic() - self._renewed < self.settings.renew_deadline_s

    def run(self) -> None:
        while not self.stop.is_set():
            acquired = self._try()
            if acquired != self._leading and (acquired or self._lost()):
                self._set(acquired)
            if acquired or self._leading:  # renew every retry period; a failed renewal is retried as often
                self.stop.wait(self.settings.retry_period_s)
            else:
                self.stop.wait(self.settings.retry_period_s * (1 + random.random() * JITTER))

    def _lost(self) -> bool:
        """Not renewed within the renew deadline, or another replica holds the Lease now."""
        if time.monotonic() - self._renewed >= self.settings.renew_deadline_s:
            LOG.warning("%s: lease %s/%s not renewed within %g s: stepping down", self.identity,
                        self.settings.namespace, self.settings.name, self.settings.renew_deadline_s)
            return True
        return bool(self._observed) and self._observed[0] not in ("", self.identity)

    def _set(self, leading: bool) -> None:
        self._leading = leading
        self.transitions += 1
        LOG.info("%s: %s", self.identity, "became the leader" if leading else "is no longer the leader")
        self.on_change(leading)

    def _try(self) -> bool:
        """One attempt to acquire or renew (client-go's tryAcquireOrRenew)."""
        from kubernetes.client.exceptions import ApiException

        started = time.monotonic()
        try:
            lease = self._get()
            if lease is None:
                self._create(started)
                return True
            if not self._may_take(lease):
                return False
            self._update(lease, started)
            return True
        except ApiException as exc:
            self.conflicts += int(exc.status == 409)
            where = f"{self.identity}: lease {self.settings.namespace}/{self.settings.name}: {exc.status} {exc.reason}"
            if exc.status in (401, 403, 404):  # never leads: no reports, no evidence until this is fixed
                LOG.warning("%s: grant get/create/update on coordination.k8s.io leases in namespace %s "
                            "(docs/monitoring.md)", where, self.settings.namespace)
            else:
                LOG.info("%s", where)
        except Exception as exc:  # noqa: BLE001 - the API server unreachable: this attempt failed
            LOG.info("%s: lease %s/%s: %s", self.identity, self.settings.namespace, self.settings.name, exc)
        return False

    def _may_take(self, lease: dict[str, Any]) -> bool:
        spec = lease.get("spec") or {}
        holder = spec.get("holderIdentity") or ""
        seen = (holder, spec.get("renewTime"), (lease.get("metadata") or {}).get("resourceVersion"))
        if seen != self._observed:
            self._observed, self._observed_at = seen, time.monotonic()
        if not holder or holder == self.identity:
            return True
        duration = float(spec.get("leaseDurationSeconds") or self.settings.lease_duration_s)
        return time.monotonic() - self._observed_at >= duration

    def _get(self) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            found: Any = self.api.get_namespaced_custom_object(GROUP, VERSION, self.settings.namespace, PLURAL,
                                                               self.settings.name, _request_timeout=self._timeout())
            return found if isinstance(found, dict) else None
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def _create(self, started: float) -> None:
        now = _now()
        body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Lease",
                "metadata": {"name": self.settings.name, "namespace": self.settings.namespace},
                "spec": {"holderIdentity": self.identity, "leaseDurationSeconds": self._duration(),
                         "acquireTime": now, "renewTime": now, "leaseTransitions": 0}}
        self.api.create_namespaced_custom_object(GROUP, VERSION, self.settings.namespace, PLURAL, body,
                                                 _request_timeout=self._timeout())
        self._renewed = started

    def _update(self, lease: dict[str, Any], started: float) -> None:
        spec, now = dict(lease.get("spec") or {}), _now()
        if spec.get("holderIdentity") != self.identity:  # taking over: a transition
            spec["acquireTime"] = now
            spec["leaseTransitions"] = int(spec.get("leaseTransitions") or 0) + 1
        spec.update(holderIdentity=self.identity, leaseDurationSeconds=self._duration(), renewTime=now)
        self._replace({**lease, "spec": spec})
        self._renewed = started

    def _replace(self, lease: dict[str, Any]) -> None:
        """An update that carries the resourceVersion read: 409 when someone wrote in between."""
        self.api.replace_namespaced_custom_object(GROUP, VERSION, self.settings.namespace, PLURAL,
                                                  self.settings.name, lease, _request_timeout=self._timeout())

    def release(self) -> bool:
        """Give the Lease up (on SIGTERM): empty holder, 1 s duration. True when released."""
        if not self._leading:
            return False
        self._leading = False
        self.on_change(False)
        try:
            lease = self._get()
            spec = (lease or {}).get("spec") or {}
            if lease is None or spec.get("holderIdentity") != self.identity:
                return False
            now = _now()
            self._replace({**lease, "spec": {**spec, "holderIdentity": "", "leaseDurationSeconds": 1,
                                             "acquireTime": now, "renewTime": now}})
        except Exception as exc:  # noqa: BLE001 - not released: the others wait for the lease to expire
            LOG.warning("%s: could not release lease %s/%s: %s", self.identity, self.settings.namespace,
                        self.settings.name, exc)
            return False
        return True

    def _duration(self) -> int:
        return max(1, round(self.settings.lease_duration_s))

    def _timeout(self) -> float:
        return max(0.5, self.settings.renew_deadline_s / 2)
