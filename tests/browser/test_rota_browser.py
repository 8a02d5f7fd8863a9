"""Browser: the page „Mobile Beratung" on the Musterstadt demo draws its map (venues and served areas), the timetable
and the k-curve without an error; screenshot ``rota.png``."""

from __future__ import annotations


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
    app.page.get_by_role("tab", name="Erreichbarkeit ohne Auto").click()
    app.page.wait_for_selector("text=ohne Auto nicht erreichbar (≈ Personen)", timeout=180_000)
    frames = app.page.locator("iframe[title='streamlit_folium.st_folium']")
    assert frames.count() == 2  # the rota map (hidden tab) and the reach map
    assert not app.errors()
    app.screenshot("rota_erreichbarkeit")
