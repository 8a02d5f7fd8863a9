"""Plotly figures for the page "Angebote & Erreichbarkeit": coverage share per service type, need × gap.

Builders take small frames of already published (confidentiality-checked) numbers and return a
``plotly.graph_objects.Figure`` with German labels and German number formats.
"""

from __future__ import annotations

import pandas as pd

GREY = "#9e9e9e"
BLUE = "#2b6ca3"
RED = "#c0392b"


def _german_layout(fig, title: str | None = None, height: int = 380):
    fig.update_layout(
        title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        separators=",.", template="plotly_white", font=dict(size=13),
    )
    return fig


def coverage_bar(frame: pd.DataFrame, *, label: str = "label", share: str = "share", title: str | None = None,
                 budget_min: float | None = None):
    """Horizontal bars: share (0..1) of the target group within reach of at least one provider, per type.

    ``frame`` has one row per service type with a German ``label`` and a ``share`` in 0..1 (NaN = unknown,
    drawn as an empty bar with "keine Angabe").
    """
    import plotly.graph_objects as go

    data = frame[[label, share]].copy()
    # one decimal: exact shares × a published total would give back suppressed counts by differencing
    data["pct"] = (pd.to_numeric(data[share], errors="coerce") * 100.0).round(1)
    data = data.sort_values("pct", ascending=True, na_position="first")
    text = [("keine Angabe" if pd.isna(v) else f"{v:.1f} %".replace(".", ",")) for v in data["pct"]]
    fig = go.Figure(go.Bar(
        x=data["pct"].fillna(0), y=data[label], orientation="h", text=text, textposition="auto",
        marker_color=BLUE, hovertemplate="%{y}<br>%{x:.1f} % erreichbar<extra></extra>",
    ))
    axis = "Anteil der Zielgruppe in Reichweite (%)"
    if budget_min is not None:
        axis = f"Anteil der Zielgruppe innerhalb von {budget_min:g} Minuten (%)"
    fig.update_xaxes(title=axis, range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(title=None, automargin=True)
    return _german_layout(fig, title, height=max(220, 34 * len(data) + 90))


def need_gap_scatter(frame: pd.DataFrame, *, need: str = "need", coverage: str = "coverage", name: str = "name",
                     flagged: str | None = "flagged", need_label: str = "Bedarf",
                     coverage_label: str = "Versorgung (Anteil in Reichweite)", title: str | None = None):
    """Scatter of areas: need (x) against coverage (y); flagged areas ("weiße Flecken") in red."""
    import plotly.graph_objects as go

    data = frame.dropna(subset=[need, coverage]).copy()
    mask = data[flagged].astype(bool) if flagged and flagged in data else pd.Series(False, index=data.index)
    fig = go.Figure()
    for sel, colour, legend in ((~mask, GREY, "übrige Gebiete"), (mask, RED, "weiße Flecken")):
        part = data[sel]
        if not len(part):
            continue
        fig.add_trace(go.Scatter(
            x=part[need], y=part[coverage], mode="markers", name=legend, text=part[name],
            marker=dict(color=colour, size=9, opacity=0.85, line=dict(width=0.5, color="white")),
            hovertemplate="%{text}<br>" + need_label + ": %{x:.2f}<br>" + coverage_label + ": %{y:.2f}"
                          "<extra></extra>",
        ))
    fig.update_xaxes(title=need_label)
    fig.update_yaxes(title=coverage_label)
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return _german_layout(fig, title)
