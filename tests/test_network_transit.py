"""Public transport on the demo's generated GTFS feed (Valhalla multimodal): a trip that needs a transfer, a stop
without service at the chosen time, and walking when that is faster than waiting for a bus."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pytest

from sozialraum.access.travel import TransitModel, model_from_settings, transit_departure


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    from sozialraum.demo import DEFAULT_SEED
    from sozialraum.demo.network import write_demo_network
    from sozialraum.network import build_network

    folder = tmp_path_factory.mktemp("transit")
    files = write_demo_network(folder, DEFAULT_SEED)
    info = build_network(files["osm"], files["gtfs"], clip_to=None, out_dir=folder / "net", modes=("walk",),
                         algorithm="MLD")
    zf = zipfile.ZipFile(files["gtfs"])
    table = {n: list(csv.DictReader(io.StringIO(zf.read(n).decode("utf-8-sig")))) for n in
             ("stops.txt", "trips.txt", "stop_times.txt", "routes.txt")}
    trip_route = {t["trip_id"]: t["route_id"] for t in table["trips.txt"]}
    lines: dict[str, set] = {}
    for st in table["stop_times.txt"]:
        lines.setdefault(st["stop_id"], set()).add(trip_route[st["trip_id"]])
    stops = {s["stop_id"]: (float(s["stop_lon"]), float(s["stop_lat"])) for s in table["stops.txt"]}
    return info, stops, lines, table["routes.txt"]


def _metres(a, b):
    return float(np.hypot((a[0] - b[0]) * 111_320 * np.cos(np.radians(a[1])), (a[1] - b[1]) * 110_574))


def _act(info):
    from sozialraum.network import valhalla_engine

    return valhalla_engine.actor(info.path)


def test_network_records_transit_and_the_settings_pick_it(net):
    info, *_ = net
    assert "transit" in info.modes and info.transit_dates[0] is not None
    model = model_from_settings({"travel_mode": "transit", "transit_weekday": "di", "transit_depart": "07:30"},
                                network_dir=info.path)
    assert isinstance(model, TransitModel) and model.depart.endswith("T07:30")
    assert transit_departure("20260101", "di", "07:30") == "2026-01-06T07:30"  # 1 Jan 2026 is a Thursday
    with pytest.raises(ValueError):
        transit_departure("20260101", "di", "25:00")


def test_a_trip_that_needs_a_transfer(net):
    from sozialraum.network import valhalla_engine

    info, stops, lines, _ = net
    act = _act(info)
    ids = sorted(stops)
    found = None
    for a in ids[::3]:
        for b in ids[::-5]:
            if lines[a] & lines[b] or _metres(stops[a], stops[b]) < 4000:
                continue  # no common line and far apart: a transfer or a long walk
            r = valhalla_engine.route(act, stops[a], stops[b], "2026-01-06T08:00")
            if len(set(r["lines"])) >= 2:
                found = (a, b, r)
                break
        if found:
            break
    assert found, "no trip with a transfer between stops without a common line"
    a, b, r = found
    assert "foot" in r["types"]  # walking to, between or from the stops
    assert r["minutes"] < _metres(stops[a], stops[b]) / 75.0  # faster than walking all the way


def test_a_stop_without_service_at_the_chosen_time(net):
    info, stops, lines, routes = net
    works = [r["route_id"] for r in routes if "Industriegebiet" in r["route_long_name"]]
    assert works, "the works bus line is missing from the demo feed"
    only = [s for s, ls in lines.items() if ls == set(works)]
    assert only, "no stop served only by the works bus"
    stop = stops[only[0]]
    others = np.array([stops[s] for s in sorted(stops)])
    weekday = TransitModel(info.path, depart="2026-01-06T07:00", epsg=4326, cache=False)
    sunday = TransitModel(info.path, depart="2026-01-04T07:00", epsg=4326, cache=False)
    reach_weekday = weekday.minutes(others, np.array([stop]), 30.0)
    reach_sunday = sunday.minutes(others, np.array([stop]), 30.0)
    assert reach_sunday.nnz < reach_weekday.nnz  # no works bus on Sunday: only what is walkable
    walk_only = sum(_metres(p, stop) <= 30 * 75 for p in others)
    assert reach_sunday.nnz <= walk_only + 2


def test_walking_only_when_that_is_faster(net):
    from sozialraum.network import valhalla_engine

    info, stops, lines, _ = net
    act = _act(info)
    ids = sorted(stops)
    pairs = [(a, b) for a in ids for b in ids if a < b and 150 < _metres(stops[a], stops[b]) < 350]
    assert pairs
    a, b = pairs[0]
    r = valhalla_engine.route(act, stops[a], stops[b], "2026-01-06T08:00")
    assert r["lines"] == [] and set(r["types"]) <= {"foot", None}
    assert r["minutes"] < 10


def test_cli_travel_matrix_transit(net, tmp_path):
    from click.testing import CliRunner

    from sozialraum.cli import cli

    info, stops, lines, _ = net
    ids = sorted(stops)
    a, b = ids[0], ids[len(ids) // 2]
    (tmp_path / "a.csv").write_text(f"id,lon,lat\n{a},{stops[a][0]},{stops[a][1]}\n")
    (tmp_path / "b.csv").write_text(f"id,lon,lat\n{b},{stops[b][0]},{stops[b][1]}\n")
    osm, gtfs = info.path.parent / "musterstadt.osm.pbf", info.path.parent / "musterstadt-gtfs.zip"
    args = ["travel-matrix", "--osm", str(osm), "--gtfs", str(gtfs), "--mode", "transit", "--from",
            str(tmp_path / "a.csv"), "--to", str(tmp_path / "b.csv"), "--budget", "90",
            "--out", str(tmp_path / "m.csv")]
    res = CliRunner().invoke(cli, [*args, "--depart", "2026-01-06T08:00"])
    assert res.exit_code == 0, res.output
    rows = (tmp_path / "m.csv").read_text().splitlines()
    assert rows[0] == "from_id,to_id,minutes" and len(rows) == 2 and rows[1].startswith(f"{a},{b},")
    bad = CliRunner().invoke(cli, [*args, "--depart", "morgen"])
    assert bad.exit_code != 0 and "JJJJ" in str(bad.exception or bad.output)
