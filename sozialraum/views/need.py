"""The need map composed once: values of an indicator or the need index, the reason per blank area, classes,
and the folium map drawn from them. The Bedarf page adds widgets and caching, the PDF report adds layout.

``need_layer(con, level, indicator, period, ...)`` → :class:`NeedLayer` (pure data, picklable);
``draw(layer, ...)`` → folium map; ``ranking(layer)`` → table of areas with the reason for each blank one;
``gap_note(layer, ...)`` → "3 von 7 Stadtteilen ohne Daten …".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NEED_INDEX = "__need_index__"  # pseudo indicator: the MSS status index (the app uses the same key)
NEED_SCHEME_NOTE = ("Klassen nach dem Monitoring Soziale Stadtentwicklung (MSS).",
                    "Classes as in the Berlin MSS monitoring.")
NOT_NEED_SCHEMES = ("mss", "mss_dynamik", "manual")
SUPPRESSED_REASON = "gesperrt (statistische Geheimhaltung)"
LEGEND_SPACE, LEGEND_SPACE_LARGE = 200, 280  # pixels kept free for the legend when the map is fitted


@dataclass(frozen=True)
class NeedLayer:
    level: str
    indicator: str
    period: str | None
    areas: object  # GeoDataFrame EPSG:4326, ordered by area_key
    input: object  # sozialraum.maps.data.MapInput
    classification: object
    reasons: tuple[str, ...]  # per area: why it is blank/not scored ('' where a value is shown)
    notes: tuple[str, ...] = ()  # German sentences about the level as a whole (e.g. published only elsewhere)
    scheme_note: str = ""
    reverse: bool = False
    need: pd.DataFrame | None = None  # the need index frame (need index only), keyed by area_key
    index_indicators: tuple[str, ...] = ()

    @property
    def shown(self) -> np.ndarray:
        """Areas that get a class colour."""
        return np.isfinite(np.asarray(self.input.values, dtype=float))


def _tr(lang: str, de: str, en: str) -> str:
    return en if lang == "en" else de


def need_layer(con, level: str, indicator: str, period: str | None, *, scheme: str = "quantiles", k: int = 5,
               lang: str = "de", min_population: float | None = None, threshold: float | None = None,
               index_indicators=None, areas=None, coarser: bool = False) -> NeedLayer:
    """Everything a need map shows, read through the confidentiality gate.

    ``indicator``: a registry key or :data:`NEED_INDEX`; ``index_indicators``: the need index's indicators
    (default: :func:`sozialraum.analysis.need_index.index_choices`). ``areas``: the level's web geometries when
    the caller already has them. ``coarser``: areas with a suppressed or too small count show the published
    value of their nearest higher area (``sozialraum.views.need_fallback``).
    """
    from sozialraum.store import read

    areas = read.areas(con, level, web=True) if areas is None else areas
    keys = areas["area_key"].astype(str).tolist()
    if indicator == NEED_INDEX:
        return _need_index_layer(con, level, period, areas, keys, lang=lang, min_population=min_population,
                                 threshold=threshold, index_indicators=index_indicators)
    out = _indicator_layer(con, level, indicator, period, areas, keys, scheme=scheme, k=k, lang=lang,
                           min_population=min_population, threshold=threshold)
    if coarser:
        from sozialraum.views.need_fallback import with_coarser

        out = with_coarser(con, out, lang=lang, min_population=min_population, threshold=threshold)
    return out


def _need_index_layer(con, level, period, areas, keys, *, lang, min_population, threshold, index_indicators):
    from sozialraum.analysis.classify import classify
    from sozialraum.analysis.need_index import need_index_for_store
    from sozialraum.maps.data import need_input

    need = need_index_for_store(con, level, period, status=None if index_indicators is None else
                                list(index_indicators), min_population=min_population, threshold=threshold)
    inp = need_input(keys, need, lang=lang)
    by_key = need.assign(area_key=need["area_key"].astype(str)).set_index("area_key")
    reasons = by_key["reason"].reindex(keys).fillna("").astype(str)
    tip = inp.tooltip
    dyn = by_key["dynamics_reason"].reindex(keys).fillna("").astype(str)
    scored = by_key["scored"].reindex(keys).fillna(False).astype(bool).to_numpy()
    if (scored & dyn.ne("").to_numpy()).any():  # status shown, dynamics not: say why in the tooltip
        tip = dict(tip)
        tip[_tr(lang, "Dynamik nicht bewertet", "Dynamics not scored")] = [
            d if s and d else "–" for s, d in zip(scored, dyn)]
        from sozialraum.maps.data import MapInput

        inp = MapInput(inp.values, inp.suppressed, inp.unscored, tip, inp.title, inp.unit)
    return NeedLayer(level, NEED_INDEX, period, areas, inp, classify(inp.values, "mss"), tuple(reasons),
                     tuple(need.attrs.get("notes", ())), _tr(lang, *NEED_SCHEME_NOTE), False, need,
                     tuple(need.attrs.get("status", ())))


def indicator_spec(con, key: str):
    """The registry's Indicator, or one built from the store's ``indicators`` table (a city's own indicator)."""
    from sozialraum.indicators.registry import INDICATORS, Indicator

    if key in INDICATORS:
        return INDICATORS[key]
    row = con.execute("SELECT indicator, label_de, label_en, unit, kind, direction, aggregation, "
                      "coalesce(description, ''), numerator, denominator, coalesce(scale, 100), suppressible "
                      "FROM indicators WHERE indicator = ?", [key]).fetchone()
    if row is None:
        raise KeyError(f"Unbekannter Indikator: {key!r}")
    return Indicator(*row[:8], numerator=row[8], denominator=row[9], scale=float(row[10]),
                     suppressible=bool(row[11]), group="Eigene")


def _indicator_layer(con, level, indicator, period, areas, keys, *, scheme, k, lang, min_population, threshold):
    from sozialraum.analysis.classify import classify
    from sozialraum.maps.data import indicator_input

    spec = indicator_spec(con, indicator)
    if spec.aggregation == "ratio" and period is not None:
        # rates: the minimum-population rule (areas under the threshold get no rate, drawn as "not scored")
        from sozialraum.analysis.rates import rates_for_display

        values = rates_for_display(con, level, indicator, period, min_population=min_population,
                                   threshold=threshold)
    else:
        from sozialraum.analysis.confidentiality import published

        values = published(con, level, period=period, indicators=[indicator], threshold=threshold)
    inp = indicator_input(keys, values, spec, period=period, lang=lang)
    note = ""
    if scheme in NOT_NEED_SCHEMES:
        note = _tr(lang, "Dieses Klassenverfahren gilt nur für den Sozialindex bzw. eigene Grenzen; hier: Quantile.",
                   "This scheme applies to the need index only; quantiles are used here.")
        scheme = "quantiles"
    unit = "" if inp.unit in ("Personen", "Index") else f" {inp.unit}"
    classification = classify(inp.values, scheme, k, unit=unit)
    reasons, notes = _indicator_reasons(con, level, indicator, period, keys, inp, min_population)
    return NeedLayer(level, indicator, period, areas, inp, classification, reasons, notes, note,
                     spec.direction == "higher_is_better")


def _indicator_reasons(con, level, indicator, period, keys, inp, min_population) -> tuple[tuple[str, ...],
                                                                                           tuple[str, ...]]:
    """Per area why nothing is shown (suppressed, too few residents, a child without data, no value), and notes
    for the level (the indicator exists only as a published rate on another level)."""
    from sozialraum.analysis.data_gaps import children_text, children_without_data, published_only_at
    from sozialraum.formatting import format_number, format_period
    from sozialraum.settings import default

    blank = ~np.isfinite(np.asarray(inp.values, dtype=float))
    reasons = [""] * len(keys)
    notes: list[str] = []
    if not blank.any() or period is None:
        return tuple(reasons), ()
    where = [label for lv, label in published_only_at(con, indicator, period) if lv != level]
    if where and blank.all():
        notes.append(f"{indicator_spec(con, indicator).label_de} liegt für {format_period(period)} nur als veröffentlichte "
                     f"Quote auf der Ebene {', '.join(where)} vor (ohne Zähler und Nenner) und lässt sich "
                     "nicht auf diese Ebene zusammenfassen.")
        only = f"nur auf Ebene {', '.join(where)} veröffentlicht"
        return tuple(SUPPRESSED_REASON if s else only for s in inp.suppressed), tuple(notes)
    gaps = children_without_data(con, level, indicator, period)
    small = format_number(default("min_population") if min_population is None else min_population, 0)
    for i, key in enumerate(keys):
        if not blank[i]:
            continue
        if inp.suppressed[i]:
            reasons[i] = SUPPRESSED_REASON
        elif inp.unscored[i]:
            reasons[i] = f"unter {small} Einwohner/innen"
        elif key in gaps:
            reasons[i] = children_text(*gaps[key])
        else:
            reasons[i] = f"kein Wert für {format_period(period)}"
    return tuple(reasons), tuple(notes)


def draw(layer: NeedLayer, *, basemap: str = "none", palette: str = "standard", hotspot_labels=None,
         providers=None, selected: str | None = None, base_url_path: str = "", height="100%", bounds=None,
         legend: bool = True, attribution: str = "", legend_large: bool = False, title: str | None = None,
         **map_kw):
    """The folium choropleth of a layer (areas without a value carry their reason in the tooltip).

    The view is fitted to the bulk of the areas with room for the legend on the right.
    """
    from sozialraum.maps.choropleth import choropleth

    if legend and bounds is None:
        map_kw.setdefault("legend_space", LEGEND_SPACE_LARGE if legend_large else LEGEND_SPACE)

    inp = layer.input
    return choropleth(layer.areas, inp.values, layer.classification, tooltip_fields=inp.tooltip,
                      suppressed_mask=inp.suppressed, unscored_mask=inp.unscored,
                      hotspot_labels=None if hotspot_labels is None else list(hotspot_labels),
                      providers=providers, basemap=basemap, title=inp.title if title is None else title,
                      palette=palette, reverse=layer.reverse, selected=selected, base_url_path=base_url_path,
                      height=height, bounds=bounds, legend=legend, attribution=attribution,
                      legend_large=legend_large, reasons=list(layer.reasons), **map_kw)


def ranking(layer: NeedLayer, *, lang: str = "de") -> pd.DataFrame:
    """Areas by value, highest first (published values only), with the class label and, for blank areas, why."""
    inp, areas = layer.input, layer.areas
    classes = layer.classification.assign(inp.values)
    labels = np.array(list(layer.classification.labels) + [""], dtype=object)
    first_tip = next(iter(inp.tooltip.values()))
    frame = pd.DataFrame({
        _tr(lang, "Gebiet", "Area"): areas["name"].to_numpy(),
        _tr(lang, "Schlüssel", "Key"): areas["area_key"].to_numpy(),
        _tr(lang, "Wert", "Value"): first_tip,
        _tr(lang, "Klasse", "Class"): labels[classes],
        _tr(lang, "Warum ohne Wert", "Why blank"): list(layer.reasons),
        "_v": inp.values,
    })
    if not any(layer.reasons):
        frame = frame.drop(columns=[_tr(lang, "Warum ohne Wert", "Why blank")])
    frame = frame.sort_values("_v", ascending=False, na_position="last", kind="stable").drop(columns="_v")
    frame.insert(0, _tr(lang, "Rang", "Rank"), range(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def gap_note(layer: NeedLayer, level_label: str, *, limit: int = 3) -> str:
    """'3 von 7 Stadtteil-Gebieten ohne Daten: … (Angabe fehlt für Ortsteil …)' — '' when every area has a value
    or when nothing at all is shown (that case gets the layer's notes instead)."""
    blank = ~layer.shown
    if not blank.any() or blank.all():
        return ""
    names = layer.areas["name"].astype(str).tolist()
    shown = [f"{names[i]}: {layer.reasons[i]}" if layer.reasons[i] else names[i]
             for i in np.flatnonzero(blank)[:limit]]
    more = int(blank.sum()) - len(shown)
    what = "ohne Daten" if layer.indicator != NEED_INDEX else "nicht bewertet"
    return (f"{int(blank.sum())} von {len(blank)} Gebieten der Ebene {level_label} {what} – " + "; ".join(shown)
            + (f"; und {more} weitere (Tabelle unten)" if more > 0 else "") + ".")


def summary(layer: NeedLayer) -> list[tuple[str, int]]:
    """Each reason (split at '; ') with the number of blank areas it applies to, most frequent first."""
    from collections import Counter

    counts = Counter(part for text in layer.reasons if text for part in text.split("; "))
    return counts.most_common()
