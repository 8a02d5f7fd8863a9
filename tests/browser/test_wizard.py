"""The import wizard in real Chromium, from an EMPTY store to a need map: areas (two levels, parent by column), then
the statistical-office Excel profile and the name-keyed CSV through the wizard. Every click is counted."""

from __future__ import annotations

import os

import re

import pytest

import wizard_fixtures as wf
from browser.conftest import ROOT, VIEWPORT, AppPage


@pytest.fixture
def empty_app(chromium, tmp_path_factory):
    from sozialraum.store import connect

    folder = tmp_path_factory.mktemp("wizard")
    db = folder / "data" / "leer.duckdb"
    connect(db).close()  # an empty store: schema only
    from sozialraum.testing import start_app, stop_app

    proc, url = start_app(ROOT, dict(os.environ, SOZIALRAUM_DB=str(db)), folder / "server.log")
    try:
        yield url, folder, db, proc
    finally:
        stop_app(proc)


class Clicks:
    def __init__(self, app: AppPage):
        self.app, self.n = app, 0

    def click(self, locator):
        locator.click()
        self.n += 1
        self.settle()

    def settle(self):
        """Streamlit starts the rerun a moment after the click: wait for it to start and finish."""
        self.app.page.wait_for_timeout(700)
        self.app.wait_idle()

    def fill(self, label: str, text: str):
        box = self.app.page.get_by_label(label, exact=True)
        box.fill(text)
        box.press("Enter")
        self.n += 1
        self.settle()

    def upload(self, path):
        self.app.page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
        self.n += 1
        self.app.page.wait_for_timeout(800)
        self.app.wait_idle()

    def tick(self, text: str):
        self.click(self.app.page.locator("[data-testid='stCheckbox']").filter(has_text=text).first.locator("label"))

    def shot(self, name: str):
        """Screenshot of the bottom of the page (Streamlit scrolls an inner container)."""
        self.app.page.evaluate("() => document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]'"
                               ").forEach(e => { e.scrollTop = e.scrollHeight; })")
        self.app.page.wait_for_timeout(200)
        return self.app.screenshot(name)

    def done(self) -> bool:
        return self.app.page.get_by_text(re.compile(r"Quelle „.*“ übernommen")).count() >= 1

    def button(self, name: str):
        self.click(self.app.page.get_by_role("button", name=name, exact=True))


def load_areas(c: Clicks, path, level: str, label: str, parent: bool):
    c.upload(path)
    c.fill("Gebietsebene (Kennung)", level)
    c.fill("Bezeichnung der Ebene", label)
    if parent:
        c.click(c.app.page.get_by_label("Übergeordnete Ebene"))
        c.click(c.app.page.get_by_role("option", name="Bezirk"))
    c.button("Prüfen")
    c.app.screenshot(f"wizard_areas_{level}_checked")
    c.button("Übernehmen")
    c.app.screenshot(f"wizard_areas_{level}_done")
    assert c.done(), c.app.errors()


def test_empty_store_to_need_map_through_the_wizard(empty_app, browser):
    url, folder, db, server = empty_app
    st_path, bz_path = wf.write_shapes(folder / "geo")
    files = wf.write_csvs(folder / "tabellen")
    profile = wf.write_profile(folder / "tabellen")
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    app = AppPage(page, url)
    try:
        app.open("daten")
        app.screenshot("wizard_00_empty")
        areas = Clicks(app)
        load_areas(areas, bz_path, "bezirk", "Bezirk", parent=False)
        load_areas(areas, st_path, "stadtteil", "Stadtteil", parent=True)
        app.screenshot("wizard_01_areas")

        # --- the statistical-office profile (Excel): title rows, merged two-row header, totals, '.' markers
        c = Clicks(app)
        c.click(page.get_by_text("Statistik je Gebiet (CSV, XLSX)"))
        c.upload(profile)
        assert page.get_by_text("Kopfzeilen 4–5, Daten in Zeilen 6–15").count() == 1
        assert page.get_by_text("zusammengefasste Gebiete").count() >= 1
        app.screenshot("wizard_02_profile_table_and_keys")
        for col in ("Bevölkerung insgesamt", "SGB II Leistungsberechtigte", "SGB II Quote in %"):
            c.tick(col)
        app.screenshot("wizard_03_profile_columns")
        c.button("Prüfen")
        c.shot("wizard_04_profile_check")
        if page.get_by_text("trotzdem übernehmen").count():
            c.tick("trotzdem übernehmen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        c.shot("wizard_05_profile_done")
        profile_clicks = c.n

        # --- the name-keyed CSV ("04 Westliche Höhe", "Am_Bach") against STGT keys
        c = Clicks(app)
        c.upload(files["namen"])
        assert page.get_by_text("Gespeichertes Rezept verwenden").count() == 1
        c.tick("Einwohner")
        c.tick("Leistungsberechtigte SGB II")
        c.fill("Zeitraum / Stichtag der Werte", "2023")
        c.fill("Kennung der Quelle", "namen_2023")
        c.button("Prüfen")
        c.shot("wizard_06_names_check")
        if page.get_by_text("trotzdem übernehmen").count():
            c.tick("trotzdem übernehmen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        names_clicks = c.n
        assert not app.errors()

        from sozialraum.store import connect

        page.goto("about:blank")
        recipes = sorted(p.name for p in (db.parent / "rezepte").glob("*.toml"))
        assert recipes == ["bezirke.toml", "namen_2023.toml", "profile.toml", "stadtteile.toml"]  # the areas' too

        app.open("bedarf", level="stadtteil")
        app.map_frame()
        app.screenshot("wizard_07_need_map")
        assert app.area_shape_count() == 8
        assert not app.errors()
        print(f"\nKlicks: Flächen (2 Ebenen) {areas.n}, Excel-Profil {profile_clicks}, Namens-CSV {names_clicks}")
    finally:
        context.close()
    server.terminate()  # the app holds the database's write lock
    server.wait(timeout=30)
    con = connect(db, read_only=True)
    try:
        got = dict(con.execute("SELECT area_key, value FROM observations WHERE indicator = 'ew_gesamt' AND "
                               "period = '2022' AND level = 'stadtteil'").fetchall())
        assert got == {k: wf.EW[k] for k in ["STGT01", "STGT02", "STGT03", "STGT04", "STGT05", "STGT06"]}
        got = dict(con.execute("SELECT area_key, value FROM observations WHERE indicator = 'ew_gesamt' AND "
                               "period = '2023' AND level = 'stadtteil'").fetchall())
        assert got == wf.EW
    finally:
        con.close()


def pick(c: Clicks, label: str, option: str, nth: int = 0):
    """Open a select box by its label and choose an option (two clicks)."""
    c.click(c.app.page.get_by_label(label, exact=True).nth(nth))
    c.app.page.keyboard.type(option)
    c.click(c.app.page.get_by_role("option", name=option, exact=True))


def test_other_layouts_and_next_years_recipe(empty_app, browser):
    url, folder, db, server = empty_app
    st_path, bz_path = wf.write_shapes(folder / "geo")
    files = wf.write_csvs(folder / "tabellen")
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    app = AppPage(page, url)
    clicks = {}
    try:
        app.open("daten")
        areas = Clicks(app)
        load_areas(areas, bz_path, "bezirk", "Bezirk", parent=False)
        load_areas(areas, st_path, "stadtteil", "Stadtteil", parent=True)
        Clicks(app).click(page.get_by_text("Statistik je Gebiet (CSV, XLSX)"))

        # comma-separated, quoted decimal commas, thousands dots; matched by name
        c = Clicks(app)
        c.upload(files["komma"])
        c.tick("Einwohner")
        c.tick("SGB-II-Quote")
        c.fill("Zeitraum / Stichtag der Werte", "2021")
        c.button("Prüfen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        clicks["komma"] = c.n

        # no header row: columns "Spalte 1" … ; indicators chosen by hand (no name to suggest from)
        c = Clicks(app)
        c.upload(files["ohne_kopf"])
        assert page.get_by_text("keine Kopfzeile erkannt").count() == 1
        c.tick("Spalte 3")
        pick(c, "Kennzahl", "Einwohner/innen (ew_gesamt)")
        c.tick("Spalte 4")
        pick(c, "Kennzahl", "Regelleistungsberechtigte (SGB II) (rlb)", nth=1)
        c.fill("Zeitraum / Stichtag der Werte", "2018")
        c.shot("wizard_10_headerless")
        c.button("Prüfen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        clicks["ohne_kopf"] = c.n

        # years across columns: one entry per year group, periods from the column names
        c = Clicks(app)
        c.upload(files["jahre"])
        c.tick("EW_{jahr}")
        c.tick("SGB II {jahr}")
        c.shot("wizard_11_years")
        c.button("Prüfen")
        c.shot("wizard_11_years_checked")
        if page.get_by_text("trotzdem übernehmen").count():
            c.tick("trotzdem übernehmen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        clicks["jahre"] = c.n

        # PDF extraction: "610 3260" in one cell is refused with row and column; "4120380" flagged as no value
        c = Clicks(app)
        c.upload(files["pdf"])
        c.tick("Einwohner")
        c.tick("Leistungsberechtigte")
        c.fill("Zeitraum / Stichtag der Werte", "2019")
        c.button("Prüfen")
        c.shot("wizard_12_pdf_refused")
        assert page.get_by_text("zusammengeklebte Zahlen").count() >= 1
        c.tick("Leistungsberechtigte")  # leave the broken column out
        c.button("Prüfen")
        assert page.get_by_text("sieht nach zusammengeklebten Zahlen aus").count() >= 1
        c.shot("wizard_12_pdf_warning")
        c.tick("trotzdem übernehmen")  # the plausibility warning must be confirmed
        c.button("Übernehmen")
        assert c.done(), app.errors()
        clicks["pdf"] = c.n

        # next year: the same file layout again, with the saved recipe: one choice, check, import
        c = Clicks(app)
        c.upload(files["komma"])
        pick(c, "Gespeichertes Rezept verwenden (gleiche Einstellungen wie beim letzten Mal)", "komma")
        c.fill("Zeitraum / Stichtag der neuen Werte", "2024")
        c.shot("wizard_13_recipe")
        c.button("Prüfen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        clicks["rezept"] = c.n
        assert not app.errors()
        print(f"\nKlicks: {clicks}")
    finally:
        context.close()
    server.terminate()
    server.wait(timeout=30)
    from sozialraum.store import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT indicator, period, area_key, value, flag FROM observations WHERE NOT derived "
                           "AND level = 'stadtteil'").fetchall()
    finally:
        con.close()
    got = {(i, p, k): (v, f) for i, p, k, v, f in rows}
    assert got[("ew_gesamt", "2021", "STGT01")] == (2370, None)
    assert got[("sgb2_quote", "2021", "STGT01")][0] == pytest.approx(wf.komma_rate("STGT01"))
    assert got[("sgb2_quote", "2024", "STGT04")][0] == pytest.approx(wf.komma_rate("STGT04"))  # via the recipe
    assert got[("rlb", "2018", "STGT08")] == (21, None)  # headerless
    assert got[("rlb", "2020", "STGT08")] == (31, None)  # years across columns
    assert {p for i, p, k in got if i == "rlb"} >= {"2020", "2022"}
    assert got[("ew_gesamt", "2019", "STGT02")] == (4120380, "doubtful")  # the glued PDF number, confirmed


def test_own_indicator_and_explicit_sum(empty_app, browser):
    url, folder, db, server = empty_app
    st_path, bz_path = wf.write_shapes(folder / "geo")
    (folder / "tabellen").mkdir(exist_ok=True)
    profile = wf.write_profile(folder / "tabellen")
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    app = AppPage(page, url)
    try:
        app.open("daten")
        c = Clicks(app)
        load_areas(c, bz_path, "bezirk", "Bezirk", parent=False)
        load_areas(c, st_path, "stadtteil", "Stadtteil", parent=True)
        c.click(page.get_by_text("Statistik je Gebiet (CSV, XLSX)"))
        c.upload(profile)
        # two columns into one indicator: only with an explicit "summieren"
        c.tick("Bevölkerung insgesamt")
        c.tick("Bevölkerung unter 15 Jahre")
        pick(c, "Kennzahl", "Einwohner/innen (ew_gesamt)", nth=1)
        assert page.get_by_text("Sie werden nur summiert, wenn Sie das ausdrücklich wollen").count() == 1
        assert page.get_by_role("button", name="Prüfen", exact=True).count() == 0
        c.shot("wizard_20_sum_warning")
        c.tick("Bevölkerung unter 15 Jahre")  # untick again
        # a column no registry indicator fits: declare an own one
        c.tick("Bevölkerung Anteil unter 15 in %")
        assert page.get_by_text("ist noch keine Kennzahl gewählt").count() == 1
        c.click(page.get_by_text("Keine passende Kennzahl? Eigene Kennzahl anlegen"))
        c.fill("Name", "Anteil Kinder unter 15")
        pick(c, "Art", "Quote/Anteil in %")
        c.button("Kennzahl anlegen")
        pick(c, "Kennzahl", "Anteil Kinder unter 15 (eigene) (eigen_anteil_kinder_unter_15)", nth=1)
        c.shot("wizard_21_own_indicator")
        c.button("Prüfen")
        if page.get_by_text("trotzdem übernehmen").count():
            c.tick("trotzdem übernehmen")
        c.button("Übernehmen")
        assert c.done(), app.errors()
        assert not app.errors()
    finally:
        context.close()
    server.terminate()
    server.wait(timeout=30)
    from sozialraum.store import connect

    con = connect(db, read_only=True)
    try:
        got = dict(con.execute("SELECT area_key, value FROM observations WHERE indicator = "
                               "'eigen_anteil_kinder_unter_15' AND NOT derived").fetchall())
        label = con.execute("SELECT label_de, unit FROM own_indicators").fetchall()
    finally:
        con.close()
    assert got["STGT01"] == pytest.approx(14.0) and len(got) == 6
    assert label == [("Anteil Kinder unter 15", "%")]
