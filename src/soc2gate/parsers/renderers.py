"""Render Kubernetes sources teams write (Kustomize directories, Helm charts) into plain manifests.

* Kustomize: ``kustomize build`` when present, else ``kubectl kustomize``.  The directory is built
  through a temporary wrapper kustomization that adds ``buildMetadata: [originAnnotations]``, so
  every object carries ``config.kubernetes.io/origin`` naming its source file (the user's files
  are never modified).
* Helm: ``helm template`` with the chart's ``values.yaml`` and the configured value files; each
  rendered document starts with ``# Source: <chart>/templates/<file>``.

No renderer on PATH is not an error: the caller lists the directory as skipped with the reason.
A renderer that fails is a RenderError carrying its message (the caller reports SYS-001).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from soc2gate.discovery import CHART_FILE, KUSTOMIZATION_NAMES  # noqa: F401 - CHART_FILE is part of this API

DEFAULT_TIMEOUT_S = 60.0
NO_KUSTOMIZE = "Kustomize directory: install kubectl (or kustomize) to render and evaluate it"
NO_HELM = "Helm chart: install helm to evaluate it, or pipe `helm template` into `soc2gate scan -`"
COMPONENT = "Kustomize component: evaluated through the kustomizations that include it"


class RenderError(Exception):
    """The renderer ran and failed; the message is its own explanation."""


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def render_kustomization(directory: Path, timeout: float = DEFAULT_TIMEOUT_S) -> tuple[str, Path]:
    """(rendered YAML, wrapper directory the origin paths are relative to); the wrapper is removed,
    its path is only used to resolve the relative origin paths."""
    command = kustomize_command()
    if command is None:
        raise FileNotFoundError(NO_KUSTOMIZE)
    with tempfile.TemporaryDirectory(prefix="soc2gate-kustomize-") as wrapper:
        target = os.path.relpath(directory.resolve(), wrapper)
        (Path(wrapper) / "kustomization.yaml").write_text(
            f"resources:\n- {target}\nbuildMetadata: [originAnnotations]\n", encoding="utf-8")
        try:
            return _run([*command, wrapper], timeout, directory), Path(wrapper)
        except RenderError as exc:  # name the user's directory, not the temporary wrapper's view of it
            raise RenderError(str(exc).replace(f"'{target}'", f"'{directory}'").replace(wrapper, "<wrapper>")) from None


def render_chart(chart: Path, values: Sequence[str] = (), release: str = "release",
                 timeout: float = DEFAULT_TIMEOUT_S) -> str:
    if shutil.which("helm") is None:
        raise FileNotFoundError(NO_HELM)
    command = ["helm", "template", release, str(chart)]
    if (chart / "values.yaml").is_file():
        command += ["--values", str(chart / "values.yaml")]
    for value_file in values:
        command += ["--values", value_file]
    return _run(command, timeout, chart)


def _run(command: list[str], timeout: float, where: Path) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RenderError(f"`{' '.join(command[:2])}` did not finish within {timeout:.0f} s") from None
    except OSError as exc:
        raise RenderError(f"`{command[0]}` could not run: {exc}") from None
    if done.returncode != 0:
        message = " ".join((done.stderr or done.stdout).split())
        message = message.split('err="', 1)[-1].rstrip('"')[-600:] or f"exit status {done.returncode}"
        raise RenderError(f"`{' '.join(command[:2])}` failed for {where}: {message}")
    return done.stdout
