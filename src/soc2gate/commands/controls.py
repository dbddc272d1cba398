"""``soc2gate controls``: the coverage matrix — for every in-scope criterion, the policies that evidence it,
your own controls (``controls_map``) and the manual evidence declared for it (``manual_evidence``)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click


@click.command()
@click.option("--config", "config_path", default=None)
@click.option("--policy-dir", "policy_dirs", multiple=True)
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "markdown"]), default="text")
def command(config_path: str | None, policy_dirs: tuple[str, ...], fmt: str) -> None:
    """SOC 2 criteria coverage; criteria no policy tests show their manual evidence or `not covered`."""
    from soc2gate.api import Gate, ScanOptions
    from soc2gate.catalog.org_controls import coverage_matrix

    gate = Gate.load(ScanOptions(config_path=config_path, policy_dirs=policy_dirs))
    rows = coverage_matrix(gate.controls, gate.policies, gate.config)
    if fmt == "json":
        click.echo(json.dumps({"categories": list(gate.categories), "criteria": rows}, indent=2))
    elif fmt in ("csv", "markdown"):
        click.echo(_csv(rows) if fmt == "csv" else _markdown(rows), nl=False)
    else:
        _text(rows, gate, len(gate.policies))


def _cells(row: dict[str, Any]) -> list[str]:
    return [row["criterion"], row["title"], ", ".join(row["policies"]),
            "; ".join(f"{c['id']} {c['name']}".strip() for c in row["your_controls"]),
            "; ".join(f"{e['evidence']} (owner {e['owner']}, every {e['review_interval_days']}d, last "
                      f"{e['last_reviewed'] or 'never'}: {e['state']})" for e in row["manual_evidence"]),
            row["coverage"]]


HEADER = ["criterion", "title", "policies", "your controls", "manual evidence", "coverage"]


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_cells(r) for r in rows)
    return out.getvalue()


def _markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(h.capitalize() for h in HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join((c or "-").replace("|", "\\|") for c in _cells(r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _text(rows: list[dict[str, Any]], gate: Any, policies: int) -> None:
    click.echo(f"categories in scope: {', '.join(gate.categories)}")
    for row in rows:
        status = ", ".join(row["policies"]) if row["policies"] else row["coverage"]
        mine = "; ".join(c["id"] for c in row["your_controls"])
        click.echo(f"{row['criterion']:<6} {row['title']:<40} {status}" + (f"  [{mine}]" if mine else ""))
    covered = sum(1 for r in rows if r["policies"])
    click.echo(f"{covered} of {len(rows)} criteria covered by {policies} policies")
