"""Small line charts drawn on the server as SVG geometry (templates/timeline/_charts.html).

No script and no style attributes, so they live within the CSP; the page shows a table of the
same numbers beside them. A month without a value is a gap in the line, never a zero.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 14, 12, 28  # room for the y labels and the month labels
MAX_X_LABELS = 3  # first, middle, last: room for "2026年12月" too


@dataclass(frozen=True)
class Column:
    """One month on the x axis."""

    label: str
    is_gap: bool = False  # skipped or paused: a shaded band, no point
    is_draft: bool = False  # the owner's own unshared month: a hollow point


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    label: str  # "Dec 2026: 4", shown as the point's tooltip
    is_draft: bool


@dataclass
class Panel:
    title: str
    points: list[Point] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # polyline "x,y x,y" per unbroken run
    gaps: list[tuple[float, float]] = field(default_factory=list)  # band x and width
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str, str]] = field(default_factory=list)  # x, text, anchor
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    point_radius: float = 4.5

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def is_empty(self) -> bool:
        return not self.points

    def key(self) -> tuple:
        """Everything the panel draws: a drawing is kept rendered per key (cohort/fragments.py),
        as the same member's charts are read again and again between two of their saves."""
        return (
            self.title,
            tuple(self.points),
            tuple(self.lines),
            tuple(self.gaps),
            tuple(self.y_ticks),
            tuple(self.x_labels),
            self.width,
            self.height,
            self.plot_left,
            self.plot_right,
            self.point_radius,
        )


def _x_positions(count: int) -> list[float]:
    if count == 1:
        return [(LEFT + WIDTH - RIGHT) / 2]
    step = (WIDTH - RIGHT - LEFT) / (count - 1)
    return [round(LEFT + index * step, 1) for index in range(count)]


def _labelled_indexes(count: int) -> list[int]:
    """First, last and a few evenly between, so labels never collide."""
    if count <= MAX_X_LABELS:
        return list(range(count))
    step = (count - 1) / (MAX_X_LABELS - 1)
    return sorted({round(index * step) for index in range(MAX_X_LABELS)})


def _anchor(index: int, count: int) -> str:
    if count == 1:
        return "middle"
    return "start" if index == 0 else "end" if index == count - 1 else "middle"


def line_panel(
    title: str,
    columns: Sequence[Column],
    values: Sequence[int | None],
    scale: tuple[int, int],
    ticks: Sequence[int],
    unit: str = "",
) -> Panel:
    """One small chart: ``values[i]`` belongs to ``columns[i]``; ``None`` breaks the line."""
    low, high = scale
    top, bottom = TOP, HEIGHT - BOTTOM
    xs = _x_positions(len(columns))

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    panel = Panel(title=title, point_radius=4.5 if len(columns) <= 12 else 3.0)
    panel.y_ticks = [(y_of(tick), f"{tick}{unit}") for tick in ticks]
    panel.x_labels = [
        (xs[index], columns[index].label, _anchor(index, len(columns)))
        for index in _labelled_indexes(len(columns))
    ]
    band = max(6.0, (xs[1] - xs[0]) * 0.6) if len(xs) > 1 else 24.0
    run: list[str] = []
    for x, column, value in zip(xs, columns, values, strict=True):
        if column.is_gap:
            panel.gaps.append((round(x - band / 2, 1), round(band, 1)))
        if value is None or column.is_gap:
            _close_run(panel, run)
            run = []
            continue
        y = y_of(value)
        panel.points.append(Point(x, y, value, f"{column.label}: {value}{unit}", column.is_draft))
        run.append(f"{x},{y}")
    _close_run(panel, run)
    return panel


def _close_run(panel: Panel, run: list[str]) -> None:
    if len(run) > 1:
        panel.lines.append(" ".join(run))


@dataclass(frozen=True)
class Grid:
    """Panels on one scale over the same months: (title, values) per panel. They are drawn
    only when asked, since a page keeps the rendered grid (cohort/fragments.py) per ``key()``,
    which holds all the panels are drawn from."""

    columns: tuple[Column, ...] = ()
    series: tuple[tuple[str, tuple[int | None, ...]], ...] = ()
    percent: bool = False  # goal progress (0–100%), else ratings (1–5)

    def key(self) -> tuple:
        return (self.percent, self.columns, self.series)

    @cached_property
    def panels(self) -> list[Panel]:
        if self.percent:
            scale, ticks, unit = PERCENT_SCALE, PERCENT_TICKS, "%"
        else:
            scale, ticks, unit = RATING_SCALE, RATING_TICKS, ""
        return [line_panel(t, self.columns, v, scale, ticks, unit) for t, v in self.series]


RATING_SCALE, RATING_TICKS = (1, 5), (1, 3, 5)
PERCENT_SCALE, PERCENT_TICKS = (0, 100), (0, 50, 100)
