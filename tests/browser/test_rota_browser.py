"""Browser: the page „Mobile Beratung" on the Musterstadt demo draws its map (venues and served areas), the timetable
and the k-curve without an error; screenshot ``rota.png``."""

from __future__ import annotations

import pytest


def test_rota_page_in_the_browser(app):
    app.open("mobil")
    app.page.wait_for_selector("text=Zeitplan", timeout=180_000)
    app.wait_idle(timeout=180_000)
    frame = app.map_frame()
    assert frame.locator("path.leaflet-interactive").count() > 1
    assert app.page.locator("text=Was bringt jeder weitere Einsatztag?").count() == 1
    assert app.page.locator("[data-testid='stDownloadButton']").count() == 2
    assert not app.errors()
    app.screenshot("rota")


def test_rural_reach_tab_in_the_browser(app):
    app.open("mobil")
    app.page.get_by_text("Erreichbarkeit ohne Auto", exact=True).click()
    app.page.wait_for_selector("text=ohne Auto nicht erreichbar (≈ Personen)", timeout=180_000)
    app.wait_idle(timeout=180_000)
    frame = app.map_frame()  # the reach map is drawn (it has height: no hidden tab)
    assert frame.locator("path.leaflet-interactive").count() > 10
    assert not app.errors()
    app.screenshot("rota_erreichbarkeit")


# ------------------------------------------------------------------ the Musterkreis: its own app on its own store
@pytest.fixture(scope="module")
def kreis_app(browser, tmp_path_factory):
    """The app on a freshly built Musterkreis (with its routing network: car on the roads, bus timetable)."""
    import os

    from conftest import ROOT, VIEWPORT, AppPage

    from sozialraum.demo_kreis.build import build_kreis_db
    from sozialraum.testing import start_app, stop_app

    folder = tmp_path_factory.mktemp("kreis")
    path = folder / "kreis.duckdb"
    build_kreis_db(path)
    proc, url = start_app(ROOT, dict(os.environ, SOZIALRAUM_DB=str(path)), folder / "server.log")
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        yield AppPage(page, url)
    finally:
        context.close()
        stop_app(proc)


def test_kreis_rota_map_and_timetable(kreis_app):
    """The rota on the Kreis's network: the travel line names roads and timetable (no Luftlinie), the map shows
    the session venues over the Ortsteile they serve, the timetable lists the sessions; ``kreis_rota.png``."""
    app = kreis_app
    app.open("mobil")
    app.page.wait_for_selector("text=Zeitplan", timeout=240_000)
    app.wait_idle(timeout=240_000)
    info = app.page.locator("[data-testid='stAlertContentInfo']").first.inner_text()
    assert "Straßennetz" in info and "Fahrplan" in info and "Luftlinie" not in info
    frame = app.map_frame()
    assert frame.locator("path.leaflet-interactive").count() > 20  # 91 Ortsteile and the session dots
    assert app.page.locator("text=Gemeindehaus").count() + app.page.locator("text=Rathaus").count() >= 1
    assert not app.errors()
    app.screenshot("kreis_rota")


def test_kreis_reach_by_car_and_bus(kreis_app):
    """Reach by car (roads) and by bus/walk (timetable) per Ortsteil; ``kreis_erreichbarkeit.png``."""
    app = kreis_app
    app.open("mobil")
    app.page.get_by_text("Erreichbarkeit ohne Auto", exact=True).click()
    app.page.wait_for_selector("text=ohne Auto nicht erreichbar (≈ Personen)", timeout=240_000)
    app.wait_idle(timeout=240_000)
    text = app.page.locator("[data-testid='stAlertContentInfo']").all_inner_texts()
    assert any("Straßennetz (Auto)" in t and "ÖPNV ab" in t for t in text), text
    assert app.map_frame().locator("path.leaflet-interactive").count() > 20  # the map has height: it shows
    assert not app.errors()
    app.screenshot("kreis_erreichbarkeit")
