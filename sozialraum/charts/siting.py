"""Plotly figures for the page "Standortplanung": the k-curve and a comparison of saved scenarios."""

from __future__ import annotations

import pandas as pd

from sozialraum.charts.access import BLUE, GREY, RED, _german_layout

WHATIF_COLOUR = "#E69F00"


def _sites(k: int) -> str:
    return {0: "nur bestehende Standorte", 1: "1 neuer Standort"}.get(k, f"{k} neue Standorte")


def k_curve_chart(curve: pd.DataFrame, *, k: str = "k", share: str = "covered_share", chosen_k: int | None = None,
                  baseline: float | None = None, title: str | None = None,
                  whatif: tuple[int, float] | None = None):
    """Covered share (0..1) of the target group for k = 1..K new sites, with the gain of each extra site.

    ``baseline``: share already covered by fixed (existing) sites, drawn as a dashed line. ``whatif``: (number
    of new sites, covered share) of a selection made by hand, drawn as an orange diamond (below the curve by
    its gap to the optimum).
    """
    import plotly.graph_objects as go

    data = curve[[k, share]].dropna().sort_values(k)
    # one decimal: exact shares × a published total would give back suppressed counts by differencing
    pct = (data[share].astype(float) * 100.0).round(1)
    base = round(baseline * 100.0, 1) if baseline is not None else None
    gain = pct.diff()
    if len(gain):
        gain.iloc[0] = pct.iloc[0] - (base if base is not None else 0.0)
    hover = [f"{_sites(int(kk))}: {p:.1f} % erreicht (+{g:.1f} Prozentpunkte)".replace(".", ",")
             for kk, p, g in zip(data[k], pct, gain.fillna(0))]
    fig = go.Figure(go.Scatter(x=data[k], y=pct, mode="lines+markers", line=dict(color=BLUE, width=3),
                               marker=dict(size=8), hovertext=hover, hoverinfo="text", name="erreichter Anteil"))
    if chosen_k is not None and chosen_k in set(data[k].astype(int)):
        y = float(pct[data[k].astype(int) == chosen_k].iloc[0])
        fig.add_trace(go.Scatter(x=[chosen_k], y=[y], mode="markers", name="gewählt",
                                 marker=dict(size=16, color=RED, symbol="circle-open", line=dict(width=3)),
                                 hoverinfo="skip"))
    if whatif is not None:
        wk, wp = int(whatif[0]), round(float(whatif[1]) * 100.0, 1)
        fig.add_trace(go.Scatter(x=[wk], y=[wp], mode="markers", name="von Hand",
                                 marker={"size": 14, "color": WHATIF_COLOUR, "symbol": "diamond",
                                         "line": {"width": 1, "color": "#ffffff"}},
                                 hovertext=[f"von Hand: {_sites(wk)}, {wp:.1f} % erreicht".replace(".", ",")],
                                 hoverinfo="text"))
    if baseline is not None:
        fig.add_hline(y=base, line_dash="dash", line_color=GREY,
                      annotation_text="bestehende Standorte", annotation_position="bottom right")
    fig.update_xaxes(title="Anzahl neuer Standorte (k)", dtick=1)
    fig.update_yaxes(title="Zielgruppe in Reichweite (%)", ticksuffix=" %", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return _german_layout(fig, title, height=340)


def scenario_compare_chart(frame: pd.DataFrame, *, name: str = "name", share: str = "covered_share",
                           title: str | None = None):
    """Bars: covered share (0..1) per saved scenario."""
    import plotly.graph_objects as go

    data = frame[[name, share]].copy()
    pct = (pd.to_numeric(data[share], errors="coerce") * 100.0).round(1)  # one decimal, as in k_curve_chart
    fig = go.Figure(go.Bar(x=data[name], y=pct, marker_color=BLUE,
                           text=[("–" if pd.isna(v) else f"{v:.1f} %".replace(".", ",")) for v in pct],
                           textposition="auto", hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))
    fig.update_yaxes(title="Zielgruppe in Reichweite (%)", ticksuffix=" %", range=[0, 100])
    fig.update_xaxes(title=None)
    return _german_layout(fig, title, height=320)
