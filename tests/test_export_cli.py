"""``sozialraum export`` and ``sozialraum report`` on the command line (grid store in a file)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from sozialraum.cli import main

KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]
RLB = [1, 5, 10, 2, 7, 20, 30, 40, 50]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from sozialraum.store import connect
    from sozialraum.store.write import replace_source
    from sozialraum.testing import grid_batch

    rows = [(k, "rlb", n) for k, n in zip(KEYS, RLB)] + [(k, "ew_gesamt", 500) for k in KEYS]
    obs = pd.DataFrame(rows, columns=["area_key", "indicator", "value"]).assign(
        level="zelle", period="2024", numerator=None, denominator=None, flag=None)
    path = tmp_path_factory.mktemp("cli") / "gitter.duckdb"
    con = connect(path)
    replace_source(con, *grid_batch(obs))
    con.close()
    return path


def test_export_csv_defaults_to_finest_level_and_latest_period(db, tmp_path, capsys):
    out = tmp_path / "k.csv"
    assert main(["export", "--what", "indicators", "--format", "csv", "--out", str(out), "--db", str(db)]) == 0
    assert "Export geschrieben" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Gebietsschlüssel", "Gebiet"] and len(rows) == 10
    shown = {r[0]: r[3] for r in rows[1:]}
    assert shown["r0c0"] == "*" and shown["r1c0"] == "*" and shown["r2c2"] == "50"


@pytest.mark.parametrize("fmt", ["xlsx", "gpkg"])
def test_export_other_formats_and_levels(db, tmp_path, fmt):
    out = tmp_path / f"a.{fmt}"
    assert main(["export", "--what", "areas", "--format", fmt, "--level", "zeile", "--period", "2024",
                 "--out", str(out), "--db", str(db)]) == 0
    assert out.stat().st_size > 1000


def test_export_unknown_level_is_a_german_error(db, tmp_path, capsys):
    code = main(["export", "--what", "indicators", "--format", "csv", "--level", "bezirk",
                 "--out", str(tmp_path / "x.csv"), "--db", str(db)])
    assert code == 2 and "bezirk" in capsys.readouterr().err


def test_report_without_chromium_says_how_to_install(db, tmp_path, monkeypatch, capsys):
    from sozialraum.export import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "kein-chromium")
    code = main(["report", "--out", str(tmp_path / "b.pdf"), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1 and "Fehler:" in err and "apt-get install chromium" in err
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="the report checks for Chromium first")
def test_report_rejects_unknown_profile_areas_before_any_work(db, tmp_path, capsys):
    code = main(["report", "--out", str(tmp_path / "b.pdf"), "--db", str(db), "--areas", "r0c0,XX"])
    err = capsys.readouterr().err
    assert code == 2 and "XX" in err and "r0c0" not in err
    assert not (tmp_path / "b.pdf").exists()
