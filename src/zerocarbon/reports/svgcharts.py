"""Static SVG charts for the printed report (PDF), drawn from the same numbers as the plotly charts.

A PDF renderer runs no JavaScript, so the interactive charts of the page (:mod:`zerocarbon.reports.charts`)
would print blank. These functions draw the same figures as plain inline SVG: horizontal bars by source,
and bars per month stacked by category or carrier. Every chart is followed in the report by its table,
which holds the exact figures; the charts show only shapes and rounded labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from zerocarbon.reports.charts import COLOURS
from zerocarbon.reports.i18n import t

WIDTH = 680
#: The family the print stylesheet gives the CJK font (:mod:`zerocarbon.reports.pdf`).
CJK_FAMILY = "ZC CJK"
#: Fonts of SVG text: the PDF's CJK font first (WeasyPrint's SVG text does not take the page's CSS), then
#: the screen's Chinese fonts.
SVG_FONT = f"'{CJK_FAMILY}', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def _nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^n at or above ``value`` (an axis end)."""
    if value <= 0:
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    return next(step * exp for step in (1, 2, 5, 10) if step * exp >= value)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _tick(period: str) -> str:
    """A period under its bar: the month number of ``YYYY-MM``, else the year (amounts declared per year)."""
    return period[5:7] if len(period) >= 7 and period[4] == "-" and period[5:7].isdigit() else period[:4]


def hbars(rows: Sequence[tuple[str, float]], unit: str) -> str:
    """Horizontal bars, largest on top; negative values (exports) drawn left of zero in red."""
    ordered = sorted(rows, key=lambda r: r[1], reverse=True)
    label_w, bar_h, gap, top = 210, 16, 6, 8
    lo = min([0.0] + [v for _, v in ordered])
    hi = max([0.0] + [v for _, v in ordered])
    span = (_nice_max(hi) if hi > 0 else 0) + (_nice_max(-lo) if lo < 0 else 0) or 1.0
    area = WIDTH - label_w - 70
    zero = label_w + area * ((_nice_max(-lo) if lo < 0 else 0) / span)
    height = top + len(ordered) * (bar_h + gap) + 24
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="print-chart" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" font-size="10" font-family="{SVG_FONT}">']
    for i, (name, value) in enumerate(ordered):
        y = top + i * (bar_h + gap)
        w = area * abs(value) / span
        x = zero if value >= 0 else zero - w
        colour = COLOURS[3] if value < 0 else COLOURS[0]
        out.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(name[:24])}</text>'
                   f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{bar_h}" fill="{colour}"/>'
                   f'<text x="{(x + w + 4) if value >= 0 else (x - 4):.1f}" y="{y + 12}" '
                   f'text-anchor="{"start" if value >= 0 else "end"}">{_fmt(value)}</text>')
    axis_y = top + len(ordered) * (bar_h + gap)
    out.append(f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{axis_y}" stroke="#888"/>'
               f'<text x="{label_w + area:.1f}" y="{axis_y + 16}" text-anchor="end" fill="#5f6b72">'
               f'{escape(unit)}</text></svg>')
    return "".join(out)


def stacked(periods: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], unit: str) -> str:
    """Bars per period stacked by series (negative parts below zero), with a legend under the chart."""
    n = max(len(periods), 1)
    left, top, plot_h = 56, 24, 190
    ups = [sum(max(v[i], 0.0) for _, v in series) for i in range(len(periods))]
    downs = [sum(min(v[i], 0.0) for _, v in series) for i in range(len(periods))]
    hi, lo = _nice_max(max(ups, default=0.0)), (_nice_max(-min(downs, default=0.0)) if min(downs, default=0) < 0 else 0)
    scale = plot_h / (hi + lo or 1.0)
    zero_y = top + hi * scale
    slot = (WIDTH - left - 10) / n
    bar_w = slot * 0.7
    legend_rows = (len(series) + 3) // 4
    height = top + plot_h + 22 + legend_rows * 16 + 6
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="print-chart" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" font-size="10" font-family="{SVG_FONT}">']
    for frac in (0.0, 0.5, 1.0):
        y = zero_y - hi * frac * scale
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" stroke="#e4e4e4"/>'
                   f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(hi * frac)}</text>')
    for i, period in enumerate(periods):
        x = left + i * slot + (slot - bar_w) / 2
        up, down = zero_y, zero_y
        for k, (_, values) in enumerate(series):
            v = values[i]
            h = abs(v) * scale
            if v >= 0:
                up -= h
                y = up
            else:
                y = down
                down += h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.2f}" '
                       f'fill="{COLOURS[k % len(COLOURS)]}"/>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + (lo * scale) + 14:.1f}" '
                   f'text-anchor="middle">{escape(_tick(period))}</text>')
    out.append(f'<line x1="{left}" y1="{zero_y:.1f}" x2="{WIDTH - 10}" y2="{zero_y:.1f}" stroke="#888"/>'
               f'<text x="4" y="10" fill="#5f6b72">{escape(unit)}</text>')
    base = top + plot_h + lo * scale + 26
    for k, (name, _) in enumerate(series):
        lx, ly = left + (k % 4) * 155, base + (k // 4) * 16
        out.append(f'<rect x="{lx}" y="{ly - 8}" width="10" height="10" fill="{COLOURS[k % len(COLOURS)]}"/>'
                   f'<text x="{lx + 14}" y="{ly + 1}">{escape(name[:20])}</text>')
    out.append("</svg>")
    return "".join(out).replace(f'viewBox="0 0 {WIDTH} {height}"', f'viewBox="0 0 {WIDTH} {base + legend_rows * 16}"')


def print_charts(context: Mapping[str, Any], lang: str) -> dict[str, Markup]:
    """The chart entries of a report context (``chart_source``, ``chart_month``, ``chart_energy``) as SVG."""
    note = f'<p class="small muted">{escape(t("pdf.chart_note", lang))}</p>'
    out = {"chart_source": Markup(hbars([(r.name, float(r.tco2e)) for r in context["bd"]["source"]], "tCO2e") + note)}
    periods, series = context["month_series"]
    out["chart_month"] = Markup(stacked(periods, series, "tCO2e") + note)
    metering = context.get("metering")
    if context.get("chart_energy") and metering:
        months = [i for i, p in enumerate(metering["energy_periods"]) if len(p) == 7]
        rows = [(r["name"], [float(r["cells"][i]) if r["cells"][i] is not None else 0.0 for i in months])
                for r in metering["energy_rows"]]
        out["chart_energy"] = Markup(stacked([metering["energy_periods"][i] for i in months], rows, "tce") + note)
    return out

