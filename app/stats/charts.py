"""The charts of the statistics, drawn as SVG by matplotlib (its Agg backend: no display).

Colours from the Okabe–Ito palette, which colour-blind readers tell apart, each with its own hatching or
marker and a different lightness, so the charts hold in greyscale too. Every SVG carries a <title> and
role="img"; the page shows its data as a table beside it. The texts come translated from the caller.
"""
from __future__ import annotations

import calendar
import io
import re
import threading
from datetime import date
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#BBBBBB"
DARK = "#222222"
FORMAT_STYLES = (("face_to_face", BLUE, ""), ("online", ORANGE, "//"), ("hybrid", GREEN, "xx"))
_lock = threading.Lock()  # matplotlib's text layout is not safe across threads
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none", "svg.hashsalt": "stats",
         "hatch.linewidth": 0.8, "axes.edgecolor": DARK, "axes.labelcolor": DARK, "xtick.color": DARK,
         "ytick.color": DARK}


def _svg(fig: Figure, title: str) -> str:
    out = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = out.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<svg\b", '<svg role="img"', text, count=1)
    head_end = text.index(">") + 1
    return text[:head_end] + f"<title>{escape(title)}</title>" + text[head_end:]


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), dpi=96)
        ax = fig.add_subplot()
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig


def _position(day: date, starts: list[date], edge: str) -> float:
    """Where a day falls on an axis of months (month i spans i-0.5 to i+0.5): its start, or its end."""
    index = max(i for i, start in enumerate(starts) if start <= day) if day >= starts[0] else 0
    month_days = calendar.monthrange(day.year, day.month)[1]
    offset = (day.day - (1 if edge == "start" else 0)) / month_days
    return index - 0.5 + offset


def contacts_chart(month_starts: list[date], month_labels: list[str], current: list[int], previous: list[int],
                   closures: list[tuple[date, date]], names: tuple[str, str], title: str, closed: str) -> str:
    """Contacts month by month against the previous year, each closure a grey band (`closure-<n>`)."""
    with _lock, matplotlib.rc_context(STYLE):
        fig = _figure(7.5, 3.4)
        ax = fig.axes[0]
        x = list(range(len(month_labels)))
        for n, (first, last) in enumerate(closures, start=1):
            ax.axvspan(_position(first, month_starts, "start"), _position(last, month_starts, "end"),
                       facecolor=GREY, edgecolor="#888888", hatch="..", alpha=0.6, linewidth=0, zorder=0,
                       gid=f"closure-{n}", label=closed if n == 1 else None)
        ax.plot(x, previous, color=ORANGE, linestyle="--", marker="s", markersize=5, linewidth=1.8, label=names[1],
                zorder=2)
        ax.plot(x, current, color=BLUE, linestyle="-", marker="o", markersize=5, linewidth=2.2, label=names[0],
                zorder=3)
        ax.set_xticks(x, month_labels, rotation=45, ha="right")
        ax.set_xlim(-0.5, len(x) - 0.5)
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig, title)


def formats_chart(month_labels: list[str], series: dict[str, list[int]], names: dict[str, str], title: str) -> str:
    """Group activities per month, stacked by format, each format its colour and hatching."""
    with _lock, matplotlib.rc_context(STYLE):
        fig = _figure(7.5, 3.4)
        ax = fig.axes[0]
        x = list(range(len(month_labels)))
        bottom = [0] * len(x)
        for fmt, colour, hatch in FORMAT_STYLES:
            values = series[fmt]
            ax.bar(x, values, bottom=bottom, color=colour, hatch=hatch, edgecolor=DARK, linewidth=0.5,
                   label=names[fmt], gid=f"format-{fmt}")
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(x, month_labels, rotation=45, ha="right")
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig, title)


def breakdown_chart(labels: list[str], activities: list[int], contacts: list[int], names: tuple[str, str],
                    title: str) -> str:
    """A breakdown as two panels of horizontal bars on one list of values: group activities (hatched
    orange), contacts (solid blue)."""
    with _lock, matplotlib.rc_context(STYLE):
        rows = max(len(labels), 1)
        fig = Figure(figsize=(7.5, 0.8 + 0.34 * rows), dpi=96)
        left, right = fig.subplots(1, 2, sharey=True)
        y = list(range(len(labels)))
        short = [label if len(label) <= 38 else label[:36] + "…" for label in labels]
        for ax, values, colour, hatch, name in ((left, activities, ORANGE, "//", names[0]),
                                                (right, contacts, BLUE, "", names[1])):
            ax.barh(y, values, height=0.6, color=colour, hatch=hatch, edgecolor=DARK, linewidth=0.5)
            ax.set_title(name, fontsize=9, loc="left")
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
            ax.set_axisbelow(True)
            ax.set_xlim(left=0)
        left.set_yticks(y, short)
        left.invert_yaxis()
        return _svg(fig, title)
