"""Read access for population exports and ``evidence show`` (re-exported by ``api``)."""

from __future__ import annotations

from typing import Any


def evidence_records(url: str, start: str | None, end: str | None, public_key: str | None = None,
                     config_path: str | None = None, password_env: str | None = None) -> tuple[list[dict], Any]:
    """The verified store's records in a period (``_chain`` tagged, time order) and its verification;
    ``evidence.*`` settings of the configuration apply as for ``evidence report``."""
    from soc2gate.config import load_config
    from soc2gate.evidence import settings, store_records

    chosen = settings(load_config(config_path), url, public_key=public_key, password_env=password_env)
    assert chosen is not None  # a URL was given
    return store_records(chosen.url, start, end, chosen.public_key, chosen.store)
