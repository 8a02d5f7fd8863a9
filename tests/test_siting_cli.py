"""`sozialraum site` on the line instance: CSV in, chosen sites out, one JSON line, clear input errors."""

import json

import pandas as pd
import pytest

from sozialraum.cli import main


@pytest.fixture
def files(tmp_path):
    demand = pd.DataFrame({"id": [f"d{i}" for i in range(10)], "x": [i * 100 for i in range(10)], "y": 0,
                           "weight": 1})
    cands = pd.DataFrame({"id": ["A", "B", "C", "D"], "x": [0, 250, 450, 900], "y": 0})
    demand.to_csv(tmp_path / "demand.csv", index=False)
    cands.to_csv(tmp_path / "cands.csv", index=False)
    return tmp_path


def _run(files, *args):
    return main(["site", "--demand", str(files / "demand.csv"), "--candidates", str(files / "cands.csv"),
                 "--out", str(files / "out.csv"), *args])


def test_mclp_with_fixed(files, capsys):
    # radius 200 m of network distance with detour 1: A reaches d0-d2, B d1-d4, C d3-d6, D d7-d9
    assert _run(files, "--model", "mclp", "--k", "1", "--radius", "200", "--detour", "1", "--fixed", "D") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["model"] == "mclp" and result["selected"] == ["B", "D"]
    assert result["covered_weight"] == 7.0 and result["total_weight"] == 10.0 and result["objective"] == 7.0
    assert result["solve_seconds"] >= 0
    out = pd.read_csv(files / "out.csv", dtype={"id": str})
    assert out["id"].tolist() == ["B", "D"] and out["fixed"].tolist() == [False, True]
    assert out["covered_weight"].tolist() == [4.0, 3.0]


def test_detour_shrinks_the_reach(files, capsys):
    # detour 2: 200 m network = 100 m straight line; C (450) still reaches d4, d5 only
    assert _run(files, "--model", "lscp", "--radius", "200", "--detour", "2") != 0
    assert "d6" in capsys.readouterr().err


def test_pmedian_and_lscp(files, capsys):
    assert _run(files, "--model", "pmedian", "--k", "2", "--radius", "200", "--detour", "1") == 0
    res = json.loads(capsys.readouterr().out)
    assert res["selected"] == ["B", "D"] and res["objective"] == pytest.approx(1500.0)
    assert _run(files, "--model", "lscp", "--radius", "200", "--detour", "1") == 0
    assert json.loads(capsys.readouterr().out)["selected"] == ["A", "C", "D"]


def test_bad_input_names_file_row_column(files, capsys):
    (files / "demand.csv").write_text("id,x,y,weight\nd0,0,0,1\nd1,abc,0,1\n", encoding="utf-8")
    assert _run(files, "--model", "mclp", "--k", "1", "--radius", "200") == 2
    err = capsys.readouterr().err
    assert "demand.csv" in err and "Zeile 3" in err and "Spalte 'x'" in err


def test_missing_column_and_unknown_fixed(files, capsys):
    (files / "cands.csv").write_text("id,x\nA,0\n", encoding="utf-8")
    assert _run(files, "--model", "mclp", "--k", "1", "--radius", "200") == 2
    assert "Spalte 'y'" in capsys.readouterr().err
    pd.DataFrame({"id": ["A"], "x": [0], "y": [0]}).to_csv(files / "cands.csv", index=False)
    assert _run(files, "--model", "mclp", "--k", "0", "--radius", "200", "--fixed", "Z") == 2
    assert "Z" in capsys.readouterr().err
