"""The embedded engine: the regorus Rego interpreter, one query for the whole bundle.

Every evaluation has a deadline (``limits.eval_timeout_s``) and a memory bound
(``limits.eval_memory_mb``): the query runs in a forked child (``engine/deadline.py``) that is
killed when it overruns and cannot allocate past the bound.  When the batch fails or overruns,
the policies are evaluated one by one, each with the same deadline, so that only the policies
that crash or overrun become errors (SYS-003 findings) and every other verdict is kept.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import regorus

from soc2gate.catalog.policies import PolicyBundle
from soc2gate.catalog.sandbox import engine_error
from soc2gate.engine import deadline
from soc2gate.engine.base import QUERY, RawVerdicts, resource_ids, rules, split_by_package
from soc2gate.errors import InputError, PolicyLoadError
from soc2gate.model import Policy

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_MEMORY_MB = 2048


class RegorusEngine:
    name = "regorus"

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        """``timeout_s`` 0: no child process, the caller bounds the time (the webhook's workers)."""
        self._engine: Any = None
        self._bundle: PolicyBundle | None = None
        self.timeout_s = float(timeout_s)
        self.memory_mb = int(memory_mb)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RegorusEngine:
        """The engine with the ``limits`` settings (``eval_timeout_s``, ``eval_memory_mb``)."""
        return cls(timeout_s=float(settings.get("eval_timeout_s", DEFAULT_TIMEOUT_S)),
                   memory_mb=int(settings.get("eval_memory_mb", DEFAULT_MEMORY_MB)))

    def prepare(self, bundle: PolicyBundle) -> None:
        engine = regorus.Engine()
        for path, source in bundle.modules:
            try:
                engine.add_policy(path, source)
            except RuntimeError as exc:
                line, message = engine_error(exc)
                raise PolicyLoadError(f"{path}:{line}: Rego does not compile: {message}") from None
        self._engine, self._bundle = engine, bundle

    def evaluate(self, document: dict[str, Any]) -> RawVerdicts:
        assert self._engine is not None and self._bundle is not None, "prepare() first"
        engine = self._engine.clone()
        engine.set_input_json(input_json(document))
        child = self._start(lambda emit: emit(engine.eval_query_as_json(QUERY).encode()))
        try:
            answers = list(deadline.records(child, self.timeout_s))
        except deadline.Overrun:
            answers = []
        if not answers:  # the batch failed or overran: find the policies responsible
            return self._isolate(engine)
        return split_by_package(self._bundle, _value(answers[0].decode()))

    def warm(self, document: dict[str, Any]) -> None:
        """Evaluate once on the engine itself, not a clone: regorus prepares its rules on the first
        evaluation and every later clone inherits that, so each evaluation then takes a few ms
        instead of re-preparing (~4x slower)."""
        assert self._engine is not None, "prepare() first"
        self._engine.set_input_json(json.dumps(document, default=str))
        self._engine.eval_query_as_json(QUERY)

    def _isolate(self, engine: Any) -> RawVerdicts:
        """Evaluate policy by policy, each within the deadline; a crash or overrun is that policy's error."""
        assert self._bundle is not None
        verdicts = RawVerdicts()
        pending = list(self._bundle.policies)
        while pending:
            child = self._start(lambda emit, batch=tuple(pending): _each_policy(engine, batch, emit))
            try:
                for answer in deadline.records(child, self.timeout_s):
                    _record(verdicts, pending.pop(0), json.loads(answer))
                if pending:
                    verdicts.errors[pending.pop(0).id] = self._stopped(child.ending())
            except deadline.Overrun:
                verdicts.errors[pending.pop(0).id] = (
                    f"evaluation did not finish within {self.timeout_s:g} s (limits.eval_timeout_s): "
                    "the policy was stopped")
        return verdicts

    def _stopped(self, ending: str) -> str:
        if ending == "in-process":
            return "the policy engine failed while evaluating this policy"
        return (f"the policy engine stopped while evaluating this policy ({ending}: past "
                f"limits.eval_memory_mb = {self.memory_mb}, or a crash)")

    def _start(self, work: Any) -> deadline.Child:
        return deadline.start(work, fork=self.timeout_s > 0, memory_mb=self.memory_mb)


def input_json(document: dict[str, Any]) -> str:
    """The input as JSON for the engine; NaN/Infinity (refused by the parsers) are refused here too."""
    try:
        return json.dumps(document, default=str, allow_nan=False)
    except RecursionError:
        raise InputError("an input is nested too deeply to evaluate (more than ~900 levels)") from None
    except ValueError as exc:
        raise InputError(f"an input holds a number JSON cannot represent (NaN or Infinity): {exc}") from None


def _each_policy(engine: Any, policies: tuple[Policy, ...], emit: deadline.Emit) -> None:
    """In the child: one record per policy, {deny, inconclusive, error}."""
    for policy in policies:
        answer: dict[str, Any] = {}
        for rule in rules(policy):
            try:
                answer[rule] = _value(engine.eval_query_as_json(f"data.{policy.package}.{rule}"))
            except BaseException as exc:  # any engine failure (a Rust panic too) is this policy's error
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                answer["error"] = engine_error(exc)[1]
        emit(json.dumps(answer, default=str).encode())


def _record(verdicts: RawVerdicts, policy: Policy, answer: dict[str, Any]) -> None:
    if answer.get("error"):
        verdicts.errors[policy.id] = str(answer["error"])
        return
    for rule, target in (("deny", verdicts.denies), ("inconclusive", verdicts.inconclusive)):
        items = answer.get(rule)
        target[policy.id] = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    if policy.scoped:
        verdicts.applicable[policy.id] = resource_ids(answer.get("applicable"))


def _value(raw: str) -> Any:
    results = json.loads(raw).get("result") or []
    if not results:
        return {}
    expressions = results[0].get("expressions") or []
    return expressions[0].get("value") if expressions else {}
