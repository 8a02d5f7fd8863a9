"""`sozialraum site --mode … --osm/--gtfs` or `--db` (the store's network): the JSON line names the travel model
that ran, and a river changes the chosen site.

File mode on the tiny town of test_network_store (6 × 6 streets, 100 m blocks, a river between rows 2 and 3 crossed
only in column 0). Demand (10 people each) at (3,5), (4,5), (3,4), north bank. Candidate A at (2,5), just across
the river; candidate B at (3,1), on the same street row as (3,5). Budget 6 minutes at 4.5 km/h = 450 m:
* Luftlinie × 1.3: A reaches all three (130, 260, 184 m); B only (3,4) (300 × 1.3 = 390 m) → A.
* street network: A is ≥ 1.1 km away (via the bridge in column 0); B is 400 m from (3,5) and 300 m from (3,4)
  along row 3, (4,5) is 500 m away → B (20 people), A none.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_network_store import DX, DY, LAT0, LON0, _town_osm

from sozialraum.cli import main


def _node_xy(cells):
    from pyproj import Transformer

    t = Transformer.from_crs(4326, 25832, always_xy=True)
    lon = np.array([LON0 + j * DX for i, j in cells])
    lat = np.array([LAT0 + i * DY for i, j in cells])
    return np.c_[t.transform(lon, lat)]


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("SOZIALRAUM_NETZ_CACHE", str(tmp_path / "cache"))
    osm = _town_osm(tmp_path / "town.osm.pbf")
    dxy = _node_xy([(3, 5), (4, 5), (3, 4)])
    cxy = _node_xy([(2, 5), (3, 1)])
    pd.DataFrame({"id": ["d35", "d45", "d34"], "x": dxy[:, 0], "y": dxy[:, 1], "weight": [10, 10, 10]}).to_csv(
        tmp_path / "demand.csv", index=False)
    pd.DataFrame({"id": ["A", "B"], "x": cxy[:, 0], "y": cxy[:, 1]}).to_csv(tmp_path / "cands.csv", index=False)
    return tmp_path, osm


def _run(capsys, *args):
    code = main(["site", *args])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if code == 0 and lines else None), captured.err


def _files_args(tmp_path):
    return ["--demand", str(tmp_path / "demand.csv"), "--candidates", str(tmp_path / "cands.csv"),
            "--model", "mclp", "--k", "1", "--out", str(tmp_path / "sites.csv")]


def test_file_mode_straight_line_picks_the_site_across_the_river(files, capsys):
    tmp_path, _ = files
    code, got, _ = _run(capsys, *_files_args(tmp_path), "--radius", "450")
    assert code == 0
    assert got["selected"] == ["A"] and got["covered_weight"] == 30
    assert got["mode"] == "luftlinie" and got["travel_model"].startswith("Luftlinie")


def test_file_mode_on_the_network_picks_the_site_on_the_same_bank_and_reuses_the_network(files, capsys):
    tmp_path, osm = files
    args = [*_files_args(tmp_path), "--mode", "walk", "--osm", str(osm), "--budget", "6", "--epsg", "25832"]
    code, got, _ = _run(capsys, *args)
    assert code == 0
    assert got["selected"] == ["B"] and got["covered_weight"] == 20
    assert got["mode"] == "walk" and got["travel_model"] == "Straßennetz (zu Fuß)"
    assert got["network_reused"] is False and got["budget_min"] == 6 and got["radius_m"] is None
    assert str(tmp_path / "cache") in got["network"]
    code, again, _ = _run(capsys, *args)
    assert code == 0 and again["network_reused"] is True and again["network"] == got["network"]
    assert again["selected"] == ["B"]


def test_file_mode_network_needs_budget_epsg_and_a_network(files, capsys):
    tmp_path, osm = files
    code, _, err = _run(capsys, *_files_args(tmp_path), "--mode", "walk", "--osm", str(osm), "--budget", "6")
    assert code != 0 and "--epsg" in err
    code, _, err = _run(capsys, *_files_args(tmp_path), "--mode", "walk", "--budget", "6", "--epsg", "25832")
    assert code != 0 and "--osm" in err
    code, _, err = _run(capsys, *_files_args(tmp_path), "--mode", "walk", "--gtfs", str(osm), "--osm", str(osm),
                        "--budget", "6", "--epsg", "25832")
    assert code != 0 and "--gtfs gilt nur mit --mode transit" in err
    code, _, err = _run(capsys, *_files_args(tmp_path), "--mode", "transit", "--osm", str(osm), "--budget", "6",
                        "--epsg", "25832")
    assert code != 0 and "--gtfs" in err


def test_file_mode_refuses_an_extract_of_somewhere_else(files, capsys, tmp_path_factory):
    tmp_path, _ = files
    far = _town_osm(tmp_path_factory.mktemp("far") / "far.osm.pbf", lat0=LAT0 + 1.0)  # 110 km north
    code, _, err = _run(capsys, *_files_args(tmp_path), "--mode", "walk", "--osm", str(far), "--budget", "6",
                        "--epsg", "25832")
    assert code != 0 and "keine Straßen" in err and "Traceback" not in err


# ------------------------------------------------------------------ store mode on the demo

DEMO = ["--level", "ms_planungsraum", "--target", "rlb", "--model", "mclp", "--k", "1", "--budget", "5",
        "--set", "demand_grid_m=600", "--set", "max_new_sites=1"]


def test_store_mode_names_the_model_that_ran(demo_db, tmp_path, capsys):
    out = ["--out", str(tmp_path / "s.csv")]
    code, walk, _ = _run(capsys, "--db", str(demo_db), *DEMO, *out, "--mode", "walk")
    assert code == 0 and walk["mode"] == "walk" and walk["travel_model"] == "Straßennetz (zu Fuß)"
    assert walk["network"].endswith("demo.network")
    code, line, _ = _run(capsys, "--db", str(demo_db), *DEMO, *out, "--mode", "luftlinie")
    assert code == 0 and line["mode"] == "luftlinie" and line["travel_model"].startswith("Luftlinie")
    assert line["network"] is None
    assert walk["covered"] != line["covered"]  # the two models measure reach differently on the demo


def test_store_mode_without_a_network_says_luftlinie(demo_db, tmp_path, capsys):
    import shutil

    bare = tmp_path / "bare.duckdb"
    shutil.copyfile(demo_db, bare)  # the copy has no network beside it
    code, got, err = _run(capsys, "--db", str(bare), *DEMO, "--out", str(tmp_path / "s.csv"), "--mode", "car")
    assert code == 0 and got["mode"] == "luftlinie" and got["travel_model"].startswith("Luftlinie")
    assert "kein Straßennetz" in err


def test_store_mode_with_osm_builds_for_the_run_and_reuses_it(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOZIALRAUM_NETZ_CACHE", str(tmp_path / "cache"))
    osm = demo_db.with_name("demo.network") / "musterstadt.osm.pbf"
    args = ["--db", str(demo_db), *DEMO, "--out", str(tmp_path / "s.csv"), "--mode", "car", "--osm", str(osm)]
    code, first, _ = _run(capsys, *args)
    assert code == 0 and first["mode"] == "car" and first["travel_model"] == "Straßennetz (Auto)"
    assert first["network_reused"] is False and first["network"].startswith(str(tmp_path / "cache"))
    code, second, _ = _run(capsys, *args)
    assert code == 0 and second["network_reused"] is True and second["selected"] == first["selected"]
