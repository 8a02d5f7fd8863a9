"""The PDF report on the demo city: one build for the module, then text (pdftotext) and pages (pdftoppm)."""

from __future__ import annotations

import re
import shutil
from html import escape
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.slow]

needs_tools = pytest.mark.skipif(
    not (Path("/usr/bin/chromium").exists() and shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="Chromium and poppler-utils (pdftotext, pdftoppm) are needed for the report test",
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from sozialraum.demo import build_demo_db

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_db(path)
    return path


@pytest.fixture(scope="module")
def report(demo_db, tmp_path_factory):
    from sozialraum.export.report import build_report
    from sozialraum.store import connect

    out = tmp_path_factory.mktemp("report") / "bericht.pdf"
    con = connect(demo_db, read_only=True)
    steps = []
    try:
        result = build_report(con, out, progress=lambda f, m: steps.append((f, m)))
    finally:
        con.close()
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    return result, text, steps


def _pages(text: str) -> list[str]:
    return text.split("\f")


@needs_tools
def test_report_has_every_section_in_german(report):
    result, text, steps = report
    assert result.path.read_bytes().startswith(b"%PDF")
    for heading in ["Sozialraumbericht Musterstadt", "Bedarf: Sozialer Status (MSS-Statusindex)",
                    "Legende – Statusklasse", "Rangfolge der Gebiete", "Standortplanung: Standardszenario",
                    "Nutzen jedes weiteren Standorts (k-Kurve)", "Standorte im Einzelnen",
                    "Reichweite nach Statusklasse", "Erwartete Fallzahlen je Standort", "Gebietsprofile",
                    "Methoden", "Statistische Geheimhaltung", "Erreichbarkeit (Wegemodell)",
                    "Verwendete Parameter", "Quellen und Lizenzen", "Namensnennung (Pflichtangaben)"]:
        assert heading in text, heading
    assert "Fiktive Demodaten" in _pages(text)[0]  # on the title page
    assert "Stabilität: in wie vielen Varianten" in " ".join(text.split())  # the sites table has the marks
    assert [f for f, _ in steps] == sorted(f for f, _ in steps) and steps[-1][0] == 1.0


@needs_tools
def test_page_count_and_numbers(report):
    result, text, _ = report
    info = subprocess.run(["pdfinfo", str(result.path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert result.pages == pages >= 8
    assert "A4" in info
    assert f"Seite 2 von {pages}" in text  # page numbers in the footer
    assert result.size_bytes == result.path.stat().st_size


@needs_tools
def test_need_legend_counts_match_the_index(demo_db, report):
    from sozialraum.analysis.need_index import need_index_for_store
    from sozialraum.store import connect

    result, text, _ = report
    con = connect(demo_db, read_only=True)
    need = need_index_for_store(con, result.level, result.period)
    con.close()
    scored = need[need["scored"].astype(bool)]
    for label in ["hoch", "mittel", "niedrig", "sehr niedrig"]:
        n = int((scored["status_class"] == label).sum())
        assert re.search(rf"(?<!sehr ){label} \({n} Gebiete\)", text), (label, n)


@needs_tools
def test_ranking_starts_with_the_highest_need(demo_db, report):
    from sozialraum.analysis.need_index import need_index_for_store
    from sozialraum.store import connect, read

    result, text, _ = report
    con = connect(demo_db, read_only=True)
    need = need_index_for_store(con, result.level, result.period)
    names = dict(zip(*[read.areas(con, result.level, web=True)[c] for c in ("area_key", "name")]))
    con.close()
    top = need[need["scored"].astype(bool)].sort_values("status_index", ascending=False)["area_key"].tolist()
    ranking = text[text.index("Rangfolge der Gebiete"):]
    first_row = next(line for line in ranking.splitlines() if re.match(r"\s+1\s{2,}", line))
    assert re.split(r"[\s-]", names[top[0]])[0] in first_row
    # the profiles default to the two areas of highest need
    assert list(result.areas) == top[:2]
    profiles = text[text.index("Gebietsprofile"):]
    for key in top[:2]:
        assert f"({key})" in profiles


@needs_tools
def test_methods_read_labels_and_values_from_settings(report):
    from sozialraum.settings import SETTINGS

    _, text, _ = report
    flat = re.sub(r"\s+", " ", text)
    for name in ["detour_factor", "walking_speed_kmh", "travel_budget_min", "suppression_threshold"]:
        assert SETTINGS[name].label.split()[0] in flat, name
    # the demo store has its generated street network: reach is measured on it, and the methods say so
    assert "Wege: Straßennetz" in flat and "Luftlinie ×" not in flat


@needs_tools
def test_sources_page_lists_the_demo_source(demo_db, report):
    from sozialraum.store import connect, read

    _, text, _ = report
    con = connect(demo_db, read_only=True)
    src = read.sources(con)
    con.close()
    sources_page = re.sub(r"\s+", " ", text[text.index("Quellen und Lizenzen"):])
    for r in src.itertuples():
        assert r.licence in sources_page
        assert " ".join(r.attribution.split()[:4]) in sources_page


def _colour_pixels(png: Path, rgb: tuple[int, int, int], tol: int = 12) -> int:
    from PIL import Image

    a = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return int((np.abs(a - np.array(rgb)).max(axis=2) <= tol).sum())


@needs_tools
def test_maps_are_drawn_on_the_rendered_pages(report, tmp_path):
    from sozialraum.maps import class_colours
    from sozialraum.maps.base import NO_TILES_BACKGROUND
    from sozialraum.maps.siting import SITE_COLOURS

    result, text, _ = report
    pages = _pages(text)
    need_page = next(i for i, p in enumerate(pages) if "Legende – Statusklasse" in p) + 1
    site_page = next(i for i, p in enumerate(pages) if "Standortplanung: " in p) + 1
    for page in (need_page, site_page):
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), str(result.path),
                        str(tmp_path / f"p{page}")], check=True)
    need_png = next(tmp_path.glob(f"p{need_page}*.png"))
    site_png = next(tmp_path.glob(f"p{site_page}*.png"))
    darkest = class_colours(4)[-1]  # "sehr niedrig", drawn at fill opacity 0.85 over the map background
    background = tuple(int(NO_TILES_BACKGROUND[i:i + 2], 16) for i in (1, 3, 5))
    rgb = tuple(round(0.85 * int(darkest[i:i + 2], 16) + 0.15 * b) for i, b in zip((1, 3, 5), background))
    assert _colour_pixels(need_png, rgb) > 200  # filled polygons, not a blank frame
    first_site = tuple(int(SITE_COLOURS[0][i:i + 2], 16) for i in (1, 3, 5))
    assert _colour_pixels(site_png, first_site, tol=20) > 50


def test_a_saved_scenario_is_reported_with_its_own_sites(demo_db, tmp_path):
    from sozialraum.export.report import build_document
    from sozialraum.export.report_siting import map_frames
    from sozialraum.siting.plan import plan_sites
    from sozialraum.siting.scenarios import save
    from sozialraum.store import connect

    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    con = connect(copy)
    try:
        plan = plan_sites(con, level="ms_planungsraum", period="2024-12-31", k=2, budget_min=10, k_curve_max=3)
        save(con, "Zwei Büros, 10 Minuten", plan)
        doc, meta = build_document(con, scenario="Zwei Büros, 10 Minuten", areas=["010101"])
        with pytest.raises(Exception, match="gibt es nicht"):
            build_document(con, scenario="Unbekannt")
    finally:
        con.close()
    html = doc.html()
    assert "Szenario „Zwei Büros, 10 Minuten“" in html and meta["scenario"].startswith("Szenario")
    assert meta["areas"] == ("010101",) and "(010101)" in html
    sites, service = map_frames(plan)
    new = sites[~sites["fixed"].astype(bool)]
    assert sorted(new["order"]) == [1, 2] and (sites.loc[sites["fixed"].astype(bool), "order"] == 0).all()
    assert set(service["site"].dropna()) <= set(sites["order"])
    for name in new["name"]:
        assert escape(name) in html  # every new site is explained in the table
