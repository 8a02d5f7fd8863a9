"""Points: CSV with lon/lat or x/y + CRS, GeoJSON with a legacy crs member, filters and hostile input."""

import json

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from sozialraum.errors import InputError
from sozialraum.io.points import read_points, within_areas


def _csv(tmp_path, text, name="p.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_without_crs_is_an_error(tmp_path):
    p = _csv(tmp_path, "name;x;y\nA;1;2\n")
    with pytest.raises(InputError, match="Koordinatensystem"):
        read_points(p, table="providers", target_epsg=25833, x="x", y="y", columns={"name": "name"})


def test_lonlat_swapped_or_metres_detected(tmp_path):
    p = _csv(tmp_path, "name,x,y\nA,390000,5818000\n")
    with pytest.raises(InputError, match="Zeile 2, Spalte 'x': Länge 390.000 liegt außerhalb von −180…180 Grad"):
        read_points(p, table="providers", target_epsg=25833, x="x", y="y", crs=4326, columns={"name": "name"})


def test_missing_coordinate_and_name_named(tmp_path):
    p = _csv(tmp_path, "name;lon;lat\nA;13,4;52,5\nB;;52,5\n")
    with pytest.raises(InputError, match="Zeile 3.*Koordinate fehlt"):
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, columns={"name": "name"})
    p = _csv(tmp_path, "name;lon;lat\nA;13,4;52,5\n;13,4;52,5\n", name="q.csv")
    with pytest.raises(InputError, match="Zeile 3.*Name fehlt"):
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, columns={"name": "name"})
    gdf = read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326,
                      columns={"name": "name"}, unnamed="Ohne Namen")
    assert gdf["name"].tolist() == ["A", "Ohne Namen"]


def test_duplicate_ids_and_unknown_field(tmp_path):
    p = _csv(tmp_path, "id,name,lon,lat\n7,A,13.4,52.5\n8,B,13.4,52.5\n7,C,13.4,52.5\n")
    with pytest.raises(InputError, match=r"'7' kommt mehrfach vor \(Zeilen 2, 4\)"):
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, id="id",
                    columns={"name": "name"})
    with pytest.raises(InputError, match="Unbekannte Felder.*farbe"):
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326,
                    columns={"name": "name", "farbe": "id"})


def test_geojson_with_crs_member_filter_and_classify(tmp_path):
    feats = [{"type": "Feature", "properties": {"n": n, "kind": k},
              "geometry": {"type": "Point", "coordinates": [390000 + i * 100, 5818000]}}
             for i, (n, k) in enumerate([("Jobcenter Mitte", "a"), ("Agentur für Arbeit", "a"),
                                         ("Bäckerei", "a"), ("Jobcenter Nord", "b")])]
    p = tmp_path / "o.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                             "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}}))
    gdf = read_points(p, table="jobcenter_sites", target_epsg=25833, columns={"name": "n"},
                      filters={"kind": "a"}, name_pattern="jobcenter|agentur f(ü|ue)r arbeit",
                      classify={"site_type": [["agentur", "agentur"], [".", "geschaeftsstelle"]]})
    assert gdf["name"].tolist() == ["Jobcenter Mitte", "Agentur für Arbeit"]
    assert gdf["site_type"].tolist() == ["geschaeftsstelle", "agentur"]
    assert gdf["site_id"].tolist() == ["1", "2"]  # feature numbers when there is no id column
    assert gdf.geometry.x.tolist() == [390000, 390100]


def test_address_joined_and_capacity_parsed(tmp_path):
    p = _csv(tmp_path, "name;str;plz;pl;lon;lat\nKita;Hauptstr. 1;10115;1.200;13,4;52,5\n")
    gdf = read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs="EPSG:4326",
                      columns={"name": "name", "address": ["str", "plz"], "capacity": "pl"})
    assert gdf["address"].iloc[0] == "Hauptstr. 1, 10115"
    assert gdf["capacity"].iloc[0] == 1200
    assert gdf.crs.to_epsg() == 25833


def test_within_areas_on_two_squares():
    areas = gpd.GeoDataFrame({"area_key": ["a", "b"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)],
                             crs=25833)
    pts = gpd.GeoDataFrame(geometry=[Point(5, 5), Point(15, 5), Point(25, 5)], crs=25833)
    assert within_areas(pts, areas).tolist() == ["a", "b", None]
