"""Plotly charts of an inventory, as HTML fragments that expect the plotly bundle loaded by the page.

The fragments never reference a CDN or a file: the page carries the bundle inline, once
(:func:`plotly_script`), so a report opens offline, on an isolated network, and when copied alone.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from zerocarbon.reports.content import Row, round2
from zerocarbon.reports.i18n import t

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, Helvetica, Arial, sans-serif"
# A qualitative palette that stays distinguishable in greyscale print.
COLOURS = ("#1b6b50", "#d08c2b", "#3a6ea5", "#a8443b", "#7a5aa6", "#5b8c3a", "#c2607f", "#6b6b6b", "#2c9aa8",
           "#8c6d3a")
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


@cache
def plotly_script() -> str:
    """The plotly bundle as one inline ``<script>`` element (``</script`` inside it escaped)."""
    code = get_plotlyjs().replace("</script", "<\\/script")
    return f'<script id="plotly-js">{code}</script>'


def _layout(fig: go.Figure, height: int) -> None:
    fig.update_layout(height=height, margin={"l": 10, "r": 20, "t": 30, "b": 40}, font={"family": FONT, "size": 12},
                      paper_bgcolor="white", plot_bgcolor="white", separators=".,")
    fig.update_xaxes(gridcolor="#e4e4e4", zerolinecolor="#888")
    fig.update_yaxes(gridcolor="#e4e4e4", zerolinecolor="#888")


def _html(fig: go.Figure, div_id: str) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id=div_id))


def source_chart(rows: list[Row], lang: str) -> str:
    """Horizontal bars of emissions by source [tCO2e], largest on top (GB/T 32150 view)."""
    ordered = sorted(rows, key=lambda r: r.tco2e)
    fig = go.Figure(go.Bar(
        x=[float(round2(r.tco2e)) for r in ordered], y=[r.name for r in ordered], orientation="h",
        marker_color=[COLOURS[3] if r.tco2e < 0 else COLOURS[0] for r in ordered],
        text=[f"{float(r.tco2e):,.2f}" for r in ordered], textposition="auto",
        hovertemplate="%{y}: %{x:,.2f} tCO2e<extra></extra>",
    ))
    _layout(fig, max(260, 36 * len(ordered) + 80))
    fig.update_xaxes(title_text=t("unit.tco2e", lang))
    fig.update_yaxes(automargin=True)
    return _html(fig, "chart-source")


def stacked_bars(periods: list[str], series: list[tuple[str, list[float]]], unit: str, axis_title: str,
                 div_id: str, height: int = 420) -> str:
    """Bars per period stacked by series; negative values (exports) stack below zero."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series):
        fig.add_trace(go.Bar(name=name, x=periods, y=values, marker_color=COLOURS[i % len(COLOURS)],
                             hovertemplate=f"{name} %{{x}}: %{{y:,.2f}} {unit}<extra></extra>"))
    _layout(fig, height)
    fig.update_layout(barmode="relative", legend={"orientation": "h", "y": -0.18, "x": 0})
    fig.update_yaxes(title_text=axis_title)
    fig.update_xaxes(type="category")
    return _html(fig, div_id)


def month_chart(periods: list[str], series: list[tuple[str, list[float]]], lang: str) -> str:
    """Emissions by month [tCO2e], stacked by category."""
    return stacked_bars(periods, series, "tCO2e", t("unit.tco2e", lang), "chart-month")
