"""`sozialraum site --db …` plans on a store with the same plan_sites as the page (3×3 grid, worked out by hand in
test_siting_plan: k = 1 adds r2c2 → 116 of 172 within reach (safe weights); k-curve 40, 120, 150, 170, 170
rounded)."""

import json

import pandas as pd
import pytest

from sozialraum.cli import main
from test_siting_plan import fill_grid_store

SETS = ["--set", "detour_factor=1", "--set", "walking_speed_kmh=6", "--set", "demand_grid_m=1000",
        "--set", "max_new_sites=4"]


@pytest.fixture
def grid_db(tmp_path):
    from sozialraum.store import connect

    path = tmp_path / "grid.duckdb"
    con = connect(path)
    fill_grid_store(con)
    con.close()
    return path


def _run(grid_db, tmp_path, capsys, *args):
    code = main(["site", "--db", str(grid_db), "--level", "zelle", "--target", "rlb", "--budget", "10",
                 "--out", str(tmp_path / "sites.csv"), *SETS, *args])
    out = capsys.readouterr().out.strip().splitlines()
    return code, out


def test_store_mode_prints_one_json_line_with_gap_curve_and_timings(grid_db, tmp_path, capsys):
    code, lines = _run(grid_db, tmp_path, capsys, "--model", "mclp", "--k", "1")
    assert code == 0 and len(lines) == 1
    got = json.loads(lines[0])
    assert got["new_sites"] == ["v22"] and got["selected"] == ["jc1", "v22"]
    assert got["status"] == "optimal" and got["gap"] == 0.0 and got["period"] == "2024"
    assert got["covered_share"] == pytest.approx(116 / 172)
    assert [p["covered"] for p in got["k_curve"]] == [40.0, 120.0, 150.0, 170.0, 170.0]
    assert got["k_curve"][2]["new_sites"] == "v20; v22"
    assert {"load_s", "reach_s", "k_curve_s", "solve_s", "explain_s", "total_s", "command_s"} <= set(got["timings"])
    assert got["timings"]["command_s"] >= got["timings"]["total_s"]
    table = pd.read_csv(tmp_path / "sites.csv")
    assert table["id"].tolist() == ["jc1", "v22"] and table["covered"].tolist() == [40.0, 80.0]


def test_store_mode_same_answer_as_plan_sites(grid_db, tmp_path, capsys):
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import connect

    code, lines = _run(grid_db, tmp_path, capsys, "--model", "pmedian", "--k", "2")
    got = json.loads(lines[0])
    con = connect(grid_db, read_only=True)
    plan = plan_sites(con, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=2,
                      model="pmedian", settings={"detour_factor": 1.0, "walking_speed_kmh": 6.0,
                                                 "demand_grid_m": 1000.0, "max_new_sites": 4.0})
    con.close()
    assert code == 0 and got["selected"] == plan.sites["id"].tolist()
    assert got["objective"] == pytest.approx(plan.summary["objective"]) and got["status"] == "optimal"


def test_store_mode_errors_are_german_and_clean(grid_db, tmp_path, capsys):
    code = main(["site", "--db", str(grid_db), "--level", "zelle", "--target", "gibtsnicht", "--model", "mclp",
                 "--k", "1", "--out", str(tmp_path / "x.csv")])
    captured = capsys.readouterr()
    assert code != 0 and "Traceback" not in captured.err + captured.out
    assert "keine Werte" in captured.err + captured.out
    code = main(["site", "--db", str(grid_db), "--level", "zelle", "--target", "rlb", "--model", "mclp",
                 "--k", "1", "--set", "gibtsnicht=3", "--out", str(tmp_path / "x.csv")])
    captured = capsys.readouterr()
    assert code != 0 and "bekannten Einstellung" in captured.err + captured.out
