"""Charts drawn on the server as inline SVG: this module computes the geometry (bars,
points, ticks) as plain dataclasses and `_charts.html` draws them. No JavaScript and no
inline styles (the CSP forbids them): colours are SVG presentation attributes and classes.

A share chart is laid out twice, for a desktop column (WIDTH) and for a phone (NARROW):
the page shows one or the other by CSS, so its text is drawn at 12 px on both rather than
shrunk with the picture. Each bar carries its Wilson 95% interval as a whisker; a bar from
fewer than five reports is pale; a year without reports has no bar, only a mark."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 260  # viewBox units; the SVG scales to its container
NARROW, NARROW_HEIGHT = 340, 220  # the phone layout (a 390 px screen less the page margins)
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 34  # margins for the axes and labels
LABEL_ROOM = 36  # room a year label needs at 12 px: label every n-th bar to keep it


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar (the year)
    title: str  # the tooltip and accessible text
    low: float | None = None  # y of the interval's top (share_high) ...
    high: float | None = None  # ... and bottom (share_low); None: no interval
    small: bool = False  # fewer than five reports: drawn pale
    empty: bool = False  # no reports at all: no bar, a mark on the baseline


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
    narrow: "BarChart | None" = None  # the same chart laid out for a phone


@dataclass
class Point:
    x: float
    y: float
    label: str  # under the point (a date)
    title: str
    grade: str
    when: str = ""  # the inspection's date (ISO)


MAX_GAP_YEARS = 4  # longer than the usual interval between two full inspections


@dataclass
class GradeChart:
    """Inspections on a time line (x by date), graded ones at the height of their overall
    grade; a line joins two graded inspections only when they are at most MAX_GAP_YEARS
    apart (an inspection between them may be missing from the index: the chart shows the
    gap rather than a trend across it); ungraded inspections of the index are marks on the
    time axis."""

    title: str
    points: list[Point]
    levels: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = 220
    left: int = 150
    narrow: "GradeChart | None" = None  # the same chart laid out for a phone
    segments: list[tuple[Point, Point]] = field(default_factory=list)  # joined neighbours
    gaps: int = 0  # neighbours left unjoined (too far apart)
    ungraded: list[Point] = field(default_factory=list)  # on the time axis (y: its baseline)
    labelled: list[Point] = field(default_factory=list)  # points whose year is printed
    max_gap_years: int = MAX_GAP_YEARS


def share_chart(title: str, rows: list[dict], value: str = "share",
                top: float = 100.0) -> BarChart:
    """A bar per row (row["year"]) of row[value] on a 0..top scale (percent), with its
    interval (row["share_low"], row["share_high"]); also laid out narrow for phones."""
    chart = _layout(title, rows, value, top, WIDTH, HEIGHT)
    chart.narrow = _layout(title, rows, value, top, NARROW, NARROW_HEIGHT)
    return chart


def _bar_title(row: dict, value: str) -> str:
    if row[value] is None:
        return f"{row['year']}: no reports in the index"
    interval = (f", 95% interval {row['share_low']}-{row['share_high']}%"
                if row.get("share_low") is not None else "")
    small = ", a small sample" if row.get("small_sample") else ""
    return (f"{row['year']}: {row[value]}% ({row['matching_reports']} of {row['reports']} "
            f"reports{interval}{small})")


def _layout(title: str, rows: list[dict], value: str, top: float, width: int,
            height: int) -> BarChart:
    inner_w, inner_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    step = inner_w / max(1, len(rows))
    y = lambda share: round(TOP + inner_h - inner_h * min(share, top) / top, 1)  # noqa: E731
    bars = []
    for number, row in enumerate(rows):
        share = row[value]
        bar = Bar(round(LEFT + number * step + step * 0.15, 1), y(share or 0),
                  round(step * 0.7, 1), round(TOP + inner_h - y(share or 0), 1),
                  str(row["year"]), _bar_title(row, value), small=bool(row.get("small_sample")),
                  empty=share is None)
        if share is not None and row.get("share_low") is not None:
            bar.low, bar.high = y(row["share_high"]), y(row["share_low"])
        bars.append(bar)
    ticks = [Tick(round(TOP + inner_h - inner_h * f / 4, 1), f"{int(top * f / 4)}%")
             for f in range(5)]
    return BarChart(title, bars, ticks, width=width, height=height,
                    baseline=height - BOTTOM,
                    label_every=max(1, math.ceil(LABEL_ROOM / step)))


def grade_chart(title: str, inspections: list[dict], grades: list[str],
                labels: dict[str, str] | None = None) -> GradeChart:
    """One point per inspection (in time order, x by its date): graded ones at their grade
    (grades[0] drawn highest), the others on the time axis; `labels` shortens grade names on
    the axis. Also laid out narrow for phones."""
    chart = _grades(GradeChart(title, []), inspections, grades, labels or {})
    chart.narrow = _grades(GradeChart(title, [], width=NARROW, height=200, left=152),
                           inspections, grades, labels or {})
    return chart


def _years(when: str) -> float:
    """'2015-11-27' -> 2015.9 (the year and its fraction, enough for a time axis)."""
    year, month, day = (int(part) for part in (when + "-07-01")[:10].split("-")[:3])
    return year + (month - 1) / 12 + (day - 1) / 365


def _grades(chart: GradeChart, inspections: list[dict], grades: list[str],
            labels: dict[str, str]) -> GradeChart:
    inner_w = chart.width - chart.left - RIGHT
    inner_h = chart.height - TOP - BOTTOM
    gap = inner_h / max(1, len(grades) - 1)
    chart.levels = [Tick(round(TOP + n * gap, 1), labels.get(grade, grade.capitalize()))
                    for n, grade in enumerate(grades)]
    dated = sorted((i for i in inspections if i.get("when")), key=lambda i: i["when"])
    if not dated:
        return chart
    first, last = _years(dated[0]["when"]), _years(dated[-1]["when"])
    pad = inner_w * 0.08  # the first and last points clear of the axis ends
    x = lambda when: round(chart.left + pad + (inner_w - 2 * pad) * (  # noqa: E731
        0.5 if last == first else (_years(when) - first) / (last - first)), 1)
    for item in dated:
        graded = item.get("grade") in grades
        point = Point(x(item["when"]),
                      round(TOP + grades.index(item["grade"]) * gap, 1) if graded
                      else round(TOP + inner_h + 8, 1), item["when"][:4],
                      f"{item['label']}: {item['grade'] if graded else 'not graded'}",
                      item["grade"] if graded else "", item["when"])
        (chart.points if graded else chart.ungraded).append(point)
        if not chart.labelled or point.x - chart.labelled[-1].x >= LABEL_ROOM:
            chart.labelled.append(point)
    for before, after in zip(chart.points, chart.points[1:]):
        if _years(after.when) - _years(before.when) <= MAX_GAP_YEARS:
            chart.segments.append((before, after))
        else:
            chart.gaps += 1
    return chart
