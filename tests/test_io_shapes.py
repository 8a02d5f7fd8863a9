"""Area shapes: formats, CRS handling, repair of broken polygons, rejected keys — on tiny hand-made files."""

import json
import zipfile

import pytest
from shapely.geometry import box

from sozialraum.errors import InputError
from sozialraum.io.shapes import read_areas

# two 1 km squares in EPSG:25833 (Berlin)
X0, Y0 = 390_000.0, 5_818_000.0
SQUARES = [box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)]


def _feature(key, name, coords, **props):
    return {"type": "Feature", "properties": {"KEY": key, "NAME": name, **props},
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


def _square_coords(g):
    return [list(c) for c in g.exterior.coords]


def _geojson(tmp_path, features, crs_member=True, name="a.geojson"):
    doc = {"type": "FeatureCollection", "features": features}
    if crs_member:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}
    p = tmp_path / name
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def _gdf(keys=("01", "02"), epsg=25833):
    import geopandas as gpd

    return gpd.GeoDataFrame({"KEY": list(keys), "NAME": ["Nord", "Süd"][:len(keys)]},
                            geometry=SQUARES[:len(keys)], crs=f"EPSG:{epsg}")


def test_geojson_with_legacy_crs_member_reprojected(tmp_path):
    p = _geojson(tmp_path, [_feature("0101", "A", _square_coords(SQUARES[0])),
                            _feature("0102", "B", _square_coords(SQUARES[1]))])
    read = read_areas(p, key="KEY", name="NAME", target_epsg=25832, parent_slice=[0, 2])
    assert read.gdf.crs.to_epsg() == 25832
    assert read.gdf["area_key"].tolist() == ["0101", "0102"]
    assert read.gdf["parent_key"].tolist() == ["01", "01"]
    # reprojection keeps the area of a 1 km square within a fraction of a percent
    assert read.gdf.area.iloc[0] == pytest.approx(1e6, rel=2e-3)
    assert read.repaired == ()


def test_metre_coordinates_without_crs_member_rejected(tmp_path):
    p = _geojson(tmp_path, [_feature("0101", "A", _square_coords(SQUARES[0]))], crs_member=False)
    with pytest.raises(InputError, match="keine Längen-/Breitengrade"):
        read_areas(p, key="KEY", name="NAME", target_epsg=25833)


def test_wgs84_geojson_read(tmp_path):
    p = tmp_path / "w.geojson"
    _gdf().to_crs(4326).to_file(p, driver="GeoJSON")
    read = read_areas(p, key="KEY", name="NAME", target_epsg=25833)
    assert read.gdf.area.sum() == pytest.approx(2e6, rel=1e-6)


def test_geopackage_and_shapefile(tmp_path):
    gpkg = tmp_path / "a.gpkg"
    _gdf(epsg=31467).to_file(gpkg, driver="GPKG", layer="gebiete")
    read = read_areas(gpkg, key="KEY", name="NAME", target_epsg=25833, layer="gebiete")
    assert read.gdf.crs.to_epsg() == 25833 and len(read.gdf) == 2
    shp = tmp_path / "a.shp"
    _gdf().to_file(shp)
    read = read_areas(shp, key="KEY", name="NAME", target_epsg=25833)
    assert read.gdf["name"].tolist() == ["Nord", "Süd"]
    assert read.gdf.area.sum() == pytest.approx(2e6)


def test_zipped_shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _gdf(keys=("001", "002")).to_file(folder / "gebiete.shp")
    z = tmp_path / "gebiete.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"daten/{f.name}")
    read = read_areas(z, key="KEY", name="NAME", target_epsg=25833)
    assert read.gdf["area_key"].tolist() == ["001", "002"]


def test_shapefile_without_prj_is_an_error(tmp_path):
    shp = tmp_path / "a.shp"
    _gdf().to_file(shp)
    (tmp_path / "a.prj").unlink()
    with pytest.raises(InputError, match="Kein Koordinatenbezugssystem"):
        read_areas(shp, key="KEY", name="NAME", target_epsg=25833)


def test_bow_tie_repaired_and_reported(tmp_path):
    bow = [[X0, Y0], [X0 + 1000, Y0 + 1000], [X0 + 1000, Y0], [X0, Y0 + 1000], [X0, Y0]]
    p = _geojson(tmp_path, [_feature("0101", "Schleife", bow),
                            _feature("0102", "B", _square_coords(SQUARES[1]))])
    read = read_areas(p, key="KEY", name="NAME", target_epsg=25833)
    assert read.repaired == ("0101",)
    g = read.gdf.geometry.iloc[0]
    assert g.is_valid and g.area == pytest.approx(500_000)  # two triangles of a quarter square each
    assert "0101" in " ".join(read.notes())


def test_duplicate_keys_named_with_rows(tmp_path):
    p = _geojson(tmp_path, [_feature("0101", "A", _square_coords(SQUARES[0])),
                            _feature("0102", "B", _square_coords(SQUARES[1])),
                            _feature("0101", "C", _square_coords(SQUARES[1]))])
    with pytest.raises(InputError, match=r"'0101' kommt mehrfach vor \(Zeilen 1, 3\)"):
        read_areas(p, key="KEY", name="NAME", target_epsg=25833)


def test_empty_geometry_and_missing_names_rejected(tmp_path):
    feats = [_feature("0101", "A", _square_coords(SQUARES[0])), _feature("0102", "", _square_coords(SQUARES[1]))]
    with pytest.raises(InputError, match="Name fehlt für Gebiet '0102'"):
        read_areas(_geojson(tmp_path, feats), key="KEY", name="NAME", target_epsg=25833)
    feats = [_feature("0101", "A", _square_coords(SQUARES[0])),
             {"type": "Feature", "properties": {"KEY": "0102", "NAME": "B"}, "geometry": None}]
    with pytest.raises(InputError, match="'0102': Geometrie fehlt"):
        read_areas(_geojson(tmp_path, feats, name="b.geojson"), key="KEY", name="NAME", target_epsg=25833)


def test_missing_key_column_lists_available(tmp_path):
    p = _geojson(tmp_path, [_feature("0101", "A", _square_coords(SQUARES[0]))])
    with pytest.raises(InputError, match=r"Spalte 'PLR_ID'.*vorhanden: KEY, NAME"):
        read_areas(p, key="PLR_ID", name="NAME", target_epsg=25833)


def test_geographic_target_rejected(tmp_path):
    p = _geojson(tmp_path, [_feature("0101", "A", _square_coords(SQUARES[0]))])
    with pytest.raises(InputError, match="nicht metrisch"):
        read_areas(p, key="KEY", name="NAME", target_epsg=4326)


def test_key_slice_and_parent_replace(tmp_path):
    p = _geojson(tmp_path, [_feature("11000001", "A", _square_coords(SQUARES[0]), P="16056"),
                            _feature("11000002", "B", _square_coords(SQUARES[1]), P="16063")])
    read = read_areas(p, key="KEY", name="NAME", target_epsg=25833, key_slice=[-2], parent="P",
                      parent_replace={"16056": "16063"})
    assert read.gdf["area_key"].tolist() == ["01", "02"]
    assert read.gdf["parent_key"].tolist() == ["16063", "16063"]
    assert read.replaced_parents == {"01": ("16056", "16063")}
