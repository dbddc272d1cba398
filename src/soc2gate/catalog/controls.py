"""The SOC 2 Trust Services Criteria catalog (``mappings/soc2-tsc-2017.yaml``)."""

from __future__ import annotations

from functools import lru_cache

from soc2gate.catalog.locate import mappings_dir
from soc2gate.model import Control

CATEGORIES = ("security", "availability", "confidentiality", "processing_integrity", "privacy")


@lru_cache(maxsize=1)
def load_controls() -> dict[str, Control]:
    import yaml

    text = (mappings_dir() / "soc2-tsc-2017.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's parser when built
    return {c["id"]: Control(c["id"], c["title"], c["category"]) for c in data["criteria"]}


def in_scope(controls: dict[str, Control], categories: tuple[str, ...]) -> dict[str, Control]:
    """Criteria of the in-scope categories (security is always in scope)."""
    wanted = set(categories) | {"security"}
    return {cid: c for cid, c in controls.items() if c.category in wanted}


