"""Inline SVG charts for the HTML evidence report: drawn here, so the report needs no script,
font or network request.  One chart = weekly bars (runs) with two lines (pass rate, open failures).
"""

from __future__ import annotations

from html import escape
from typing import Any

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 14, 34


def _x(index: int, count: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + step * index + step / 2


def _y(value: float, top: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0)


def _axes(weeks: list[dict[str, Any]], top: int) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" class="tick" text-anchor="end">{top}</text>',
             f'<text x="{LEFT - 6}" y="{base}" class="tick" text-anchor="end">0</text>',
             f'<text x="{WIDTH - RIGHT + 6}" y="{TOP + 4}" class="tick">100%</text>',
             f'<text x="{WIDTH - RIGHT + 6}" y="{base}" class="tick">0%</text>']
    every = max(1, len(weeks) // 8)
    for index, week in enumerate(weeks):
        if index % every == 0:
            parts.append(f'<text x="{_x(index, len(weeks)):.1f}" y="{base + 14}" class="tick" '
                         f'text-anchor="middle">{escape(week["week"][5:])}</text>')
    return parts


def _bars(weeks: list[dict[str, Any]], top: int) -> list[str]:
    width = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1) * 0.6
    return [f'<rect class="bar" x="{_x(i, len(weeks)) - width / 2:.1f}" y="{_y(w["runs"], top):.1f}" '
            f'width="{width:.1f}" height="{HEIGHT - BOTTOM - _y(w["runs"], top):.1f}">'
            f'<title>week of {escape(w["week"])}: {w["runs"]} run(s), {w["passed"]} passed</title></rect>'
            for i, w in enumerate(weeks)]


def _line(weeks: list[dict[str, Any]], values: list[float | None], top: float, css: str, label: str) -> list[str]:
    points = [(_x(i, len(weeks)), _y(v, top), weeks[i]["week"], v) for i, v in enumerate(values) if v is not None]
    if not points:
        return []
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
    parts = [f'<polyline class="{css}" fill="none" points="{path}"/>']
    parts += [f'<circle class="point {css}" cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>week of {escape(week)}: '
              f'{label} {_show(value, css)}</title></circle>' for x, y, week, value in points]
    return parts


def _show(value: float, css: str) -> str:
    return f"{value * 100:.1f}%" if css == "rate" else str(int(value))


def weekly_chart(weeks: list[dict[str, Any]], title: str) -> str:
    """Bars: runs per week (left axis); lines: pass rate (right axis, 0–100 %) and open failures (left axis)."""
    if not weeks:
        return '<p class="empty">No runs in the period.</p>'
    top = max([1] + [w["runs"] for w in weeks] + [w["open_failures"] for w in weeks])
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
             f'<title>{escape(title)}</title>']
    parts += _axes(weeks, top) + _bars(weeks, top)
    parts += _line(weeks, [w["pass_rate"] for w in weeks], 1.0, "rate", "pass rate")
    parts += _line(weeks, [float(w["open_failures"]) for w in weeks], top, "open", "open failures")
    parts.append("</svg>")
    return "".join(parts)


LEGEND = ('<p class="legend"><span class="key bar"></span> runs per week (left axis) '
          '<span class="key rate"></span> pass rate (right axis) '
          '<span class="key open"></span> failures open at the end of the week (left axis)</p>')
