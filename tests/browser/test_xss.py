"""Stored XSS: names with HTML/script in a store never run in the browser; they are shown as text.

A demo store whose area, provider, Träger, venue and Jobcenter names all carry ``<img src=x onerror=alert(1)>``
and a ``<script>``. Every page with a map is opened in Chromium, shapes and markers are hovered, and no dialog
may open (``page.on("dialog")``); the tooltip shows the payload literally.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
SHOWN = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    from sozialraum.demo import build_demo_db
    from sozialraum.store import connect

    path = tmp_path_factory.mktemp("xss") / "hostile.duckdb"
    build_demo_db(path)
    con = connect(path)
    try:
        for table, columns in [("areas", ["name"]), ("providers", ["name", "traeger", "dachverband"]),
                               ("candidate_venues", ["name", "traeger"]), ("jobcenter_sites", ["name"])]:
            sets = ", ".join(f"{c} = {c} || ' ' || $p" for c in columns)
            con.execute(f"UPDATE {table} SET {sets}", {"p": PAYLOAD})
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def hostile_url(chromium, hostile_db, tmp_path_factory):

    from sozialraum.testing import start_app, stop_app

    log = tmp_path_factory.mktemp("streamlit-xss") / "server.log"
    proc, url = start_app(ROOT, dict(os.environ, SOZIALRAUM_DB=str(hostile_db)), log)
    try:
        yield url
    finally:
        stop_app(proc)


def _app(browser, url):
    import importlib.util

    spec = importlib.util.spec_from_file_location("browser_conftest", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    context = browser.new_context(viewport=module.VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, module.AppPage(page, url), dialogs


def _hover_all(app, frame, selector: str, limit: int = 8) -> list[str]:
    """Hover up to ``limit`` elements matching ``selector``; return the tooltip texts seen."""
    texts = []
    items = frame.locator(selector)
    n = min(items.count(), limit)
    for i in range(n):
        box = items.nth(i).bounding_box()
        if box is None:
            continue
        # a real mouse over the element's centre (the map is in an iframe: page coordinates)
        app.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        app.page.wait_for_timeout(200)
        items.nth(i).dispatch_event("mouseover")
        app.page.wait_for_timeout(150)
        tips = frame.locator(".leaflet-tooltip")
        texts += [tips.nth(j).inner_text() for j in range(tips.count())]
    return texts


def _check_page(app, dialogs, selectors: list[str], name: str, *, index: int = 0) -> None:
    frame = app.map_frame(index)
    frame.wait_for_timeout(500)
    texts = []
    for selector in selectors:
        texts += _hover_all(app, frame, selector)
    app.screenshot(f"xss_{name}")
    assert dialogs == [], f"{name}: a script ran ({dialogs})"
    assert any(SHOWN in t for t in texts), f"{name}: payload not shown as text in any tooltip: {texts[:3]}"
    # nothing from the payload became an element in the map frame
    assert frame.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert app.errors() == []


AREAS = "path.leaflet-interactive"
MARKERS = ".sr-provider"


@pytest.mark.parametrize("path,query,selectors", [
    ("ueberblick", {"level": "ms_stadtteil"}, [AREAS]),
    ("bedarf", {"level": "ms_stadtteil", "indicator": "sgb2_quote"}, [AREAS]),
    ("angebote", {"level": "ms_stadtteil"}, [MARKERS, AREAS]),
])
def test_no_script_runs_on_map_pages(browser, hostile_url, path, query, selectors):
    context, app, dialogs = _app(browser, hostile_url)
    try:
        app.open(path, **query)
        _check_page(app, dialogs, selectors, path)
    finally:
        context.close()


def test_no_script_runs_on_the_profile(browser, hostile_url, hostile_db):
    context, app, dialogs = _app(browser, hostile_url)
    try:
        app.open("profil", level="ms_stadtteil", area="0101")
        frames = app.page.locator("iframe[title='streamlit_folium.st_folium']")
        frames.first.wait_for(state="attached")
        _check_page(app, dialogs, [MARKERS, AREAS], "profil", index=frames.count() - 1)
    finally:
        context.close()


def test_no_script_runs_on_site_planning(browser, hostile_url):
    context, app, dialogs = _app(browser, hostile_url)
    try:
        app.open("standorte", level="ms_planungsraum")
        app.page.get_by_role("button", name="Standorte berechnen").click()
        app.page.get_by_text("Warum diese Standorte?").wait_for(timeout=180_000)
        app.wait_idle()
        frame = app.map_frame()
        frame.locator(".sr-site").first.wait_for(state="attached")
        _check_page(app, dialogs, [".sr-site", ".sr-site-fixed", ".sr-candidate", AREAS], "standorte")
        legend = frame.locator(".sr-legend").inner_text()
        assert "<img src=x" in legend  # the site names in the legend are text, too
        # a click on a possible site: its name in the message and the list is text as well
        frame.locator(".sr-candidate").first.click(force=True)
        app.page.get_by_text("hinzugefügt", exact=False).first.wait_for(timeout=120_000)
        app.wait_idle()
        message = app.page.locator("[data-testid='stAlertContentInfo']").filter(has_text="hinzugefügt").inner_text()
        assert SHOWN in message and "alert(2)" in message
        assert app.page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
        assert dialogs == [] and app.errors() == []
    finally:
        context.close()
