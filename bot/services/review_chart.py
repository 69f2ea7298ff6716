"""The joint review's star (radar) chart: the young person's ratings now, at the last review,
and the mentor's now, on the 1–10 journey scale — one spoke per sub-goal, drawn headless.

Labels arrive translated (the caller sets the locale); matplotlib is imported on first use.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

SIZE_INCHES = 8.0
DPI = 90


@dataclass(frozen=True)
class RadarSeries:
    label: str
    values: Sequence[int | None]  # one per spoke; None is drawn at 0 (not rated)
    color: str
    filled: bool = False


def radar_png(title: str, spokes: Sequence[str], series: Sequence[RadarSeries]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(SIZE_INCHES, SIZE_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot(projection="polar")
    count = max(len(spokes), 3)
    angles = [2 * math.pi * n / count for n in range(count)]
    closed = [*angles, angles[0]]
    for line in series:
        values = [float(v or 0) for v in line.values] + [0.0] * (count - len(line.values))
        ring = [*values, values[0]]
        axis.plot(closed, ring, color=line.color, linewidth=2.5, label=line.label)
        if line.filled:
            axis.fill(closed, ring, color=line.color, alpha=0.18)
    axis.set_ylim(0, 10)
    axis.set_rlabel_position(180 / count)  # type: ignore[attr-defined]  # a PolarAxes
    axis.set_yticks([2, 4, 6, 8, 10])
    axis.set_xticks(angles[: len(spokes)])
    axis.set_xticklabels([_wrap(s) for s in spokes], fontsize=11)
    axis.set_title(title, fontsize=16, pad=24)
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize=12)
    figure.subplots_adjust(left=0.14, right=0.86, top=0.86, bottom=0.14)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _wrap(label: str, width: int = 14) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
