"""folium map builders on locally served Leaflet (no CDN). folium is imported inside the functions."""

from sozialraum.maps.assets import assert_local, external_links, standalone_html, use_local_assets
from sozialraum.maps.base import BASEMAPS, base_map, basemap_attribution
from sozialraum.maps.choropleth import PALETTES, choropleth, class_colours

__all__ = ["assert_local", "external_links", "standalone_html", "use_local_assets", "BASEMAPS", "base_map",
           "basemap_attribution", "PALETTES", "choropleth", "class_colours"]
