"""No count of 1 or 2, and nothing from which one could be recomputed, leaves the system in any format.

A 3×3 grid store with known small counts (primary cells) whose row totals and the identity rlb = elb + nef force
secondary suppression. Every export (CSV, XLSX, GeoPackage, PDF) is compared cell by cell with the raw values:
cells the gate suppresses are ``*`` / NULL, every other count is exactly its raw value.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]
# (rlb, elb, nef, rlb_u15, alo_sgb2) per cell; rlb = elb + nef
COUNTS = {
    "r0c0": (1, 1, 0, 0, 1),      # rlb 1, elb 1, alo 1: primary
    "r0c1": (40, 30, 10, 8, 12),
    "r0c2": (50, 38, 12, 9, 15),
    "r1c0": (2, 0, 2, 2, 0),      # rlb 2, nef 2, rlb_u15 2: primary
    "r1c1": (60, 45, 15, 11, 20),
    "r1c2": (70, 50, 20, 14, 2),  # alo 2: primary
    "r2c0": (80, 60, 20, 15, 25),
    "r2c1": (90, 70, 20, 16, 30),
    "r2c2": (25, 23, 2, 1, 8),    # nef 2, rlb_u15 1: primary; elb 23 = 25 - 2 must go too
}
COUNT_INDICATORS = ["rlb", "elb", "nef", "rlb_u15", "alo_sgb2"]
ATTRIBUTIONS = ["© GeoBasis-DE / BKG (2024)", "© OpenStreetMap contributors"]


@pytest.fixture(scope="module")
def con():
    from sozialraum.store import connect
    from sozialraum.store.write import Batch, SourceInfo, replace_source
    from sozialraum.testing import grid_batch

    rows = []
    for i, key in enumerate(KEYS):
        ew = 600 + 50 * i
        rows += [(key, "ew_gesamt", ew), (key, "ew_15_64", int(ew * 0.6)), (key, "ew_u15", int(ew * 0.15))]
        rows += [(key, ind, v) for ind, v in zip(COUNT_INDICATORS, COUNTS[key])]
    obs = pd.DataFrame(rows, columns=["area_key", "indicator", "value"]).assign(
        level="zelle", period="2024", numerator=np.nan, denominator=np.nan, flag=None)
    c = connect(":memory:")
    replace_source(c, *grid_batch(obs))
    replace_source(c, SourceInfo("vg", "Verwaltungsgebiete 1:250 000", publisher="BKG", licence="dl-de/by-2-0",
                                 attribution=ATTRIBUTIONS[0]), Batch())
    replace_source(c, SourceInfo("osm", "OpenStreetMap-Auszug", publisher="OpenStreetMap", licence="ODbL 1.0",
                                 attribution=ATTRIBUTIONS[1]), Batch())
    yield c
    c.close()


def hidden(con, level: str) -> set[tuple[str, str]]:
    """Cells the gate suppresses (area_key, indicator) — checked here to include every raw 1 or 2."""
    from sozialraum.analysis.confidentiality import published

    pub = published(con, level, period="2024")
    return set(zip(pub.loc[pub["flag"] == "suppressed", "area_key"], pub.loc[pub["flag"] == "suppressed",
                                                                               "indicator"]))


def raw(con, level: str) -> dict[tuple[str, str], float]:
    from sozialraum.store import read

    obs = read.observations(con, level, period="2024")
    return {(a, i): v for a, i, v in zip(obs["area_key"], obs["indicator"], obs["value"])}


_CACHE: dict = {}


def _cache(con, level):
    if (id(con), level) not in _CACHE:
        _CACHE[(id(con), level)] = (hidden(con, level), raw(con, level))
    return _CACHE[(id(con), level)]


def test_the_gate_hides_every_small_count_and_more(con):
    cells = hidden(con, "zelle")
    small = {(k, ind) for (k, ind), v in raw(con, "zelle").items() if ind in COUNT_INDICATORS and 0 < v < 3}
    assert small and small <= cells
    secondary = {c for c in cells if c[1] in COUNT_INDICATORS} - small
    assert secondary, "row totals and rlb = elb + nef must force complementary suppressions"
    assert ("r2c2", "elb") in cells  # 25 - 2 would give nef back


def _expect(con, level, area, ind, value_text_or_nan, *, text: bool):
    cells, values = _cache(con, level)
    if (area, ind) in cells:
        if text:
            assert value_text_or_nan == "*", (level, area, ind, value_text_or_nan)
        else:
            assert value_text_or_nan is None or np.isnan(value_text_or_nan), (level, area, ind)
        return
    want = values[(area, ind)]
    got = float(value_text_or_nan.replace(",", ".")) if text else float(value_text_or_nan)
    assert got == pytest.approx(want), (level, area, ind)


@pytest.mark.parametrize("level", ["zelle", "zeile"])
def test_csv_and_xlsx_and_gpkg_match_the_gate_cell_by_cell(con, level, tmp_path):
    import pyogrio
    from openpyxl import load_workbook

    from sozialraum.export.data_export import export_data
    from sozialraum.export.tables import indicator_sheet
    from sozialraum.indicators.registry import INDICATORS

    header = {c.key: c.header for c in indicator_sheet(con, level, "2024").columns}
    csv_path = export_data(con, "indicators", "csv", tmp_path / "k.csv", level=level, period="2024")
    rows = list(csv.DictReader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    xlsx = load_workbook(export_data(con, "indicators", "xlsx", tmp_path / "k.xlsx", level=level, period="2024"))
    ws = xlsx.worksheets[0]
    heads = [c.value for c in ws[1]]
    xrows = [dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    gpkg = export_data(con, "areas", "gpkg", tmp_path / "g.gpkg", level=level, period="2024")
    layer = next(name for name, _ in pyogrio.list_layers(gpkg) if name != "felder")
    gdf = pyogrio.read_dataframe(gpkg, layer=layer)
    assert gdf.crs.to_epsg() == 25832
    checked = 0
    for ind in COUNT_INDICATORS + ["sgb2_quote", "kinderarmut"]:
        for row, xrow, (_, grow) in zip(rows, xrows, gdf.iterrows()):
            key = row["Gebietsschlüssel"]
            assert xrow["Gebietsschlüssel"] == key == grow["area_key"]
            if INDICATORS[ind].kind == "count":
                _expect(con, level, key, ind, row[header[ind]], text=True)
                x = xrow[header[ind]]
                _expect(con, level, key, ind, x if x == "*" else str(x), text=True)
                _expect(con, level, key, ind, grow[ind], text=False)
                checked += 1
            elif (key, ind) in _cache(con, level)[0]:
                assert row[header[ind]] == "*" and xrow[header[ind]] == "*" and np.isnan(grow[ind])
    assert checked == len(rows) * len(COUNT_INDICATORS)


needs_tools = pytest.mark.skipif(
    not (Path("/usr/bin/chromium").exists() and shutil.which("pdftotext")),
    reason="Chromium and pdftotext are needed for the PDF check",
)


@pytest.fixture(scope="module")
def pdf_text(con, tmp_path_factory):
    from sozialraum.export.report import build_report

    out = tmp_path_factory.mktemp("pdf") / "gitter.pdf"
    build_report(con, out, level="zelle", period="2024", areas=["r0c0", "r2c2"])
    return subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout


@needs_tools
@pytest.mark.slow
def test_pdf_profiles_show_the_gate_not_the_raw_counts(con, pdf_text):
    from sozialraum.indicators.registry import INDICATORS

    cells, values = hidden(con, "zelle"), raw(con, "zelle")
    profiles = pdf_text[pdf_text.index("Gebietsprofile"):pdf_text.index("Methoden")]
    parts = re.split(r"Zelle 2/2 \(r2c2\)", profiles)
    assert len(parts) == 2 and "Zelle 0/0 (r0c0)" in parts[0]
    seen = 0
    for key, part in (("r0c0", parts[0]), ("r2c2", parts[1])):
        for ind in COUNT_INDICATORS:
            label = INDICATORS[ind].label_de
            line = next(x for x in part.splitlines() if x.strip().startswith(label + "  "))
            shown = re.split(r"\s{2,}", line.strip())[1]
            if (key, ind) in cells:
                assert shown == "*", (key, ind, line)
                seen += 1
            else:
                assert shown == f"{values[(key, ind)]:.0f}", (key, ind, line)
    assert seen >= 5


@needs_tools
@pytest.mark.slow
def test_pdf_sources_page_carries_the_required_attributions(pdf_text):
    page = re.sub(r"\s+", " ", pdf_text[pdf_text.index("Quellen und Lizenzen"):])
    for text in ATTRIBUTIONS + ["dl-de/by-2-0", "ODbL 1.0"]:
        assert text in page
    assert "Fiktive Demodaten" not in pdf_text  # the store is not purely fictional
