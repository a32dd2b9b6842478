"""Charts drawn on the server as inline SVG: this module computes the geometry (bars,
points, ticks) as plain dataclasses and `_charts.html` draws them. No JavaScript and no
inline styles (the CSP forbids them): colours are SVG presentation attributes and classes."""
from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 260  # viewBox units; the SVG scales to its container
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 34  # margins for the axes and labels


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar (the year)
    title: str  # the tooltip and accessible text


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    label_every: int = 1  # label every n-th bar when they are narrow


@dataclass
class Point:
    x: float
    y: float
    label: str  # under the point (a date)
    title: str
    grade: str


@dataclass
class GradeChart:
    """Inspections on a time line, at the height of their overall grade."""

    title: str
    points: list[Point]
    levels: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = 220
    left: int = 150


def share_chart(title: str, rows: list[dict], value: str = "share",
                top: float = 100.0) -> BarChart:
    """A bar per row (row["year"]) of row[value] on a 0..top scale (percent)."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(rows))
    bars = []
    for number, row in enumerate(rows):
        height = inner_h * min(row[value], top) / top if top else 0
        bars.append(Bar(round(LEFT + number * step + step * 0.15, 1),
                        round(TOP + inner_h - height, 1), round(step * 0.7, 1), round(height, 1),
                        str(row["year"]),
                        f"{row['year']}: {row[value]}% ({row['matching_reports']} of "
                        f"{row['reports']} reports)"))
    ticks = [Tick(round(TOP + inner_h - inner_h * f / 4, 1), f"{int(top * f / 4)}%")
             for f in range(5)]
    return BarChart(title, bars, ticks, label_every=1 if step >= 34 else 2 if step >= 17 else 4)


def grade_chart(title: str, inspections: list[dict], grades: list[str],
                labels: dict[str, str] | None = None) -> GradeChart:
    """One point per graded inspection (in time order), grades[0] drawn highest; `labels`
    shortens grade names on the axis."""
    labels = labels or {}
    chart = GradeChart(title, [])
    inner_w = chart.width - chart.left - RIGHT
    inner_h = chart.height - TOP - BOTTOM
    gap = inner_h / max(1, len(grades) - 1)
    chart.levels = [Tick(round(TOP + n * gap, 1), labels.get(grade, grade.capitalize()))
                    for n, grade in enumerate(grades)]
    graded = [i for i in inspections if i.get("grade") in grades]
    step = inner_w / max(1, len(graded))
    for number, item in enumerate(graded):
        chart.points.append(Point(round(chart.left + step * (number + 0.5), 1),
                                  round(TOP + grades.index(item["grade"]) * gap, 1),
                                  item["when"][:4], f"{item['label']}: {item['grade']}",
                                  item["grade"]))
    return chart
