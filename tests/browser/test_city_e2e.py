"""Issue 9's "Done when", in real Chromium: from an EMPTY data folder to a need map, a need index with scored areas
and a site plan — a new city created in the app, area shapes (the Stadtteile name their Bezirk by hand-typed name),
the statistical-office Excel profile, the name-keyed CSV, services in degrees with decimal commas and a hand-typed
list of candidate venues (title rows, decimal commas in metres, two broken rows) through the import wizard; no
hand-editing. Then the recipes the app saved, run on the command line into a second store, give the same tables.
"""

from __future__ import annotations

import os

import pytest

import wizard_fixtures as wf
from browser.conftest import ROOT, VIEWPORT, AppPage
from browser.test_wizard import Clicks, pick

CITY = "kleinstadt"


@pytest.fixture
def empty_data(chromium, tmp_path_factory):
    """The app on an empty data folder: no store, no demo, nothing but the app."""
    from sozialraum.testing import start_app, stop_app

    folder = tmp_path_factory.mktemp("city_e2e")
    data = folder / "data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("SOZIALRAUM_DB", "SOZIALRAUM_STORE")}
    env["SOZIALRAUM_DATA"] = str(data)
    proc, url = start_app(ROOT, env, folder / "server.log")
    try:
        yield url, folder, data, proc
    finally:
        stop_app(proc)


def upload_areas(c: Clicks, path, level: str, label: str, parent_by_name: bool = False):
    c.upload(path)
    c.fill("Gebietsebene (Kennung)", level)
    c.fill("Bezeichnung der Ebene", label)
    if parent_by_name:
        pick(c, "Übergeordnete Ebene", "Bezirk")
        c.click(c.app.page.get_by_text("Name in einer Spalte", exact=True))
        # the column with the Bezirk's name is found by its name (BEZ_NAME), not typed
        assert "BEZ_NAME" in c.app.selectbox_values()
    c.button("Prüfen")
    c.app.screenshot(f"city_01_areas_{level}_checked")
    c.button("Übernehmen")
    assert c.done(), c.app.errors()


CLICKS: dict[str, int] = {}


def import_statistics(c: Clicks, path, ticks, period: str | None = None, source: str | None = None):
    start = c.n
    c.upload(path)
    for i, col in enumerate(ticks):
        c.shot(f"city_02_stats_{path.stem}_tick{i}")
        c.tick(col)
    if period:
        c.fill("Zeitraum / Stichtag der Werte", period)
    if source:
        c.fill("Kennung der Quelle", source)
    c.button("Prüfen")
    c.shot(f"city_02_stats_{path.stem}_checked")
    doubtful = c.app.page.get_by_text("trotzdem übernehmen").count() > 0
    if doubtful:
        c.tick("trotzdem übernehmen")
    c.button("Übernehmen")
    assert c.done(), c.app.errors()
    CLICKS[path.name] = c.n - start
    return doubtful


def test_empty_folder_to_need_index_and_site_plan(empty_data, browser):
    url, folder, data, server = empty_data
    files = folder / "dateien"
    st_path, bz_path = wf.write_shapes(files)
    tables = wf.write_csvs(files)
    profile = wf.write_profile(files)
    venues = wf.write_venues(files)
    services = wf.write_services(files)
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(90_000)
    app = AppPage(page, url)
    try:
        # --- a new city, from the app
        app.open("staedte")
        app.screenshot("city_00_empty_folder")
        assert page.get_by_text("gibt es noch keine Stadt").count() == 1
        c = Clicks(app)
        page.get_by_label("Name", exact=True).fill("Kleinstadt")  # inside a form: no Enter (that submits)
        c.button("Anlegen")
        app.screenshot("city_00_created")
        assert page.get_by_text("„Kleinstadt“ angelegt und ausgewählt").count() == 1
        assert (data / CITY).is_dir()

        # --- area shapes: Bezirke, then Stadtteile whose Bezirk is a hand-typed name ("bezirk_süd")
        app.open("daten", stadt=CITY)
        c = Clicks(app)
        upload_areas(c, bz_path, "bezirk", "Bezirk")
        upload_areas(c, st_path, "stadtteil", "Stadtteil", parent_by_name=True)

        # --- statistics through the wizard: the Excel profile (2022) and the name-keyed CSV (2023)
        c.click(page.get_by_text("Statistik je Gebiet (CSV, XLSX)"))
        import_statistics(c, profile, ["Bevölkerung insgesamt", "SGB II Leistungsberechtigte", "SGB II Quote in %"])
        # the profile's left-out rows are listed: the merged unit, the Bezirk and city totals
        import_statistics(c, tables["namen"], ["Einwohner", "Leistungsberechtigte SGB II"], period="2023",
                          source="namen_2023")
        # a PDF extraction: "4120380" (two numbers glued) is a doubtful value that must be confirmed and is flagged
        assert import_statistics(c, tables["pdf"], ["Einwohner"], period="2019", source="pdf_2019")
        # long format: the column „Kennzahl" names the indicator, „Wert" holds the values (both found by name)
        import_statistics(c, tables["lang"], ["Einwohner", "Leistungsberechtigte SGB II"], period="2024")

        # --- services: lon/lat in degrees with decimal commas, the Angebotsart as German text
        c.click(page.get_by_text("Punktliste: Angebote, Kandidatenorte, Jobcenter (CSV, Excel, GeoJSON)"))
        start = c.n
        c.upload(services)
        c.click(page.get_by_text("Angebote (Beratungsstellen, Kitas, Treffpunkte …) – mit Angebotsart und Träger"))
        assert page.get_by_text("Es ist nichts vorausgewählt").count() == 1
        c.button("Vorschläge übernehmen")
        values = app.selectbox_values()
        assert {"Länge", "Breite", "Name", "Angebotsart", "Träger"} <= set(values)
        assert any(v.startswith("EPSG:4326") for v in values)
        c.shot("city_03_services_columns")
        c.button("Prüfen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        CLICKS[services.name] = c.n - start

        # --- candidate venues: title rows, decimal commas in UTM metres, two types to choose, two broken rows
        start = c.n
        c.upload(venues)
        assert page.get_by_text("Kopfzeile 4, Daten in Zeilen 5–13").count() == 1
        c.click(page.get_by_text("Kandidatenorte für die Standortplanung", exact=False))
        c.button("Vorschläge übernehmen")
        values = app.selectbox_values()
        assert {"Rechtswert", "Hochwert", "Bezeichnung", "Art", "Träger"} <= set(values)
        assert any(v.startswith("EPSG:25832") for v in values)
        pick(c, "„Stadtteilbücherei“ (1×)", "Bibliothek")
        pick(c, "„Kirche“ (1×)", "Gemeindesaal einer Kirchengemeinde")
        c.fill("Kennung der Quelle", "orte")
        c.shot("city_04_venues_columns")
        c.button("Prüfen")
        c.shot("city_05_venues_checked")
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "2 Zeilen werden ausgelassen" in body
        skipped = page.locator("[data-testid='stDataFrame']").filter(has_text="Koordinate fehlt")
        assert skipped.count() == 1  # the table of refused rows: file, row, column, what is wrong
        c.button("Übernehmen")
        assert c.done(), app.errors()
        c.shot("city_06_venues_done")
        CLICKS[venues.name] = c.n - start
        # next year's list: the saved recipe, one choice, check, import (the same source id replaces the points)
        start = c.n
        next_year = venues.with_name("kandidatenorte_2025.csv")
        next_year.write_text(venues.read_text(encoding="utf-8").replace("03/2024", "03/2025"), encoding="utf-8")
        c.upload(next_year)
        pick(c, "Gespeichertes Rezept verwenden (gleiche Einstellungen wie beim letzten Mal)", "orte")
        c.button("Prüfen")
        assert page.get_by_text("2 Zeilen werden ausgelassen").count() == 1
        c.button("Übernehmen")
        assert c.done(), app.errors()
        c.shot("city_06_venues_recipe")
        CLICKS["kandidatenorte.csv (Rezept)"] = c.n - start
        print(f"\nKlicks je Datei (Hochladen bis Übernehmen): {CLICKS}")
        assert not app.errors()

        # --- a need map and a need index with scored areas
        app.open("bedarf", level="stadtteil", stadt=CITY)
        app.map_frame()
        assert app.area_shape_count() == 8
        app.screenshot("city_07_need_map")
        app.open("bedarf", level="stadtteil", indicator="__need_index__", stadt=CITY)
        app.map_frame()
        app.screenshot("city_08_need_index")
        assert app.area_shape_count() == 8
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "nicht darstellen" not in body  # the index is shown (its scores are checked on the store below)
        page.get_by_text("Alle Gebiete als Tabelle").click()
        page.wait_for_timeout(800)
        app.screenshot("city_08_need_index_table")
        assert not app.errors()

        # --- a site plan on the page Standortplanung
        app.open("standorte", level="stadtteil", stadt=CITY)
        assert page.get_by_text("Keine Kandidatenorte geladen").count() == 0
        c = Clicks(app)
        c.button("Standorte berechnen")
        page.get_by_text("Warum diese Standorte?").wait_for(timeout=180_000)
        app.map_frame()
        c.shot("city_09_site_plan")
        app.screenshot("city_09_site_plan_top")
        assert page.get_by_text("Keine Lösung").count() == 0
        assert page.get_by_text("Lohnt sich ein weiterer Standort?").count() == 1  # the k-curve of the plan
        assert not app.errors()
    finally:
        context.close()
    server.terminate()
    server.wait(timeout=30)
    from sozialraum.analysis.need_index import need_index_for_store
    from sozialraum.store import snapshots

    con = snapshots.open_current(data / CITY)
    try:
        scored = need_index_for_store(con, "stadtteil", "2024")  # the period the page shows first
    finally:
        con.close()
    assert int(scored["scored"].sum()) == 8 and set(scored["status_class"].dropna()) <= {"hoch", "mittel", "niedrig",
                                                                                         "sehr niedrig"}
    recipes = sorted(p.name for p in (data / CITY / "rezepte").glob("*.toml"))
    assert recipes == ["angebote.toml", "bezirke.toml", "lang.toml", "namen_2023.toml", "orte.toml", "pdf_2019.toml",
                       "profile.toml", "stadtteile.toml"]
    assert_cli_recipes_give_the_same_tables(data / CITY, files, folder / "cli")


TABLES = {
    "areas": "SELECT level, area_key, name, parent_key FROM areas ORDER BY ALL",
    "area_levels": "SELECT level, label, hierarchy, rank, parent_level FROM area_levels ORDER BY ALL",
    "observations": "SELECT level, area_key, indicator, period, value, flag, source_id FROM observations "
                    "WHERE NOT derived ORDER BY ALL",
    "derived": "SELECT level, area_key, indicator, period, round(value, 6), flag FROM observations "
               "WHERE derived ORDER BY ALL",
    "candidate_venues": "SELECT venue_id, venue_type, name, traeger, round(x, 2), round(y, 2) FROM candidate_venues "
                        "ORDER BY ALL",
    "providers": "SELECT provider_id, service_type, name, traeger, round(x, 2), round(y, 2) FROM providers "
                 "ORDER BY ALL",
}


def _tables(store) -> dict:
    from sozialraum.store import snapshots

    con = snapshots.open_current(store)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        con.close()


def assert_cli_recipes_give_the_same_tables(store, files, cli_data):
    """The same imports on the command line, from the recipes the app saved (areas, statistics, points)."""
    from sozialraum.cli import main

    other = cli_data / CITY
    for name in ("bezirke", "stadtteile", "profile", "namen_2023", "pdf_2019", "lang", "angebote", "orte"):
        assert main(["recipe", str(store / "rezepte" / f"{name}.toml"), "--data-dir", str(files), "--db", str(other),
                     "--bestaetigen"]) == 0, name
    text = (store / "rezepte" / "stadtteile.toml").read_text(encoding="utf-8")
    assert 'parent_match = "name"' in text and 'parent = "BEZ_NAME"' in text and "rank" not in text
    got, want = _tables(other), _tables(store)
    for name in TABLES:
        assert got[name] == want[name], name
    assert len(want["candidate_venues"]) == 7 and len(want["providers"]) == 3
    long = {(r[1], r[2]): r[4] for r in want["observations"] if r[3] == "2024"}
    assert long == {**{(k, "ew_gesamt"): wf.EW[k] + 30.0 for k in wf.NAMES},
                    **{(k, "rlb"): wf.RLB[k] - 5.0 for k in wf.NAMES}}
    flagged = [r for r in want["observations"] if r[5] == "doubtful"]
    assert [(r[1], r[2], r[3], r[4]) for r in flagged] == [("STGT02", "ew_gesamt", "2019", 4120380.0)]
    assert {r[1] for r in want["areas"] if r[0] == "stadtteil"} == set(wf.NAMES)
