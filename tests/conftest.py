"""Shared test helpers: paths to the repo, the shared corpora, and a loaded gate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SOC2GATE_SHARED", REPO.parent / "shared"))
CORPORA = SHARED / "corpora"
REFERENCE = SHARED / "reference"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real cache from tests."""
    monkeypatch.setenv("SOC2GATE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def require_shared() -> None:
    if not CORPORA.is_dir():
        pytest.fail(f"../shared is missing at {SHARED}: CI always provides it")
