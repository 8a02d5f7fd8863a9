"""The base map every map builder starts from: local Leaflet, fitted to the areas, optional basemap tiles."""

from __future__ import annotations

from dataclasses import dataclass

from sozialraum.maps.assets import use_local_assets


@dataclass(frozen=True)
class Basemap:
    key: str
    label: str
    url: str | None
    attribution: str
    max_zoom: int = 18


BASEMAPS: dict[str, Basemap] = {
    b.key: b
    for b in [
        Basemap("none", "Keine (nur Gebiete, funktioniert ohne Internet)", None, ""),
        Basemap("basemapde", "basemap.de (BKG, amtlich)",
                "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/"
                "default/GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png",
                "© GeoBasis-DE / BKG (CC BY 4.0)", 18),
        Basemap("osm", "OpenStreetMap",
                "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors (ODbL)", 19),
    ]
}

NO_TILES_BACKGROUND = "#f7f7f5"


def basemap_attribution(basemap: str) -> str:
    """Attribution text required for a basemap ('' for none)."""
    return _basemap(basemap).attribution


def _basemap(basemap: str) -> Basemap:
    try:
        return BASEMAPS[basemap]
    except KeyError:
        raise ValueError(f"Unbekannte Hintergrundkarte {basemap!r}; erlaubt: {', '.join(BASEMAPS)}") from None


OUTLIER_MAD = 8.0  # a part lies far out when its centre is this many median absolute deviations from the median


def bulk_bounds(gdf, fence: float = OUTLIER_MAD) -> tuple[float, float, float, float]:
    """Bounds of the bulk of the areas: parts far outside (e.g. an island 100 km off the coast, alone or as part
    of a district's multipolygon) are left out of the fit, so they do not squeeze the city into a corner. They
    are still drawn and reachable by panning or zooming out.

    Every polygon part counts on its own. A part is left out when its centre (representative point) lies more
    than ``fence`` median absolute deviations (at least 1 % of the full extent) from the median of all part
    centres, in longitude or latitude. With fewer than 3 parts, or when nothing is far out, this is
    ``gdf.total_bounds``.
    """
    import numpy as np

    total = tuple(float(v) for v in gdf.total_bounds)
    parts = gdf.geometry.explode(index_parts=False)
    parts = parts[~parts.is_empty]
    if len(parts) < 3:
        return total
    pts = parts.representative_point()
    keep = np.ones(len(parts), dtype=bool)
    for coord in (pts.x.to_numpy(float), pts.y.to_numpy(float)):
        med = np.median(coord)
        mad = max(np.median(np.abs(coord - med)), 0.01 * (coord.max() - coord.min()))
        keep &= np.abs(coord - med) <= fence * mad
    if keep.all() or not keep.any():
        return total
    return tuple(float(v) for v in parts[keep].total_bounds)


def base_map(bounds_wgs84, basemap: str = "none", *, base_url_path: str = "", attribution: str = "",
             height: str | int = "100%", scale: bool = True, legend_space: int = 0, **kw):
    """A folium Map fitted to ``bounds_wgs84`` = (min_lon, min_lat, max_lon, max_lat), e.g. ``bulk_bounds(gdf)``.

    ``basemap``: 'none' (no tiles: draws offline), 'basemapde' (BKG) or 'osm'. Leaflet comes from the project's
    static folder (see :mod:`sozialraum.maps.assets`). Extra keywords go to ``folium.Map``.
    ``attribution``: extra attribution (e.g. data sources) shown in the map corner.
    ``legend_space``: pixels kept free on the right when fitting (a legend in the bottom-right corner then does
    not cover the areas there).
    """
    import folium
    from branca.element import Element

    choice = _basemap(basemap)
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bounds_wgs84)
    center = [(min_lat + max_lat) / 2, (min_lon + max_lon) / 2]
    options = dict(location=center, zoom_start=11, tiles=None, control_scale=False, zoom_snap=0.25,
                   zoom_delta=0.5, height=height)
    options.update(kw)
    m = folium.Map(**options)
    use_local_assets(m, base_url_path)
    if choice.url:
        folium.TileLayer(tiles=choice.url, attr=choice.attribution, name=choice.label,
                         max_zoom=choice.max_zoom, control=False).add_to(m)
    else:
        m.get_root().header.add_child(Element(
            f"<style>.leaflet-container {{ background: {NO_TILES_BACKGROUND} !important; }}</style>"))
    if attribution:
        m.options["attributionControl"] = True
        _add_attribution(m, attribution)
    if scale:
        _Script("L.control.scale({imperial: false}).addTo(%(map)s);").add_to(m)
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]], padding_top_left=(8, 8),
                 padding_bottom_right=(max(8, int(legend_space)), 8))
    return m


def _Script(js: str):  # noqa: N802 - reads like a class
    """A MacroElement running ``js`` with ``%(map)s`` replaced by the parent map's variable name."""
    from branca.element import MacroElement
    from jinja2 import Template

    class _JS(MacroElement):
        _template = Template("{% macro script(this, kwargs) %}{{ this.code(this._parent.get_name()) }}"
                             "{% endmacro %}")

        def __init__(self):
            super().__init__()
            self._name = "Script"

        def code(self, name):
            return js % {"map": name}

    return _JS()


def _add_attribution(m, text: str) -> None:
    from branca.element import MacroElement
    from jinja2 import Template

    from sozialraum.maps.escape import script_json
    from sozialraum.maps.escape import text as escaped

    class _Attribution(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});"
            "{% endmacro %}"
        )

        def __init__(self, text):
            super().__init__()
            self._name = "Attribution"
            self.text = script_json(escaped(text))  # data source names are user input: shown as text

    _Attribution(text).add_to(m)
