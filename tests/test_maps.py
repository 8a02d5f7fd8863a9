"""Map builders on the 3×3 grid: local assets only, one feature per area with its key, classes and reasons."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from sozialraum.analysis.classify import Classification, classify
from sozialraum.maps import assets
from sozialraum.maps.base import BASEMAPS, base_map, basemap_attribution
from sozialraum.maps.choropleth import (COLD_COLOUR, HOT_COLOUR, MISSING_FILL, SUPPRESSED_FILL, UNSCORED_FILL,
                                        choropleth, class_colours, hotspot_kind)
from sozialraum.testing import grid_areas


@pytest.fixture(scope="module")
def cells():
    gdf = grid_areas()
    return gdf[gdf["level"] == "zelle"].to_crs(4326).reset_index(drop=True)


def three_classes() -> Classification:
    # upper bounds 2, 5, 8: values 0..2 → class 0, 3..5 → 1, 6..8 → 2
    return Classification((2.0, 5.0, 8.0), ("bis 2", "über 2 bis 5", "über 5 bis 8"), "manual", 3)


def geojson_layers(m):
    import folium

    return [e for e in assets.iter_elements(m) if isinstance(e, folium.GeoJson)]


def area_layer(m):
    return next(layer for layer in geojson_layers(m) if layer.layer_name == "Gebiete")


def area_styles(m) -> list[dict]:
    layer = area_layer(m)
    return [layer.style_function(f) for f in layer.data["features"]]


def test_leaflet_is_vendored():
    for name in ("leaflet.js", "leaflet.css", "images/layers.png"):
        assert assets.leaflet_file(name).stat().st_size > 0
    assert "1.9.3" in (assets.LEAFLET_DIR / "VERSION").read_text()


def test_base_map_loads_only_local_files():
    m = base_map((13.3, 52.4, 13.5, 52.6))
    assert assets.external_links(m) == []
    assert m.default_js == [("leaflet", "/app/static/vendor/leaflet/leaflet.js")]
    assert m.default_css == [("leaflet_css", "/app/static/vendor/leaflet/leaflet.css")]
    # behind a proxy path the URLs follow server.baseUrlPath
    assert assets.static_url("/sozial/") == "/sozial/app/static/vendor/leaflet"


def test_folium_defaults_would_be_external():
    import folium

    # the reason this module exists: plain folium pulls jQuery, Bootstrap etc. from CDNs
    found = assets.external_links(folium.Map(tiles=None))
    assert any("jquery" in u for u in found)
    with pytest.raises(assets.AssetError):
        assets.assert_local(folium.Map(tiles=None))


@pytest.mark.parametrize("basemap", list(BASEMAPS))
def test_basemaps(basemap):
    html = base_map((13.3, 52.4, 13.5, 52.6), basemap).get_root().render()
    if basemap == "none":
        assert "tileLayer" not in html
    else:
        assert BASEMAPS[basemap].url.split("{")[0] in html
        assert json.dumps(basemap_attribution(basemap)) in html
    assert basemap_attribution("basemapde").startswith("© GeoBasis-DE / BKG")
    assert "OpenStreetMap contributors" in basemap_attribution("osm")


def test_unknown_basemap_is_refused():
    with pytest.raises(ValueError, match="Hintergrundkarte"):
        base_map((0, 0, 1, 1), "google")


def test_standalone_html_inlines_leaflet_and_loads_nothing(cells):
    m = choropleth(cells, np.arange(9.0), three_classes())
    html = assets.standalone_html(m)
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert "L.GeoJSON" in html or "L.geoJson" in html
    assert "url(data:image/png;base64," in html  # leaflet.css images inlined
    for area_key in cells["area_key"]:
        assert f'"area_key":"{area_key}"' in html
    # the map object itself still points at the served files afterwards
    assert m.default_js[0][1].startswith("/app/static/")


def test_every_area_is_one_feature_with_its_key(cells):
    m = choropleth(cells, np.arange(9.0), three_classes(), tooltip_fields={"Wert": [str(i) for i in range(9)]})
    features = area_layer(m).data["features"]
    assert [f["properties"]["area_key"] for f in features] == list(cells["area_key"])
    assert {f["properties"]["t0"] for f in features} == {str(i) for i in range(9)}
    assert assets.external_links(m) == []


def test_fill_follows_the_classes(cells):
    classification = three_classes()
    m = choropleth(cells, np.arange(9.0), classification)
    colours = class_colours(3)
    fills = [style["fillColor"] for style in area_styles(m)]
    assert fills == [colours[0]] * 3 + [colours[1]] * 3 + [colours[2]] * 3


def test_suppressed_unscored_and_missing_are_distinct_with_reason(cells):
    values = np.arange(9.0)
    values[8] = np.nan
    suppressed = np.zeros(9, bool)
    suppressed[4] = True
    unscored = np.zeros(9, bool)
    unscored[0] = True
    m = choropleth(cells, values, three_classes(), suppressed_mask=suppressed, unscored_mask=unscored,
                   title="SGB-II-Quote (%)")
    props = [f["properties"] for f in area_layer(m).data["features"]]
    fills = [style["fillColor"] for style in area_styles(m)]
    assert fills[4] == SUPPRESSED_FILL and "Geheimhaltung" in props[4]["hinweis"]
    assert fills[0] == UNSCORED_FILL and "nicht bewertet" in props[0]["hinweis"]
    assert area_styles(m)[0]["dashArray"] == "4 3"
    assert fills[8] == MISSING_FILL and props[8]["hinweis"] == "keine Angabe"
    assert props[1]["hinweis"] == ""
    html = m.get_root().render()
    assert "gesperrt (Geheimhaltung)" in html and "nicht bewertet" in html and "sr-hatch" in html


def test_suppressed_value_never_reaches_the_map(cells):
    # even if a caller passes the raw value, a suppressed area carries no class colour and no number
    values = np.arange(9.0) + 0.5
    suppressed = np.zeros(9, bool)
    suppressed[3] = True
    m = choropleth(cells, values, three_classes(), suppressed_mask=suppressed)
    props = area_layer(m).data["features"][3]["properties"]
    assert area_styles(m)[3]["fillColor"] == SUPPRESSED_FILL
    assert "3.5" not in json.dumps(props) and "3,5" not in json.dumps(props)


def test_legend_uses_the_german_class_labels(cells):
    values = np.array([1.5, 2.5, 10.0, 12.25, 20.0, 30.0, 1000.5, 2000.0, 3.0])
    classification = classify(values, "quantiles", 3, unit=" %")
    html = choropleth(cells, values, classification, title="Kinderarmut").get_root().render()
    for label in classification.labels:
        assert label in json.loads(json.dumps(html)) or label.replace("–", "\\u2013") in html
    assert any("," in label for label in classification.labels)  # decimal comma


def test_hotspots_are_outlined(cells):
    labels = ["Hot Spot (99 %)"] + ["nicht signifikant"] * 7 + ["Cold Spot (95 %)"]
    m = choropleth(cells, np.arange(9.0), three_classes(), hotspot_labels=labels)
    styles = area_styles(m)
    assert styles[0]["color"] == HOT_COLOUR and styles[0]["weight"] > 2
    assert styles[8]["color"] == COLD_COLOUR and styles[1]["weight"] < 1
    assert area_layer(m).data["features"][0]["properties"]["hotspot"] == "Hot Spot (99 %)"
    assert HOT_COLOUR in m.get_root().render()
    assert hotspot_kind("High-High") == "hot" and hotspot_kind("niedrig-niedrig") == "cold"
    assert hotspot_kind(None) is None


def test_selected_area_is_outlined_and_empty_tooltip_fields_are_dropped(cells):
    m = choropleth(cells, np.arange(9.0), three_classes(), selected="r1c1",
                   tooltip_fields={"Wert": [str(i) for i in range(9)], "Zähler / Nenner": ["–"] * 9})
    styles = area_styles(m)
    assert styles[4]["weight"] > styles[0]["weight"] and styles[4]["color"] == "#000000"
    props = area_layer(m).data["features"][0]["properties"]
    assert "t0" in props and "t1" not in props


def test_coordinates_are_rounded_for_a_small_payload(cells):
    m = choropleth(cells, np.arange(9.0), three_classes())
    coords = json.dumps(area_layer(m).data)
    decimals = [len(x.split(".")[1]) for x in re.findall(r"-?\d+\.\d+", coords)]
    assert max(decimals) <= 4
    # neighbours still share their edge exactly: r0c0's right side is r0c1's left side
    import shapely

    geoms = [shapely.geometry.shape(f["geometry"]) for f in area_layer(m).data["features"]]
    assert geoms[0].intersection(geoms[1]).length > 0 and geoms[0].intersection(geoms[1]).area == 0


def test_wrong_crs_and_misaligned_values_are_refused(cells):
    with pytest.raises(ValueError, match="EPSG:4326"):
        choropleth(cells.to_crs(25832), np.arange(9.0), three_classes())
    with pytest.raises(ValueError, match="Werte"):
        choropleth(cells, np.arange(8.0), three_classes())


def test_providers_are_circle_markers_without_icons(cells):
    centre = cells.geometry.iloc[0].representative_point()
    providers = pd.DataFrame({"lon": [centre.x], "lat": [centre.y],
                              "service_type": ["kita"], "name": ["Kita Sonnenschein"], "traeger": ["AWO"]})
    m = choropleth(cells, np.arange(9.0), three_classes(), providers=providers)
    html = m.get_root().render()
    assert "L.CircleMarker" in html and "Kita Sonnenschein" in html
    assert "L.marker(" not in html and "AwesomeMarkers" not in html
    assert assets.external_links(m) == []


def test_class_colours_spread_over_the_palette():
    assert class_colours(2) == ["#ffffcc", "#800026"]
    assert len(set(class_colours(9))) == 9
    assert class_colours(3, reverse=True) == class_colours(3)[::-1]
    assert class_colours(4, "kontrast")[0] != class_colours(4)[0]


def test_provider_types_appear_in_the_legend(cells):
    centre = cells.geometry.iloc[4].representative_point()
    providers = pd.DataFrame({"lon": [centre.x] * 2, "lat": [centre.y] * 2, "service_type": ["suchtberatung", "kita"],
                              "name": ["A", "B"], "traeger": [None, "Caritas"]})
    html = choropleth(cells, np.arange(9.0), three_classes(), providers=providers).get_root().render()
    legend = html[html.index("sr-legend"):]
    kita, sucht = legend.index("Kindertagesbetreuung"), legend.index("Suchtberatung")
    assert kita < sucht  # registry order, not input order
