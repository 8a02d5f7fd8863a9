"""`sozialraum hotspots` on a store file and on a geometry file (3×3 grid)."""

import pandas as pd

from sozialraum.cli import main
from sozialraum.testing import grid_areas, grid_batch

ROW_VALUE = {0: 1.0, 1: 4.0, 2: 10.0}


def test_hotspots_from_store(tmp_path, capsys):
    from sozialraum.store import connect, replace_source

    db = tmp_path / "s.duckdb"
    con = connect(db)
    rows = []
    for r in range(3):
        for c in range(3):
            # a suppressed count (2) in r1c1 must not reach the hot-spot input
            rlb = 2.0 if (r, c) == (1, 1) else ROW_VALUE[r] * 10
            rows += [("zelle", f"r{r}c{c}", "rlb", "2024", rlb, None, None, None),
                     ("zelle", f"r{r}c{c}", "ew_gesamt", "2024", 1000.0, None, None, None)]
    obs = pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                      "denominator", "flag"])
    replace_source(con, *grid_batch(obs))
    con.close()
    out = tmp_path / "hs.csv"
    code = main(["hotspots", "--db", str(db), "--level", "zelle", "--indicator", "sgb2_quote", "--out", str(out)])
    assert code == 0
    res = pd.read_csv(out, dtype={"area_key": str}).set_index("area_key")
    assert res.loc["r1c1", "label"] == "kein Wert"  # suppressed rate: excluded, reported
    assert res.loc["r2c1", "z"] > 0 and res.loc["r0c1", "z"] < 0
    printed = capsys.readouterr().out
    assert "Stichtag 2024" in printed and "ohne Wert: " in printed


def test_hotspots_from_file_with_moran(tmp_path, capsys):
    g = grid_areas()
    g = g[g.level == "zelle"].copy()
    g["wert"] = [ROW_VALUE[int(k[1])] for k in g.area_key]
    geo = tmp_path / "gitter.geojson"
    g.to_file(geo, driver="GeoJSON")
    out = tmp_path / "m.csv"
    assert main(["hotspots", "--geo", str(geo), "--id", "area_key", "--column", "wert", "--method", "moran",
                 "--out", str(out)]) == 0
    res = pd.read_csv(out).set_index("area_key")
    assert set(res.loc[["r2c0", "r2c1", "r2c2"], "quadrant"]) == {"Hoch-Hoch"}
    assert main(["hotspots", "--geo", str(geo), "--id", "area_key", "--column", "fehlt"]) == 2
    assert "fehlt" in capsys.readouterr().err
