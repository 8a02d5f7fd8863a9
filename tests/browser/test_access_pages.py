"""Real browser on the demo: Angebote & Erreichbarkeit, Standortplanung and Daten (fixtures: conftest.py)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlparse

LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def only_local_requests(app) -> bool:
    """Every http(s) request of the page (maps included) went to the app itself."""
    hosts = {urlparse(u).hostname for u in app.requests if urlparse(u).scheme in ("http", "https")}
    return hosts <= LOCAL_HOSTS


def map_with(app, text: str, index: int = 0, tries: int = 5):
    """The map frame once its legend shows ``text`` (a rerun may swap the iframe: retry on a detached frame)."""
    from playwright.sync_api import Error

    for attempt in range(tries):
        try:
            frame = app.map_frame(index)
            frame.locator(".sr-legend", has_text=text).wait_for(timeout=20_000)
            return frame
        except Error:
            if attempt == tries - 1:
                raise
            app.page.wait_for_timeout(1000)


def choose(app, text: str):
    """Click a radio option or button by its visible text and wait for the rerun."""
    app.page.get_by_text(text, exact=True).first.click()
    app.page.wait_for_timeout(300)
    app.wait_idle()


def test_angebote_map_shows_providers_and_areas(app, level_sizes):
    app.open("angebote", level="ms_planungsraum")
    frame = map_with(app, "Kindertagesbetreuung")
    frame.locator(".sr-provider").first.wait_for(state="attached")
    providers = frame.locator(".sr-provider").count()
    assert providers > 100  # the demo has ~280 providers; no filter set
    assert app.area_shape_count() >= level_sizes["ms_planungsraum"]
    assert "Kindertagesbetreuung" in frame.locator(".sr-legend").inner_text()
    app.screenshot("angebote_karte")
    assert app.errors() == []
    assert only_local_requests(app)


def test_angebote_catchments_for_one_service_type(app):
    """The demo has a street network: catchments are network polygons by default, circles in „Luftlinie“ mode."""
    app.open("angebote", level="ms_planungsraum")
    app.page.get_by_text("Angebotsart", exact=True).wait_for()
    combo = app.page.locator("[data-testid='stMultiSelect']").first
    combo.click()
    app.page.get_by_role("option", name="Schuldnerberatung (§ 16a Nr. 2)").click()
    app.page.keyboard.press("Escape")
    app.wait_idle()
    frame = map_with(app, "auf dem Straßennetz")
    frame.locator(".sr-catchment-net").first.wait_for(state="attached")
    markers, polygons = frame.locator(".sr-provider").count(), frame.locator(".sr-catchment-net").count()
    assert 0 < polygons <= markers and frame.locator(".sr-catchment").count() == 0  # no circles on the network
    app.screenshot("angebote_einzugsbereiche_netz")
    # the same scenario in straight-line mode
    box = app.page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']",
                           has=app.page.get_by_text("Verkehrsmittel", exact=True)).first
    box.locator("input").click()
    app.page.get_by_role("option", name="Luftlinie (zu Fuß)").click()
    app.wait_idle()
    frame = map_with(app, "15 min Fußweg")
    frame.locator(".sr-catchment").first.wait_for(state="attached")
    markers, circles = frame.locator(".sr-provider").count(), frame.locator(".sr-catchment").count()
    assert markers == circles > 0  # one walking catchment per shown Schuldnerberatung
    assert "15 min Fußweg" in frame.locator(".sr-legend").inner_text()
    app.screenshot("angebote_einzugsbereiche")
    assert app.errors() == []


def test_angebote_fca_map_and_blind_spots(app, level_sizes):
    app.open("angebote", level="ms_planungsraum")
    choose(app, "Versorgung je Gebiet (2SFCA)")
    app.page.get_by_text("Angebotsart für die Versorgungskarte").wait_for()
    app.wait_idle()
    map_with(app, "je 100")  # the map was redrawn as the 2SFCA map
    assert app.area_shape_count() >= level_sizes["ms_planungsraum"]
    app.screenshot("angebote_2sfca")
    choose(app, "Weiße Flecken")
    app.page.get_by_text("weiße Flecken", exact=False).first.wait_for(timeout=60_000)
    app.page.locator("[data-testid='stDataFrame']").first.wait_for()
    app.page.wait_for_timeout(1000)
    app.screenshot("angebote_weisse_flecken")
    assert app.errors() == []


def test_siting_run_shows_its_sites_on_the_map(app):
    app.open("standorte", level="ms_planungsraum")
    assert app.page.get_by_text("Parameter wählen", exact=False).count() == 1
    app.page.get_by_role("button", name="Standorte berechnen").click()
    app.page.get_by_text("Warum diese Standorte?").wait_for(timeout=120_000)
    app.wait_idle()
    frame = map_with(app, "Standorte und versorgte Gebiete")
    frame.locator(".sr-site").first.wait_for(state="attached")
    new_sites, fixed = frame.locator(".sr-site").count(), frame.locator(".sr-site-fixed").count()
    assert new_sites == 3  # k = 3 by default
    assert fixed >= 1  # the demo's Jobcenter sites are fixed in
    assert [frame.locator(".sr-site").nth(i).inner_text() for i in range(3)] == ["1", "2", "3"]
    app.page.get_by_text("Lohnt sich ein weiterer Standort?").scroll_into_view_if_needed()
    app.page.wait_for_timeout(1500)
    app.screenshot("standorte_ergebnis")
    assert app.errors() == []
    assert only_local_requests(app)


def test_daten_refuses_a_zip_bomb_and_previews_a_table(app, tmp_path):
    bomb = tmp_path / "bombe.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("gebiete.geojson", b" " * (30 * 1024 * 1024))
    bomb.write_bytes(buf.getvalue())
    app.open("daten")
    app.page.locator("input[type=file]").first.set_input_files(str(bomb))  # the first tab's uploader
    app.page.get_by_text("ZIP-Bombe", exact=False).wait_for(timeout=60_000)
    assert "Upload abgelehnt" in app.page.inner_text("body")
    app.screenshot("daten_zip_bombe")

    table = tmp_path / "arbeitslose.csv"
    table.write_text("Gebiet;Arbeitslose\n010101;12\n010102;*\n999999;4\n", encoding="utf-8")
    app.open("daten")
    choose(app, "Statistik je Gebiet (CSV, XLSX)")
    app.page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(table))
    app.page.get_by_text("Schritt 3: Zeilen den Gebieten zuordnen").wait_for(timeout=60_000)
    app.wait_idle()
    # the wizard's match table lists the unknown key instead of stopping with a bare error
    body = app.page.inner_text("body")
    assert "2 zugeordnet, 1 nicht gefunden" in body and "Zeilen, die kein Gebiet finden" in body, body[-2000:]
    app.screenshot("daten_pruefung")
