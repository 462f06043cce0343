"""Charts drawn on the server as inline SVG: horizontal bars to compare, lines for trends.

A chart is plain geometry (rectangles, lines, paths and texts with their coordinates) that one
template turns into an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``; every chart on
a page is followed by the table it is drawn from, so nothing is only in the picture. Colours
come from the Okabe–Ito palette, which people with colour blindness can tell apart, and lines
differ in dash and marker shape as well as colour. Category names sit above their bars, at full
length, as Turkmen and Russian names are long.
"""

import math
from dataclasses import dataclass, field

from grants.dashboard.tables import COUNT, PERCENT, display

PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9")
DASHES = ("", "7 4", "2 4", "10 4 2 4")
SHAPES = ("circle", "square", "triangle", "diamond")
WIDTH = 720
INK = "#1d2433"
MUTED = "#596275"
GRID = "#d5dae3"
# Bar layout, in SVG units.
BAR = 16
BAR_GAP = 4
LABEL = 20
GROUP_GAP = 14
VALUE_SPACE = 120
LEGEND = 28
# Line layout: the value axis has about TICKS intervals; month names are long, so only a few
# of them are written under the axis.
PLOT_HEIGHT = 220
AXIS_SPACE = 72
RIGHT_SPACE = 64
X_LABEL_SPACE = 40
TICKS = 5
MAX_X_LABELS = 5


@dataclass(frozen=True)
class Series:
    """One set of values, one per category (None where there is nothing to show)."""

    name: object
    values: tuple
    kind: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str = GRID
    dash: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    color: str = INK


@dataclass(frozen=True)
class Path:
    d: str
    color: str
    dash: str = ""
    filled: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    title: object
    description: object
    height: float
    width: int = WIDTH
    rects: tuple = ()
    lines: tuple = ()
    paths: tuple = ()
    texts: tuple = ()


@dataclass
class _Canvas:
    rects: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    paths: list = field(default_factory=list)
    texts: list = field(default_factory=list)

    def chart(self, key, title, description, height):
        return Chart(
            key=key,
            title=title,
            description=description,
            height=round(height, 1),
            rects=tuple(self.rects),
            lines=tuple(self.lines),
            paths=tuple(self.paths),
            texts=tuple(self.texts),
        )


def bar_chart(*, key, title, description, categories, series, reference=None):
    """Horizontal bars: for each category, one bar per series, its value written after it.

    ``reference`` (value, label) draws a dashed line across the bars, e.g. at 100 %.
    """
    canvas = _Canvas()
    left = 8
    plot = WIDTH - left - VALUE_SPACE
    values = [value for one in series for value in one.values if value is not None]
    if reference is not None:
        values.append(reference[0])
    largest = max((float(value) for value in values), default=0) or 1
    y = 8
    if len(series) > 1:
        y += _legend(canvas, series, left, y, shapes=False)
    top = y
    for index, category in enumerate(categories):
        canvas.texts.append(Text(left, y + 14, str(category)))
        y += LABEL
        for number, one in enumerate(series):
            value = one.values[index]
            width = 0 if value is None else max(float(value), 0) / largest * plot
            color = PALETTE[number % len(PALETTE)]
            if width:
                canvas.rects.append(Rect(left, round(y, 1), round(width, 1), BAR, color))
            canvas.texts.append(
                Text(round(left + width + 6, 1), y + 12, display(value, one.kind), color=INK)
            )
            y += BAR + BAR_GAP
        y += GROUP_GAP
    if reference is not None:
        x = round(left + float(reference[0]) / largest * plot, 1)
        canvas.lines.append(Line(x, top, x, y, color=MUTED, dash="4 3"))
        canvas.texts.append(Text(x, y + 14, str(reference[1]), anchor="middle", color=MUTED))
        y += 20
    return canvas.chart(key, title, description, y + 4)


def line_chart(*, key, title, description, labels, series, kind, floor=None):
    """Lines over ``labels`` (periods in order), one per series, with a marker at each value;
    a missing value breaks the line. The value axis starts at 0 and reaches at least
    ``floor`` (e.g. 100 for percentages of a target)."""
    canvas = _Canvas()
    top = 12
    if len(series) > 1:
        top += _legend(canvas, series, 8, 8, shapes=True)
    height = top + PLOT_HEIGHT + X_LABEL_SPACE
    left = AXIS_SPACE
    plot_width = WIDTH - left - RIGHT_SPACE
    plot_height = PLOT_HEIGHT
    values = [float(value) for one in series for value in one.values if value is not None]
    largest = max([*values, float(floor or 0)], default=0)
    step = _step(largest / TICKS, whole=kind != PERCENT)
    intervals = max(math.ceil(largest / step), 1)
    highest = step * intervals
    for tick in range(intervals + 1):
        y = round(top + plot_height - tick * plot_height / intervals, 1)
        canvas.lines.append(Line(left, y, left + plot_width, y))
        tick_kind = COUNT if float(step * tick).is_integer() else kind
        canvas.texts.append(Text(left - 8, y + 4, display(step * tick, tick_kind), anchor="end"))
    xs = _positions(len(labels), left, plot_width)
    every = math.ceil(len(labels) / MAX_X_LABELS) or 1
    for index, text in enumerate(labels):
        if index % every == 0:
            y = top + plot_height + 20
            canvas.texts.append(Text(xs[index], y, str(text), anchor="middle", color=MUTED))
    for number, one in enumerate(series):
        color = PALETTE[number % len(PALETTE)]
        points = [
            None if value is None else (xs[index], _y(value, highest, top, plot_height))
            for index, value in enumerate(one.values)
        ]
        for segment in _segments(points):
            if len(segment) > 1:
                d = "M " + " L ".join(f"{_n(x)},{_n(y)}" for x, y in segment)
                canvas.paths.append(Path(d, color, DASHES[number % len(DASHES)]))
        shape = SHAPES[number % len(SHAPES)]
        for point in points:
            if point is not None:
                canvas.paths.append(Path(marker(shape, *point), color, filled=True))
    return canvas.chart(key, title, description, height)


def marker(shape, x, y, size=5):
    """The SVG path of a marker centred on (x, y)."""
    if shape == "circle":
        return (
            f"M {_n(x - size)},{_n(y)} a {size},{size} 0 1,0 {2 * size},0 "
            f"a {size},{size} 0 1,0 {-2 * size},0"
        )
    big = size + 1
    corners = {
        "square": ((-size, -size), (size, -size), (size, size), (-size, size)),
        "triangle": ((0, -big), (big, size), (-big, size)),
        "diamond": ((0, -big), (big, 0), (0, big), (-big, 0)),
    }[shape]
    return "M " + " L ".join(f"{_n(x + dx)},{_n(y + dy)}" for dx, dy in corners) + " Z"


def _n(value):
    # Coordinates are written into SVG attributes: a dot, one decimal at most, never "1e-05".
    return f"{round(value, 1):.1f}".removesuffix(".0")


def _legend(canvas, series, x, y, *, shapes):
    """Draw the legend from (x, y), wrapping to new lines; return the height it takes."""
    start, line = x, 0
    for number, one in enumerate(series):
        name = str(one.name)
        width = 36 + 7.5 * len(name)
        if x > start and x + width > WIDTH:
            x, line = start, line + 1
        top = y + line * LEGEND
        color = PALETTE[number % len(PALETTE)]
        if shapes:
            shape = SHAPES[number % len(SHAPES)]
            canvas.paths.append(Path(marker(shape, x + 6, top + 8), color, filled=True))
        else:
            canvas.rects.append(Rect(x, top + 2, 12, 12, color))
        canvas.texts.append(Text(x + 18, top + 13, name))
        x += width
    return (line + 1) * LEGEND


def _step(raw, *, whole):
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) of at least ``raw``; a whole
    number when ``whole``."""
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if whole and power < 10 else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multiples if m * power >= raw)
    return max(step, 1) if whole else step


def _positions(count, left, width):
    if count == 1:
        return [round(left + width / 2, 1)]
    return [round(left + index * width / (count - 1), 1) for index in range(count)]


def _y(value, highest, top, height):
    return round(top + height - float(value) / highest * height, 1)


def _segments(points):
    segment = []
    for point in points:
        if point is None:
            if segment:
                yield segment
            segment = []
        else:
            segment.append(point)
    if segment:
        yield segment
