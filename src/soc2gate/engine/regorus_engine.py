"""The embedded engine: the regorus Rego interpreter, one query for the whole bundle."""

from __future__ import annotations

import json
from typing import Any, Mapping

import regorus

from soc2gate.catalog.policies import PolicyBundle
from soc2gate.engine.base import QUERY, RawVerdicts, split_by_package
from soc2gate.errors import InputError, PolicyLoadError


class RegorusEngine:
    name = "regorus"

    def __init__(self) -> None:
        self._engine: Any = None
        self._bundle: PolicyBundle | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RegorusEngine:
        """The embedded engine takes no settings."""
        return cls()

    def prepare(self, bundle: PolicyBundle) -> None:
        engine = regorus.Engine()
        for path, source in bundle.modules:
            try:
                engine.add_policy(path, source)
            except RuntimeError as exc:
                raise PolicyLoadError(f"{path}: Rego does not compile: {_short(exc)}") from None
        self._engine, self._bundle = engine, bundle

    def evaluate(self, document: dict[str, Any]) -> RawVerdicts:
        assert self._engine is not None and self._bundle is not None, "prepare() first"
        engine = self._engine.clone()
        try:
            engine.set_input_json(json.dumps(document, default=str))
        except RecursionError:
            raise InputError("an input is nested too deeply to evaluate (more than ~900 levels)") from None
        try:
            value = _value(engine.eval_query_as_json(QUERY))
        except RuntimeError:
            return self._isolate(engine)
        return split_by_package(self._bundle, value)

    def warm(self, document: dict[str, Any]) -> None:
        """Evaluate once on the engine itself, not a clone: regorus prepares its rules on the first
        evaluation and every later clone inherits that, so each evaluation then takes a few ms
        instead of re-preparing (~4x slower)."""
        assert self._engine is not None, "prepare() first"
        self._engine.set_input_json(json.dumps(document, default=str))
        self._engine.eval_query_as_json(QUERY)

    def _isolate(self, engine: Any) -> RawVerdicts:
        """The batch failed: evaluate per policy so only the crashing ones are errors."""
        assert self._bundle is not None
        verdicts = RawVerdicts()
        for policy in self._bundle.policies:
            for rule in ("deny", "inconclusive"):
                try:
                    items = _value(engine.eval_query_as_json(f"data.{policy.package}.{rule}"))
                except RuntimeError as exc:
                    verdicts.errors[policy.id] = _short(exc)
                    items = []
                target = verdicts.denies if rule == "deny" else verdicts.inconclusive
                target[policy.id] = [i for i in (items or []) if isinstance(i, dict)]
        return verdicts


def _value(raw: str) -> Any:
    results = json.loads(raw).get("result") or []
    if not results:
        return {}
    expressions = results[0].get("expressions") or []
    return expressions[0].get("value") if expressions else {}


def _short(exc: Exception) -> str:
    text = str(exc).strip()
    return " ".join(text.split())[:500]
