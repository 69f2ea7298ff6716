"""Small SVG charts drawn on the server: no script, nothing inline that the CSP forbids (SVG
presentation attributes, not style attributes). Every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#2f6f8f", "#d9822b", "#5b8c3a", "#8e5ea2")


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]
    color: str = PALETTE[0]
    dashed: bool = False


def _y(value: float, low: float, high: float, top: float, bottom: float) -> float:
    span = (high - low) or 1.0
    return bottom - (min(max(value, low), high) - low) / span * (bottom - top)


def line_chart(
    lines: Sequence[Line],
    x_labels: Sequence[str],
    low: float,
    high: float,
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 190,
) -> Markup:
    """A line chart with a point per value (gaps where a value is None), a y-axis from `low`
    to `high` and one label per x position (every other one when crowded)."""
    left, right, top, bottom = 34, width - 8, 26, height - 26
    count = max(len(x_labels), 1)
    step = (right - left) / max(count - 1, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" class="chart-title" font-size="13" font-weight="600" '
        f'fill="#222">{escape(title)}</text>',
    ]
    for tick in (low, (low + high) / 2, high):
        y = _y(tick, low, high, top, bottom)
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" '
            f'stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" fill="#666" '
            f'text-anchor="end">{_number(tick)}{escape(unit)}</text>'
        )
    every = 1 if count <= 8 else 2
    for index, label in enumerate(x_labels):
        if index % every == 0 or index == count - 1:
            x = left + index * step
            parts.append(
                f'<text x="{x:.1f}" y="{height - 8}" font-size="10" fill="#666" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for line in lines:
        parts.append(_polyline(line, low, high, left, step, top, bottom))
    legend_x = right
    for line in reversed(lines):
        if len(lines) < 2:
            break
        width_guess = 8 + 7 * len(line.name)
        legend_x -= width_guess + 14
        parts.append(
            f'<rect x="{legend_x:.0f}" y="7" width="10" height="10" fill="{line.color}"/>'
            f'<text x="{legend_x + 14:.0f}" y="16" font-size="11" fill="#333">'
            f"{escape(line.name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _polyline(
    line: Line, low: float, high: float, left: float, step: float, top: float, bottom: float
) -> str:
    out: list[str] = []
    segment: list[str] = []
    dash = ' stroke-dasharray="5 4"' if line.dashed else ""
    for index, value in enumerate([*line.values, None]):
        if value is None:
            if len(segment) > 1:
                out.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{line.color}" '
                    f'stroke-width="2"{dash}/>'
                )
            segment = []
            continue
        x, y = left + index * step, _y(value, low, high, top, bottom)
        segment.append(f"{x:.1f},{y:.1f}")
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{line.color}" class="point">'
            f"<title>{escape(line.name)}: {_number(value)}</title></circle>"
        )
    return "".join(out)


def sparkline(values: Sequence[float | None], low: float, high: float, *, label: str) -> Markup:
    """A tiny trend line for a table cell (e.g. this week's moods)."""
    width, height = 84, 22
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return Markup('<span class="muted">–</span>')
    step = (width - 6) / max(len(values) - 1, 1)
    points = " ".join(
        f"{3 + i * step:.1f},{_y(v, low, high, 3, height - 3):.1f}" for i, v in known
    )
    last_i, last_v = known[-1]
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
        f'<polyline points="{points}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.6"/>'
        f'<circle cx="{3 + last_i * step:.1f}" cy="{_y(last_v, low, high, 3, height - 3):.1f}" '
        f'r="2.4" fill="{PALETTE[0]}"/></svg>'
    )


def bar(share: float | None, *, label: str) -> Markup:
    """A horizontal bar for a share 0..1 (a rate), with its label."""
    if share is None:
        return Markup('<span class="muted">–</span>')
    filled = max(0.0, min(1.0, share)) * 100
    return Markup(
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="100" height="10" fill="#e8eef2"/>'
        f'<rect width="{filled:.1f}" height="10" fill="{PALETTE[0]}"/></svg>'
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
