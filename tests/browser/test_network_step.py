"""Real browser: the Daten page's tab „Straßennetz“ on a copy of the demo without a network — a wrong-area extract
and a file that is no extract are refused in German, then the demo's own OSM file and GTFS feed are built with a
progress bar, and both appear in the source list with their licences (fixtures: conftest.py)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.conftest import ROOT, VIEWPORT, AppPage


@pytest.fixture(scope="module")
def bare_app(chromium, demo_db_path, tmp_path_factory):
    """The app on a copy of the demo store that has no street network beside it."""
    from sozialraum.testing import start_app, stop_app

    folder = tmp_path_factory.mktemp("netzschritt")
    db = folder / "kopie.duckdb"
    shutil.copyfile(demo_db_path, db)
    env = dict(os.environ, SOZIALRAUM_DB=str(db), CI=os.environ.get("CI", ""))
    proc, url = start_app(ROOT, env, folder / "server.log")
    try:
        yield url, demo_db_path.with_name("demo.network"), db
    finally:
        stop_app(proc)


def _tab(app, name: str):
    app.page.get_by_role("tab", name=name).click()
    app.page.wait_for_timeout(300)


def _upload(app, index: int, path):
    app.page.locator("[data-testid='stFileUploaderDropzoneInput']").nth(index).set_input_files(str(path))
    app.page.wait_for_timeout(500)
    app.wait_idle()


def _build(app):
    app.page.get_by_role("button", name="Netz bauen").click()


def test_network_step_refuses_bad_files_then_builds_and_records_the_sources(browser, bare_app, tmp_path):
    from test_network_store import _town_osm

    url, demo_network, db = bare_app
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    try:
        app = AppPage(context.new_page(), url)
        app.page.set_default_timeout(60_000)
        app.open("daten")
        _tab(app, "Straßennetz")
        app.page.get_by_text("noch kein Straßennetz gebaut", exact=False).wait_for()
        # 1. an extract of somewhere else (a town 300 km away): no streets around the store's areas
        _upload(app, 1, _town_osm(tmp_path / "anderswo.osm.pbf", lat0=53.5))
        _build(app)
        app.page.get_by_text("liegen keine Straßen", exact=False).wait_for(timeout=120_000)
        assert any("Das Netz wurde nicht gebaut" in e for e in app.errors())
        # 2. a table saved under the extract's name
        table = tmp_path / "tabelle.osm.pbf"
        table.write_text("id;name\n1;Markt\n" * 20, encoding="utf-8")
        _upload(app, 1, table)
        _build(app)
        app.page.get_by_text("kein OpenStreetMap-Auszug im PBF-Format", exact=False).wait_for(timeout=60_000)
        # 3. the demo's own files, with the timetable's licence typed in
        _upload(app, 1, demo_network / "musterstadt.osm.pbf")
        _upload(app, 2, demo_network / "musterstadt-gtfs.zip")
        app.page.get_by_text("Linien", exact=False).first.wait_for()
        assert "Haltestellen" in app.page.inner_text("body")
        licence = app.page.get_by_label("Lizenz des Fahrplans", exact=True).and_(app.page.locator("input"))
        licence.fill("CC BY 4.0 (Testverbund)")
        licence.press("Enter")
        app.wait_idle()
        app.page.get_by_text("Schnell bauen (MLD) statt schneller Abfragen (CH)").click()
        app.wait_idle()
        _build(app)
        app.page.locator("[data-testid='stProgress']").first.wait_for(timeout=60_000)
        app.screenshot("daten_netz_fortschritt")
        app.page.get_by_text("Straßennetz gebaut", exact=False).wait_for(timeout=300_000)
        app.wait_idle()
        app.screenshot("daten_netz_gebaut")
        assert app.errors() == []
        # 4. the sources: the network under ODbL, the timetable with the licence typed in
        app.open("daten")
        _tab(app, "Quellen")
        app.page.get_by_text("oepnv_fahrplan").wait_for(state="attached")
        app.page.wait_for_timeout(800)
        app.screenshot("daten_netz_quellen")
        cells = app.page.locator("[role='gridcell']").all_text_contents()
        assert "osm_netz" in cells and "oepnv_fahrplan" in cells
        assert "CC BY 4.0 (Testverbund)" in cells and "ODbL 1.0 (Open Database License)" in cells
        _tab(app, "Straßennetz")
        app.page.get_by_text("Straßennetz vorhanden", exact=False).wait_for()
        assert "ÖPNV" in app.page.get_by_text("Straßennetz vorhanden", exact=False).inner_text()
    finally:
        context.close()
    assert (db.with_name("kopie.network") / "network.json").exists()  # beside the store, as the CLI builds it
