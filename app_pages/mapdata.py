"""Cached data behind the need maps (Bedarf, Überblick, Gebietsprofil): values after the confidentiality gate,
need index, hot spots, and the folium map built from them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.common import NEED_INDEX, tr


@dataclass
class BuiltMap:
    map: object
    areas: object  # GeoDataFrame (EPSG:4326)
    input: object  # sozialraum.maps.data.MapInput
    classification: object
    note: str = ""


@st.cache_data(show_spinner=False, max_entries=32)
def _need(version: str, level: str, period: str, min_population: int) -> pd.DataFrame | None:
    from sozialraum.analysis.need_index import need_index_for_store

    return need_index_for_store(common.get_con(), level, period, min_population=min_population)


def need_index(level: str, period: str) -> pd.DataFrame | None:
    """MSS need index of a level and period (published values only), or None with a notice."""
    return _need(common.data_version(), level, period, int(common.setting("min_population")))


@st.cache_data(show_spinner=False, max_entries=32)
def _map_input(version: str, level: str, indicator: str, period: str | None, lang: str, threshold: int,
               min_population: int):
    from sozialraum.indicators.registry import get
    from sozialraum.maps.data import indicator_input, need_input

    keys = common.areas_web(level)["area_key"].tolist()
    if indicator == NEED_INDEX:
        need = need_index(level, period)
        return None if need is None else need_input(keys, need, lang=lang)
    spec = get(indicator)
    if spec.aggregation == "ratio" and period is not None:
        # rates: the minimum-population rule (areas under the threshold get no rate, drawn as "not scored")
        from sozialraum.analysis.rates import rates_for_display

        values = rates_for_display(common.get_con(), level, indicator, period, min_population=min_population,
                                   threshold=threshold)
    else:
        values = common.published_values(level, period, [indicator])
    if values is None:
        return None
    return indicator_input(keys, values, spec, period=period, lang=lang)


def map_input(level: str, indicator: str, period: str | None):
    return _map_input(common.data_version(), level, indicator, period, common.lang(),
                      common.threshold(), int(common.setting("min_population")))


@st.cache_data(show_spinner=False, max_entries=16)
def _hotspots(version: str, level: str, indicator: str, period: str | None, lang: str, permutations: int,
              alpha: float, seed: int):
    from sozialraum.analysis.hotspots import gi_star

    from sozialraum.store import read

    inp = map_input(level, indicator, period)
    gdf = read.areas(common.get_con(), level)  # full metric geometry: contiguity as it is
    gdf = gdf.assign(value=inp.values)
    result = gi_star(gdf, "value", permutations=permutations, alpha=alpha, seed=seed)
    return result["label"].to_numpy()


def hotspot_labels(level: str, indicator: str, period: str | None):
    try:
        return _hotspots(common.data_version(), level, indicator, period, common.lang(),
                         int(common.setting("hotspot_permutations")), float(common.setting("hotspot_alpha")),
                         int(common.setting("random_seed")))
    except Exception as exc:  # a test that cannot run (e.g. islands only) must not break the map
        st.warning(tr(f"Hot Spots konnten nicht berechnet werden: {exc}", f"Hot spots failed: {exc}"))
    return None


def classification_for(inp, indicator: str, scheme: str, k: int):
    from sozialraum.analysis.classify import classify

    if indicator == NEED_INDEX:
        return classify(inp.values, "mss"), tr("Klassen nach dem Monitoring Soziale Stadtentwicklung (MSS).",
                                               "Classes as in the Berlin MSS monitoring.")
    note = ""
    if scheme in ("mss", "mss_dynamik", "manual"):
        note = tr("Dieses Klassenverfahren gilt nur für den Sozialindex bzw. eigene Grenzen; hier: Quantile.",
                  "This scheme applies to the need index only; quantiles are used here.")
        scheme = "quantiles"
    unit = "" if inp.unit in ("Personen", "Index") else f" {inp.unit}"
    return classify(inp.values, scheme, k, unit=unit), note


def choropleth_for(level: str, indicator: str, period: str | None, *, scheme: str, k: int, basemap: str,
                   hotspots: bool = False, with_providers: bool = False, selected: str | None = None,
                   height: str | int = "100%", bounds=None, **map_kw) -> BuiltMap | None:
    """The need map of a level/indicator/period (None after a notice when the library part is missing).

    The built map is cached (shared, never mutated: :func:`common.show_map` renders a copy).
    """
    if map_input(level, indicator, period) is None:
        return None
    labels = hotspot_labels(level, indicator, period) if hotspots else None
    return _built(common.data_version(), level, indicator, period, scheme, int(k), basemap,
                  None if labels is None else tuple(str(x) for x in labels), with_providers, selected, height,
                  common.palette_name(), common.lang(), common.threshold(),
                  int(common.setting("min_population")), st.get_option("server.baseUrlPath") or "",
                  None if bounds is None else tuple(float(b) for b in bounds), tuple(sorted(map_kw.items())))


@st.cache_resource(show_spinner=False, max_entries=24)
def _built(version, level, indicator, period, scheme, k, basemap, labels, with_providers, selected, height,
           palette, lang, threshold, min_population, base_url_path, bounds, map_kw) -> BuiltMap:
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.maps.choropleth import choropleth

    areas = common.areas_web(level)
    inp = map_input(level, indicator, period)
    classification, note = classification_for(inp, indicator, scheme, k)
    providers = common.providers() if with_providers else None
    reverse = indicator in INDICATORS and INDICATORS[indicator].direction == "higher_is_better"
    m = choropleth(areas, inp.values, classification, tooltip_fields=inp.tooltip, suppressed_mask=inp.suppressed,
                   unscored_mask=inp.unscored, hotspot_labels=None if labels is None else list(labels),
                   providers=providers, basemap=basemap, title=inp.title, palette=palette, reverse=reverse,
                   selected=selected, base_url_path=base_url_path, height=height, bounds=bounds,
                   legend_large=palette == "kontrast", **dict(map_kw))
    return BuiltMap(m, areas, inp, classification, note)


def ranking(built: BuiltMap) -> pd.DataFrame:
    """Areas by value, highest first (published values only), with the class label."""
    inp, areas = built.input, built.areas
    classes = built.classification.assign(inp.values)
    labels = np.array(list(built.classification.labels) + [""], dtype=object)
    first_tip = next(iter(inp.tooltip.values()))
    frame = pd.DataFrame({
        tr("Gebiet", "Area"): areas["name"].to_numpy(),
        tr("Schlüssel", "Key"): areas["area_key"].to_numpy(),
        tr("Wert", "Value"): first_tip,
        tr("Klasse", "Class"): labels[classes],
        "_v": inp.values,
    })
    frame = frame.sort_values("_v", ascending=False, na_position="last", kind="stable").drop(columns="_v")
    frame.insert(0, tr("Rang", "Rank"), range(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def ranking_table(built: BuiltMap, level: str) -> None:
    with st.expander(tr("Alle Gebiete als Tabelle", "All areas as a table")):
        st.dataframe(ranking(built), hide_index=True, width="stretch")
