"""Reach polygons (isochrones) on a tiny town checked by hand: a 6 × 6 street grid of 100 m blocks with a river
between rows 2 and 3 that only column 0 crosses (``test_network_store._town_osm``), walking at 4.5 km/h
(75 m per minute)."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point

from sozialraum.access.isochrone import (
    cells_polygon,
    isochrones,
    probe_grid,
    reach_bound_m,
)
from sozialraum.access.travel import NetworkModel, WalkingModel


def test_probe_grid_and_cells_by_hand():
    pts = probe_grid([[0.0, 0.0]], 100.0, 100.0)
    # multiples of 100 m within 100 m of the origin: the centre and its four neighbours
    assert sorted(map(tuple, pts.tolist())) == [(-100.0, 0.0), (0.0, -100.0), (0.0, 0.0), (0.0, 100.0), (100.0, 0.0)]
    cross = cells_polygon(pts, 100.0)
    assert cross.geom_type == "Polygon" and cross.area == pytest.approx(5 * 100 * 100, rel=0.01)
    assert cells_polygon(np.empty((0, 2)), 100.0) is None
    assert len(probe_grid(np.empty((0, 2)), 100.0, 100.0)) == 0


def test_straight_line_isochrone_is_the_circle():
    walk = WalkingModel(detour=1.3, speed_kmh=4.5)
    r = walk.radius_m(10.0)  # 750 m / 1.3 ≈ 577 m
    assert reach_bound_m(walk, 10.0) == pytest.approx(r)
    (poly,) = isochrones(walk, [[1000.0, 2000.0]], 10.0, spacing_m=20.0)
    assert poly.area == pytest.approx(np.pi * r * r, rel=0.05)
    assert poly.contains(Point(1000.0 + r - 30, 2000.0)) and not poly.contains(Point(1000.0 + r + 30, 2000.0))
    assert isochrones(walk, np.empty((0, 2)), 10.0) == []
    # clipped to a box east of the site: the eastern half only
    (half,) = isochrones(walk, [[1000.0, 2000.0]], 10.0, spacing_m=20.0, clip_box=(1000.0, 0.0, 5000.0, 5000.0))
    assert half.area == pytest.approx(np.pi * r * r / 2, rel=0.08) and half.bounds[0] >= 1000.0 - 10.0 - 1e-6
    assert isochrones(walk, [[1000.0, 2000.0]], 10.0, clip_box=(9e5, 9e5, 9e5 + 1, 9e5 + 1)) == [None]
    # a wide reach widens the grid: at most CELLS_PER_RADIUS cells across the radius
    (coarse,) = isochrones(WalkingModel(1.0, 60.0), [[0.0, 0.0]], 10.0, spacing_m=10.0)  # 10 km radius
    assert coarse.area == pytest.approx(np.pi * 1e8, rel=0.05) and len(coarse.exterior.coords) < 400


@pytest.fixture(scope="module")
def town_walk(tmp_path_factory):
    from test_network_store import _store, _town_osm

    from sozialraum.network import build_network

    folder = tmp_path_factory.mktemp("iso_town")
    con = _store(folder / "town.duckdb")
    info = build_network(_town_osm(folder / "town.osm.pbf"), con=con, margin_m=300, modes=("walk",))
    yield info
    con.close()


def test_network_isochrone_follows_the_bridge(town_walk):
    from test_network_store import DX, DY, LAT0, LON0, _xy

    model = NetworkModel(town_walk.path, "walk", speed_kmh=4.5, access_kmh=4.5)
    node = lambda i, j: _xy([[LON0 + j * DX, LAT0 + i * DY]])[0]  # row i, column j
    site = node(2, 5)  # on the south bank, at the east end; the bridge is 500 m west, in column 0
    (poly,) = isochrones(model, [site], 8.0, spacing_m=25.0)  # 8 min = 600 m
    assert poly.contains(Point(*node(1, 5)))  # 100 m south: 1.3 min
    assert poly.contains(Point(*node(2, 2)))  # 300 m west along the bank: 4 min
    assert poly.contains(Point(*node(0, 4)))  # 300 m: 4 min
    # 100 m north, across the river: 500 m to the bridge + 100 m over it + 500 m back = 1,100 m = 14.7 min
    assert not poly.contains(Point(*node(3, 5))) and not poly.contains(Point(*node(4, 4)))
    assert not poly.contains(Point(*node(3, 1)))  # over the bridge and 100 m east: 700 m = 9.3 min
    # the straight-line circle (× 1.3: 462 m) covers the north bank that the network does not reach
    circle = Point(*site).buffer(WalkingModel(1.3, 4.5).radius_m(8.0))
    assert circle.contains(Point(*node(3, 5)))
    (wider,) = isochrones(model, [site], 16.0, spacing_m=25.0)  # 16 min = 1,200 m: over the bridge and back
    assert wider.contains(Point(*node(3, 5))) and wider.contains(poly.representative_point())


def test_mode_variants_on_a_network(town_walk):
    from sozialraum.access.travel import NetworkModel
    from sozialraum.siting.robust import mode_variants

    got = mode_variants({"travel_mode": "walk"}, town_walk.path)
    # the straight line instead of the network; cycling (no bike network built: straight at 15 km/h); ÖPNV
    # (no timetable: walking in a straight line, the same as the first) left out
    assert list(got) == ["Luftlinie statt Straßennetz", "Verkehrsmittel Fahrrad (Luftlinie)"]
    assert got["Luftlinie statt Straßennetz"].label.startswith("Luftlinie")
    bike = mode_variants({"travel_mode": "bike"}, town_walk.path)  # a bike plan without a bike network …
    assert "Verkehrsmittel zu Fuß" in bike and isinstance(bike["Verkehrsmittel zu Fuß"], NetworkModel)


def test_transit_isochrone_is_valhallas_and_reaches_farther_than_walking(tmp_path_factory):
    from sozialraum.access.travel import TransitModel

    info = _transit_network(tmp_path_factory)
    model = TransitModel(info.path, depart="2026-01-06T08:00", epsg=25832, cache=False)
    stops = _stops(info)
    site = _xy_25832(np.array([stops[len(stops) // 2]]))
    (poly,) = isochrones(model, site, 20.0)
    walk_disc = np.pi * (20 * 75.0) ** 2  # 20 minutes on foot in a straight line, at most
    assert poly is not None and poly.area > walk_disc and poly.contains(Point(*site[0]))
    # the same polygons give the model's reach: a stop inside is reached within 20 minutes, one far outside not
    pts = _xy_25832(np.array(stops))
    inside = np.array([poly.contains(Point(*p)) for p in pts])
    reach = model.minutes(pts, site, 20.0)
    reached = np.zeros(len(pts), dtype=bool)
    reached[reach.tocoo().row] = True
    assert inside.any() and (~inside).any()
    assert (reached == inside).mean() > 0.95  # model and polygon agree (points on the edge may differ)
    (clipped,) = isochrones(model, site, 20.0, clip_box=(site[0, 0], site[0, 1] - 1e5, site[0, 0] + 1e5,
                                                           site[0, 1] + 1e5))
    assert clipped.area < poly.area and clipped.bounds[0] >= site[0, 0] - 1e-6


def _transit_network(tmp_path_factory):
    from sozialraum.demo import DEFAULT_SEED
    from sozialraum.demo.network import write_demo_network
    from sozialraum.network import build_network

    folder = tmp_path_factory.mktemp("iso_transit")
    files = write_demo_network(folder, DEFAULT_SEED)
    return build_network(files["osm"], files["gtfs"], clip_to=None, out_dir=folder / "net", modes=("walk",),
                         algorithm="MLD")


def _stops(info) -> list:
    import csv
    import io
    import zipfile

    feed = next(info.path.parent.glob("*.zip"))
    rows = csv.DictReader(io.StringIO(zipfile.ZipFile(feed).read("stops.txt").decode("utf-8-sig")))
    return sorted((float(r["stop_lon"]), float(r["stop_lat"])) for r in rows)


def _xy_25832(lonlat):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 25832, always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    return np.c_[x, y]
