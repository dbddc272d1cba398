"""Evaluate the policy bundle on an OPA server through opa-python-client.

Each evaluation uploads the bundle's modules under policy ids ``soc2gate/<run>/...``,
queries ``POST /v1/data/<root>/policies`` once with the input document, and deletes the
modules again.  The modules' ``soc2gate`` package root is renamed to ``soc2gate_<run>``
for the upload, so concurrent runs (and modules left by a crashed run) never mix.
Connection, TLS, authentication and HTTP failures are ConfigErrors naming the URL;
a module the server does not compile is a PolicyLoadError naming the policy file.
"""

from __future__ import annotations

import re
import uuid
import warnings
from pathlib import Path
from typing import Any, Mapping

from soc2gate.catalog.policies import PolicyBundle
from soc2gate.engine.base import RawVerdicts, resource_ids, rules, split_by_package
from soc2gate.engine.opa_http import OpaTarget, describe_failure, http_error_text
from soc2gate.errors import ConfigError, PolicyLoadError

ID_PREFIX = "soc2gate"
EVALUATION_ERROR = "error(s) occurred while evaluating query"  # OPA's message for a 500 from evaluation
_PACKAGE = re.compile(r"(?m)^(\s*package\s+)soc2gate\b")
_DATA_REF = re.compile(r"\bdata\.soc2gate\b")


def namespaced(source: str, root: str) -> str:
    """``source`` with its ``soc2gate`` package root (declaration and data refs) renamed to ``root``."""
    return _DATA_REF.sub(f"data.{root}", _PACKAGE.sub(rf"\g<1>{root}", source))


class OpaEngine:
    name = "opa"

    def __init__(self, target: OpaTarget) -> None:
        self.target = target
        self._bundle: PolicyBundle | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> OpaEngine:
        return cls(OpaTarget.from_settings(settings))

    def prepare(self, bundle: PolicyBundle) -> None:
        """Check that the server answers, is healthy and accepts our credentials."""
        from opa_client.errors import ConnectionsError

        client = self.target.client()
        try:
            if not client.check_health():
                client.check_connection()
                raise ConfigError(f"OPA server {self.target.url}: GET /health did not answer 200 (server unhealthy)")
            client.check_connection()
        except ConnectionsError as exc:
            raise ConfigError(f"OPA server {self.target.url}: {describe_failure(exc.__cause__ or exc)}") from None
        finally:
            client.close_connection()
        self._bundle = bundle

    def evaluate(self, document: dict[str, Any]) -> RawVerdicts:
        assert self._bundle is not None, "prepare() first"
        run = uuid.uuid4().hex[:12]
        root = f"{ID_PREFIX}_{run}"
        client = self.target.client()
        uploaded: list[str] = []
        try:
            for index, (path, source) in enumerate(self._bundle.modules):
                uploaded.append(self._upload(client, f"{ID_PREFIX}/{run}/{index:04d}/{Path(path).name}",
                                             path, namespaced(source, root)))
            try:
                return self._verdicts(self._query(client, f"{root}.policies", document))
            except _EvaluationError:
                return self._isolate(client, root, document)
        finally:
            self._cleanup(client, uploaded)
            client.close_connection()

    def warm(self, document: dict[str, Any]) -> None:
        """Nothing to warm: the OPA server compiled the policies when they were uploaded."""

    def _upload(self, client: Any, policy_id: str, path: str, source: str) -> str:
        from opa_client.errors import RegoParseError

        try:
            client.update_policy_from_string(source, policy_id, rego_compat=False)
        except RegoParseError as exc:
            if exc.expression == "invalid_parameter" or exc.errors:
                raise PolicyLoadError(f"{path}: OPA server {self.target.url} does not compile this policy: "
                                      f"{_compile_errors(exc)}") from None
            raise ConfigError(f"OPA server {self.target.url}: PUT /v1/policies/{policy_id} failed: "
                              f"{exc.expression}: {exc.message}") from None
        except Exception as exc:  # noqa: BLE001 - transport errors of requests, non-JSON bodies
            raise ConfigError(f"OPA server {self.target.url}: PUT /v1/policies/{policy_id} failed: "
                              f"{describe_failure(exc)}") from None
        return policy_id

    def _query(self, client: Any, package: str, document: dict[str, Any], required: bool = True) -> Any:
        path = "/v1/data/" + package.replace(".", "/")
        try:
            answer = client.query_rule(input_data=document, package_path=package)
        except Exception as exc:  # noqa: BLE001 - requests.HTTPError and transport errors
            text = http_error_text(exc) or describe_failure(exc)
            if EVALUATION_ERROR in text:
                raise _EvaluationError(text) from None
            raise ConfigError(f"OPA server {self.target.url}: POST {path} failed: {text}") from None
        if not required:
            return answer.get("result", []) if isinstance(answer, dict) else []
        if not isinstance(answer, dict) or "result" not in answer:
            raise ConfigError(f"OPA server {self.target.url}: POST {path} returned no result: "
                              "the uploaded policies are not loaded")
        return answer["result"]

    def _isolate(self, client: Any, root: str, document: dict[str, Any]) -> RawVerdicts:
        """The batch failed to evaluate: query per policy so only the failing ones are errors."""
        assert self._bundle is not None
        verdicts = RawVerdicts()
        for policy in self._bundle.policies:
            package = ".".join([root, *policy.package.split(".")[1:]])
            targets = {"deny": verdicts.denies, "inconclusive": verdicts.inconclusive}
            for rule in rules(policy):
                try:
                    items = self._query(client, f"{package}.{rule}", document, required=False)
                except _EvaluationError as exc:
                    verdicts.errors[policy.id] = f"OPA server {self.target.url}: {exc}"
                    items = []
                if rule == "applicable":
                    verdicts.applicable[policy.id] = resource_ids(items)
                elif isinstance(items, list):
                    targets[rule][policy.id] = [i for i in items if isinstance(i, dict)]
                else:
                    targets[rule][policy.id] = []
        return verdicts

    def _cleanup(self, client: Any, uploaded: list[str]) -> None:
        failed = []
        for policy_id in reversed(uploaded):
            try:
                client.delete_policy(policy_id)
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the run's result
                failed.append(f"{policy_id} ({getattr(exc, 'message', None) or exc})")
        if failed:
            warnings.warn(f"soc2gate: could not delete {len(failed)} policies from OPA server {self.target.url}: "
                          f"{', '.join(failed[:5])}; delete the ids under `{ID_PREFIX}/` by hand", stacklevel=2)

    def _verdicts(self, value: Any) -> RawVerdicts:
        assert self._bundle is not None
        verdicts = split_by_package(self._bundle, value if isinstance(value, dict) else {})
        for policy in self._bundle.policies:
            if _node(value, policy.package) is None:
                verdicts.errors[policy.id] = (f"OPA server {self.target.url} returned no `deny` set for "
                                              f"package {policy.package}")
        return verdicts


class _EvaluationError(Exception):
    """OPA answered 500: a policy failed while evaluating (not a transport problem)."""


def _node(value: Any, package: str) -> Any:
    node = value
    for part in package.split(".")[2:]:
        node = node.get(part) if isinstance(node, dict) else None
    return node.get("deny") if isinstance(node, dict) else None


def _compile_errors(exc: Any) -> str:
    details = [f"{e.get('code', '')}: {e.get('message', '')} (line {((e.get('location') or {}).get('row', '?'))})"
               for e in exc.errors if isinstance(e, dict)]
    return "; ".join(details) or f"{exc.expression}: {exc.message}"
