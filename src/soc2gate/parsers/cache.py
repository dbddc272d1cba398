"""Cache parsed HCL by content hash in the user's cache directory (JSON files)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CACHE_VERSION = "hcl-4"  # hcl-4: indented heredocs no longer escaped


def cache_root() -> Path:
    override = os.environ.get("SOC2GATE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("soc2gate"))


class ParseCache:
    """get/put parsed file dicts keyed by sha256; silently best-effort on I/O errors."""

    def __init__(self, enabled: bool, root: Path | None = None) -> None:
        self.enabled = enabled
        self.root = (root or cache_root()) / CACHE_VERSION if enabled else Path()

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.json"

    def get(self, digest: str) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        try:
            return json.loads(self._path(digest).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, digest: str, parsed: dict[str, Any]) -> None:
        if not self.enabled:
            return
        path = self._path(digest)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps(parsed, separators=(",", ":")), encoding="utf-8")
            os.replace(temp, path)
        except OSError:
            return
