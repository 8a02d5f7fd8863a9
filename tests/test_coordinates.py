"""Coordinates: a decimal point in degrees is a decimal point; swapped axes and out-of-range values are refused
with file, row, column and value."""

import json

import pytest

from sozialraum.errors import InputError
from sozialraum.io.points import read_points
from sozialraum.io.shapes import read_areas


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _lonlat(gdf):
    ll = gdf.to_crs(4326)
    return list(zip(ll.geometry.x.round(6), ll.geometry.y.round(6)))


def test_three_decimals_in_degrees_are_decimals_not_thousands(tmp_path):
    # a semicolon file (German mode) whose lon has exactly three decimals: 13.305 must not become 13305
    p = _write(tmp_path, "orte.csv", "name;lon;lat\nA;13.305;52.521\nB;13,4;52,5\n")
    gdf = read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, columns={"name": "name"})
    assert _lonlat(gdf) == [(13.305, 52.521), (13.4, 52.5)]


def test_metre_coordinates_keep_the_german_number_format(tmp_path):
    p = _write(tmp_path, "orte.csv", "name;x;y\nA;390.000,5;5.818.000\n")
    gdf = read_points(p, table="providers", target_epsg=25833, x="x", y="y", crs=25833, columns={"name": "name"})
    assert (gdf.geometry.x.iloc[0], gdf.geometry.y.iloc[0]) == (390000.5, 5818000.0)


def test_swapped_lat_lon_in_points_is_refused_with_row_and_values(tmp_path):
    p = _write(tmp_path, "orte.csv", "name,lon,lat\nA,13.4,52.5\nB,52.51,13.39\n")
    with pytest.raises(InputError) as exc:
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, columns={"name": "name"})
    text = str(exc.value)
    assert "orte.csv, Zeile 3, Spalte 'lon/lat': Achsen vertauscht? Länge = 52,51, Breite = 13,39" in text
    assert "Zeile 2" not in text


def test_swapped_metric_axes_are_refused(tmp_path):
    p = _write(tmp_path, "orte.csv", "name,x,y\nA,5818000,390000\n")
    with pytest.raises(InputError, match="Zeile 2.*Achsen vertauscht\\? x = 5.818.000, y = 390.000"):
        read_points(p, table="providers", target_epsg=25833, x="x", y="y", crs=25833, columns={"name": "name"})


def test_swapped_axes_checked_against_the_store_extent(tmp_path):
    # Munich in a Berlin store: outside the store, but not swapped -> left to the inside-level check
    p = _write(tmp_path, "orte.csv", "name,lon,lat\nA,11.57,48.14\nB,52.5,13.4\n")
    berlin = (13.08, 52.33, 13.77, 52.68)
    with pytest.raises(InputError) as exc:
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, columns={"name": "name"},
                    extent=berlin)
    assert "Zeile 3" in str(exc.value) and "im Gebiet der Datenbank" in str(exc.value)
    assert "Zeile 2" not in str(exc.value)


def test_out_of_range_degrees_name_row_column_value(tmp_path):
    p = _write(tmp_path, "orte.csv", "name,lon,lat\nA,13.4,52.5\nB,13.4,152.5\n")
    with pytest.raises(InputError, match="orte.csv, Zeile 3, Spalte 'lat': Breite 152,5 liegt außerhalb"):
        read_points(p, table="providers", target_epsg=25833, x="lon", y="lat", crs=4326, columns={"name": "name"})


def test_swapped_axes_in_an_area_file_are_refused(tmp_path):
    square = [[52.50, 13.40], [52.50, 13.41], [52.51, 13.41], [52.51, 13.40], [52.50, 13.40]]  # lat, lon
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "01", "name": "A"},
         "geometry": {"type": "Polygon", "coordinates": [square]}}]}
    p = _write(tmp_path, "gebiete.geojson", json.dumps(doc))
    with pytest.raises(InputError, match="gebiete.geojson, Zeile 1: Achsen vertauscht\\? Länge = 52,5"):
        read_areas(p, key="id", name="name", target_epsg=25833)
    # the same square the right way round is read
    doc["features"][0]["geometry"]["coordinates"] = [[[b, a] for a, b in square]]
    p.write_text(json.dumps(doc), encoding="utf-8")
    assert len(read_areas(p, key="id", name="name", target_epsg=25833).gdf) == 1
