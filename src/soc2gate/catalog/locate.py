"""Find the bundled ``policies/`` and ``mappings/`` folders (wheel or source checkout)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"soc2gate installation is incomplete: no {name}/ folder at {bundled}")


def policies_dir() -> Path:
    return _data_dir("policies")


def mappings_dir() -> Path:
    return _data_dir("mappings")
