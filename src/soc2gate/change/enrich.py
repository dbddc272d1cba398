"""Complete a change record from the platform's REST API when a token is given.

``settings`` keys: ``github_token``, ``github_api_url``, ``gitlab_token``, ``gitlab_api_url`` and
``ci_run`` (the CI job running the gate, ``soc2gate.change.ci_run``: its own check is marked).
Without the platform's token a record is returned as the event described it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from soc2gate.change import github_api, gitlab_api
from soc2gate.errors import InputError
from soc2gate.parsers.change.schema import validate, wrap


def wants(settings: Mapping[str, Any] | None) -> bool:
    return bool(settings) and bool(settings.get("github_token") or settings.get("gitlab_token"))  # type: ignore[union-attr]


def enrich_record(record: dict[str, Any], settings: Mapping[str, Any], path: str,
                  **client_options: Any) -> dict[str, Any]:
    """The validated record completed from its platform's API (if a token for it is given).

    API failures are InputErrors naming ``path`` (the CLI exits 2 with the message).
    """
    spec = record["spec"]
    platform = spec.get("platform")
    try:
        if platform == "github" and settings.get("github_token"):
            api = github_api.client(settings["github_token"], settings.get("github_api_url"), **client_options)
            spec = github_api.enrich(_needs(spec, ("repository", "number")), api, _ci(settings, "github"))
        elif platform == "gitlab" and settings.get("gitlab_token"):
            url = gitlab_api.api_url_for(spec.get("url"), settings.get("gitlab_api_url"))
            api = gitlab_api.client(settings["gitlab_token"], url, **client_options)
            spec = gitlab_api.enrich(_needs(spec, ("repository", "number")), api, _ci(settings, "gitlab"))
        else:
            return record
        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        spec["source"] = {**spec.get("source", {}), "retrieved_at": stamp}
        return validate(wrap(spec))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def _ci(settings: Mapping[str, Any], platform: str) -> dict[str, Any]:
    """The CI run context (``change.ci_run``) when it describes a job on ``platform``."""
    run = settings.get("ci_run") or {}
    return dict(run) if run.get("platform") == platform else {}


def _needs(spec: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if spec.get(key) in (None, ""):
            raise InputError(f"the change record has no `spec.{key}`: cannot query the API for it")
    return spec


def completer(settings: Mapping[str, Any] | None) -> Callable[[dict[str, Any], str], dict[str, Any]] | None:
    """``enrich_record`` bound to ``settings`` (what the parsers call on a named record), or None
    when no token is given."""
    if not wants(settings):
        return None
    chosen = dict(settings or {})
    return lambda record, path: enrich_record(record, chosen, path)
