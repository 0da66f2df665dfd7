"""Server-side SVG charts for the CJ admin: plain geometry, rendered by `cj/_chart.html`. No JS, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 200
PAD_LEFT = 40
PAD_RIGHT = 10
PAD_TOP = 12
PAD_BOTTOM = 26


@dataclass(frozen=True)
class Series:
    key: str  # CSS class suffix: chart-<key>
    label: str
    values: Sequence[int]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    key: str
    title: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """Grouped bars, one group per label, with a y axis scaled to the largest value."""

    chart_id: str
    title: str
    labels: list[str]
    series: list[Series]
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    maximum: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PAD_LEFT
    plot_right: int = WIDTH - PAD_RIGHT
    plot_top: int = PAD_TOP
    plot_bottom: int = HEIGHT - PAD_BOTTOM

    @property
    def total(self) -> int:
        return sum(sum(s.values) for s in self.series)

    @property
    def totals(self) -> list[tuple[Series, int]]:
        return [(s, sum(s.values)) for s in self.series]


def _nice_max(value: int) -> int:
    """The smallest 1/2/5 × 10^n at or above value (at least 1)."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label_every: int = 1,
    bar_titles: Sequence[str] | None = None,
) -> BarChart:
    """Lay out grouped bars. `label_every` thins the x labels; `bar_titles` are the hover texts per group."""
    labels = list(labels)
    series = list(series)
    count = max(len(labels), 1)
    top = max((max(s.values, default=0) for s in series), default=0)
    maximum = _nice_max(top)
    plot_width = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_height = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_width / count
    gap = min(4.0, slot * 0.2)
    bar_width = max((slot - gap) / max(len(series), 1), 0.5)
    bars: list[Bar] = []
    for index in range(len(labels)):
        for position, one in enumerate(series):
            value = int(one.values[index]) if index < len(one.values) else 0
            height = plot_height * value / maximum if maximum else 0
            group_title = bar_titles[index] if bar_titles else labels[index]
            bars.append(
                Bar(
                    x=round(PAD_LEFT + index * slot + gap / 2 + position * bar_width, 2),
                    y=round(PAD_TOP + plot_height - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    value=value,
                    key=one.key,
                    title=f"{group_title} — {one.label} : {value}",
                )
            )
    y_ticks = [
        Tick(round(PAD_TOP + plot_height - plot_height * fraction, 2), str(round(maximum * fraction)))
        for fraction in (0, 0.5, 1)
        if maximum * fraction == int(maximum * fraction)
    ]
    x_ticks = [
        Tick(round(PAD_LEFT + index * slot + slot / 2, 2), label)
        for index, label in enumerate(labels)
        if index % max(label_every, 1) == 0
    ]
    return BarChart(
        chart_id=chart_id,
        title=title,
        labels=labels,
        series=series,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        maximum=maximum,
    )
