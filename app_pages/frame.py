"""The shared frame drawn by app.py (presentation style, sources footer) and small display helpers."""

from __future__ import annotations

import streamlit as st

from app_pages.common import fmt_number, sources, tr

_PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
[data-testid="stExpandSidebarButton"]
  { display: none !important; }
html, body, .stApp { font-size: 21px; }
.stApp { background: #ffffff; color: #000000; }
.stMarkdown p, .stMarkdown li, label, .stCaption, [data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
[data-testid="stMetricValue"] { font-size: 2.8rem !important; font-weight: 700; }
h1 { font-size: 2.8rem !important; } h2 { font-size: 2.1rem !important; } h3 { font-size: 1.7rem !important; }
.stDataFrame, [data-testid="stTable"] { font-size: 1.1rem; }
</style>
"""


def presentation_style() -> None:
    """Large type, no sidebar, black on white (presentation mode)."""
    st.html(_PRESENTATION_CSS)


def sources_footer() -> None:
    """Data sources with their required attribution and licence, at the foot of every page (details with
    reference dates: Überblick and Daten)."""
    frame = sources()
    if frame.empty:
        return
    parts = []
    def given(value) -> str:  # NULL columns arrive from pandas as None or NaN
        return value.strip() if isinstance(value, str) else ""

    for r in frame.itertuples():  # the required attribution if the source names one, else title and publisher
        text = given(r.attribution) or ", ".join(given(b) for b in (r.title, r.publisher) if given(b))
        licence = given(r.licence)
        if licence and licence not in text:
            text += f" ({licence})"
        parts.append(text)
    st.divider()
    st.caption(tr("Datenquellen: ", "Data sources: ") + " · ".join(parts))


def delta_text(now, then, decimals: int, unit: str = "") -> str | None:
    """'+1,2 Pp.' style change for st.metric, None when either value is unknown."""
    import math

    if now is None or then is None or any(isinstance(v, float) and math.isnan(v) for v in (now, then)):
        return None
    diff = now - then
    # ASCII '-' on purpose: st.metric decides the arrow's direction from a leading hyphen-minus
    sign = "+" if diff > 0 else ("-" if diff < 0 else "±")
    return f"{sign}{fmt_number(abs(diff), decimals)}{unit}"
