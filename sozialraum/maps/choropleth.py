"""Choropleth maps: folium.GeoJson + a style function over class bins (never folium.Choropleth, which pulls d3).

Every area feature carries the property ``area_key`` (the app maps clicks to profiles with it). Suppressed
(confidentiality) and unscored areas are drawn distinctly, with the reason in the tooltip. The legend is plain
HTML in a Leaflet control, with German number format. Coordinates are rounded to 4 decimals (≤ 6 m) and only
the properties the tooltip needs are sent, so the payload stays small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from sozialraum.maps.base import base_map, bulk_bounds
from sozialraum.maps.legend import Legend, LegendRow, hatch_defs

# ColorBrewer YlOrRd (colour-blind safe, print friendly) and viridis reversed (projector, high contrast)
PALETTES: dict[str, list[str]] = {
    "standard": ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
    "kontrast": ["#fde725", "#addc30", "#5ec962", "#28ae80", "#21918c", "#2c728e", "#3b528b", "#472d7b", "#440154"],
}
SUPPRESSED_FILL = "url(#sr-hatch)"
SUPPRESSED_SWATCH = "#bdbdbd"
UNSCORED_FILL = "#d9d9d9"
MISSING_FILL = "#ffffff"
HOT_COLOUR, COLD_COLOUR = "#000000", "#2166ac"

SUPPRESSED_REASON = "gesperrt (statistische Geheimhaltung)"
UNSCORED_REASON = "nicht bewertet (zu wenige Einwohner/innen)"
MISSING_REASON = "keine Angabe"

# 4 decimals: at most 5.6 m off (latitude; 3.4 m in longitude at 52° N), below the 8 m display simplification
# of the store's geom_wgs84; neighbours stay seamless because a shared vertex rounds the same way on both sides.
# Saves ~10 % of the map payload against 5 decimals (Berlin's 542 Planungsräume: 0.39 MB instead of 0.42 MB).
COORD_DECIMALS = 4


def class_colours(k: int, palette: str = "standard", *, reverse: bool = False) -> list[str]:
    """``k`` colours spread over a 9-step palette (light = low, dark = high; ``reverse`` flips)."""
    colours = PALETTES[palette]
    picks = [colours[int(round(i))] for i in np.linspace(0, len(colours) - 1, k)] if k > 1 else [colours[-1]]
    return picks[::-1] if reverse else picks


def hotspot_kind(label) -> str | None:
    """'hot' / 'cold' / None from a German or English hot-spot label (Gi* or local Moran)."""
    if not isinstance(label, str):
        return None
    text = label.lower()
    if re.search(r"hot|hoch-hoch|high-high|\bhh\b", text):
        return "hot"
    if re.search(r"cold|niedrig-niedrig|low-low|\bll\b", text):
        return "cold"
    return None


def area_style(fill: str, hot: str | None, chosen: bool) -> dict:
    """Leaflet path style of one area: class fill, thin grey outline; hot/cold spots and the chosen area
    outlined; unscored areas with a dashed outline."""
    if hot:
        return {"fillColor": fill, "fillOpacity": 0.85, "color": HOT_COLOUR if hot == "hot" else COLD_COLOUR,
                "weight": 3.5 if chosen else 2.5}
    style = {"fillColor": fill, "fillOpacity": 0.85, "color": "#000000" if chosen else "#555555",
             "weight": 3.5 if chosen else 0.6}
    if fill == UNSCORED_FILL:
        style["dashArray"] = "4 3"
    return style


def compact_json() -> None:
    """Serialise folium's embedded JSON without blanks (``tojson`` filter of folium's jinja environment).

    This only drops whitespace (about 10 % of a large GeoJSON); the JSON is the same. It is process-wide for
    folium templates, which is harmless.
    """
    import folium

    env = folium.GeoJson._template.environment
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}


def rounded_geometry(geometries, decimals: int = COORD_DECIMALS):
    """Shapely geometries with coordinates rounded (payload) — the topology stays as it is."""
    import shapely

    return shapely.transform(np.asarray(geometries, dtype=object), lambda xy: np.round(xy, decimals))


def _check_wgs84(gdf) -> None:
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError(f"Kartengeometrien müssen in EPSG:4326 vorliegen (erhalten: {gdf.crs}).")
    if "area_key" not in gdf.columns:
        raise ValueError("Kartengeometrien brauchen die Spalte 'area_key'.")


def _mask(mask, n: int) -> np.ndarray:
    if mask is None:
        return np.zeros(n, dtype=bool)
    out = np.asarray(mask, dtype=bool)
    if out.shape != (n,):
        raise ValueError(f"Maske hat {out.shape[0]} Einträge, erwartet {n}.")
    return out


def area_features(gdf, properties: Mapping[str, Sequence]) -> dict:
    """A small GeoJSON FeatureCollection: rounded geometry, ``area_key`` plus the given properties (text values
    HTML-escaped by ``sozialraum.maps.escape.properties``: tooltips show them as HTML)."""
    import shapely

    from sozialraum.maps.escape import properties as escaped

    properties = escaped(dict(properties))
    geoms = rounded_geometry(gdf.geometry.to_numpy())
    keys = gdf["area_key"].astype(str).tolist()
    features = []
    for i, geom in enumerate(geoms):
        props = {"area_key": keys[i]}
        props.update({name: values[i] for name, values in properties.items()})
        features.append({"type": "Feature", "properties": props,
                         "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def choropleth(gdf_wgs84, values, classification, *, tooltip_fields: Mapping[str, Sequence[str]] | None = None,
               suppressed_mask=None, unscored_mask=None, hotspot_labels=None, providers=None,
               basemap: str = "none", title: str = "", palette: str = "standard", reverse: bool = False,
               selected: str | None = None, base_url_path: str = "", attribution: str = "",
               legend: bool = True, bounds=None, legend_large: bool = False, reasons=None, **map_kw):
    """A folium Map of ``values`` (aligned with the rows of ``gdf_wgs84``) in the classes of ``classification``.

    ``classification``: object with ``bins``, ``labels`` and ``assign(values)`` (sozialraum.analysis.classify).
    ``tooltip_fields``: German label → preformatted strings per area (default: name only).
    ``suppressed_mask`` / ``unscored_mask``: areas drawn hatched grey / plain grey with the reason in the tooltip.
    ``reasons``: per area, why it is not scored or has no value (replaces the generic text in the tooltip).
    ``hotspot_labels``: per-area labels of a hot-spot test; hot spots get a thick black, cold spots a blue outline.
    ``providers``: DataFrame with lon, lat, service_type, name (drawn as CircleMarkers by type, see points.py).
    ``bounds``: (min_lon, min_lat, max_lon, max_lat) to show instead of all areas (e.g. one area in focus).
    ``palette``: 'standard' (ColorBrewer YlOrRd) or 'kontrast' (viridis, projector); ``legend_large`` for
    presentation mode.
    """
    import folium

    from sozialraum.maps.escape import tooltip

    _check_wgs84(gdf_wgs84)
    n = len(gdf_wgs84)
    values = np.asarray(values, dtype=float)
    if values.shape != (n,):
        raise ValueError(f"{values.shape[0]} Werte für {n} Gebiete.")
    suppressed = _mask(suppressed_mask, n)
    unscored = _mask(unscored_mask, n) & ~suppressed
    classes = np.asarray(classification.assign(np.where(suppressed | unscored, np.nan, values)), dtype=int)
    colours = class_colours(len(classification.labels), palette, reverse=reverse)
    hot = [hotspot_kind(x) for x in hotspot_labels] if hotspot_labels is not None else [None] * n

    why = [str(r) if isinstance(r, str) else "" for r in reasons] if reasons is not None else [""] * n
    fills, status = [], []
    for i in range(n):
        if suppressed[i]:
            fills.append(SUPPRESSED_FILL), status.append(SUPPRESSED_REASON)
        elif unscored[i]:
            fills.append(UNSCORED_FILL), status.append(f"nicht bewertet: {why[i]}" if why[i] else UNSCORED_REASON)
        elif classes[i] < 0:
            fills.append(MISSING_FILL), status.append(f"{MISSING_REASON}: {why[i]}" if why[i] else MISSING_REASON)
        else:
            fills.append(colours[classes[i]]), status.append("")
    names = gdf_wgs84["name"].astype(str).tolist() if "name" in gdf_wgs84.columns else [""] * n
    tips = {label: column for label, column in (tooltip_fields or {}).items()
            if any(str(v) not in ("–", "") for v in column)}  # a field with nothing to say is left out
    props: dict[str, list] = {"name": names}
    aliases = ["Gebiet"]
    for j, (label, column) in enumerate(tips.items()):
        col = [str(v) for v in column]
        if len(col) != n:
            raise ValueError(f"Tooltip-Feld {label!r}: {len(col)} Einträge für {n} Gebiete.")
        props[f"t{j}"] = col
        aliases.append(label)
    if any(status):
        props["hinweis"] = status
        aliases.append("Hinweis")
    if hotspot_labels is not None:
        props["hotspot"] = [str(x) if isinstance(x, str) else "" for x in hotspot_labels]
        aliases.append("Hot-Spot-Analyse")
    fields = ["name"] + [f"t{j}" for j in range(len(tips))] + (["hinweis"] if any(status) else []) + \
        (["hotspot"] if hotspot_labels is not None else [])

    m = base_map(bulk_bounds(gdf_wgs84) if bounds is None else bounds, basemap, base_url_path=base_url_path, attribution=attribution, **map_kw)
    m.get_root().html.add_child(folium.Element(hatch_defs()))
    # hover outline by CSS instead of folium's highlight_function (which sends a style table per area)
    m.get_root().header.add_child(folium.Element(
        "<style>path.sr-area:hover { stroke: #000; stroke-width: 3px; }</style>"))
    compact_json()
    data = area_features(gdf_wgs84, props)
    selected = str(selected) if selected is not None else None
    # styles are computed here and looked up by feature id: the browser gets a small style table, not per-area
    # style properties
    keys = gdf_wgs84["area_key"].astype(str).tolist()
    styles = {key: area_style(fills[i], hot[i], key == selected) for i, key in enumerate(keys)}

    def style(feature):
        return styles[feature["properties"]["area_key"]]

    folium.GeoJson(
        data, name="Gebiete", style_function=style, class_name="sr-area",
        tooltip=tooltip(fields, aliases, sticky=True, style="font-size: 13px;"),
    ).add_to(m)
    if providers is not None and len(providers):
        from sozialraum.maps.points import add_providers

        add_providers(m, providers)
    if legend:
        rows = [LegendRow(colours[c], label) for c, label in enumerate(classification.labels)]
        if suppressed.any():
            rows.append(LegendRow(SUPPRESSED_SWATCH, "gesperrt (Geheimhaltung)", hatched=True))
        if unscored.any():
            rows.append(LegendRow(UNSCORED_FILL, "nicht bewertet", dashed=True))
        if ((classes < 0) & ~suppressed & ~unscored).any():
            rows.append(LegendRow(MISSING_FILL, "keine Angabe"))
        if any(h == "hot" for h in hot):
            rows.append(LegendRow("transparent", "Hot Spot (signifikant hoch)", outline=HOT_COLOUR))
        if any(h == "cold" for h in hot):
            rows.append(LegendRow("transparent", "Cold Spot (signifikant niedrig)", outline=COLD_COLOUR))
        if providers is not None and len(providers):
            from sozialraum.maps.points import type_legend_rows

            rows += type_legend_rows(providers["service_type"])
        Legend(title, rows, font_px=17 if legend_large else 12).add_to(m)
    return m
