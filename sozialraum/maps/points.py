"""Point layers (providers, venues, sites) as one GeoJSON of CircleMarkers per layer: small payload, no icons."""

from __future__ import annotations

import numpy as np

from sozialraum.services import SERVICE_TYPES

# Okabe-Ito (colour-blind safe) plus greys for the rest
TYPE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                "#999999", "#7f3b08", "#542788"]


def type_colour(service_type: str) -> str:
    keys = list(SERVICE_TYPES)
    i = keys.index(service_type) if service_type in keys else len(keys)
    return TYPE_COLOURS[i % len(TYPE_COLOURS)]


def point_features(frame, properties: dict[str, list]) -> dict:
    """GeoJSON points (lon/lat rounded) with the given properties (text values HTML-escaped)."""
    from sozialraum.maps.escape import properties as escaped

    properties = escaped(dict(properties))
    lon = np.round(frame["lon"].to_numpy(dtype=float), 5)
    lat = np.round(frame["lat"].to_numpy(dtype=float), 5)
    features = []
    for i in range(len(frame)):
        if not (np.isfinite(lon[i]) and np.isfinite(lat[i])):
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon[i], lat[i]]},
                         "properties": {k: v[i] for k, v in properties.items()}})
    return {"type": "FeatureCollection", "features": features}


def add_providers(m, providers, *, name: str = "Angebote", radius: float = 5.0):
    """CircleMarkers coloured by service type with a tooltip (name, type, Träger)."""
    import folium

    from sozialraum.maps.escape import tooltip

    types = providers["service_type"].astype(str).tolist()
    props = {
        "name": providers["name"].astype(str).tolist(),
        "typ": [SERVICE_TYPES.get(t, t) for t in types],
        "traeger": providers["traeger"].fillna("").astype(str).tolist() if "traeger" in providers else [""] * len(types),
        "_c": [type_colour(t) for t in types],
    }
    folium.GeoJson(
        point_features(providers, props), name=name,
        marker=folium.CircleMarker(radius=radius, weight=1, fill=True, fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["_c"], "color": "#ffffff", "weight": 1},
        tooltip=tooltip(["name", "typ", "traeger"], ["Angebot", "Art", "Träger"]),
    ).add_to(m)
    return m


def type_legend_rows(service_types) -> list:
    """Legend rows (circle symbols) for the service types present, in registry order."""
    from sozialraum.maps.legend import LegendRow

    present = set(map(str, service_types))
    ordered = [t for t in SERVICE_TYPES if t in present] + sorted(present - set(SERVICE_TYPES))
    return [LegendRow(type_colour(t), SERVICE_TYPES.get(t, t), circle=True) for t in ordered]
