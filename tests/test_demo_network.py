"""Musterstadt's generated street network (OSM PBF) and GTFS feed, read back by independent readers
(DuckDB's ST_ReadOSM, OSRM's own extractor and engine, zipfile + pandas for GTFS)."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum.demo.network import GTFS_FILE, OSM_FILE, network_dir, write_demo_network
from sozialraum.io.gtfs_write import feed_problems, seconds
from sozialraum.io.osm_write import OsmNodes, OsmWay, write_osm

FOOT_EXCLUDED = ("motorway", "motorway_link")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("net")
    facts = write_demo_network(directory, 2024)
    return directory, facts


@pytest.fixture(scope="module")
def osm(files):
    """nodes (id → lon, lat) and ways (id, tags, refs) of the written PBF, read by DuckDB."""
    from sozialraum.store import connect

    con = connect(":memory:")
    path = str(files[0] / OSM_FILE)
    nodes = con.execute(f"SELECT id, lon, lat FROM ST_ReadOSM('{path}') WHERE kind = 'node'").df()
    ways = con.execute(f"SELECT id, tags, refs FROM ST_ReadOSM('{path}') WHERE kind = 'way'").df()
    con.close()
    ways["tags"] = ways.tags.map(dict)
    ways["refs"] = ways.refs.map(list)
    nodes = nodes.set_index("id")
    return nodes, ways


def _lines(nodes, ways):
    import shapely

    return [shapely.LineString(nodes.loc[r, ["lon", "lat"]].to_numpy()) for r in ways.refs]


def _of(ways, key, value=None):
    return ways[ways.tags.map(lambda t: key in t and (value is None or t[key] == value))]


def _components(ways) -> tuple[int, np.ndarray, np.ndarray]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = np.unique(np.concatenate([np.asarray(r) for r in ways.refs]))
    pos = {int(i): k for k, i in enumerate(ids)}
    a, b = [], []
    for r in ways.refs:
        a += [pos[int(x)] for x in r[:-1]]
        b += [pos[int(x)] for x in r[1:]]
    n, comp = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids))),
                                   directed=False)
    return n, comp, ids


# ---------------------------------------------------------------- the writers

def test_osm_writer_pbf_and_xml_roundtrip(tmp_path):
    from sozialraum.store import connect

    nodes = OsmNodes(np.array([3, 1, 2]), np.array([9.5, 9.25, -0.0000001]), np.array([50.1, 50.0, -33.5]))
    ways = [OsmWay(7, (1, 2, 3), {"highway": "residential", "name": "Ährenweg & Co"}),
            OsmWay(5, (3, 1), {"highway": "footway"})]
    write_osm(tmp_path / "t.osm.pbf", nodes, ways, node_tags={2: {"railway": "station"}})
    write_osm(tmp_path / "t.osm", nodes, ways, node_tags={2: {"railway": "station"}})
    con = connect(":memory:")
    rows = con.execute(f"SELECT kind, id, tags, refs, lon, lat FROM ST_ReadOSM('{tmp_path / 't.osm.pbf'}') "
                       "ORDER BY kind, id").fetchall()
    con.close()
    assert [(k, i) for k, i, *_ in rows] == [("node", 1), ("node", 2), ("node", 3), ("way", 5), ("way", 7)]
    assert rows[1][2] == {"railway": "station"} and rows[0][2] is None
    assert rows[1][4] == pytest.approx(-0.0000001) and rows[1][5] == pytest.approx(-33.5)
    assert rows[4][2] == {"highway": "residential", "name": "Ährenweg & Co"} and list(rows[4][3]) == [1, 2, 3]
    root = ET.parse(tmp_path / "t.osm").getroot()
    assert [n.get("lon") for n in root.iter("node")] == ["9.2500000", "-0.0000001", "9.5000000"]
    way7 = next(w for w in root.iter("way") if w.get("id") == "7")
    assert [t.get("v") for t in way7.iter("tag")] == ["residential", "Ährenweg & Co"]


def test_osm_writer_refuses_broken_input(tmp_path):
    nodes = OsmNodes(np.array([1, 2]), np.array([9.0, 9.1]), np.array([50.0, 50.1]))
    with pytest.raises(ValueError, match="unknown node"):
        write_osm(tmp_path / "x.osm", nodes, [OsmWay(1, (1, 3), {})])
    with pytest.raises(ValueError, match="fewer than two"):
        write_osm(tmp_path / "x.osm", nodes, [OsmWay(1, (1,), {})])
    with pytest.raises(ValueError, match="unique"):
        write_osm(tmp_path / "x.osm", OsmNodes(np.array([1, 1]), nodes.lon, nodes.lat), [])


def test_gtfs_writer_requires_files_and_columns(tmp_path):
    from sozialraum.io.gtfs_write import gtfs_time, write_gtfs

    assert gtfs_time(25 * 3600 + 61) == "25:01:01"
    with pytest.raises(ValueError, match="agency.txt"):
        write_gtfs(tmp_path / "g.zip", {})


# ---------------------------------------------------------------- the network

def test_same_seed_same_bytes_other_seed_other_city(files, tmp_path):
    directory, _ = files
    write_demo_network(tmp_path / "a", 2024)
    for name in (OSM_FILE, GTFS_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (directory / name).read_bytes()
    write_demo_network(tmp_path / "b", 7)
    assert (tmp_path / "b" / OSM_FILE).read_bytes() != (directory / OSM_FILE).read_bytes()


def test_streets_connected_for_pedestrians_and_cars(osm):
    _, ways = osm
    streets = ways[ways.tags.map(lambda t: "highway" in t and t["highway"] not in FOOT_EXCLUDED)]
    n, _, _ = _components(streets)
    assert n == 1  # every street reachable on foot, across the barriers only at the crossings
    car = ways[ways.tags.map(lambda t: t.get("highway") in ("primary", "secondary", "tertiary", "residential",
                                                            "unclassified"))]
    n, comp, _ = _components(car)
    assert np.bincount(comp).max() / len(comp) > 0.97  # only small pieces behind forest tracks are car-free
    assert len(streets) > 5000


def test_river_crossed_only_at_bridges(osm, files):
    import shapely

    nodes, ways = osm
    river = shapely.union_all(_lines(nodes, _of(ways, "waterway", "river")))
    highways = _of(ways, "highway")
    crossing = highways[[line.intersects(river) for line in _lines(nodes, highways)]]
    assert all(t.get("bridge") == "yes" for t in crossing.tags)  # streets and the motorway
    crossing = crossing[crossing.tags.map(lambda t: t["highway"] not in FOOT_EXCLUDED)]
    assert 2 <= len(crossing) <= 6
    assert (crossing.tags.map(lambda t: t["highway"]) == "footway").sum() >= 1  # one footbridge
    rail = _of(ways, "railway", "rail")
    on_bridge = rail[[line.intersects(river) for line in _lines(nodes, rail)]]
    assert len(on_bridge) and all(t.get("bridge") == "yes" for t in on_bridge.tags)
    assert files[1]["crossings"]["river"] == len(crossing)


def test_railway_and_motorway_crossed_only_over_or_under(osm):
    import shapely

    nodes, ways = osm
    streets = ways[ways.tags.map(lambda t: "highway" in t and t["highway"] not in FOOT_EXCLUDED)]
    lines = _lines(nodes, streets)
    for key, value in (("railway", "rail"), ("highway", "motorway")):
        barrier = shapely.union_all(_lines(nodes, _of(ways, key, value)))
        hit = streets[[line.intersects(barrier) for line in lines]]
        assert 1 <= len(hit) <= 8
        assert all(t.get("bridge") == "yes" or t.get("tunnel") == "yes" for t in hit.tags)
        barrier_nodes = set(np.concatenate([np.asarray(r) for r in _of(ways, key, value).refs]).tolist())
        street_nodes = set(np.concatenate([np.asarray(r) for r in streets.refs]).tolist())
        assert not barrier_nodes & street_nodes  # no level crossing, no pedestrian access


def test_one_way_streets_keep_every_street_reachable_by_car(osm):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    _, ways = osm
    hw = ways.tags.map(lambda t: t.get("highway"))
    car = ways[hw.isin(["primary", "secondary", "tertiary", "residential", "unclassified", "motorway",
                        "motorway_link"])]
    one = car.tags.map(lambda t: t.get("oneway") == "yes").to_numpy()
    assert (one & car.tags.map(lambda t: t["highway"] == "residential").to_numpy()).sum() >= 10
    ids = np.unique(np.concatenate([np.asarray(r) for r in car.refs]))
    pos = {int(i): k for k, i in enumerate(ids)}
    src, dst = [], []
    for refs, o in zip(car.refs, one):
        a, b = [pos[int(x)] for x in refs[:-1]], [pos[int(x)] for x in refs[1:]]
        src += a + ([] if o else b)
        dst += b + ([] if o else a)
    _, comp = connected_components(coo_matrix((np.ones(len(src)), (src, dst)), shape=(len(ids), len(ids))),
                                   directed=True, connection="strong")
    assert np.bincount(comp).max() / len(ids) > 0.97  # drive from anywhere to anywhere (but forest pockets)


def test_tags(osm):
    _, ways = osm
    hw = ways.tags.map(lambda t: t.get("highway"))
    assert {"primary", "secondary", "residential", "footway", "track", "motorway", "motorway_link"} <= set(hw)
    assert all(t.get("oneway") == "yes" for t in ways.tags[hw.isin(FOOT_EXCLUDED)])
    assert all(t.get("maxspeed") in ("30", "50", "70") for t in ways.tags[hw.isin(["primary", "residential"])])
    assert all("maxspeed" not in t for t in ways.tags[hw.isin(["footway", "track"])])
    assert (ways.tags.map(lambda t: t.get("bridge") == "yes") & hw.isin(["motorway"])).any()  # over river/rail
    # motorway ramps touch streets only at the interchanges, and motorway carriageways touch no street at all
    street_nodes = set(np.concatenate([np.asarray(r) for r in ways.refs[hw.notna() & ~hw.isin(FOOT_EXCLUDED)]]))
    ramp_nodes = set(np.concatenate([np.asarray(r) for r in ways.refs[hw == "motorway_link"]]))
    motorway_nodes = set(np.concatenate([np.asarray(r) for r in ways.refs[hw == "motorway"]]))
    assert 2 <= len(street_nodes & ramp_nodes) <= 8 and not street_nodes & motorway_nodes


@pytest.fixture(scope="module")
def osrm_engines(files, tmp_path_factory):
    """OSRM (foot and car) built from the written PBF with the wheel's own tools and profiles."""
    osrm = pytest.importorskip("osrm")
    pkg = Path(osrm.__file__).parent
    out = {}
    for profile in ("foot", "car"):
        work = tmp_path_factory.mktemp(profile)
        shutil.copy(files[0] / OSM_FILE, work / OSM_FILE)
        base = work / OSM_FILE.replace(".osm.pbf", ".osrm")
        for tool, arg in (("osrm-extract", work / OSM_FILE), ("osrm-partition", base), ("osrm-customize", base)):
            cmd = [str(pkg / "bin" / tool)] + (["-p", str(pkg / "share/profiles" / f"{profile}.lua")]
                                                 if tool == "osrm-extract" else []) + [str(arg)]
            subprocess.run(cmd, check=True, capture_output=True, cwd=work)
        out[profile] = osrm.OSRM(storage_config=str(base), algorithm="MLD", use_shared_memory=False)
    return out


def _lonlat(xy):
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    return [tuple(map(float, tr.transform(x, y))) for x, y in xy]


def test_osrm_routes_around_the_barriers(osrm_engines):
    """Estate centre → just across its barrier: the walk is much longer than the straight line; the same
    pair inside the centre is not. Pedestrians never use the motorway: their route is no shorter than a car's
    on the same streets would allow."""
    import osrm

    from sozialraum.demo.network import build_network, city

    plan, layout = city(2024)
    net = build_network(plan, layout, 2024)
    ratios = {}
    for b in net.barriers:
        z = next(z for z in plan.zones if z.name == b.estate)
        u = np.array([z.x, z.y]) - np.asarray(plan.centre)
        across = b.xy[len(b.xy) // 2] - 300.0 * u / np.hypot(*u)
        pts = [(z.x, z.y), tuple(across)]
        res = osrm_engines["foot"].Table(osrm.TableParameters(coordinates=_lonlat(pts), annotations=["distance"]))
        ratios[b.kind] = float(res["distances"][0][1]) / float(np.hypot(*(np.array(pts[0]) - pts[1])))
    cx, cy = plan.centre
    plain = [(cx - 600, cy - 300), (cx + 500, cy + 400)]
    res = osrm_engines["foot"].Table(osrm.TableParameters(coordinates=_lonlat(plain), annotations=["distance"]))
    plain_ratio = float(res["distances"][0][1]) / float(np.hypot(1100, 700))
    assert plain_ratio < 1.6
    assert min(ratios.values()) > 1.8, ratios
    assert set(ratios) == {"river", "railway", "motorway"}


def test_cars_do_not_use_tracks_or_footways_and_walkers_not_the_motorway(osrm_engines, osm):
    import osrm

    nodes, ways = osm
    hw = ways.tags.map(lambda t: t.get("highway"))

    def only(values):  # nodes used by these highway values and nothing else
        used = set(np.concatenate([np.asarray(r) for r in ways.refs[hw.isin(values)]]).tolist())
        other = set(np.concatenate([np.asarray(r) for r in ways.refs[hw.notna() & ~hw.isin(values)]]).tolist())
        return sorted(used - other)[:40]

    for profile, values in (("foot", FOOT_EXCLUDED), ("car", ("track", "footway"))):
        ids = only(values)
        assert len(ids) >= 10
        for i in ids:
            res = osrm_engines[profile].Nearest(osrm.NearestParameters(
                coordinates=[(float(nodes.lon[i]), float(nodes.lat[i]))]))
            assert res["waypoints"][0]["distance"] > 5.0  # the engine snaps to a way it may use


# ---------------------------------------------------------------- GTFS

@pytest.fixture(scope="module")
def feed(files):
    with zipfile.ZipFile(files[0] / GTFS_FILE) as zf:
        return {n: pd.read_csv(io.BytesIO(zf.read(n)), dtype=str) for n in zf.namelist()}


def test_validator_finds_broken_feeds(feed):
    assert feed_problems(feed) == []
    broken = dict(feed)
    st = feed["stop_times.txt"].copy()
    st.loc[1, "arrival_time"] = "03:00:00"
    broken["stop_times.txt"] = st
    assert "stop_times not monotonic within a trip" in feed_problems(broken)
    cal = feed["calendar.txt"].copy()
    cal.loc[0, "end_date"] = "20261340"
    assert "calendar end_date not YYYYMMDD" in feed_problems(dict(feed, **{"calendar.txt": cal}))
    assert feed_problems({k: v for k, v in feed.items() if k != "trips.txt"}) == ["trips.txt missing"]
    st = feed["stop_times.txt"].copy()
    st.loc[3, "departure_time"] = "8 Uhr"
    assert feed_problems(dict(feed, **{"stop_times.txt": st})) == ["stop_times: a time is not H:MM:SS"]


def _departures(feed, route, service, first_only=True):
    trips = feed["trips.txt"]
    t = trips[(trips.route_id == route) & (trips.service_id == service) & (trips.direction_id == "0")]
    st = feed["stop_times.txt"]
    st = st[st.trip_id.isin(t.trip_id) & (st.stop_sequence == "1")]
    return np.sort(st.departure_time.map(seconds).to_numpy()) // 60


def test_headways(feed):
    tram = _departures(feed, "T1", "mo-fr")
    day = tram[(tram >= 7 * 60) & (tram <= 18 * 60)]
    assert set(np.diff(day)) == {10}
    night = tram[tram >= 23 * 60 + 30]
    assert len(night) and set(np.diff(night)) <= {30} and night.max() >= 24 * 60  # after midnight too
    sunday = _departures(feed, "T1", "so")
    assert np.diff(sunday[(sunday >= 11 * 60) & (sunday <= 18 * 60)]).min() >= 20
    bus = _departures(feed, "B32", "mo-fr")
    assert set(np.diff(bus[(bus >= 7 * 60) & (bus <= 18 * 60)])) == {20}
    assert len(_departures(feed, "B38", "so")) == 0


def test_a_trip_that_needs_a_transfer(feed):
    trips, st, stops = feed["trips.txt"], feed["stop_times.txt"], feed["stops.txt"]
    routes_at = st.merge(trips, on="trip_id").groupby("stop_id").route_id.agg(set)
    by_name = dict(zip(stops.stop_name, stops.stop_id))
    a, b = routes_at[by_name["Wiesenhöhe"]], routes_at[by_name["Sonnenfeld"]]
    assert not a & b  # no direct line
    assert (routes_at.map(lambda r: bool(r & a) and bool(r & b))).any()  # but one change is enough
    assert routes_at[by_name["Zentrum"]] >= {"T1", "T2"}


def test_a_stop_without_service_at_some_times(feed):
    trips, st = feed["trips.txt"], feed["stop_times.txt"]
    served = st.merge(trips, on="trip_id")
    sunday = set(served.stop_id[served.service_id == "so"])
    assert set(feed["stops.txt"].stop_id) - sunday  # the Gewerbegebiet bus: no service on Sundays
    t = served.departure_time.map(seconds)
    assert not ((served.service_id == "mo-fr") & (t >= 2 * 3600) & (t < 4 * 3600)).any()  # no service at 3 am


def test_holidays_run_the_sunday_service(feed):
    cd = feed["calendar_dates.txt"]
    good_friday = cd[cd.date == "20260403"]
    assert set(zip(good_friday.service_id, good_friday.exception_type)) == {("mo-fr", "2"), ("so", "1")}
    assert "20261225" in set(cd.date) and not (cd.date == "20260104").any()


def test_every_trip_follows_a_shape_along_the_streets(feed):
    trips, shapes = feed["trips.txt"], feed["shapes.txt"]
    assert trips.shape_id.notna().all() and trips.shape_id.isin(shapes.shape_id).all()
    n_points = shapes.groupby("shape_id").size()
    n_stops = feed["stop_times.txt"].groupby("trip_id").size()
    assert (n_points[trips.shape_id].to_numpy() >= n_stops[trips.trip_id].to_numpy()).all()
    broken = dict(feed, **{"shapes.txt": shapes[shapes.shape_id != shapes.shape_id.iloc[0]]})
    assert "trips: unknown shape_id" in feed_problems(broken)


def test_stops_sit_on_streets(feed, osm):
    nodes, ways = osm
    street = set(np.concatenate([np.asarray(r) for r in _of(ways, "highway").refs]).tolist())
    pts = nodes.loc[sorted(street), ["lon", "lat"]].to_numpy()
    stops = feed["stops.txt"][["stop_lon", "stop_lat"]].astype(float).to_numpy()
    d = np.abs(stops[:, None, :] - pts[None, :, :]).max(-1).min(1)
    assert d.max() < 2e-6  # on a street node (rounded to 6 decimals)


def test_demo_builder_writes_the_files_beside_the_store(demo_db):
    folder = network_dir(demo_db)
    assert folder.name == Path(demo_db).stem + ".network"
    assert (folder / OSM_FILE).stat().st_size > 10_000 and (folder / GTFS_FILE).stat().st_size > 10_000


def test_valhalla_reads_both_files_and_needs_a_transfer(files, tmp_path):
    """A second engine reads the same files: Valhalla builds its tiles from the PBF and its transit tiles from the
    GTFS feed; a Tuesday-morning trip from the Wiesenhöhe estate to Sonnenfeld takes two tram lines."""
    import json

    valhalla = pytest.importorskip("valhalla")
    tools = Path(valhalla.__file__).parent / "bin"
    feeds = tmp_path / "feeds" / "musterstadt"
    feeds.mkdir(parents=True)
    with zipfile.ZipFile(files[0] / GTFS_FILE) as zf:
        zf.extractall(feeds)
    (tmp_path / "tiles").mkdir()
    (tmp_path / "tiles.tar").touch()  # get_config wants it to exist; the tiles stay a directory
    config = valhalla.get_config(tile_extract=tmp_path / "tiles.tar", tile_dir=tmp_path / "tiles")
    config["mjolnir"]["tile_extract"] = str(tmp_path / "no-extract.tar")
    config["mjolnir"]["transit_dir"] = str(tmp_path / "transit")
    config["mjolnir"]["transit_feeds_dir"] = str(tmp_path / "feeds")
    (tmp_path / "transit").mkdir()
    (tmp_path / "config.json").write_text(json.dumps(config))
    cfg = str(tmp_path / "config.json")
    for cmd in (["valhalla_ingest_transit", "-c", cfg], ["valhalla_convert_transit", "-c", cfg],
                ["valhalla_build_tiles", "-c", cfg, str(files[0] / OSM_FILE)]):
        subprocess.run([str(tools / cmd[0])] + cmd[1:], check=True, capture_output=True, cwd=tmp_path)
    with zipfile.ZipFile(files[0] / GTFS_FILE) as zf:
        stops = pd.read_csv(zf.open("stops.txt")).set_index("stop_name")
    a, b = stops.loc["Wiesenhöhe"], stops.loc["Sonnenfeld"]
    request = {"locations": [{"lat": a.stop_lat, "lon": a.stop_lon}, {"lat": b.stop_lat, "lon": b.stop_lon}],
               "costing": "multimodal", "date_time": {"type": 1, "value": "2026-03-03T08:00"}}
    trip = json.loads(valhalla.Actor(cfg).route(json.dumps(request)))["trip"]
    lines = [m["transit_info"]["short_name"] for leg in trip["legs"] for m in leg["maneuvers"] if "transit_info" in m]
    assert len(set(lines)) >= 2, lines  # one change at least
    assert trip["summary"]["time"] < 90 * 60
