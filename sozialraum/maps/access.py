"""Maps for "Angebote & Erreichbarkeit": providers by type with walking catchments, and the 2SFCA map.

Builders start from :func:`sozialraum.maps.base.base_map` (locally served Leaflet, no CDN) and draw with
``folium.GeoJson`` (points as circle markers) — no ``folium.Choropleth``, no branca colour maps. Colours of
service types and the legend control come from :mod:`sozialraum.maps.points` and :mod:`sozialraum.maps.legend`.
Inputs: area GeoDataFrames in EPSG:4326 (``store.read.areas(con, level, web=True)``) and provider frames with
``lon``/``lat`` (``store.read.providers``). Numbers drawn must already be published (confidentiality gate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.maps.legend import Legend, LegendRow
from sozialraum.maps.points import point_features, type_colour
from sozialraum.services import COOPERATION_FORMS, SERVICE_TYPES

AREA_OUTLINE = {"color": "#7a7a7a", "weight": 0.8, "fillColor": "#ffffff", "fillOpacity": 0.0}
NETWORK_CATCHMENT_CLASS = "sr-catchment-net"  # catchment polygons on the street network (browser tests)
MAX_CATCHMENTS = 600  # more circles than this make the map slow and unreadable
PROVIDER_CLASS = "sr-provider"
CATCHMENT_CLASS = "sr-catchment"


def bounds_of(areas_web, points: pd.DataFrame | None = None):
    """(min_lon, min_lat, max_lon, max_lat) of the bulk of the areas (far-out islands left out of the fit), else of
    the points, else of Germany."""
    if areas_web is not None and len(areas_web):
        from sozialraum.maps.base import bulk_bounds

        return bulk_bounds(areas_web)
    if points is not None and len(points):
        return (points["lon"].min(), points["lat"].min(), points["lon"].max(), points["lat"].max())
    return (5.9, 47.3, 15.0, 55.1)


def add_area_outlines(m, areas_web, *, name: str = "Gebiete"):
    """Thin grey outlines of the areas with the area name as tooltip (features carry ``area_key``)."""
    import folium

    from sozialraum.maps.choropleth import area_features
    from sozialraum.maps.escape import tooltip

    if areas_web is None or not len(areas_web):
        return m
    data = area_features(areas_web, {"name": areas_web["name"].astype(str).tolist()})
    folium.GeoJson(data, name=name, style_function=lambda _f: dict(AREA_OUTLINE),
                   tooltip=tooltip(["name"], ["Gebiet"])).add_to(m)
    return m


def _text(values, n: int, mapping: dict | None = None) -> list[str]:
    if values is None:
        return ["–"] * n
    out = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or v == "":
            out.append("–")
        else:
            out.append(mapping.get(v, str(v)) if mapping else str(v))
    return out


def _yes_no(values, n: int) -> list[str]:
    if values is None:
        return ["unbekannt"] * n
    return ["unbekannt" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
            else ("ja" if bool(v) else "nein") for v in values]


def add_providers(m, providers: pd.DataFrame, *, name: str = "Angebote", radius: float = 5.0,
                  class_name: str = PROVIDER_CLASS):
    """Providers as circle markers coloured by service type; tooltip with Träger, Verband, Kooperation, access."""
    import folium

    from sozialraum.maps.escape import tooltip

    if providers is None or not len(providers):
        return m
    n = len(providers)
    types = providers["service_type"].astype(str).tolist()
    props = {
        "name": providers["name"].astype(str).tolist(),
        "typ": [SERVICE_TYPES.get(t, t) for t in types],
        "traeger": _text(providers.get("traeger"), n),
        "verband": _text(providers.get("dachverband"), n),
        "kooperation": _text(providers.get("kooperation"), n, COOPERATION_FORMS),
        "barrierefrei": _yes_no(providers.get("barrier_free"), n),
        "_c": [type_colour(t) for t in types],
    }
    fields = ["name", "typ", "traeger", "verband", "kooperation", "barrierefrei"]
    folium.GeoJson(
        point_features(providers, props), name=name,
        marker=folium.CircleMarker(radius=radius, weight=1, fill=True, fill_opacity=0.9, class_name=class_name),
        style_function=lambda f: {"fillColor": f["properties"]["_c"], "color": "#ffffff", "weight": 1},
        tooltip=tooltip(fields, ["Angebot", "Art", "Träger", "Verband", "Kooperation", "Barrierefrei"]),
    ).add_to(m)
    return m


def add_catchments(m, points: pd.DataFrame, radius_m: float, *, colour: str | None = None,
                   class_name: str = CATCHMENT_CLASS, fill_opacity: float = 0.07, name: str = "Einzugsbereiche"):
    """A circle of ``radius_m`` metres (straight line) around each point (first ``MAX_CATCHMENTS``).

    Colour: ``colour`` or, when None, the colour of the point's ``service_type``.
    """
    import folium

    if radius_m is None or radius_m <= 0 or points is None or not len(points):
        return m
    group = folium.FeatureGroup(name=name)
    head = points.head(MAX_CATCHMENTS)
    types = head["service_type"].astype(str).tolist() if "service_type" in head else [None] * len(head)
    for lon, lat, t in zip(head["lon"].astype(float), head["lat"].astype(float), types):
        if not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        c = colour or type_colour(t)
        folium.Circle([round(lat, 5), round(lon, 5)], radius=float(radius_m), color=c, weight=0.6, fill=True,
                      fill_color=c, fill_opacity=fill_opacity, interactive=False,
                      class_name=class_name).add_to(group)
    group.add_to(m)
    return m


def add_catchment_polygons(m, catchments, *, fill_opacity: float = 0.10, name: str = "Einzugsbereiche (Netz)"):
    """Catchment polygons on the street network (``sozialraum.network.catchments``; GeoDataFrame in WGS84 with a
    ``service_type`` column), coloured by service type."""
    import folium

    if catchments is None or not len(catchments):
        return m
    group = folium.FeatureGroup(name=name)
    for t, geom in zip(catchments["service_type"].astype(str), catchments.geometry):
        c = type_colour(t)
        folium.GeoJson(geom.__geo_interface__, interactive=False,
                       style_function=lambda _f, c=c: {"color": c, "weight": 0.6, "fillColor": c,
                                                       "fillOpacity": fill_opacity,
                                                       "className": NETWORK_CATCHMENT_CLASS}).add_to(group)
    group.add_to(m)
    return m


def metres_label(radius_m: float) -> str:
    return f"{radius_m:,.0f} m".replace(",", ".")


def provider_map(areas_web, providers: pd.DataFrame, *, radius_m: float | None = None, basemap: str = "none",
                 base_url_path: str = "", attribution: str = "", budget_min: float | None = None,
                 catchments=None, catchment_label: str = "", mode_word: str = "Fußweg"):
    """Area outlines, providers coloured by service type and (optionally) their catchments: circles of
    ``radius_m`` (straight line; ``mode_word`` names the travel mode in the legend: Fußweg, Radfahrt …) or the
    network ``catchments``."""
    from sozialraum.maps.base import base_map

    m = base_map(bounds_of(areas_web, providers), basemap, base_url_path=base_url_path, attribution=attribution)
    add_area_outlines(m, areas_web)
    if radius_m:
        add_catchments(m, providers, radius_m)
    add_catchment_polygons(m, catchments)
    add_providers(m, providers)
    present = set(providers["service_type"].astype(str)) if len(providers) else set()
    rows = [LegendRow(type_colour(t), label) for t, label in SERVICE_TYPES.items() if t in present]
    if radius_m:
        text = f"Kreis: {budget_min:g} min {mode_word} (Luftlinie {metres_label(radius_m)})" if budget_min \
            else f"Kreis: Luftlinie {metres_label(radius_m)}"
        if len(providers) > MAX_CATCHMENTS:
            text += f", nur die ersten {MAX_CATCHMENTS}"
        rows.append(LegendRow("transparent", text, outline="#555555"))
    if catchments is not None and len(catchments):
        rows.append(LegendRow("transparent", catchment_label or f"Einzugsbereich: {budget_min:g} min auf dem "
                              "Straßennetz (erreichte Wohnraster-Zellen)", outline="#555555"))
    if rows:
        Legend("Angebote", rows).add_to(m)
    return m


def quantile_classes(values, k: int = 5):
    """Quantile classes computed with numpy (as ``classify(..., 'manual')``): mapclassify's import alone takes
    seconds on a busy server, and quantiles need nothing of it."""
    from sozialraum.analysis.classify import classify

    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        return classify(np.array([0.0]), "manual", breaks=[0.0])
    breaks = np.unique(np.quantile(finite, np.linspace(0, 1, max(1, k) + 1)[1:]))
    return classify(finite, "manual", breaks=breaks)


def fca_map(areas_web, values, *, title: str, tooltip: dict[str, list[str]] | None = None, providers=None,
            basemap: str = "none", base_url_path: str = "", attribution: str = "", k: int = 5,
            palette: str = "standard", selected: str | None = None, higher_is_better: bool = True,
            breaks=None):
    """Areas coloured by a supply-to-need value (higher = better supplied; low supply = dark), grey where unknown.

    ``higher_is_better=False`` turns the colours round (e.g. for need × gap: high = dark). ``breaks``: fixed
    upper class bounds instead of quantiles (for measures on a fixed scale such as need × gap in 0..1).

    ``values``: floats aligned with the rows of ``areas_web`` (NaN = no value). ``tooltip``: German label →
    preformatted strings per area. Uses :func:`sozialraum.maps.choropleth.choropleth` with quantile classes.
    """
    from sozialraum.maps.choropleth import choropleth

    values = np.asarray(values, dtype=float)
    if breaks is not None:
        from sozialraum.analysis.classify import classify

        finite = values[np.isfinite(values)]
        classes = classify(finite if len(finite) else np.array([0.0]), "manual", breaks=list(breaks), decimals=2)
    else:
        classes = quantile_classes(values, k)
    return choropleth(areas_web, values, classes, tooltip_fields=tooltip, providers=providers, basemap=basemap,
                      title=title, palette=palette, reverse=higher_is_better, selected=selected, base_url_path=base_url_path,
                      attribution=attribution)
