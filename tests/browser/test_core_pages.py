"""What a person sees: every page loads, the need map draws every area, a click opens the area's profile."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

PAGES = ["ueberblick", "bedarf", "angebote", "standorte", "profil", "daten", "export"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_error(app, path):
    app.open(path)
    app.screenshot(f"page_{path}")
    assert app.errors() == []
    assert "Traceback" not in app.page.inner_text("body")


@pytest.mark.parametrize("level", ["ms_planungsraum", "ms_stadtteil"])
def test_bedarf_map_draws_every_area(app, level, level_sizes):
    app.open("bedarf", level=level, indicator="sgb2_quote")
    shapes = app.area_shape_count()
    app.screenshot(f"bedarf_{level}")
    assert shapes >= level_sizes[level] > 0
    legend = app.map_frame().locator(".sr-legend").inner_text()
    assert "SGB-II-Quote" in legend and "%" in legend


def test_overview_mini_map_draws_the_need_index(app, level_sizes):
    app.open("ueberblick", level="ms_planungsraum")
    assert app.area_shape_count() >= level_sizes["ms_planungsraum"]
    assert "Sozialindex" in app.map_frame().locator(".sr-legend").inner_text()
    app.screenshot("ueberblick_map")


def test_click_on_an_area_opens_its_profile(app):
    app.open("bedarf", level="ms_stadtteil", indicator="sgb2_quote")
    frame = app.map_frame()
    target = frame.locator("path.leaflet-interactive").nth(3)
    target.dispatch_event("click")
    app.page.wait_for_url("**/profil**", timeout=60_000)
    app.wait_idle()
    query = parse_qs(urlparse(app.page.url).query)
    assert query.get("level") == ["ms_stadtteil"] and query.get("area")
    area_key = query["area"][0]
    assert app.page.locator("h1", has_text="Gebietsprofil").count() == 1
    assert any(v.endswith(f"({area_key})") for v in app.selectbox_values())
    app.screenshot("profil_after_click")
    assert app.errors() == []


def test_shared_link_restores_the_view(app):
    app.open("bedarf", level="ms_stadtteil", indicator="kinderarmut", period="2022-12-31")
    values = app.selectbox_values()
    assert {"Stadtteil (23)", "Kinderarmut (SGB II unter 15)", "31.12.2022"} <= set(values)
    assert app.area_shape_count() >= 23


def test_presentation_mode_hides_the_sidebar_and_enlarges_type(app):
    app.open("bedarf", level="ms_stadtteil", praesentation="1")
    assert not app.page.locator("[data-testid='stSidebar']").is_visible()
    # the presentation style arrives with the script run: wait for it rather than reading the first paint
    big_title = "() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) >= 50"
    app.page.wait_for_function(big_title, timeout=15_000)
    app.map_frame()
    app.screenshot("bedarf_praesentation")
