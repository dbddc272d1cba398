"""Read variable values: ``terraform.tfvars``, ``*.auto.tfvars``, ``--var-file`` (HCL or JSON).

Every variable file found is parsed (a broken one is a SYS-001 finding wherever it is); one that
Terraform would not load (not auto-loaded, beside no ``.tf``, in a called module's directory) is
listed as skipped with the reason, or is an error when it was named explicitly.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from soc2gate.discovery import Candidate
from soc2gate.model import Skipped
from soc2gate.parsers.collected import Collected, record
from soc2gate.parsers.hcl_file import HclSyntaxError, load_json_object
from soc2gate.parsers.textio import TextFile, UnreadableInput, read_text

AUTO_FIRST = ("terraform.tfvars", "terraform.tfvars.json")


def is_auto_tfvars(name: str) -> bool:
    return name in AUTO_FIRST or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def load_tfvars(path: Path, display: str) -> dict[str, Any]:
    """Parse one tfvars file into {name: value}; raise HclSyntaxError with a line."""
    return parse_tfvars(read_text(path, display).text, display)


def parse_tfvars(text: str, display: str) -> dict[str, Any]:
    if display.endswith(".json"):
        return load_json_object(text, ".tfvars.json")
    return _load_hcl_vars(text)


def var_file_values(var_files: tuple[str, ...], out: Collected) -> dict[str, Any]:
    """The values of ``--var-file`` files, in order; a file that cannot be used is a finding."""
    values: dict[str, Any] = {}
    for name in var_files:
        try:
            values.update(load_tfvars(Path(name), name))
        except UnreadableInput as exc:
            out.error("SYS-002", name, 0, str(exc))
        except HclSyntaxError as exc:
            out.error("SYS-001", name, exc.line, f"{name}:{exc.line}: {exc}")
    return values


def directory_values(texts: list[tuple[Candidate, TextFile]], tf_dirs: set[str], called: set[str],
                     out: Collected) -> dict[str, dict[str, Any]]:
    """Per directory, the values of the variable files Terraform loads automatically, in its order."""
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    found = [(c, t) for c, t in texts if c.kind == "tfvars"]
    for candidate, text in sorted(found, key=lambda ct: _order(ct[0].path)):
        parsed = _parsed(text, out)
        if parsed is None:
            continue
        directory = str(candidate.path.parent)
        reason = _unused(candidate, directory in tf_dirs, os.path.realpath(candidate.path.parent) in called)
        if not reason:
            values[directory].update(parsed)
            record(out, text, "tfvars", 0)
        elif candidate.explicit:
            out.error("SYS-005", candidate.display, 1, f"{candidate.display}: {reason}")
        else:
            out.skipped.append(Skipped(candidate.display, reason))
    return values


def _order(path: Path) -> tuple[str, bool, str]:
    return (str(path.parent), path.name not in AUTO_FIRST, path.name)


def _parsed(text: TextFile, out: Collected) -> dict[str, Any] | None:
    try:
        return parse_tfvars(text.text, text.path)
    except HclSyntaxError as exc:
        out.error("SYS-001", text.path, exc.line, f"{text.path}:{exc.line}: {exc}")
        record(out, text, "tfvars", 0)
        return None


def _unused(candidate: Candidate, beside_tf: bool, in_called_module: bool) -> str:
    if not is_auto_tfvars(candidate.path.name):
        return "variable file is not loaded automatically: pass it with --var-file"
    if not beside_tf:
        return "variable file beside no Terraform configuration (.tf): nothing to apply it to"
    if in_called_module:
        return "variable file of a module called from another directory: Terraform does not load it"
    return ""


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
    except RecursionError:
        raise HclSyntaxError("nested too deeply to read", 0) from None
    return {k: v for k, v in data.items() if not k.startswith("__")}
