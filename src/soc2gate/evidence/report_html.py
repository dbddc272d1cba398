"""Render the period report (``period.full_report``) as one self-contained, printable HTML file.

No script, stylesheet, font or image is fetched: styles are inline and charts are inline SVG
(``svg_chart``).  Each section starts a new printed page; a table of contents links them.
"""

from __future__ import annotations

from html import escape
from typing import Any, Sequence

from soc2gate.evidence.report_html_sections import SECTIONS, esc

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1b1f24;margin:2rem auto;
max-width:1100px;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #334;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin:1.4rem 0 .4rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:12.5px}
th,td{border:1px solid #c9ced6;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#eef1f5}
td.num,th.num{text-align:right}code{font-size:12px;word-break:break-all}
.ok{color:#116329;font-weight:bold}.bad{color:#b42318;font-weight:bold}.warn{color:#9a6700;font-weight:bold}
.chart .axis{stroke:#555}.chart .tick{font-size:10px;fill:#444}.chart .bar{fill:#c7d2e0}
.chart polyline.rate{stroke:#1a7f37;stroke-width:2}.chart polyline.open{stroke:#cf222e;stroke-width:2}
.chart circle.rate{fill:#1a7f37}.chart circle.open{fill:#cf222e}
.legend .key{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px}.legend .bar{background:#c7d2e0}
.legend .rate{background:#1a7f37}.legend .open{background:#cf222e}
nav ol{columns:2}.muted{color:#57606a}.criterion{break-inside:avoid-page}
section{break-before:page;page-break-before:always}section:first-of-type{break-before:auto}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}nav{break-after:page}}
"""


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{escape(h)}</th>' for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{esc(v)}</td>'
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(report: dict[str, Any]) -> str:
    period = report["period"]
    title = f"SOC 2 evidence report — {period['from'] or 'start'} to {period['to'] or 'end'}"
    sections = [(anchor, heading, build(report, table)) for anchor, heading, build in SECTIONS]
    toc = "".join(f'<li><a href="#{a}">{escape(h)}</a></li>' for a, h, _ in sections)
    body = "".join(f'<section id="{a}"><h2>{escape(h)}</h2>{content}</section>' for a, h, content in sections)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<header><h1>{escape(title)}</h1><p class=muted>Store <code>{escape(str(report['ledger']))}</code>"
            f"{_filters(report)}</p></header>"
            f'<nav id="contents"><h2>Contents</h2><ol>{toc}</ol></nav>{body}</body></html>\n')


def _filters(report: dict[str, Any]) -> str:
    chosen = [f"{k} {v}" for k, v in report.get("filters", {}).items() if v]
    return f" — only {escape(', '.join(chosen))}" if chosen else ""
