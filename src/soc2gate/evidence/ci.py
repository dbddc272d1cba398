"""Who ran the gate, on what: the CI context read from the environment, when present.

Providers are an explicit registry: a detector variable and a reader.  Outside CI the
context says ``provider: local`` with empty fields (the ledger still records the run).
"""

from __future__ import annotations

from typing import Callable, Mapping

Env = Mapping[str, str]
FIELDS = ("provider", "repo", "commit", "branch", "actor", "run_url", "run_id")


def _github(env: Env) -> dict[str, str]:
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo, run = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_RUN_ID", "")
    attempt = env.get("GITHUB_RUN_ATTEMPT", "")
    url = f"{server}/{repo}/actions/runs/{run}" if repo and run else ""
    if url and attempt and attempt != "1":
        url += f"/attempts/{attempt}"
    branch = env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME", "")
    return {"repo": repo, "commit": env.get("GITHUB_SHA", ""), "branch": branch,
            "actor": env.get("GITHUB_ACTOR", ""), "run_url": url, "run_id": run}


def _gitlab(env: Env) -> dict[str, str]:
    branch = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or env.get("CI_COMMIT_REF_NAME", "")
    return {"repo": env.get("CI_PROJECT_PATH", ""), "commit": env.get("CI_COMMIT_SHA", ""), "branch": branch,
            "actor": env.get("GITLAB_USER_LOGIN", ""),
            "run_url": env.get("CI_JOB_URL") or env.get("CI_PIPELINE_URL", ""),
            "run_id": env.get("CI_JOB_ID", "")}


def _jenkins(env: Env) -> dict[str, str]:
    return {"repo": env.get("GIT_URL", ""), "commit": env.get("GIT_COMMIT", ""),
            "branch": env.get("BRANCH_NAME") or env.get("GIT_BRANCH", ""),
            "actor": env.get("BUILD_USER_ID", ""), "run_url": env.get("BUILD_URL", ""),
            "run_id": env.get("BUILD_TAG", "")}


def _circleci(env: Env) -> dict[str, str]:
    user, project = env.get("CIRCLE_PROJECT_USERNAME", ""), env.get("CIRCLE_PROJECT_REPONAME", "")
    return {"repo": f"{user}/{project}" if user and project else project, "commit": env.get("CIRCLE_SHA1", ""),
            "branch": env.get("CIRCLE_BRANCH", ""), "actor": env.get("CIRCLE_USERNAME", ""),
            "run_url": env.get("CIRCLE_BUILD_URL", ""), "run_id": env.get("CIRCLE_WORKFLOW_ID", "")}


# name -> (variable that is set only on that CI, reader); checked in this order
PROVIDERS: dict[str, tuple[str, Callable[[Env], dict[str, str]]]] = {
    "github": ("GITHUB_ACTIONS", _github),
    "gitlab": ("GITLAB_CI", _gitlab),
    "jenkins": ("JENKINS_URL", _jenkins),
    "circleci": ("CIRCLECI", _circleci),
}


def ci_context(env: Env) -> dict[str, str]:
    """The CI context of this run (every field present; empty when unknown)."""
    for name, (marker, reader) in PROVIDERS.items():
        if env.get(marker):
            return {"provider": name, **{k: v for k, v in reader(env).items() if k in FIELDS}}
    return {field: "" for field in FIELDS} | {"provider": "local"}
