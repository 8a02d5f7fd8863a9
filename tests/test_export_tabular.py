"""CSV for German Excel, XLSX and GeoPackage writers, on the 3×3 grid with hand-checkable small counts."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from sozialraum.export.sheet import Column, Sheet, german_display, german_number, safe_text
from sozialraum.export.tabular import csv_bytes, write_gpkg, write_xlsx

# rlb per cell r0c0..r2c2 (row-major); cells r0c0 (1) and r1c0 (2) are primary-suppressed.
RLB = [1, 5, 10, 2, 7, 20, 30, 40, 50]
KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]


def grid_store(rlb=RLB, ew=500):
    from sozialraum.store import connect
    from sozialraum.store.write import replace_source
    from sozialraum.testing import grid_batch

    rows = []
    for key, n in zip(KEYS, rlb):
        rows.append(("zelle", key, "rlb", "2024", n, None, None, None))
        rows.append(("zelle", key, "ew_gesamt", "2024", ew, None, None, None))
    obs = pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                      "denominator", "flag"])
    con = connect(":memory:")
    replace_source(con, *grid_batch(obs))
    return con


def tiny_sheet():
    values = pd.DataFrame({"area_key": ["01", "02", "03"], "name": ["=SUMME(A1)", "Nord", "Süd"],
                           "n": [12.0, 1.0, np.nan], "q": [1234.56, 0.05, 3.0]})
    flags = pd.DataFrame({"n": [None, "suppressed", "missing"], "q": [None, "suppressed", None]})
    cols = (Column("area_key", "Gebietsschlüssel"), Column("name", "Gebiet"),
            Column("n", "Fälle", 0, "Personen"), Column("q", "Quote (%)", 1, "%"))
    return Sheet("t", "Test", cols, values, flags, ("Hinweis",))


def test_german_number_formats():
    assert german_number(1234.56, 1) == "1234,6"
    assert german_number(-0.01, 1) == "0,0"
    assert german_number(float("nan"), 1) == ""
    assert german_display(1234567.891, 2) == "1.234.567,89"
    assert safe_text("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_text("Nord") == "Nord"


def test_csv_is_what_german_excel_expects():
    data = csv_bytes(tiny_sheet())
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Gebietsschlüssel", "Gebiet", "Fälle", "Quote (%)"]
    assert rows[1] == ["01", "'=SUMME(A1)", "12", "1234,6"]  # leading zero kept, formula defused
    assert rows[2] == ["02", "Nord", "*", "*"]  # suppressed: the sign, never the value
    assert rows[3] == ["03", "Süd", "", "3,0"]  # missing: empty


def test_suppressed_value_is_dropped_even_if_values_hold_it():
    sheet = tiny_sheet()
    assert sheet.values.loc[1, "n"] == 1.0  # the writer must not trust the caller to blank it
    assert np.isnan(sheet.numeric("n")[1])


def test_xlsx_headers_formats_and_signs(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx([tiny_sheet()], tmp_path / "t.xlsx", notes=["fiktive Demodaten"])
    wb = load_workbook(path)
    ws = wb["Test"]
    assert [c.value for c in ws[1]] == ["Gebietsschlüssel", "Gebiet", "Fälle", "Quote (%)"]
    assert ws["A2"].value == "01" and ws["A2"].data_type == "s"
    assert ws["B2"].value == "=SUMME(A1)" and ws["B2"].data_type == "s"  # text, not a formula
    assert ws["C2"].value == 12 and ws["C2"].number_format == "#,##0"
    assert ws["D2"].value == pytest.approx(1234.56) and ws["D2"].number_format == "#,##0.0"
    assert ws["C3"].value == "*" and ws["D3"].value == "*"
    assert ws["C4"].value is None
    notes = [r[0] for r in wb["Hinweise"].iter_rows(values_only=True)]
    assert "fiktive Demodaten" in notes and any("gesperrt" in n for n in notes)


def test_gpkg_layer_crs_and_nulls(tmp_path):
    import pyogrio

    from sozialraum.testing import grid_areas

    g = grid_areas()
    g = g[g.level == "zelle"].head(3)
    path = write_gpkg({"gebiete": (tiny_sheet(), g.geometry.values, g.crs)}, tmp_path / "t.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers["gebiete"] == "Polygon" and "felder" in layers
    back = pyogrio.read_dataframe(path, layer="gebiete")
    assert back.crs.to_epsg() == 25832
    assert back["area_key"].tolist() == ["01", "02", "03"]
    assert back["n"].iloc[0] == 12 and np.isnan(back["n"].iloc[1]) and np.isnan(back["q"].iloc[1])
    fields = pyogrio.read_dataframe(path, layer="felder")
    assert dict(zip(fields["feld"], fields["bezeichnung"]))["q"] == "Quote (%)"


def test_indicator_sheet_from_the_gate_hides_small_counts_and_their_complements():
    from sozialraum.analysis.confidentiality import published
    from sozialraum.export.tables import indicator_sheet

    con = grid_store()
    sheet = indicator_sheet(con, "zelle", "2024")
    by_key = sheet.values.set_index("area_key")
    hidden = set(sheet.values["area_key"][sheet.suppressed_mask("rlb")])
    assert {"r0c0", "r1c0"} <= hidden  # the counts 1 and 2
    assert len(hidden) >= 4  # each row total would reveal them: at least one complement per row
    assert set(hidden) == set(published(con, "zelle", period="2024").query(
        "indicator == 'rlb' and flag == 'suppressed'")["area_key"])
    # the rate on a hidden count is hidden too
    assert all(sheet.suppressed_mask("sgb2_quote") == sheet.suppressed_mask("rlb"))
    assert by_key.loc["r2c2", "sgb2_quote"] == pytest.approx(10.0)
    rows = list(csv.reader(io.StringIO(csv_bytes(sheet).decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        if row[0] in hidden:
            assert row[3] == "*" and row[4] == "*"
        else:
            assert row[3] == str(RLB[KEYS.index(row[0])])
