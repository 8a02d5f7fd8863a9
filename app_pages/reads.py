"""Cached reads of the store (keyed by the data version) and the selectors built on them (level, indicator,
period). Every number shown goes through :func:`published_values` (the confidentiality gate)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import view
from app_pages.app_settings import setting, tr
from app_pages.store_access import data_version, get_con
from sozialraum.settings import SETTINGS

NEED_INDEX = "__need_index__"  # pseudo indicator: the MSS status index


# --------------------------------------------------------------------------------------------- cached reads
@st.cache_data(show_spinner=False, max_entries=8)
def _levels(version: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.levels(get_con())


def levels() -> pd.DataFrame:
    """Area levels with n_areas (only levels that have areas)."""
    frame = _levels(data_version())
    return frame[frame["n_areas"] > 0].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def _indicators(version: str, level: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.indicators_available(get_con(), level)


def indicators(level: str) -> pd.DataFrame:
    return _indicators(data_version(), level)


def target_group_labels(level: str) -> dict[str, str]:
    """Counts on ``level`` that can be a target group: key -> label.

    SGB II groups where the level has them; otherwise (e.g. Berlin's open data, which publishes shares only) the
    population counts, with a note. Stops the page with a German hint when the level has no counts at all.
    """
    available = indicators(level)
    counts = available[available["kind"] == "count"]
    sgb2 = counts[counts["suppressible"].astype(bool)]
    if sgb2.empty and not counts.empty:
        st.caption(tr("Für diese Ebene liegen keine SGB-II-Zahlen vor; als Zielgruppe stehen die Einwohnerzahlen "
                      "zur Wahl.", "No SGB II counts on this level; residents serve as the target group."))
    elif counts.empty:
        st.info(tr("Für diese Ebene gibt es keine Zählwerte als Zielgruppe.", "No counts on this level."))
        st.stop()
    chosen = sgb2 if not sgb2.empty else counts
    return {r.indicator: tr(r.label_de, r.label_en) for r in chosen.itertuples()}


@st.cache_data(show_spinner=False, max_entries=16)
def _areas_web(version: str, level: str):
    from sozialraum.store import read

    return read.areas(get_con(), level, web=True)


def areas_web(level: str):
    """Simplified EPSG:4326 geometries of a level (for maps)."""
    return _areas_web(data_version(), level)


@st.cache_data(show_spinner=False, max_entries=4)
def _providers(version: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.providers(get_con())


def providers() -> pd.DataFrame:
    return _providers(data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _sources(version: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.sources(get_con())


def sources() -> pd.DataFrame:
    return _sources(data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _published(version: str, level: str, period: str | None, indicators: tuple[str, ...] | None,
               threshold: int) -> pd.DataFrame:
    from sozialraum.analysis.confidentiality import published

    return published(get_con(), level, period=period, indicators=list(indicators) if indicators else None,
                     threshold=threshold)


def published_values(level: str, period: str | None = None, indicators=None) -> pd.DataFrame | None:
    """Observations as they may be shown (confidentiality gate applied), cached.

    The threshold can be tightened in the settings but never set below the BA rule's default.
    """
    return _published(data_version(), level, period, tuple(indicators) if indicators else None, threshold())


def threshold() -> int:
    """The confidentiality threshold in force: the setting, never below the BA rule's default."""
    return max(int(setting("suppression_threshold")), int(SETTINGS["suppression_threshold"].default))


@st.cache_data(show_spinner=False, max_entries=4)
def _fictional(version: str) -> bool:
    from sozialraum.store import read

    return read.is_fictional(get_con())


def fictional_notice() -> None:
    """A visible label when the store holds only fictional demo data."""
    if _fictional(data_version()):
        src = sources()
        demo = src[src["fictional"].astype(bool) & ~src["source_id"].isin(["osm_netz", "oepnv_fahrplan"])]["title"]
        names = ", ".join(sorted({str(t).split(" – ")[0] for t in demo})) or tr("Demo", "demo")
        st.warning(tr(f"Fiktive Beispieldaten ({names}) – keine echten Personen oder Orte.",
                      f"Fictional demo data ({names}) – no real people or places."), icon=":material/science:")


# --------------------------------------------------------------------------------------------- selectors
def level_select(container=None, key: str = "level_select") -> str | None:
    """Selectbox of area levels (label and number of areas); remembered in the view (URL ``level``)."""
    container = st.sidebar if container is None else container
    frame = levels()
    if frame.empty:
        st.info(tr("Die Datenbank enthält noch keine Gebiete.", "The database holds no areas yet."))
        return None
    options = list(frame["level"])
    labels = {r.level: f"{r.label} ({r.n_areas})" for r in frame.itertuples()}
    current = view.get("level")
    index = options.index(current) if current in options else 0
    value = container.selectbox(tr("Gebietsebene", "Area level"), options, index=index,
                                format_func=lambda v: labels.get(v, v), key=key)
    view.set(level=value)
    return value


def indicator_select(level: str, container=None, key: str = "indicator_select", *,
                     with_need_index: bool = False) -> str | None:
    """Selectbox of the indicators available on ``level`` (optionally plus the need index)."""
    container = st.sidebar if container is None else container
    frame = indicators(level)
    options = list(frame["indicator"])
    labels = {r.indicator: tr(r.label_de, r.label_en) for r in frame.itertuples()}
    if with_need_index:
        options = [NEED_INDEX] + options
        labels[NEED_INDEX] = tr("Sozialindex (MSS-Statusindex)", "Need index (MSS status)")
    if not options:
        st.info(tr("Für diese Ebene gibt es noch keine Kennzahlen.", "No indicators on this level yet."))
        return None
    current = view.get("indicator")
    preferred = [k for k in DEFAULT_INDICATORS if k in options]
    index = options.index(current) if current in options else (options.index(preferred[0]) if preferred else 0)
    value = container.selectbox(tr("Kennzahl", "Indicator"), options, index=index,
                                format_func=lambda v: labels.get(v, v), key=key)
    view.set(indicator=value)
    return value


@st.cache_data(show_spinner=False, max_entries=64)
def _periods(version: str, level: str, indicator: str | None) -> list[str]:
    from sozialraum.store import read

    return read.periods(get_con(), indicator=indicator, level=level)


NEED_INPUTS = ("mss_s1", "sgb2_quote", "alo_quote", "kinderarmut")  # periods where a need index can be built
DEFAULT_INDICATORS = ("sgb2_quote", "mss_s3", "mss_s1", "kinderarmut", "alo_quote")


def periods(level: str, indicator: str | None = None) -> list[str]:
    """Periods with data for ``level`` (and ``indicator``; for the need index: periods of its inputs)."""
    if indicator == NEED_INDEX:
        found = sorted({p for key in NEED_INPUTS for p in _periods(data_version(), level, key)})
        return found or _periods(data_version(), level, None)
    return _periods(data_version(), level, indicator)


def period_select(level: str, indicator: str | None = None, container=None, key: str = "period_select"):
    """Selectbox of the periods with data (latest first); remembered in the view (URL ``period``)."""
    container = st.sidebar if container is None else container
    options = list(reversed(periods(level, indicator)))
    if not options:
        return None
    current = view.get("period")
    index = options.index(current) if current in options else 0
    value = container.selectbox(tr("Stichtag", "Reference date"), options, index=index, key=key,
                                format_func=format_period)
    view.set(period=value)
    return value


def format_period(period: str) -> str:
    """'2024-12-31' → '31.12.2024'; '2024' stays (``sozialraum.formatting.format_period``)."""
    from sozialraum.formatting import format_period as _format

    return _format(period)


def fmt_number(value, decimals: int = 0, unit: str = "") -> str:
    """German number format: 12.345,6 — '–' for missing values."""
    from sozialraum.formatting import format_number

    text = format_number(value, decimals, missing="–")
    return f"{text} {unit}".strip() if unit and unit != "Personen" and text != "–" else text
