"""A city the project did not shape (tests/city_fixture.py) in a real Chromium: the pages open on the finest level
with data, no traceback when a period has counts but no ``rlb``, the need map fits the city (not the island
100 km north) and says why areas stay blank."""

from __future__ import annotations

import os

import pytest

from city_fixture import build_city_store
from tests.browser.conftest import ROOT, AppPage


@pytest.fixture(scope="module")
def city_url(chromium, tmp_path_factory):
    path = build_city_store(tmp_path_factory.mktemp("city") / "sandstadt.duckdb")
    from sozialraum.testing import start_app, stop_app

    proc, url = start_app(ROOT, dict(os.environ, SOZIALRAUM_DB=str(path)), path.parent / "server.log")
    try:
        yield url
    finally:
        stop_app(proc)


@pytest.fixture
def city(browser, city_url):
    from tests.browser.conftest import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield AppPage(page, city_url)
    context.close()


def test_overview_opens_without_traceback_on_the_finest_level(city):
    city.open("")  # the default page (its own path is the root)
    assert city.errors() == []
    assert "Traceback" not in city.page.inner_text("body") and "KeyError" not in city.page.inner_text("body")
    assert city.selectbox_values()[0] == "Ortsteil (25)"
    assert city.area_shape_count() == 25
    city.screenshot("city_ueberblick")


def test_bedarf_need_map_fits_the_city_and_explains_blank_areas(city):
    city.open("bedarf", indicator="__need_index__")
    assert city.errors() == []
    body = city.page.inner_text("body")
    assert "5 von 25 Gebieten der Ebene Ortsteil nicht bewertet" in body
    # the index-indicator multiselect in the sidebar, with the declared default preselected
    city.page.get_by_text("Indikatoren des Sozialindex").first.wait_for(state="visible")
    chips = city.page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.inner_text()
    assert "SGB-II-Quote" in chips and "Kinderarmut" in chips
    frame = city.map_frame()
    assert city.area_shape_count() == 25
    # the fitted view: the mainland Ortsteile fill the map, the island (drawn, reachable) is outside the view
    sizes = frame.evaluate("""() => Array.from(document.querySelectorAll('path.sr-area')).map(p => {
        const b = p.getBoundingClientRect(); return [b.width, b.height, b.top]; })""")
    widths = sorted(w for w, h, top in sizes)
    assert widths[len(widths) // 2] > 60  # a 1,5 km Ortsteil is drawn large, not squeezed into a corner
    viewport_h = frame.evaluate("() => document.querySelector('.leaflet-container').clientHeight")
    # (Leaflet does not draw a shape outside the view: the island's path is empty, 0 × 0 px)
    assert sum(1 for w, h, top in sizes if w > 0 and h > 0 and 0 <= top <= viewport_h) == 24
    # hovering an unscored (grey) area shows why it is not scored
    grey = frame.locator("path.sr-area[fill='#d9d9d9']")
    assert grey.count() == 5
    texts = []
    for i in range(grey.count()):
        grey.nth(i).dispatch_event("mouseover")
        frame.wait_for_selector(".leaflet-tooltip", state="visible")
        texts.append(frame.locator(".leaflet-tooltip").inner_text())
        grey.nth(i).dispatch_event("mouseout")
    joined = "\n".join(texts)
    assert "nicht bewertet: unter 300 Einwohner/innen" in joined
    assert "nicht bewertet: SGB-II-Quote 2024 fehlt" in joined
    assert joined.count("Einwohnerzahl 2024 fehlt") == 3
    city.screenshot("city_bedarf_sozialindex")


def test_bedarf_on_a_coarser_level_says_why_nothing_is_scored(city):
    city.open("bedarf", indicator="__need_index__", level="stadtteil")
    assert city.errors() == []
    body = city.page.inner_text("body")
    assert "Der Sozialindex lässt sich für die Ebene Stadtteil nicht darstellen." in body
    assert "nur als veröffentlichte Quoten auf der Ebene Ortsteil" in body
    assert city.area_shape_count() == 7  # the areas are still drawn (grey, each with its reason)
    city.screenshot("city_bedarf_stadtteil")
