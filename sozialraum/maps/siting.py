"""The Standortplanung map: chosen sites (numbered), the areas each one serves, catchments and partner services.

Input frames (already published/rounded where they hold numbers about people):

- ``sites``: one row per open site with ``lon``, ``lat``, ``name``, ``order`` (1, 2, … for new sites in the
  order they were chosen; 0 for fixed existing sites), ``fixed`` (bool) and an optional ``tooltip`` text
  (plain text: it is escaped here, by ``sozialraum.maps.escape``);
- ``area_service``: one row per area with ``area_key``, ``site`` (the ``order`` of the site that serves most of
  its target group, NaN = none) and ``share`` (0..1, the share of the area's target group within reach).

Markers are ``L.divIcon`` labels (pure Leaflet, nothing loaded from elsewhere) with the CSS class ``sr-site``
(new) or ``sr-site-fixed`` (existing), so a browser test can count them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.maps.legend import Legend, LegendRow

# distinct, colour-blind friendly colours for the service areas of sites 1, 2, …
SITE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#7f3b08",
                "#542788", "#1b7837", "#b2182b", "#4d4d4d"]
FIXED_COLOUR = "#222222"
UNSERVED_FILL = "#eeeeee"
SITE_CLASS = "sr-site"
FIXED_CLASS = "sr-site-fixed"
CANDIDATE_CLASS = "sr-candidate"
MOVING_CLASS = "sr-site-moving"


def site_colour(order: int) -> str:
    return FIXED_COLOUR if order <= 0 else SITE_COLOURS[(order - 1) % len(SITE_COLOURS)]


def _marker_html(order: int, fixed: bool) -> str:
    colour = site_colour(0 if fixed else order)
    text = "JC" if fixed else str(order)
    size = 26 if fixed else 24
    return (f'<div style="width:{size}px;height:{size}px;border-radius:{4 if fixed else 13}px;background:{colour};'
            f'color:#fff;font:bold 12px/{size}px sans-serif;text-align:center;border:2px solid #fff;'
            f'box-shadow:0 0 3px rgba(0,0,0,.6)">{text}</div>')


def _marker_script(items: list[dict], name: str):
    """One folium FeatureGroup whose script draws ``items`` as ``L.marker`` + ``L.divIcon`` labels.

    Each marker carries a GeoJSON ``feature`` with the properties ``sr_id`` and ``sr_role`` (site / fixed /
    candidate): a click hands them to the app (streamlit-folium returns the clicked layer's ``toGeoJSON()``
    as ``last_active_drawing``; the group passes the clicked marker on as the event's layer).
    """
    import folium
    from branca.element import MacroElement
    from jinja2 import Template

    from sozialraum.maps.escape import script_json

    class _Markers(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "{{ this.items }}.forEach(function(s){"
            "var mk = L.marker([s.lat, s.lon], {icon: L.divIcon({html: s.html, className: s.cls, "
            "iconSize: [s.size, s.size], iconAnchor: [s.size / 2, s.size / 2]}), zIndexOffset: s.z})"
            ".bindTooltip(s.tip);"
            "mk.feature = {type: 'Feature', properties: {sr_id: s.id, sr_role: s.role}};"
            "mk.addTo({{ this._parent.get_name() }});});"
            "{% endmacro %}"
        )

        def __init__(self):
            super().__init__()
            self._name = "SiteMarkers"
            self.items = script_json(items)

    group = folium.FeatureGroup(name=name, control=False)
    _Markers().add_to(group)
    return group


def add_sites(m, sites: pd.DataFrame, *, moving: str | None = None):
    """Numbered markers for new sites and "JC" markers for fixed existing ones (``moving``: the id of a site
    picked to be moved, drawn with a yellow ring and the class ``sr-site-moving``).

    Drawn as ``L.marker`` with an ``L.divIcon`` created in one script: ``folium.Marker`` would first attach
    Leaflet's default image icon (an extra image request) before switching to the label.
    """
    from sozialraum.maps.escape import text

    items = []
    ids = sites["id"].astype(str).tolist() if "id" in sites else [""] * len(sites)
    for sid, row in zip(ids, sites.itertuples(index=False)):
        fixed = bool(getattr(row, "fixed", False))
        order = int(getattr(row, "order", 0) or 0)
        size = 26 if fixed else 24
        html = _marker_html(order, fixed)
        cls = FIXED_CLASS if fixed else SITE_CLASS
        if moving is not None and sid == str(moving) and not fixed:
            html = html.replace("border:2px solid #fff", "border:3px solid #FFD400")
            cls += " " + MOVING_CLASS
        items.append({"lat": round(float(row.lat), 5), "lon": round(float(row.lon), 5), "html": html,
                      "size": size, "cls": cls, "z": 1000, "id": sid, "role": "fixed" if fixed else "site",
                      "tip": text(getattr(row, "tooltip", None) or row.name)})
    _marker_script(items, "Standorte").add_to(m)
    return m


def add_candidates(m, candidates: pd.DataFrame):
    """The possible sites not chosen: small white rings (class ``sr-candidate``) that can be clicked."""
    from sozialraum.maps.escape import text

    if candidates is None or not len(candidates):
        return m
    html = ('<div style="width:10px;height:10px;border-radius:6px;background:#fff;border:2px solid #555;'
            'box-shadow:0 0 2px rgba(0,0,0,.5)"></div>')
    label = candidates["type_label"] if "type_label" in candidates else pd.Series([""] * len(candidates))
    items = [{"lat": round(float(lat), 5), "lon": round(float(lon), 5), "html": html, "size": 14,
              "cls": CANDIDATE_CLASS, "z": 500, "id": str(i), "role": "candidate",
              "tip": text(f"möglicher Standort: {n}" + (f" ({t})" if isinstance(t, str) and t else ""))}
             for i, n, t, lon, lat in zip(candidates["id"], candidates["name"], label, candidates["lon"],
                                          candidates["lat"])
             if np.isfinite(float(lon)) and np.isfinite(float(lat))]
    _marker_script(items, "Mögliche Standorte").add_to(m)
    return m


def add_site_circles(m, sites: pd.DataFrame, radius_m: float, *, name: str = "Reichweite der Standorte"):
    """Straight-line reach ("Luftlinie"): a dashed circle of ``radius_m`` in each site's colour (class
    ``sr-catchment``, not clickable)."""
    import folium

    from sozialraum.maps.access import CATCHMENT_CLASS

    group = folium.FeatureGroup(name=name, control=False)
    for row in sites.itertuples(index=False):
        lon, lat = float(row.lon), float(row.lat)
        if not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        c = site_colour(0 if bool(getattr(row, "fixed", False)) else int(getattr(row, "order", 0) or 0))
        folium.Circle([round(lat, 5), round(lon, 5)], radius=float(radius_m), color=c, weight=2, dash_array="5 4",
                      fill=True, fill_color=c, fill_opacity=0.04, interactive=False,
                      class_name=CATCHMENT_CLASS).add_to(group)
    group.add_to(m)
    return m


def add_site_catchments(m, catchments, *, name: str = "Reichweite der Standorte"):
    """Reach polygons of the sites (GeoDataFrame in WGS84 with ``order``), outlined in each site's colour
    (class ``sr-catchment-net``, not clickable)."""
    import folium

    from sozialraum.maps.access import NETWORK_CATCHMENT_CLASS

    if catchments is None or not len(catchments):
        return m
    group = folium.FeatureGroup(name=name, control=False)
    for order, geom in zip(catchments["order"], catchments.geometry):
        if geom is None or geom.is_empty:
            continue
        c = site_colour(int(order))
        folium.GeoJson(geom.__geo_interface__, interactive=False,
                       style_function=lambda _f, c=c: {"color": c, "weight": 2, "dashArray": "5 4",
                                                       "fillColor": c, "fillOpacity": 0.06,
                                                       "className": NETWORK_CATCHMENT_CLASS}).add_to(group)
    group.add_to(m)
    return m


def siting_map(areas_web, sites: pd.DataFrame, area_service: pd.DataFrame | None = None, *,
               radius_m: float | None = None, partners: pd.DataFrame | None = None, basemap: str = "none",
               base_url_path: str = "", attribution: str = "", area_tooltip: dict[str, list[str]] | None = None,
               candidates: pd.DataFrame | None = None, catchments=None, catchment_label: str = "",
               moving: str | None = None):
    """Areas coloured by the site serving them (paler = smaller share in reach), catchments, partners, sites.

    ``radius_m``: straight-line circles ("Luftlinie"); ``catchments``: reach polygons from the travel model
    instead (GeoDataFrame in WGS84 with the site's ``order``; ``catchment_label`` says how they were measured).
    ``candidates``: possible sites not chosen, drawn as small clickable rings (the what-if map); ``moving``:
    the id of a site picked to be moved.
    """
    import folium

    from sozialraum.maps.access import add_providers, bounds_of
    from sozialraum.maps.base import base_map
    from sozialraum.maps.choropleth import area_features
    from sozialraum.maps.escape import tooltip

    m = base_map(bounds_of(areas_web, sites), basemap, base_url_path=base_url_path, attribution=attribution)
    if areas_web is not None and len(areas_web):
        n = len(areas_web)
        served = pd.DataFrame({"area_key": areas_web["area_key"].astype(str)})
        if area_service is not None and len(area_service):
            a = area_service.assign(area_key=area_service["area_key"].astype(str)).drop_duplicates("area_key")
            served = served.merge(a[["area_key", "site", "share"]], on="area_key", how="left")
        else:
            served["site"], served["share"] = np.nan, np.nan
        site = pd.to_numeric(served["site"], errors="coerce").to_numpy()
        share = pd.to_numeric(served["share"], errors="coerce").fillna(0.0).clip(0, 1).to_numpy()
        fills = [UNSERVED_FILL if not np.isfinite(s) else site_colour(int(s)) for s in site]
        opacity = [0.25 if not np.isfinite(s) else round(0.2 + 0.6 * float(p), 3) for s, p in zip(site, share)]
        props = {"name": areas_web["name"].astype(str).tolist(), "_fill": fills, "_op": opacity}
        fields, aliases = ["name"], ["Gebiet"]
        for j, (label, texts) in enumerate((area_tooltip or {}).items()):
            props[f"t{j}"] = [str(t) for t in texts][:n]
            fields.append(f"t{j}")
            aliases.append(label)
        folium.GeoJson(
            area_features(areas_web, props), name="Versorgte Gebiete",
            style_function=lambda f: {"fillColor": f["properties"]["_fill"], "fillOpacity": f["properties"]["_op"],
                                      "color": "#666666", "weight": 0.6},
            highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
            tooltip=tooltip(fields, aliases, sticky=True),
        ).add_to(m)
    if radius_m:
        add_site_circles(m, sites, radius_m)
    elif catchments is not None:
        add_site_catchments(m, catchments)
    if partners is not None and len(partners):
        add_providers(m, partners, name="Partnerangebote", radius=3.5)
    add_candidates(m, candidates)
    add_sites(m, sites, moving=moving)
    rows = [LegendRow(site_colour(int(o)), f"Standort {int(o)}: {nm}")
            for o, nm, fx in zip(sites.get("order", []), sites.get("name", []), sites.get("fixed", []))
            if not fx][:12]
    if len(sites) and sites.get("fixed", pd.Series(dtype=bool)).astype(bool).any():
        rows.append(LegendRow(FIXED_COLOUR, "bestehender Jobcenter-Standort (fest)"))
    rows.append(LegendRow(UNSERVED_FILL, "nicht in Reichweite"))
    if candidates is not None and len(candidates):
        rows.append(LegendRow("#ffffff", "möglicher Standort (anklicken)", outline="#555555", circle=True))
    if radius_m:
        rows.append(LegendRow("transparent", "Kreis: Reichweite (Luftlinie)", outline="#333333", dashed=True))
    elif catchments is not None and len(catchments):
        rows.append(LegendRow("transparent", catchment_label or "Umriss: Reichweite auf dem Wegenetz",
                              outline="#333333", dashed=True))
    Legend("Standorte und versorgte Gebiete", rows).add_to(m)
    return m


def plan_layers(plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sites, area_service) frames for :func:`siting_map` from a ``SitingPlan``.

    New sites are numbered 1, 2, … in the plan's order (the greedy order of marginal gains); fixed sites get
    ``order`` 0 and the label "JC". Each area is drawn in the colour of the site that serves the largest part
    of it; its ``share`` is the share of its target group within reach of any chosen site.
    """
    sites = plan.sites.sort_values("order").reset_index(drop=True).copy()
    fixed = sites["fixed"].astype(bool)
    sites["order"] = 0
    sites.loc[~fixed, "order"] = range(1, int((~fixed).sum()) + 1)
    sites["label"] = [("JC" if f else str(o)) for f, o in zip(fixed, sites["order"])]

    def people(v) -> str:
        return "–" if v is None or pd.isna(v) else f"≈ {float(v):,.0f}".replace(",", ".")

    type_label = sites["type_label"] if "type_label" in sites else sites.get("type", pd.Series([""] * len(sites)))
    sites["tooltip"] = [
        f"{'Jobcenter (fest)' if f else 'Nr. ' + str(o)}: {n} ({t}) – erreicht {people(c)}, Zugewinn {people(g)}"
        for f, o, n, t, c, g in zip(fixed, sites["order"], sites["name"], type_label, sites["covered"],
                                    sites["marginal_gain"])]
    number = dict(zip(sites["id"], sites["order"]))
    sa = plan.site_areas
    if len(sa):
        best = sa.sort_values(["area_key", "share_of_area"], ascending=[True, False]).drop_duplicates("area_key")
        site_of = dict(zip(best["area_key"].astype(str), best["id"].map(number)))
    else:
        site_of = {}
    service = pd.DataFrame({"area_key": plan.area_service["area_key"].astype(str)})
    service["site"] = service["area_key"].map(site_of).astype("float64")
    service["share"] = plan.area_service["share_after"].to_numpy(dtype="float64")
    return sites, service
