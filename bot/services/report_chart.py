"""The weekly chart a mentor gets with a summary: mood, attendance rate and sub-goal ratings over
the last weeks, drawn headless (matplotlib's Agg canvas, no pyplot state), sized for a phone.

Labels arrive already translated (the caller sets the locale), so this module has no i18n.
matplotlib itself is imported on the first chart (not at start-up: ~50 MB of RSS).
Building a figure costs more than drawing one, so ``ChartRenderer`` keeps one figure per layout
and language and only swaps the data: a week of summaries for 1,000 youths stays fast.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.services.figures import WeeklySeries

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# 640 px wide: fills a phone's width; large type (15 pt) so it reads without zooming.
FIGURE_INCHES = (8.0, 9.0)
DPI = 80
FONT_SIZE = 15
MAX_RATING_LINES = 5
_PALETTE = ("#e67e22", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d")


@dataclass(frozen=True)
class ChartLabels:
    title: str
    mood: str
    attendance: str
    ratings: str
    week_prefix: str  # "W" / "U"
    no_data: str
    subgoal_names: dict[str, str] = field(default_factory=dict)

    def layout_key(self) -> tuple[str, ...]:
        return (self.mood, self.attendance, self.ratings, self.no_data)


@dataclass
class _Layout:
    figure: Figure
    title: Any
    mood: Any
    mood_empty: Any
    bars: Any = None
    bars_empty: Any = None
    rating_lines: list[Any] = field(default_factory=list)
    ratings_empty: Any = None
    ratings_axis: Any = None
    axes: list[Any] = field(default_factory=list)
    canvas: Any = None  # FigureCanvasAgg (untyped in matplotlib)
    # The drawn static part (axes, ticks, labels) and the week labels it was drawn with.
    background: Any = None
    background_weeks: tuple[str, ...] = ()


class ChartRenderer:
    """Draws charts, reusing one prepared figure per (panels, weeks, language)."""

    def __init__(self) -> None:
        self._layouts: dict[tuple[object, ...], _Layout] = {}

    def figure(self, series: WeeklySeries, labels: ChartLabels) -> Figure:
        """The chart as a Figure with this series' data (valid until the next call)."""
        return self._filled(series, labels).figure

    def _filled(self, series: WeeklySeries, labels: ChartLabels) -> _Layout:
        has_attendance = series.attendance is not None
        has_ratings = bool(series.ratings)
        key = (has_attendance, has_ratings, len(series.week_starts), labels.layout_key())
        layout = self._layouts.get(key)
        if layout is None:
            layout = self._layouts[key] = _prepare(
                has_attendance, has_ratings, len(series.week_starts), labels
            )
        _fill(layout, series, labels)
        return layout

    def png(self, series: WeeklySeries, labels: ChartLabels) -> bytes:
        """The chart as PNG bytes. The static part (axes, ticks, tick labels, panel titles) is
        drawn once per layout and week labels and then copied; only what changes per youth is
        drawn on it, in matplotlib's own z-order: the same picture as a full draw, at a fraction
        of the cost (text is the expensive part of a draw)."""
        from matplotlib.image import imsave

        layout = self._filled(series, labels)
        canvas = layout.canvas
        assert canvas is not None
        weeks = tuple(label.get_text() for label in layout.axes[-1].get_xticklabels())
        if layout.background is None or layout.background_weeks != weeks:
            layout.background = _draw_background(layout)
            layout.background_weeks = weeks
        canvas.restore_region(layout.background)
        renderer = canvas.get_renderer()
        for artist in _changing_artists(layout):
            if artist.get_visible():
                artist.draw(renderer)
        buffer = io.BytesIO()
        imsave(
            buffer,
            canvas.buffer_rgba(),
            format="png",
            origin="upper",
            dpi=DPI,
            pil_kwargs={"compress_level": 1},
        )
        return buffer.getvalue()


def render_png(series: WeeklySeries, labels: ChartLabels) -> bytes:
    return ChartRenderer().png(series, labels)


def _prepare(has_attendance: bool, has_ratings: bool, weeks: int, labels: ChartLabels) -> _Layout:
    # matplotlib is loaded with the first chart, not when the bot starts: importing it adds
    # ~50 MB of RSS (measured) that a process which never draws a chart need not carry.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = 1 + has_attendance + has_ratings
    figure = Figure(figsize=(FIGURE_INCHES[0], 3.0 + 2.6 * panels), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    figure.subplots_adjust(
        left=0.09,
        right=0.97,
        top=1 - 0.8 / (3.0 + 2.6 * panels),
        bottom=0.5 / (3.0 + 2.6 * panels),
        hspace=0.4,
    )
    axes = list(figure.subplots(panels, 1, sharex=True, squeeze=False)[:, 0])
    x = list(range(weeks))
    title = figure.suptitle("", fontsize=FONT_SIZE + 2, fontweight="bold")
    (mood,) = axes[0].plot(
        x, [None] * weeks, marker="o", markersize=7, linewidth=2.5, color="#2b7bb9"
    )
    axes[0].set_ylim(0.5, 5.5)
    axes[0].set_yticks([1, 2, 3, 4, 5])
    layout = _Layout(
        figure, title, mood, _panel(axes[0], labels.mood, labels.no_data), axes=axes, canvas=canvas
    )
    index = 1
    if has_attendance:
        layout.bars = axes[index].bar(x, [0] * weeks, color="#4caf50", width=0.6)
        axes[index].set_ylim(0, 105)
        axes[index].set_yticks([0, 50, 100])
        layout.bars_empty = _panel(axes[index], labels.attendance, labels.no_data)
        index += 1
    if has_ratings:
        axis = axes[index]
        layout.rating_lines = [
            axis.plot(x, [None] * weeks, marker="o", markersize=6, linewidth=2.2, color=colour)[0]
            for colour in _PALETTE[:MAX_RATING_LINES]
        ]
        axis.set_ylim(0.5, 10.5)
        axis.set_yticks([1, 5, 10])
        layout.ratings_empty = _panel(axis, labels.ratings, labels.no_data)
        layout.ratings_axis = axis
    axes[-1].set_xticks(x)
    return layout


def _fill(layout: _Layout, series: WeeklySeries, labels: ChartLabels) -> None:
    layout.title.set_text(labels.title)
    layout.mood.set_ydata(_nan(series.mood))
    layout.mood_empty.set_visible(all(v is None for v in series.mood))
    if layout.bars is not None and series.attendance is not None:
        for bar, value in zip(layout.bars, series.attendance, strict=True):
            bar.set_height(0 if value is None else value * 100)
        layout.bars_empty.set_visible(all(v is None for v in series.attendance))
    if layout.ratings_axis is not None:
        items = list(series.ratings.items())[:MAX_RATING_LINES]
        for index, line in enumerate(layout.rating_lines):
            if index < len(items):
                subgoal, values = items[index]
                line.set_ydata(_nan(values))
                line.set_label(labels.subgoal_names.get(subgoal, subgoal))
                line.set_visible(True)
            else:
                line.set_visible(False)
        legend = layout.ratings_axis.get_legend()
        if legend is not None:
            legend.remove()
        layout.ratings_axis.legend(
            handles=layout.rating_lines[: len(items)],
            loc="upper left",
            fontsize=FONT_SIZE - 4,
            frameon=False,
            ncols=2,
        )
        layout.ratings_empty.set_visible(all(v is None for _key, values in items for v in values))
    layout.axes[-1].set_xticklabels(
        [f"{labels.week_prefix}{start.isocalendar().week}" for start in series.week_starts],
        fontsize=FONT_SIZE - 3,
    )


def _changing_artists(layout: _Layout) -> list[Any]:
    """What is drawn per chart, in draw order: the title, then per panel its data, the "no
    data" note and legend, plus what overlaps them (grid lines with their tick marks, and the
    spines), sorted by z-order the way a full draw orders them."""
    artists: list[Any] = [layout.title]
    for axis in layout.axes:
        # A panel's y grid lines and tick marks are drawn as part of its y axis (its z-order),
        # tick by tick: grid line, then mark.
        ticks = [
            line
            for tick in axis.yaxis.get_major_ticks()
            for line in (tick.gridline, tick.tick1line, tick.tick2line)
            if line.get_visible()
        ]
        layers: list[tuple[float, list[Any]]] = [(axis.yaxis.get_zorder(), ticks)]
        own = [*axis.lines, *axis.patches, *axis.texts]
        own += [spine for spine in axis.spines.values() if spine.get_visible()]
        legend = axis.get_legend()
        if legend is not None:
            own.append(legend)
        layers += [(artist.get_zorder(), [artist]) for artist in own]
        for _zorder, group in sorted(layers, key=lambda layer: layer[0]):
            artists += group
    return artists


def _draw_background(layout: _Layout) -> Any:
    """Draws the figure without the changing artists and keeps the pixels."""
    canvas = layout.canvas
    assert canvas is not None
    changing = _changing_artists(layout)
    visible = [artist.get_visible() for artist in changing]
    for artist in changing:
        artist.set_visible(False)
    canvas.draw()
    background = canvas.copy_from_bbox(layout.figure.bbox)
    for artist, was_visible in zip(changing, visible, strict=True):
        artist.set_visible(was_visible)
    return background


def _nan(values: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def _panel(axis: Any, title: str, no_data: str) -> Any:
    axis.set_title(title, fontsize=FONT_SIZE, loc="left")
    axis.tick_params(labelsize=FONT_SIZE - 3)
    axis.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
    return axis.text(
        0.5,
        0.5,
        no_data,
        transform=axis.transAxes,
        ha="center",
        va="center",
        fontsize=FONT_SIZE - 2,
        color="#888888",
        visible=False,
    )
