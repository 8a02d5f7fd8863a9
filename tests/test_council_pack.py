"""The council pack: two saved scenarios composed once (views.scenario), compared, laid out as PDF and PowerPoint.

On the 3×3 grid of test_siting_plan (worked out there by hand): the Jobcenter alone reaches 36 of 172; k = 1
adds r2c2 (116 in reach, ≈ 120), k = 2 adds r2c0 as well (146, ≈ 150). So A (k = 1) reaches 67,4 %, B (k = 2)
84,9 %: B − A = +17,4 Prozentpunkte and ≈ +30 people; r2c2 is in both plans, r2c0 only in B.
The deck is read back with python-pptx (slide titles, table cells equal to the view's text, attribution). On
the demo city the PDF (pdftotext) holds both scenarios, and LibreOffice renders the deck's slides to PNG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from test_siting_plan import SETTINGS, fill_grid_store

HAVE_CHROMIUM = Path("/usr/bin/chromium").exists()
needs_pdf_tools = pytest.mark.skipif(not (HAVE_CHROMIUM and shutil.which("pdftotext") and shutil.which("pdftoppm")),
                                     reason="Chromium and poppler-utils are needed")
needs_soffice = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                                   reason="LibreOffice (libreoffice-impress-nogui) and pdftoppm are needed")
# a 1×1 white PNG stands in for the map images where only the layout is tested
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4dc0000000049454e44ae426082")


@pytest.fixture
def grid(store):
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import plan_sites

    fill_grid_store(store)
    for k in (1, 2):
        plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=k,
                          settings=SETTINGS, caseload_groups=["ew_gesamt"])
        scenarios.save(store, f"{k} neue", plan)
    return store


def _views(con, stability=False):
    from sozialraum.views.scenario import saved_view

    return saved_view(con, "1 neue", stability=stability), saved_view(con, "2 neue", stability=stability)


def test_scenario_view_on_the_grid(grid):
    a, b = _views(grid, stability=True)
    assert a.facts["Zielgruppe in Reichweite"] == "67,4 %" and b.facts["Zielgruppe in Reichweite"] == "84,9 %"
    assert a.facts["nur bestehende Standorte"] == "20,9 %" and a.facts["Personen in Reichweite (≈)"] == "120"
    sites = a.site_table.set_index("Nr.")
    assert list(a.site_table["Nr."]) == ["JC", "1"]
    assert sites.loc["1", "Standort"] == "Bibliothek Nordost (Bibliothek)"
    assert sites.loc["1", "Zuwachs (≈)"] == "80"  # 116 − 36
    assert sites.loc["JC", "Stabilität"] == "fest"
    assert re.fullmatch(r"(stabil|meist|unsicher) \(\d/3\)", sites.loc["1", "Stabilität"])  # budget 5, 15 min, bike
    assert a.variants == ("Zeitbudget 5 min", "Zeitbudget 15 min", "Verkehrsmittel Fahrrad (Luftlinie)")
    assert not a.uses_network and a.attributions == () and a.travel.startswith("Luftlinie")
    # the caseload: one row per site, planning group and the further group, the capacity check
    assert list(a.caseload_table["Standort"]) == ["Jobcenter Süd", "Bibliothek Nordost"]
    assert set(a.caseload_table["Bewertung"]) == {"im Rahmen"}  # default capacities: room enough on the grid
    assert a.caseload_table["weitere Gruppen (≈ Fälle)"].str.startswith("Einwohner").all()


def test_comparison_of_two_scenarios(grid):
    from sozialraum.views.scenario_compare import area_differences, compare, coverage_sentence, site_differences

    a, b = _views(grid)
    table = compare(a, b).set_index("Merkmal")
    assert table.loc["Zielgruppe in Reichweite"].tolist() == ["67,4 %", "84,9 %", "+17,4 Prozentpunkte"]
    assert table.loc["Personen in Reichweite (≈)"].tolist() == ["120", "150", "+30"]
    assert table.loc["Neue Standorte"].tolist() == ["1", "2", "+1"]
    assert table.loc["Zeitbudget", "Unterschied (B − A)"] == "gleich"
    sites = site_differences(a, b).set_index("Standort")
    assert sites.loc["Bibliothek Nordost"].tolist() == ["1", "1", "in beiden"]
    assert sites.loc["Familienzentrum Nordwest"].tolist() == ["–", "2", "nur in B"]
    # r2c0's own cell is the only one B adds (r1c0 and r2c1 were within reach of the Jobcenter and r2c2)
    areas = area_differences(a, b)
    assert areas.values.tolist() == [["Zelle 2/0", "0,0 %", "100,0 %", "+100,0 Prozentpunkte"]]
    assert coverage_sentence(a, b) == ("„2 neue“ erreicht 17,4 Prozentpunkte mehr der Zielgruppe als „1 neue“ "
                                       "(≈ 30 Personen mehr).")


def _cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _tables(slide):
    return [s.table for s in slide.shapes if s.has_table]


def test_deck_reads_back_with_the_scenario_figures(grid, tmp_path):
    from pptx import Presentation

    from sozialraum.export.deck import deck
    from sozialraum.store import read
    from sozialraum.views.scenario_compare import compare

    a, b = _views(grid, stability=True)
    images = {("map", i): PNG for i in (0, 1)}
    out = tmp_path / "rat.pptx"
    deck(a, b, images, city="Gitterstadt", fictional=True, sources=read.sources(grid)).save(str(out))
    prs = Presentation(str(out))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == ["Standortplanung Gitterstadt: zwei Szenarien im Vergleich", "Ergebnis auf einen Blick",
                      "Karte A: 1 neue", "Karte B: 2 neue", "k-Kurven: Nutzen jedes weiteren Standorts",
                      "Standorte A: 1 neue", "Standorte B: 2 neue", "Fallzahlen und Personalbedarf A: 1 neue",
                      "Fallzahlen und Personalbedarf B: 2 neue",
                      "Reichweite nach Bedarf (Statusklassen des Sozialindex)", "Was unterscheidet die Szenarien?",
                      "Methoden und Quellen"]
    slides = list(prs.slides)
    # real, editable tables whose cells are the view's text (the same text the PDF prints)
    frame = compare(a, b)
    assert _cells(_tables(slides[1])[0]) == [list(frame.columns)] + frame.astype(str).values.tolist()
    assert _cells(_tables(slides[5])[0]) == [list(a.site_table.columns)] + a.site_table.values.tolist()
    assert _cells(_tables(slides[8])[0])[1:] == b.caseload_table.values.tolist()
    glance = {r[0]: r[1:] for r in _cells(_tables(slides[1])[0])}
    assert glance["Zielgruppe in Reichweite"] == ["67,4 %", "84,9 %", "+17,4 Prozentpunkte"]
    # the k-curves are editable line charts with the plans' shares (%, one decimal): 20,9 → 67,4 → 84,9 …
    charts = [sh.chart for sh in slides[4].shapes if sh.has_chart]
    assert len(charts) == 2
    for chart, view in zip(charts, (a, b)):
        plot = chart.plots[0]
        assert list(plot.categories) == [str(int(k)) for k in view.plan.k_curve["k"]]
        assert list(plot.series[0].values) == [round(100 * v, 1) for v in view.plan.k_curve["covered_share"]]
        assert set(plot.series[1].values) == {20.9}  # the Jobcenter alone: 36 of 172
    assert list(charts[0].plots[0].series[0].values)[:3] == [20.9, 67.4, 84.9]
    # the title slide says the data are fictional; the methods slide names sources and software
    text = "\n".join(sh.text_frame.text for s in slides for sh in s.shapes if sh.has_text_frame)
    assert "Fiktive Demodaten" in text and "Orte (Testdaten)" in "\n".join(
        c for t in _tables(slides[-1]) for r in _cells(t) for c in r)
    assert "Leaflet" in text and "OpenStreetMap" not in text  # no network here: no OSM attribution


def test_osm_attribution_when_reach_came_from_a_real_osm_network(grid):
    from pptx import Presentation

    from sozialraum.export.deck import deck
    from sozialraum.network.build import SOURCE_ID
    from sozialraum.store import Batch, SourceInfo, read, replace_source
    from sozialraum.views.scenario import OSM_ATTRIBUTION, scenario_view

    replace_source(grid, SourceInfo(SOURCE_ID, "Straßennetz (OpenStreetMap)", licence="ODbL",
                                    attribution="© OpenStreetMap-Mitwirkende"), Batch())
    a, b = _views(grid)
    plan = a.plan
    on_network = type(plan)(**{**plan.__dict__, "parameters": {**plan.parameters, "travel": "NetworkModel"}})
    view = scenario_view(grid, on_network, name="Netz", stability=False)
    assert view.uses_network and view.attributions == (OSM_ATTRIBUTION,)
    assert "© OpenStreetMap contributors" in view.method_text
    import io

    buf = io.BytesIO()
    deck(view, b, {("map", i): PNG for i in (0, 1)}, city="Gitterstadt", fictional=False,
         sources=read.sources(grid)).save(buf)
    slides = list(Presentation(io.BytesIO(buf.getvalue())).slides)
    methods = "\n".join(sh.text_frame.text for sh in slides[-1].shapes if sh.has_text_frame)
    assert "© OpenStreetMap-Mitwirkende (© OpenStreetMap contributors), Lizenz ODbL" in methods
    karte = "\n".join(sh.text_frame.text for sh in slides[2].shapes if sh.has_text_frame)
    assert "OpenStreetMap contributors" in karte  # beside the map that used it
    # a generated (fictional) network needs no OSM attribution
    replace_source(grid, SourceInfo(SOURCE_ID, "Netz (fiktiv)", fictional=True), Batch())
    assert scenario_view(grid, on_network, name="Netz", stability=False).attributions == ()


def test_pack_needs_two_existing_scenarios(grid):
    from sozialraum.errors import InputError
    from sozialraum.export.report_council import views_for

    with pytest.raises(InputError, match="genau zwei"):
        views_for(grid, ("1 neue",))
    with pytest.raises(InputError, match="gibt es nicht"):
        views_for(grid, ("1 neue", "fehlt"))


# --------------------------------------------------------------------------------------- the demo city, real


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory):
    """The demo city with two saved scenarios (2 and 3 new sites), the PDF pack and the deck built from it."""
    from sozialraum.demo import build_demo_db
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import connect

    if not HAVE_CHROMIUM:
        pytest.skip("Chromium is needed for the PDF and the deck's images")
    folder = tmp_path_factory.mktemp("pack")
    path = folder / "demo.duckdb"
    build_demo_db(path)
    con = connect(path)
    for k in (2, 3):
        plan = plan_sites(con, level="ms_planungsraum", period="2024-12-31", k=k, caseload_groups=["elb", "nef"])
        scenarios.save(con, f"{k} Sprechstunden", plan)
    con.close()
    from sozialraum.export.deck import build_deck
    from sozialraum.export.report import build_report

    con = connect(path, read_only=True)
    try:
        pdf = build_report(con, folder / "rat.pdf", compare=("2 Sprechstunden", "3 Sprechstunden"))
        deck = build_deck(con, folder / "rat.pptx", ("2 Sprechstunden", "3 Sprechstunden"))
    finally:
        con.close()
    return folder, pdf, deck


@pytest.mark.slow
@needs_pdf_tools
def test_pdf_holds_both_scenarios(demo_pack):
    folder, pdf, _ = demo_pack
    text = subprocess.run(["pdftotext", "-layout", str(pdf.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for heading in ["Ratsvorlage: Szenarien „2 Sprechstunden“ und „3 Sprechstunden“ im Vergleich",
                    "Was unterscheidet die Szenarien?", "Szenario A: 2 Sprechstunden", "Szenario B: 3 Sprechstunden",
                    "Karten: „2 Sprechstunden“", "Erwartete Fallzahlen und Personalbedarf",
                    "Reichweite nach Statusklasse des Sozialindex", "Methoden", "Quellen und Lizenzen"]:
        assert heading in flat, heading
    assert flat.count("Stabilität: in wie vielen Varianten") == 2  # both site tables carry the marks
    assert re.search(r"Zielgruppe in Reichweite \d+,\d % \d+,\d % \+\d+,\d Prozentpunkte", flat)
    assert pdf.scenario == "„2 Sprechstunden“ und „3 Sprechstunden“"


@pytest.mark.slow
@needs_pdf_tools
def test_deck_and_pdf_show_the_same_rounded_figures(demo_pack):
    from pptx import Presentation

    folder, pdf, deck = demo_pack
    prs = Presentation(str(deck.path))
    assert deck.slides == len(prs.slides) >= 12 and deck.titles[0].startswith("Standortplanung Musterstadt")
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf.path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    people_cols = ("Erreicht (≈)", "Zuwachs (≈)", "in Reichweite (≈)", "Fälle je Jahr (≈)",
                   "Zielgruppe (≈)", "in Reichweite (≈)")
    seen = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            cells = _cells(shape.table)
            for j, name in enumerate(cells[0]):
                if name not in people_cols:
                    continue
                for row in cells[1:]:
                    value = int(row[j].replace(".", ""))
                    assert value % 10 == 0, (name, row[j])  # rounded to tens: never a 1 or a 2
                    assert row[j] in text  # the same figure in the PDF
                    seen += 1
    assert seen > 20


@pytest.mark.slow
@needs_soffice
def test_libreoffice_renders_every_slide(demo_pack, tmp_path):
    from PIL import Image

    _, _, deck = demo_pack
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(deck.path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "rat.pdf"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "folie")], check=True)
    pngs = sorted(tmp_path.glob("folie-*.png"))
    assert len(pngs) == deck.slides
    for png in pngs:
        img = Image.open(png).convert("L")
        assert img.size[0] > img.size[1]  # 16:9
        dark = sum(1 for p in img.getdata() if p < 200)
        assert dark > 0.005 * img.size[0] * img.size[1], png.name  # text, tables or images were drawn


# --------------------------------------------------------------------------------------- command line


@pytest.fixture
def grid_file(tmp_path):
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import connect

    from test_app_pages_store import build_grid_store

    path = build_grid_store(tmp_path / "grid.duckdb")
    con = connect(path)
    for k in (1, 2):
        plan = plan_sites(con, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=k,
                          settings=SETTINGS)
        scenarios.save(con, f"{k} neue", plan)
    con.close()
    return path


def test_cli_refuses_a_pack_without_two_scenarios(grid_file, tmp_path, capsys):
    from sozialraum.cli import main

    assert main(["report", "--db", str(grid_file)]) == 1
    assert "--out DATEI.pdf" in capsys.readouterr().err
    assert main(["report", "--db", str(grid_file), "--pptx", str(tmp_path / "r.pptx")]) == 1
    assert "--compare A --compare B" in capsys.readouterr().err
    assert main(["report", "--db", str(grid_file), "--pptx", str(tmp_path / "r.pptx"), "--compare", "1 neue"]) == 1
    assert "genau zweimal" in capsys.readouterr().err
    assert not (tmp_path / "r.pptx").exists()


@pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium draws the deck's map and chart images")
def test_cli_writes_the_deck(grid_file, tmp_path, capsys):
    from pptx import Presentation

    from sozialraum.cli import main

    out = tmp_path / "rat.pptx"
    code = main(["report", "--db", str(grid_file), "--compare", "1 neue", "--compare", "2 neue", "--pptx", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "PowerPoint geschrieben" in printed.out and "(12 Folien" in printed.out
    prs = Presentation(str(out))
    assert len(prs.slides) == 12 and prs.slides[2].shapes.title.text == "Karte A: 1 neue"
    pictures = [sh for sh in prs.slides[2].shapes if sh.shape_type == 13]  # the map image
    assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
    assert main(["report", "--db", str(grid_file), "--compare", "1 neue", "--compare", "fehlt",
                 "--pptx", str(tmp_path / "x.pptx")]) == 2
    assert "gibt es nicht" in capsys.readouterr().err


def test_twin_stores_give_the_same_deck_and_pack_tables():
    """Two stores that publish the same values but swap a suppressed 2 and a secondarily suppressed 26
    (test_confidentiality_siting) give cell for cell the same deck and the same council-pack tables."""
    import io

    from pptx import Presentation
    from test_confidentiality_siting import ROW0, SWAPPED, _grid_store

    from sozialraum.export.deck import deck
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import read
    from sozialraum.views.scenario import saved_view
    from sozialraum.views.scenario_compare import area_differences, compare

    def pack(row0):
        con = _grid_store(row0)
        for k in (1, 2):
            plan = plan_sites(con, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=k,
                              settings=SETTINGS, caseload_groups=["ew_gesamt"])
            scenarios.save(con, f"{k} neue", plan, scenario_id=f"s{k}")
        a, b = saved_view(con, "s1"), saved_view(con, "s2")
        buf = io.BytesIO()
        deck(a, b, {("map", i): PNG for i in (0, 1)}, city="Gitterstadt", fictional=True,
             sources=read.sources(con)).save(buf)
        cells = [_cells(t) for s in Presentation(io.BytesIO(buf.getvalue())).slides for t in _tables(s)]
        tables = [compare(a, b), area_differences(a, b), a.caseload_table, b.site_table, b.fairness_table]
        con.close()
        return cells, tables

    cells_a, tables_a = pack(ROW0)
    cells_b, tables_b = pack(SWAPPED)
    assert cells_a == cells_b and len(cells_a) >= 8
    for x, y in zip(tables_a, tables_b):
        assert x.equals(y)
    # every figure of people (columns marked ≈) is rounded to tens: never a 1 or a 2
    cells = [row[j] for t in cells_a for j, head in enumerate(t[0]) if "(≈" in head for row in t[1:]]
    people = [n for c in cells for n in (re.findall(r"(?:≈ |: )(\d[\d.]*)", c) if re.search(r"\D", c) else [c])]
    assert len(people) > 20
    assert all(re.fullmatch(r"0|\d{1,3}(\.\d{3})*0", v) for v in people), people
