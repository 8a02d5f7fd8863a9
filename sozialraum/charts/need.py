"""plotly figures for Überblick and Gebietsprofil: time series against references, provider counts, ranking.

Builders take small frames of already published (confidentiality-checked) numbers and return a
``plotly.graph_objects.Figure``; German separators (``,`` decimal, ``.`` thousands).
"""

from __future__ import annotations

import pandas as pd

from sozialraum.formatting import format_number, format_period

# Okabe-Ito: colour-blind safe; the area itself in the strongest colour
SERIES_COLOURS = ["#D55E00", "#0072B2", "#7f7f7f", "#009E73", "#CC79A7"]


def german_layout(fig, title: str | None = None, height: int = 340, *, large: bool = False):
    fig.update_layout(
        title=title, height=height, margin=dict(l=10, r=10, t=48 if title else 10, b=10),
        separators=",.", template="plotly_white", font=dict(size=20 if large else 13),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    return fig




def time_series(frame: pd.DataFrame, *, title: str | None = None, unit: str = "", large: bool = False):
    """Lines over periods, one per ``series`` (e.g. the area, its parent, the city).

    ``frame``: columns series, period, value (NaN = suppressed or missing: a gap in the line).
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    decimals = 0 if unit in ("Personen", "") and (frame["value"].dropna() % 1 == 0).all() else 1
    suffix = "" if unit in ("", "Personen", "Index") else f" {unit}"
    for i, (name, part) in enumerate(frame.groupby("series", sort=False)):
        part = part.sort_values("period")
        fig.add_trace(go.Scatter(
            x=[format_period(p) for p in part["period"]], y=part["value"], name=str(name), mode="lines+markers",
            line=dict(color=SERIES_COLOURS[i % len(SERIES_COLOURS)], width=4 if i == 0 else 2),
            hovertemplate=f"%{{x}}: %{{y:,.{decimals}f}}{suffix}<extra>{name}</extra>", connectgaps=False,
        ))
    fig.update_yaxes(title_text=unit if unit and unit != "Index" else None, rangemode="tozero"
                     if (frame["value"].dropna() >= 0).all() else "normal", tickformat=f",.{decimals}f")
    fig.update_xaxes(type="category")
    return german_layout(fig, title, large=large)


def provider_counts(counts: pd.DataFrame, *, title: str | None = None, large: bool = False):
    """Horizontal bars: number of providers per service type. ``counts``: columns label, count."""
    import plotly.graph_objects as go

    counts = counts.sort_values("count")
    fig = go.Figure(go.Bar(x=counts["count"], y=counts["label"], orientation="h", marker_color="#0072B2",
                           text=[format_number(c, 0) for c in counts["count"]], textposition="outside",
                           hovertemplate="%{y}: %{x:,.0f}<extra></extra>"))
    fig.update_xaxes(title_text="Anzahl", tickformat=",.0f")
    return german_layout(fig, title, height=max(220, 34 * len(counts) + 80), large=large)
