"""Long tables (one row per area and indicator): the wizard's options read the same rows; shares scaled to %."""

from __future__ import annotations

import pytest

import wizard_fixtures as wf


def test_long_table_with_texts_mapped_to_indicators(tmp_path):
    from sozialraum.io.tables import read_statistics

    path = wf.write_csvs(tmp_path)["lang"]
    frame = read_statistics(path, key="Schlüssel", header_row="auto", indicator_column="Kennzahl",
                            value_column="Wert", indicators={"ew_gesamt": "Einwohner",
                                                             "rlb": "Leistungsberechtigte SGB II"}, period="2024")
    got = {(k, i): v for k, i, v in zip(frame["area_key"], frame["indicator"], frame["value"])}
    assert got == {**{(k, "ew_gesamt"): wf.EW[k] + 30 for k in wf.NAMES},  # "2.400": a thousands dot
                   **{(k, "rlb"): wf.RLB[k] - 5 for k in wf.NAMES}}
    assert frame.loc[frame["area_key"] == "STGT01", "row"].tolist() == [2, 3]  # the rows of the file


def test_long_table_share_scaled(tmp_path):
    from sozialraum.io.tables import read_statistics

    path = tmp_path / "anteile.csv"
    path.write_text("id;merkmal;wert\nA;Anteil SGB II;0,125\nA;Einwohner;800\n", encoding="utf-8")
    frame = read_statistics(path, key="id", indicator_column="merkmal", value_column="wert", period="2024",
                            indicators={"sgb2_quote": "Anteil SGB II", "ew_gesamt": "Einwohner"},
                            scale={"sgb2_quote": 100.0})
    got = dict(zip(frame["indicator"], frame["value"]))
    assert got["sgb2_quote"] == pytest.approx(12.5) and got["ew_gesamt"] == 800


def test_key_column_of_a_long_table_is_found(tmp_path):
    from sozialraum.io.guess import best_key_column
    from sozialraum.io.layout import read_table

    raw = read_table(wf.write_csvs(tmp_path)["lang"])
    assert best_key_column(raw, wf.NAMES) == ("Schlüssel", "schluessel", 24)
