"""The street network of a store: build from an OSM file written here (a tiny town with a river and one bridge),
recorded as a source with its licence, picked by model_from_settings, cached matrices, the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sozialraum.access.travel import NetworkModel, WalkingModel, model_from_settings
from sozialraum.errors import InputError

LON0, LAT0 = 9.30, 50.50  # somewhere in the demo's UTM zone 32
DX, DY = 0.0014, 0.0009  # ~100 m


def _town_osm(path, lat0=LAT0):
    """A 6 × 6 street grid (100 m blocks); a river between rows 2 and 3 that only column 0 crosses (a bridge)."""
    from sozialraum.io.osm_write import OsmNodes, OsmWay, write_osm

    nid = lambda i, j: 1000 + i * 10 + j  # noqa: E731
    cells = [(i, j) for i in range(6) for j in range(6)]
    nodes = OsmNodes(np.array([nid(i, j) for i, j in cells]), np.array([LON0 + j * DX for i, j in cells]),
                     np.array([lat0 + i * DY for i, j in cells]))
    ways, wid = [], 1
    for i in range(6):  # east-west residential streets
        ways.append(OsmWay(wid, tuple(nid(i, j) for j in range(6)), {"highway": "residential"}))
        wid += 1
    for j in range(6):  # north-south streets, cut at the river except the bridge in column 0
        for i in range(5):
            if i == 2 and j != 0:
                continue
            tags = {"highway": "residential", **({"bridge": "yes"} if i == 2 else {})}
            ways.append(OsmWay(wid, (nid(i, j), nid(i + 1, j)), tags))
            wid += 1
    return write_osm(path, nodes, ways)


def _store(db):
    """A store file with one area covering the town (EPSG:25832)."""
    import geopandas as gpd
    from shapely.geometry import box

    from sozialraum.store import Batch, SourceInfo, connect, replace_source

    con = connect(db)
    poly = gpd.GeoSeries([box(LON0, LAT0, LON0 + 5 * DX, LAT0 + 5 * DY)], crs=4326).to_crs(25832)
    areas = gpd.GeoDataFrame({"level": ["ort"], "area_key": ["1"], "name": ["Ort"], "parent_key": [None]},
                             geometry=poly.values, crs=25832)
    levels = pd.DataFrame({"level": ["ort"], "label": ["Ort"], "hierarchy": ["test"], "rank": [0],
                           "parent_level": [None]})
    replace_source(con, SourceInfo("test", "Test", fictional=True), Batch(levels=levels, areas=areas))
    return con


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """The town's store with its network built beside it (walk and car)."""
    from sozialraum.network import build_network

    folder = tmp_path_factory.mktemp("town")
    osm = _town_osm(folder / "town.osm.pbf")
    con = _store(folder / "town.duckdb")
    info = build_network(osm, con=con, margin_m=300, modes=("walk", "car"))
    yield con, info, folder
    con.close()


def _xy(lonlat):
    from pyproj import Transformer

    t = Transformer.from_crs(4326, 25832, always_xy=True)
    x, y = t.transform(np.asarray(lonlat)[:, 0], np.asarray(lonlat)[:, 1])
    return np.c_[x, y]


def test_network_is_a_source_with_licence_and_beside_the_database(town):
    from sozialraum.network import store_network_dir

    con, info, folder = town
    row = con.execute("SELECT title, licence, attribution, files FROM sources WHERE source_id = 'osm_netz'").fetchone()
    assert row[1].startswith("ODbL") and row[2] == "© OpenStreetMap-Mitwirkende" and row[3] == "town.osm.pbf"
    assert info.path == folder / "town.network" and store_network_dir(con) == info.path
    assert info.epsg == 25832 and set(info.modes) == {"walk", "car"}
    assert info.box[0] < LON0 < LON0 + 5 * DX < info.box[2]  # clipped to the area plus the margin


def test_model_from_settings_picks_the_network_or_luftlinie(town):
    con, info, _ = town
    assert isinstance(model_from_settings({"travel_mode": "walk"}, network_dir=info.path), NetworkModel)
    assert isinstance(model_from_settings({"travel_mode": "walk"}), WalkingModel)  # no network: Luftlinie
    luft = model_from_settings({"travel_mode": "luftlinie"}, network_dir=info.path)
    assert isinstance(luft, WalkingModel) and luft.label.startswith("Luftlinie")
    bike = model_from_settings({"travel_mode": "bike", "cycling_speed_kmh": 12.0}, network_dir=info.path)
    assert isinstance(bike, WalkingModel) and bike.speed_kmh == 12.0  # no bike network built: Luftlinie at 12 km/h
    car = model_from_settings({"travel_mode": "car"}, network_dir=info.path)
    assert isinstance(car, NetworkModel) and car.label == "Straßennetz (Auto)" and car.radius_m(15) is None


def test_the_river_makes_a_detour_that_the_straight_line_does_not_see(town):
    _, info, _ = town
    model = NetworkModel(info.path, "walk", speed_kmh=4.5, access_kmh=4.5)
    # row 2 and row 3 of column 5: 100 m apart across the river; the only bridge is in column 0 (500 m west)
    a = _xy([[LON0 + 5 * DX, LAT0 + 2 * DY]])
    b = _xy([[LON0 + 5 * DX, LAT0 + 3 * DY]])
    m = model.minutes(a, b, 60.0).toarray()[0, 0]
    assert 1_100 / 75 - 0.5 < m < 1_100 / 75 + 1.0  # 500 m west, 100 m over the bridge, 500 m back east
    straight = WalkingModel(1.3, 4.5).minutes(a, b, 60.0).toarray()[0, 0]
    assert straight < 2.0 < m
    assert model.minutes(a, b, 10.0).nnz == 0  # not within 10 minutes on the network


def test_cached_matrix_is_reused_and_filtered(town):
    _, info, _ = town
    pts = _xy([[LON0 + j * DX, LAT0 + i * DY] for i in range(6) for j in range(6)])
    model = NetworkModel(info.path, "walk")
    big = model.minutes(pts, pts[::5], 20.0)
    files = sorted((info.path / "matrices").glob("*.npz"))
    small = NetworkModel(info.path, "walk").minutes(pts, pts[::5], 5.0)
    assert sorted((info.path / "matrices").glob("*.npz")) == files  # served from the 20-minute matrix
    expect = big.multiply(big <= 5.0).tocsr()
    assert small.nnz == expect.nnz and abs(small - expect).max() < 1e-12


def test_build_refuses_bad_inputs(town, tmp_path):
    from sozialraum.network import build_network

    con, _, _ = town
    with pytest.raises(InputError, match="GTFS"):
        build_network(tmp_path / "x.osm", tmp_path / "feed.zip", out_dir=tmp_path)
    with pytest.raises(InputError, match="nicht gefunden"):
        build_network(tmp_path / "missing.osm.pbf", out_dir=tmp_path)
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(InputError, match="OpenStreetMap"):
        build_network(tmp_path / "x.csv", out_dir=tmp_path)
    far = _town_osm(tmp_path / "far.osm.pbf", lat0=53.0)
    with pytest.raises(InputError, match="keine Straßen"):
        build_network(far, con=con, out_dir=tmp_path / "net")


def test_cli_travel_matrix(town, tmp_path):
    from sozialraum.cli import cli

    _, _, folder = town
    (tmp_path / "a.csv").write_text(f"id,lon,lat\nsued,{LON0 + 5 * DX},{LAT0 + 2 * DY}\n"
                                    f"west,{LON0},{LAT0 + 2 * DY}\n")
    (tmp_path / "b.csv").write_text(f"id,lon,lat\nnord,{LON0 + 5 * DX},{LAT0 + 3 * DY}\n")
    res = CliRunner().invoke(cli, ["travel-matrix", "--osm", str(folder / "town.osm.pbf"), "--mode", "walk",
                                   "--from", str(tmp_path / "a.csv"), "--to", str(tmp_path / "b.csv"),
                                   "--budget", "12", "--out", str(tmp_path / "m.csv")])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "m.csv", dtype={"from_id": str, "to_id": str})
    # west → nord: 100 m over the bridge + 500 m east ≈ 8 min; sued → nord ≈ 14.7 min is beyond 12 minutes
    assert out[["from_id", "to_id"]].values.tolist() == [["west", "nord"]]
    assert 7.5 < out["minutes"].iloc[0] < 9.5


def test_cli_travel_matrix_hostile_csv(town, tmp_path):
    from sozialraum.cli import main

    _, _, folder = town
    (tmp_path / "a.csv").write_text("id,lon,lat\n1,9.3,abc\n1,200,50.5\n")
    (tmp_path / "b.csv").write_text("name,x\n")
    code = main(["travel-matrix", "--osm", str(folder / "town.osm.pbf"), "--from", str(tmp_path / "a.csv"),
                 "--to", str(tmp_path / "b.csv"), "--budget", "10", "--out", str(tmp_path / "m.csv")])
    assert code == 2 and not (tmp_path / "m.csv").exists()


def test_cli_network_build(tmp_path):
    from sozialraum.cli import main
    from sozialraum.network import read_info

    osm = _town_osm(tmp_path / "ort.osm.pbf")
    _store(tmp_path / "ort.duckdb").close()
    assert main(["network", "build", "--db", str(tmp_path / "ort.duckdb"), "--osm", str(osm), "--mode", "bike"]) == 0
    info = read_info(tmp_path / "ort.network")
    assert info.modes == ("bike",) and info.epsg == 25832
    assert main(["network", "build", "--db", str(tmp_path / "nix.duckdb"), "--osm", str(osm)]) != 0


def test_catchment_polygons_are_the_reached_grid_cells():
    from scipy import sparse

    from sozialraum.network.catchments import catchment_polygons

    xy = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [0.0, 300.0]])
    # target 0 reached from the three points in a row, target 1 from the lonely point, target 2 from none
    reach = sparse.csr_matrix(([1.0, 2.0, 3.0, 4.0], ([0, 1, 2, 3], [0, 0, 0, 1])), shape=(4, 3))
    polys = catchment_polygons(reach, xy, 100.0)
    assert polys[2] is None
    assert polys[0].geom_type == "Polygon" and abs(polys[0].area - 3 * 100 * 100) < 200  # one merged strip
    assert abs(polys[1].area - 100 * 100) < 100 and polys[1].contains(
        __import__("shapely").geometry.Point(0, 300))
    assert not polys[0].intersects(polys[1])


def test_profile_nearby_uses_the_network(town):
    from sozialraum.profile import nearest_by_type

    _, info, _ = town
    here = _xy([[LON0 + 5 * DX, LAT0 + 2 * DY]])[0]
    there = _xy([[LON0 + 5 * DX, LAT0 + 3 * DY], [LON0 + 3 * DX, LAT0 + 1 * DY]])
    prov = pd.DataFrame({"service_type": ["kita", "kita"], "name": ["über den Fluss", "diesseits"],
                         "x": there[:, 0], "y": there[:, 1]})
    straight = nearest_by_type(here[0], here[1], prov, detour=1.3, speed_kmh=4.5, budget_min=10)
    net = nearest_by_type(here[0], here[1], prov, detour=1.3, speed_kmh=4.5, budget_min=10,
                          travel=NetworkModel(info.path, "walk"))
    assert straight["Nächstes Angebot"].iloc[0] == "über den Fluss"  # 100 m as the crow flies
    assert net["Nächstes Angebot"].iloc[0] == "diesseits"  # 300 m on streets beat 1.1 km via the bridge
    assert net["Anzahl_im_Zeitbudget"].iloc[0] == 1 and straight["Anzahl_im_Zeitbudget"].iloc[0] == 2
