"""Cached data behind the need maps (Bedarf, Überblick, Gebietsprofil). The map itself is composed once in
:mod:`sozialraum.views.need` (also used by the PDF report); this module adds caching, the index-indicator
widget and the notices that say why areas stay blank."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_pages import common, view
from app_pages.common import NEED_INDEX, tr


@dataclass
class BuiltMap:
    map: object
    layer: object  # sozialraum.views.need.NeedLayer

    @property
    def areas(self):
        return self.layer.areas

    @property
    def input(self):
        return self.layer.input

    @property
    def classification(self):
        return self.layer.classification

    @property
    def note(self) -> str:
        return self.layer.scheme_note


# ------------------------------------------------------------------------------------------ index indicators
NONE_CHOSEN = "keine"  # URL value when the user removed every index indicator
@st.cache_data(show_spinner=False, max_entries=32)
def _choices(version: str, level: str, period: str, threshold: int):
    from sozialraum.analysis.need_index import need_choices

    return need_choices(common.get_con(), level, period, threshold=threshold)


def need_choices(level: str, period: str | None):
    """Which rates can make up the need index on this level and period, and the declared default."""
    from sozialraum.analysis.need_index import NeedChoices

    if period is None:
        return NeedChoices((), ())
    return _choices(common.data_version(), level, period, common.threshold())


def index_indicators(level: str, period: str | None) -> tuple[str, ...] | None:
    """The user's index indicators (URL ``sozialindex``) that exist here, else None (the declared default)."""
    chosen = view.get("sozialindex")
    if not chosen:
        return None
    if chosen == NONE_CHOSEN:
        return ()
    available = set(need_choices(level, period).available)
    picked = tuple(k for k in str(chosen).split(",") if k in available)
    return picked or None


def index_select(level: str, period: str | None, container=None) -> tuple[str, ...] | None:
    """Multiselect of the index indicators (declared default preselected); remembered in the URL."""
    container = st.sidebar if container is None else container
    choices = need_choices(level, period)
    if not choices.available:
        return None
    current = index_indicators(level, period) or choices.default
    known = {r.indicator: tr(r.label_de, r.label_en) for r in common.indicators(level).itertuples()}
    labels = {k: known.get(k, k) for k in choices.available}
    picked = container.multiselect(
        tr("Indikatoren des Sozialindex", "Need index indicators"), list(choices.available),
        default=[k for k in current if k in labels], format_func=lambda k: labels.get(k, k),
        key=f"need_indicators_{level}_{period}",
        help=tr("Quoten, die z-standardisiert und gleich gewichtet zum Statusindex summiert werden "
                "(Verfahren des Berliner MSS). Vorauswahl: Arbeitslosenquote SGB II, SGB-II-Quote und "
                "Kinderarmut, soweit vorhanden (bzw. die veröffentlichten MSS-Anteile S1, S3, S4).",
                "Rates that are z-standardised and summed (Berlin MSS method). Default: the MSS set where "
                "present."))
    picked = tuple(picked)
    view.set(sozialindex=None if set(picked) == set(choices.default) else (",".join(picked) or NONE_CHOSEN))
    return picked


# ------------------------------------------------------------------------------------------ layers and maps
COARSER_SHARE = 0.2  # the fallback view is on by default where at least this share of areas is suppressed


def suppressed_share(level: str, indicator: str, period: str | None) -> float:
    """Share of the level's areas blank because their count is suppressed or too small (0 for the need index)."""
    if indicator == NEED_INDEX:
        return 0.0
    lay = layer(level, indicator, period)
    inp = lay.input
    blank = (inp.suppressed | inp.unscored) & ~lay.shown
    return float(blank.mean()) if len(blank) else 0.0


@st.cache_data(show_spinner=False, max_entries=32)
def _layer(version: str, level: str, indicator: str, period: str | None, scheme: str, k: int, lang: str,
           threshold: int, min_population: int, chosen: tuple[str, ...] | None, coarser: bool = False):
    from sozialraum.views.need import need_layer

    return need_layer(common.get_con(), level, indicator, period, scheme=scheme, k=k, lang=lang,
                      min_population=min_population, threshold=threshold, index_indicators=chosen,
                      areas=common.areas_web(level), coarser=coarser)


def layer(level: str, indicator: str, period: str | None, *, scheme: str = "quantiles", k: int = 5,
          coarser: bool = False):
    """The need view (values, classes, reasons) of a level/indicator/period, cached; ``coarser``: suppressed
    areas show their higher area's published value (``sozialraum.views.need_fallback``)."""
    chosen = index_indicators(level, period) if indicator == NEED_INDEX else None
    if indicator == NEED_INDEX:
        scheme, k = "mss", 4  # the index has fixed classes: one cache entry whatever the widgets say
    return _layer(common.data_version(), level, indicator, period, scheme, int(k), common.lang(),
                  common.threshold(), int(common.setting("min_population")), chosen,
                  bool(coarser) and indicator != NEED_INDEX)


def need_index(level: str, period: str | None) -> pd.DataFrame | None:
    """MSS need index of a level and period (published values only) with a reason per unscored area."""
    return layer(level, NEED_INDEX, period).need


@st.cache_data(show_spinner=False, max_entries=16)
def _hotspots(version: str, level: str, indicator: str, period: str | None, lang: str, permutations: int,
              alpha: float, seed: int, values: tuple[float, ...]):
    from sozialraum.analysis.hotspots import gi_star
    from sozialraum.store import read

    gdf = read.areas(common.get_con(), level)  # full metric geometry: contiguity as it is
    gdf = gdf.assign(value=list(values))
    result = gi_star(gdf, "value", permutations=permutations, alpha=alpha, seed=seed)
    return result["label"].to_numpy()


def hotspot_labels(level: str, indicator: str, period: str | None, values):
    try:
        return _hotspots(common.data_version(), level, indicator, period, common.lang(),
                         int(common.setting("hotspot_permutations")), float(common.setting("hotspot_alpha")),
                         int(common.setting("random_seed")), tuple(float(v) for v in values))
    except Exception as exc:  # a test that cannot run (e.g. islands only) must not break the map
        st.warning(tr(f"Hot Spots konnten nicht berechnet werden: {exc}", f"Hot spots failed: {exc}"))
    return None


def choropleth_for(level: str, indicator: str, period: str | None, *, scheme: str, k: int, basemap: str,
                   hotspots: bool = False, with_providers: bool = False, selected: str | None = None,
                   height: str | int = "100%", bounds=None, coarser: bool = False, **map_kw) -> BuiltMap:
    """The need map of a level/indicator/period. The built map is cached (shared, never mutated:
    :func:`common.show_map` renders a copy)."""
    lay = layer(level, indicator, period, scheme=scheme, k=k, coarser=coarser)
    labels = hotspot_labels(level, indicator, period, lay.input.values) if hotspots and lay.shown.any() else None
    return _built(common.data_version(), level, indicator, period, scheme, int(k), basemap,
                  None if labels is None else tuple(str(x) for x in labels), with_providers, selected, height,
                  common.palette_name(), common.lang(), common.threshold(),
                  int(common.setting("min_population")), st.get_option("server.baseUrlPath") or "",
                  None if bounds is None else tuple(float(b) for b in bounds), tuple(sorted(map_kw.items())),
                  index_indicators(level, period) if indicator == NEED_INDEX else None, bool(coarser))


@st.cache_resource(show_spinner=False, max_entries=24)
def _built(version, level, indicator, period, scheme, k, basemap, labels, with_providers, selected, height,
           palette, lang, threshold, min_population, base_url_path, bounds, map_kw, chosen,
           coarser=False) -> BuiltMap:
    from sozialraum.views.need import draw

    lay = layer(level, indicator, period, scheme=scheme, k=k, coarser=coarser)
    providers = common.providers() if with_providers else None
    m = draw(lay, basemap=basemap, palette=palette, hotspot_labels=labels, providers=providers,
             selected=selected, base_url_path=base_url_path, height=height, bounds=bounds,
             legend_large=palette == "kontrast", **dict(map_kw))
    return BuiltMap(m, lay)


def ranking(built: BuiltMap) -> pd.DataFrame:
    """Areas by value, highest first (published values only), with the class and why blank areas are blank."""
    from sozialraum.views.need import ranking as view_ranking

    return view_ranking(built.layer, lang=common.lang())


def ranking_table(built: BuiltMap, level: str) -> None:
    with st.expander(tr("Alle Gebiete als Tabelle", "All areas as a table")):
        st.dataframe(ranking(built), hide_index=True, width="stretch")


def level_label(level: str) -> str:
    frame = common.levels()
    labels = dict(zip(frame["level"], frame["label"]))
    return str(labels.get(level, level))


def notices(built: BuiltMap, level: str) -> bool:
    """Say why areas are blank: a warning with the reasons when nothing is shown (never a silent grey map),
    otherwise the level's notes and "3 von 21 … ohne Daten". Returns True when the map shows nothing."""
    from sozialraum.views.need import NEED_INDEX as KEY
    from sozialraum.views.need import gap_note, summary

    lay = built.layer
    label = level_label(level)
    if not lay.shown.any():
        what = tr("Der Sozialindex lässt sich", "The need index cannot be") if lay.indicator == KEY else \
            tr("Diese Kennzahl lässt sich", "This indicator cannot be")
        blocks = [f"**{what} {tr(f'für die Ebene {label} nicht darstellen.', f'shown for the level {label}.')}**"]
        if lay.notes:
            blocks.append("\n".join(f"- {n}" for n in lay.notes))
        reasons = summary(lay)
        if reasons:
            blocks.append(tr("Gründe je Gebiet:", "Reasons per area:") + "\n\n" + "\n".join(
                f"- {text} ({count} {tr('Gebiete', 'areas') if count != 1 else tr('Gebiet', 'area')})"
                for text, count in reasons[:8]))
        finer = _finer_with_data(level)
        if finer:
            blocks.append(tr(f"Auf der Ebene {level_label(finer)} liegen Werte vor.",
                             f"The level {level_label(finer)} has values."))
        st.warning("\n\n".join(blocks), icon=":material/info:")
        return True
    for note in lay.notes:
        st.info(note, icon=":material/info:")
    gap = gap_note(lay, label)
    if gap:
        st.caption(gap)
    return False


def _finer_with_data(level: str) -> str | None:
    """The finest level with data, when it is not ``level`` (a hint where the map would show something)."""
    finest = view.finest_level()
    return finest if finest and finest != level else None


def total_gap(level: str, period: str, indicator: str) -> str:
    """Why the city has no total of ``indicator``: published only as rates, areas without a value, suppressed."""
    from sozialraum.analysis.data_gaps import count_parts, published_only_at
    from sozialraum.views.need import indicator_spec

    spec = indicator_spec(common.get_con(), indicator)
    label = tr(spec.label_de, spec.label_en)
    where = [lab for _, lab in published_only_at(common.get_con(), indicator, period)]
    if where and spec.aggregation != "sum":
        return tr(f"{label} nur als veröffentlichte Quote je {', '.join(where)} (ohne Zähler und Nenner)",
                  f"{label} published as a rate per {', '.join(where)} only")
    parts = list(count_parts(indicator))
    rows = common.published_values(level, period, parts)
    if rows is None or rows["value"].notna().sum() == 0:
        return tr(f"{label} für {common.format_period(period)} nicht vorhanden",
                  f"{label} not available for {common.format_period(period)}")
    keys = common.areas_web(level)["area_key"].astype(str).tolist()
    known = rows[rows["value"].notna()].groupby("area_key")["indicator"].nunique()
    missing = [k for k in keys if known.get(k, 0) < len(parts)]
    suppressed = set(rows.loc[rows["flag"] == "suppressed", "area_key"])
    lacking = [k for k in missing if k not in suppressed]
    if lacking:
        shown = ", ".join(lacking[:3]) + (tr(f" und {len(lacking) - 3} weitere", f" and {len(lacking) - 3} more")
                                          if len(lacking) > 3 else "")
        return tr(f"{label}: {len(lacking)} von {len(keys)} Gebieten der Ebene {level_label(level)} ohne Angabe "
                  f"({shown})", f"{label}: {len(lacking)} of {len(keys)} areas without a value ({shown})")
    return tr(f"{label}: Werte gesperrt (Geheimhaltung)", f"{label}: values suppressed (confidentiality)")
