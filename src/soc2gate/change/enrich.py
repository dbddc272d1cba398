"""Complete a change record from the platform's REST API when a token is given.

``settings`` keys: ``github_token``, ``github_api_url``, ``gitlab_token``, ``gitlab_api_url``.
Without the platform's token a record is returned as the event described it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Mapping

from soc2gate.change import github_api, gitlab_api, records
from soc2gate.change.schema import validate, wrap
from soc2gate.errors import InputError


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
            spec = github_api.enrich(_needs(spec, ("repository", "number")), api)
        elif platform == "gitlab" and settings.get("gitlab_token"):
            url = gitlab_api.api_url_for(spec.get("url"), settings.get("gitlab_api_url"))
            api = gitlab_api.client(settings["gitlab_token"], url, **client_options)
            spec = gitlab_api.enrich(_needs(spec, ("repository", "number")), api)
        else:
            return record
        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        spec["source"] = {**spec.get("source", {}), "retrieved_at": stamp}
        return validate(wrap(spec))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def _needs(spec: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if spec.get(key) in (None, ""):
            raise InputError(f"the change record has no `spec.{key}`: cannot query the API for it")
    return spec


def enriched_json(text: str, settings: Mapping[str, Any], path: str) -> str | None:
    """The enriched record as JSON, or None when ``text`` is not a record the API can complete.

    Documents that do not parse or normalize are left to the normal path, which reports them.
    """
    try:
        document = json.loads(text)
        record = records.normalize(document) if records.detect(document) else None
    except (ValueError, RecursionError, InputError):  # the reader reports what is wrong with the file
        return None
    if record is None:
        return None
    return json.dumps(enrich_record(record, settings, path))
