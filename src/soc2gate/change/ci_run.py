"""The CI job running the gate, read from the runner's environment by the faces (Action, CLI).

GitHub Actions: ``GITHUB_RUN_ID``, ``GITHUB_RUN_ATTEMPT``, ``GITHUB_JOB``, ``RUNNER_NAME`` (to find
the gate's own check run, ``own_checks``) and ``GITHUB_WORKFLOW_REF`` (``owner/repo/<path>@<ref>``:
the workflow file reports place CC8.1 findings on).  GitLab CI: ``CI_PIPELINE_ID``, ``CI_JOB_ID``
and ``CI_CONFIG_PATH``.  Outside CI the context is empty.
"""

from __future__ import annotations

from typing import Mapping


def workflow_file(workflow_ref: str, repository: str) -> str:
    """``.github/workflows/x.yml`` of ``owner/repo/.github/workflows/x.yml@refs/heads/main``."""
    path = workflow_ref.split("@", 1)[0]
    prefix = f"{repository}/"
    if repository and path.startswith(prefix):
        return path[len(prefix):]
    parts = path.split("/", 2)
    return parts[2] if len(parts) == 3 else ""


def from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    if environ.get("GITHUB_ACTIONS") == "true":
        run = {"platform": "github", "run_id": environ.get("GITHUB_RUN_ID", ""),
               "run_attempt": environ.get("GITHUB_RUN_ATTEMPT", ""), "job": environ.get("GITHUB_JOB", ""),
               "runner_name": environ.get("RUNNER_NAME", ""),
               "workflow_file": workflow_file(environ.get("GITHUB_WORKFLOW_REF", ""),
                                              environ.get("GITHUB_REPOSITORY", ""))}
    elif environ.get("GITLAB_CI") == "true":
        run = {"platform": "gitlab", "pipeline_id": environ.get("CI_PIPELINE_ID", ""),
               "job_id": environ.get("CI_JOB_ID", ""), "workflow_file": environ.get("CI_CONFIG_PATH", "")}
    else:
        return {}
    return {k: v for k, v in run.items() if v}
