"""Find the gate's own check run among a head commit's check runs (GitHub Actions).

The job running soc2gate is itself a check run on the head commit, ``in_progress`` while the
gate runs: counting it would fail every pull request.  It is matched, in this order:

1. by the workflow run and job: ``GET /repos/{repo}/actions/runs/{GITHUB_RUN_ID}/jobs`` lists the
   run's jobs; the one executing on this runner (``RUNNER_NAME``) and not completed, else the one
   named ``GITHUB_JOB`` (or ``GITHUB_JOB (matrix values)``), is this job; a job's id is its check
   run's id;
2. when the jobs cannot be listed (the token lacks ``actions: read``): by check suite and name, the
   not-completed check runs named like ``GITHUB_JOB`` in the workflow run's check suite (or any
   suite when the run cannot be read either).

Check runs of GitHub Actions with the same name as this job (earlier runs of the gate on the same
commit, e.g. before a review re-ran it, or the pull request's gate run when a ``check_suite`` event
runs it on the default branch) are the gate too.  Matches are marked ``gate: true`` and stay in the
record as evidence.  A job of another workflow with the very same name would be taken for the gate:
give the gate's job a distinctive name.
"""

from __future__ import annotations

from typing import Any

from soc2gate.change.api_client import ApiClient
from soc2gate.errors import InputError

DONE = "completed"
ACTIONS_APP = "github-actions"


def _named_like(name: str, job: str) -> bool:
    return bool(job) and (name == job or name.startswith(f"{job} ("))


def _run_jobs(api: ApiClient, repo: str, run_id: str) -> tuple[int | None, list[dict[str, Any]] | None]:
    """The workflow run's check suite id and its jobs (None for what the token cannot read)."""
    try:
        run = api.get(f"/repos/{repo}/actions/runs/{run_id}")
        suite = run.get("check_suite_id") if isinstance(run, dict) else None
    except InputError:
        return None, None
    try:
        jobs = [j for j in api.get_all(f"/repos/{repo}/actions/runs/{run_id}/jobs", key="jobs") if isinstance(j, dict)]
    except InputError:
        jobs = None
    return (suite if isinstance(suite, int) else None), jobs


def own_jobs(jobs: list[dict[str, Any]], ci_run: dict[str, Any]) -> list[dict[str, Any]]:
    """This job among the run's jobs: by runner, else by job name."""
    runner, job = str(ci_run.get("runner_name") or ""), str(ci_run.get("job") or "")
    chosen = [j for j in jobs if runner and j.get("runner_name") == runner and j.get("status") != DONE]
    return chosen or [j for j in jobs if _named_like(str(j.get("name") or ""), job)]


def _ids(jobs: list[dict[str, Any]]) -> set[int]:
    """Check-run ids of jobs (a job's id is its check run's id; ``check_run_url`` ends with it)."""
    ids: set[int] = set()
    for item in jobs:
        if isinstance(item.get("id"), int):
            ids.add(item["id"])
        tail = str(item.get("check_run_url") or "").rstrip("/").rsplit("/", 1)[-1]
        if tail.isdigit():
            ids.add(int(tail))
    return ids


def mark_own_check_runs(checks: list[dict[str, Any]], api: ApiClient, repo: str,
                        ci_run: dict[str, Any]) -> list[dict[str, Any]]:
    """``checks`` with the gate's own check runs (this one and earlier runs of this job) marked ``gate: true``."""
    run_id = str(ci_run.get("run_id") or "")
    if not run_id or not checks:
        return checks
    suite, jobs = _run_jobs(api, repo, run_id)
    mine = own_jobs(jobs, ci_run) if jobs is not None else []
    if mine:
        ids, names = _ids(mine), {str(j.get("name")) for j in mine}
        own = [c for c in checks if c.get("id") in ids or (c["name"] in names and c.get("app") == ACTIONS_APP)]
    else:
        own = [c for c in checks if _named_like(c["name"], str(ci_run.get("job") or ""))
               and not _completed(c) and (suite is None or c.get("suite") == suite)]
    same = {(c["name"], c.get("app")) for c in own}
    return [{**c, "gate": True} if (c["name"], c.get("app")) in same else c for c in checks]
def _completed(check: dict[str, Any]) -> bool:
    return check.get("conclusion") not in ("queued", "in_progress", "waiting", "requested", "pending")
