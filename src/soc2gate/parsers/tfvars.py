"""Read variable values: ``terraform.tfvars``, ``*.auto.tfvars``, ``--var-file`` (HCL or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from soc2gate.parsers.hcl_file import HclSyntaxError, load_json_object
from soc2gate.parsers.textio import read_text


def is_auto_tfvars(name: str) -> bool:
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


def load_tfvars(path: Path, display: str) -> dict[str, Any]:
    """Parse one tfvars file into {name: value}; raise HclSyntaxError with a line."""
    text = read_text(path, display).text
    if display.endswith(".json"):
        return load_json_object(text, ".tfvars.json")
    return _load_hcl_vars(text)


def _load_hcl_vars(text: str) -> dict[str, Any]:
    import hcl2
    from hcl2.utils import SerializationOptions
    from lark.exceptions import LarkError, UnexpectedInput

    options = SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, with_comments=False, preserve_heredocs=False
    )
    try:
        data = hcl2.loads(text, serialization_options=options)
    except UnexpectedInput as exc:
        raise HclSyntaxError(str(exc).strip().splitlines()[0], getattr(exc, "line", 0) or 0) from None
    except (LarkError, ValueError) as exc:
        raise HclSyntaxError(str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error", 0) from None
    return {k: v for k, v in data.items() if not k.startswith("__")}
