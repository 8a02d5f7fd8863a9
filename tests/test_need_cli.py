"""`sozialraum need-index` on a tiny German CSV and on the published Berlin MSS 2021 file."""

import numpy as np
import pandas as pd
import pytest

from sozialraum.cli import main
from sozialraum.cli.need_cmd import NEED_COLUMNS

TINY = (
    'ID;EW;A;B;C;KOM\n'
    '"0101";1000;1,0;-1;0,5;gültig\n'
    '"0102";1000;2,0;-2;1,0;gültig\n'
    '"0103";1000;3,0;-3;1,5;gültig\n'
    '"0104";1000;4,0;-4;2,0;gültig\n'
    '"0105";1000;5,0;-5;2,5;gültig\n'
    '"0106";120;-9999;-9999;-9999;ungültig (EW unter 300)\n'
)


def _read(path):
    return pd.read_csv(path, dtype={"area_id": str, "status_class": str, "dynamics_class": str},
                       keep_default_na=False, na_values={"status_index": [""], "dynamics_index": [""]})


def test_tiny_german_csv(tmp_path, capsys):
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    code = main(["need-index", str(src), "--id", "ID", "--status", "A,C", "--dynamics", "B",
                 "--valid-col", "KOM", "--valid-value", "gültig", "--out", str(out)])
    assert code == 0
    res = _read(out)
    assert list(res.columns) == NEED_COLUMNS
    assert list(res["area_id"]) == ["0101", "0102", "0103", "0104", "0105", "0106"]
    z = (np.arange(1, 6) - 3) / np.sqrt(2.5)
    assert res["status_index"].iloc[:5].to_numpy() == pytest.approx(z)
    assert list(res["status_class"]) == ["hoch", "mittel", "mittel", "mittel", "niedrig", ""]
    assert list(res["dynamics_class"]) == ["negativ", "stabil", "stabil", "stabil", "positiv", ""]
    assert list(res["scored"]) == [True] * 5 + [False]
    assert "5 bewertet" in capsys.readouterr().out


def test_min_population_column(tmp_path):
    src = tmp_path / "tiny.csv"
    src.write_text(TINY.replace('"0105";1000', '"0105";250'), encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["need-index", str(src), "--id", "ID", "--status", "A", "--population-col", "EW",
                 "--out", str(out)]) == 0
    assert list(_read(out)["scored"]) == [True] * 4 + [False, False]


def test_missing_column_is_named(tmp_path, capsys):
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    code = main(["need-index", str(src), "--id", "ID", "--status", "A,S9", "--out", str(tmp_path / "o.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert "S9" in err and "tiny.csv" in err


def test_bad_number_names_row_and_column(tmp_path, capsys):
    src = tmp_path / "tiny.csv"
    src.write_text(TINY.replace("3,0;-3", "drei;-3"), encoding="utf-8")
    assert main(["need-index", str(src), "--id", "ID", "--status", "A", "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "Zeile 4" in err and "'A'" in err


@pytest.mark.reference
def test_berlin_mss_2021_scores_536_areas(reference_dir, tmp_path, capsys):
    src = reference_dir / "berlin-mss-2021" / "mss2021_indexindikatoren_plr.csv"
    out = tmp_path / "mss.csv"
    code = main(["need-index", str(src), "--id", "PLR_ID", "--status", "S1,S3,S4", "--dynamics", "D1,D3,D4",
                 "--valid-col", "KOM", "--valid-value", "gültig", "--out", str(out)])
    assert code == 0
    res = _read(out)
    raw = pd.read_csv(src, dtype={"PLR_ID": str})
    assert len(res) == 542 and res["scored"].sum() == 536
    assert list(res["area_id"]) == list(raw["PLR_ID"])  # leading zeros kept, order kept
    assert res["area_id"].str.len().eq(8).all()
    scored = res[res["scored"]]
    # the index is standardised over the scored areas (sample sd) and the classes follow the thresholds
    assert scored["status_index"].mean() == pytest.approx(0, abs=1e-9)
    assert scored["status_index"].std(ddof=1) == pytest.approx(1)
    si = scored["status_index"]
    expected = np.select([si < -1, si <= 1, si <= 1.5], ["hoch", "mittel", "niedrig"], "sehr niedrig")
    assert (scored["status_class"] == expected).all()
    di = scored["dynamics_index"]
    assert (scored["dynamics_class"] == np.select([di < -1, di <= 1], ["positiv", "stabil"], "negativ")).all()
    assert set(scored["status_class"]) == {"hoch", "mittel", "niedrig", "sehr niedrig"}
    invalid = res[~res["scored"]]
    assert set(invalid["area_id"]) == set(raw.loc[raw["KOM"] != "gültig", "PLR_ID"])
    assert invalid["status_class"].eq("").all() and invalid["status_index"].isna().all()
    printed = capsys.readouterr().out
    counts = scored["status_class"].value_counts()
    assert f"hoch {counts['hoch']}, mittel {counts['mittel']}" in printed
