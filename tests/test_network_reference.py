"""Network travel times on real OSM clips (../shared/reference/osm-germany-clips; skipped when absent).

Checks the engine's answers against facts one can see on the map: never faster than the straight line at the
mode's top speed, a river crossed only on bridges, no car on farm tracks or footways, no pedestrian on the
motorway, plausible car times between the north-Bayreuth Gemeinden.
"""

from __future__ import annotations

import numpy as np
import pytest

from sozialraum.access.travel import NetworkModel

CLIPS = "osm-germany-clips"


def _haversine_m(a, b):
    a, b = np.radians(np.asarray(a, float)), np.radians(np.asarray(b, float))
    dlon, dlat = b[..., 0] - a[..., 0], b[..., 1] - a[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[..., 1]) * np.cos(b[..., 1]) * np.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * np.arcsin(np.sqrt(h))


@pytest.fixture(scope="module")
def reference_dir():
    """../shared/reference (or $SOZIALRAUM_REFERENCE), module-scoped; a clean skip when absent."""
    import os
    from pathlib import Path

    from tests.conftest import REFERENCE

    ref = Path(os.environ.get("SOZIALRAUM_REFERENCE", REFERENCE))
    if not (ref / CLIPS).is_dir():
        pytest.skip(f"reference data not found at {ref}")
    return ref


@pytest.fixture(scope="module")
def nets(reference_dir, tmp_path_factory):
    from sozialraum.network import build_network

    out = {}
    for name, modes in (("lauf-an-der-pegnitz", ("walk", "bike", "car")), ("north-bayreuth", ("walk", "car"))):
        out[name] = build_network(reference_dir / CLIPS / f"{name}.osm.pbf", clip_to=None,
                                  out_dir=tmp_path_factory.mktemp(name), modes=modes, algorithm="MLD")
    return out


def _ways(reference_dir, name):
    """OSM ways with a highway tag: id, tags dict, node ids; and node coordinates."""
    from sozialraum.store import connect

    con = connect(":memory:")
    f = str(reference_dir / CLIPS / f"{name}.osm.pbf")
    ways = con.execute("SELECT id, map_keys(tags), map_values(tags), refs FROM ST_ReadOSM(?) WHERE kind = 'way'",
                       [f]).fetchall()
    nodes = dict((i, (lon, lat)) for i, lon, lat in con.execute(
        "SELECT id, lon, lat FROM ST_ReadOSM(?) WHERE kind = 'node'", [f]).fetchall())
    con.close()
    return [(i, dict(zip(k or [], v or [])), list(r or [])) for i, k, v, r in ways], nodes


def _route(info, mode, a, b):
    from sozialraum.network import osrm_engine

    return osrm_engine.route(osrm_engine.open_engine(info.base(mode)), a, b)


def _grid(box, n):
    xs, ys = np.linspace(box[0], box[2], n), np.linspace(box[1], box[3], n)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()]


@pytest.mark.parametrize("mode", ["walk", "bike", "car"])
def test_network_minutes_never_below_straight_line(nets, mode):
    info = nets["lauf-an-der-pegnitz"]
    speed = {"walk": 4.5, "bike": 15.0, "car": None}[mode]
    model = NetworkModel(info.path, mode, speed_kmh=speed, access_kmh=4.5, epsg=4326, cache=False)
    pts = _grid((11.262, 49.504, 11.295, 49.525), 12)  # 144 points well inside the clip
    targets = pts[::7]
    m = model.minutes(pts, targets, 30.0).tocoo()
    assert m.nnz > 500  # most pairs are reachable within 30 minutes
    straight_min = _haversine_m(pts[m.row], targets[m.col]) / (model.max_speed_kmh * 1000 / 60)
    assert (m.data >= straight_min - 1e-6).all()
    # and the network is a real detour on average, not the straight line
    assert np.median(m.data[straight_min > 1] / straight_min[straight_min > 1]) > 1.2


def test_walking_model_structure_and_cache(nets):
    info = nets["lauf-an-der-pegnitz"]
    pts = _grid((11.265, 49.505, 11.29, 49.52), 6)
    cold = NetworkModel(info.path, "walk", speed_kmh=4.5, epsg=4326).minutes(pts, pts[:5], 20.0)
    assert cold.shape == (36, 5) and cold.format == "csr"
    assert cold.data.max() <= 20.0
    for j in range(5):  # each target reaches itself in (almost) zero minutes, stored as a tiny positive value
        assert cold[j, j] > 0 and cold[j, j] < 0.5
    assert list((info.path / "matrices").glob("*.npz"))
    warm = NetworkModel(info.path, "walk", speed_kmh=4.5, epsg=4326).minutes(pts, pts[:5], 10.0)
    assert warm.data.max() <= 10.0
    assert (abs(warm - cold.multiply(cold <= 10.0))).max() < 1e-9
    slower = NetworkModel(info.path, "walk", speed_kmh=3.0, access_kmh=3.0, epsg=4326).minutes(pts, pts[:5], 10.0)
    assert slower.nnz < warm.nnz  # slower walkers reach fewer pairs (different cache key, not the cached matrix)


def test_pegnitz_is_crossed_only_on_bridges(nets, reference_dir):
    from shapely.geometry import LineString

    ways, nodes = _ways(reference_dir, "lauf-an-der-pegnitz")
    river = [w for w in ways if w[1].get("waterway") == "river" and w[1].get("name") == "Pegnitz"]
    assert river, "Pegnitz not in the clip"
    line = LineString([nodes[n] for n in river[0][2] if n in nodes])
    bridge_nodes = {n for _, tags, refs in ways if "highway" in tags and tags.get("bridge") not in (None, "no")
                    for n in refs}
    info = nets["lauf-an-der-pegnitz"]
    crossings = 0
    coords = np.asarray(line.coords)
    for k in range(20, len(coords) - 20, 12):  # river vertices inside the clip; points 90 m off each bank
        if not 11.262 < coords[k][0] < 11.298:
            continue
        d = coords[k + 1] - coords[k - 1]
        normal = np.array([-d[1] * 0.65, d[0]]) / np.hypot(-d[1] * 0.65, d[0])  # ~metric in lon/lat at 49.5° N
        off = normal * np.array([90 / 72_300, 90 / 111_200])
        a, b = coords[k] + off, coords[k] - off
        r = _route(info, "walk", a, b)
        path = [nodes[n] for n in r["nodes"] if n in nodes]
        for i in range(len(path) - 1):
            if LineString([path[i], path[i + 1]]).crosses(line):
                crossings += 1
                assert r["nodes"][i] in bridge_nodes and r["nodes"][i + 1] in bridge_nodes, \
                    f"route from {a} to {b} crosses the Pegnitz off a bridge"
        assert r["metres"] >= _haversine_m(a, b) * 0.9
    assert crossings >= 3  # the pairs on opposite banks really did cross


def _exclusive_nodes(ways, highway_values):
    """Nodes that lie only on ways whose highway value is in ``highway_values``."""
    on, off = set(), set()
    for _, tags, refs in ways:
        hw = tags.get("highway")
        if hw is None:
            continue
        (on if hw in highway_values else off).update(refs)
    return on - off


def test_car_avoids_tracks_and_footways(nets, reference_dir):
    ways, nodes = _ways(reference_dir, "north-bayreuth")
    forbidden = _exclusive_nodes(ways, {"track", "footway", "path", "cycleway", "pedestrian", "steps", "bridleway"})
    assert len(forbidden) > 1000  # the 2014 clip is full of farm tracks
    info = nets["north-bayreuth"]
    pts = _grid((11.45, 49.93, 11.62, 50.05), 5)
    used = set()
    for i in range(len(pts)):
        r = _route(info, "car", pts[i], pts[(i * 7 + 3) % len(pts)])
        used.update(r["nodes"])
    assert len(used) > 500
    assert not used & forbidden
    walk_used = set()
    for i in range(len(pts)):
        walk_used.update(_route(info, "walk", pts[i], pts[(i * 7 + 3) % len(pts)])["nodes"])
    assert walk_used & forbidden  # pedestrians do use tracks and paths (so the check above can fail)


def test_pedestrian_avoids_the_motorway(nets, reference_dir):
    ways, nodes = _ways(reference_dir, "north-bayreuth")
    motorway = _exclusive_nodes(ways, {"motorway", "motorway_link"})
    assert len(motorway) > 50  # the A 70 and A 9
    info = nets["north-bayreuth"]
    # two points on the A 70 (west → east carriageway) and pairs on both sides of it (it runs west-east at ~50.03° N)
    on_a70 = ((11.5400191, 50.0346378), (11.5949048, 50.026987))
    pairs = [on_a70, ((11.55, 50.00), (11.55, 50.06)), ((11.52, 50.01), (11.52, 50.06)),
             ((11.58, 50.00), (11.58, 50.05))]
    for a, b in pairs:
        walk = _route(info, "walk", a, b)
        assert not set(walk["nodes"]) & motorway
        assert walk["metres"] >= _haversine_m(a, b)
    car = _route(info, "car", *on_a70)
    assert len(set(car["nodes"]) & motorway) > 20  # the car drives on the A 70 (so the check above can fail)


def test_car_times_between_north_bayreuth_gemeinden(nets, reference_dir):
    import geopandas as gpd

    gem = gpd.read_file(reference_dir / "germany-vg5000-2021" / "shp_epsg31467" / "VG5000_GEM.shp")
    gem = gem[~gem["GEN"].str.contains("Forst")].to_crs(4326)
    p = gem.representative_point()
    inside = (p.x > 11.43) & (p.x < 11.645) & (p.y > 49.91) & (p.y < 50.07)
    sel = gem[inside]
    centres = np.c_[p[inside].x, p[inside].y]
    names = sel["GEN"].tolist()
    assert {"Bindlach", "Heinersreuth", "Bayreuth", "Himmelkron"} <= set(names)
    info = nets["north-bayreuth"]
    from sozialraum.network import osrm_engine

    _, _, snap, _ = osrm_engine.table(osrm_engine.open_engine(info.base("car")), centres, centres[:1])
    near_road = snap < 1500  # centres within 1.5 km of a road in the clip (the clip cuts some Gemeinden)
    centres, names = centres[near_road], [g for g, ok in zip(names, near_road) if ok]
    assert {"Bindlach", "Heinersreuth", "Himmelkron"} <= set(names)
    model = NetworkModel(info.path, "car", access_kmh=4.5, epsg=4326, cache=False)
    m = model.minutes(centres, centres, 90.0).toarray()
    n = len(names)
    assert (m[~np.eye(n, dtype=bool)] > 0).mean() > 0.9  # nearly all pairs within 90 minutes by car
    i, j = names.index("Bindlach"), names.index("Himmelkron")
    r = _route(info, "car", centres[i], centres[j])
    straight = _haversine_m(centres[i], centres[j])
    assert straight < r["metres"] < 2.0 * straight  # road distance: a plausible detour
    assert 25 < r["metres"] / 1000 / (r["seconds"] / 3600) < 100  # average speed on the way, km/h
    _, _, snap_ij, _ = osrm_engine.table(osrm_engine.open_engine(info.base("car")), centres[[i, j]], centres[:1])
    walk_to_road = snap_ij.sum() / 75.0  # metres at 4.5 km/h
    assert abs(m[i, j] - (r["seconds"] / 60 + walk_to_road)) < 1.0  # the matrix agrees with the route
    for a in range(n):
        for b in range(n):
            if a != b and m[a, b] > 0:
                d = _haversine_m(centres[a], centres[b])
                assert m[a, b] >= d / (160_000 / 60)  # never faster than 160 km/h as the crow flies
