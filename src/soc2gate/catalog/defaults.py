"""Provider defaults and documented enumerations (``mappings/terraform-defaults.yaml``).

One data file tells every policy what an absent block or attribute means and which values a
provider accepts; the engine puts it into the input document as ``input.terraform``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from soc2gate.errors import PolicyLoadError

FILE_NAME = "terraform-defaults.yaml"


class DefaultsError(PolicyLoadError):
    """The defaults file is malformed; the message names the file and key path (exit 2)."""


def _unique_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: Any, node: Any) -> dict[Any, Any]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        duplicate = next((k for i, k in enumerate(keys) if k in keys[:i]), None)
        if duplicate is not None:
            raise DefaultsError(f"line {node.start_mark.line + 1}: duplicate key `{duplicate}`")
        return loader.construct_mapping(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return Loader


def read_defaults(path: Path) -> dict[str, Any]:
    """``{"defaults": {type: {path: value}}, "enums": {type: {path: [values]}}}``, validated."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_unique_loader())
    except (OSError, yaml.YAMLError, DefaultsError) as exc:
        raise DefaultsError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise DefaultsError(f"{path}: expected a mapping with `version: 1`")
    for section in ("defaults", "enums"):
        types = data.get(section)
        if not isinstance(types, dict):
            raise DefaultsError(f"{path}: `{section}` must map resource types to attribute paths")
        for type_name, paths in types.items():
            if not isinstance(paths, dict):
                raise DefaultsError(f"{path}: `{section}.{type_name}` must map attribute paths to values")
            if section == "enums":
                bad = [k for k, v in paths.items() if not isinstance(v, list) or not v]
                if bad:
                    raise DefaultsError(f"{path}: `enums.{type_name}.{bad[0]}` must be a non-empty list")
    return {"defaults": data["defaults"], "enums": data["enums"]}


@lru_cache(maxsize=1)
def provider_defaults() -> dict[str, Any]:
    from soc2gate.catalog.locate import mappings_dir

    return read_defaults(mappings_dir() / FILE_NAME)
