"""Browser: the council deck downloads from the page „Berichte & Export" (its own app on the 3×3 grid store with two
saved scenarios, so the shared demo app keeps no scenarios); the file opens in python-pptx. Screenshot
``ratsvorlage.png``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_app_pages_store import build_grid_store

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def pack_url(chromium, tmp_path_factory):
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import connect
    from sozialraum.testing import start_app, stop_app

    folder = tmp_path_factory.mktemp("rat_browser")
    path = build_grid_store(folder / "grid.duckdb")
    con = connect(path)
    for k in (1, 2):
        plan = plan_sites(con, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=k,
                          settings={"detour_factor": 1.0, "walking_speed_kmh": 6.0, "demand_grid_m": 1000.0})
        scenarios.save(con, f"Variante {k}", plan)
    con.close()
    env = dict(os.environ, SOZIALRAUM_DB=str(path))
    proc, url = start_app(ROOT, env, folder / "app.log")
    yield url
    stop_app(proc)


def test_council_deck_downloads_from_the_export_page(pack_url, browser, tmp_path):
    from pptx import Presentation

    # the session's browser (a second sync Playwright in the same process fails inside the first one's loop)
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(pack_url + "/export")
        page.get_by_text("Ratsvorlage: zwei Szenarien im Vergleich").first.wait_for(timeout=120_000)
        page.get_by_role("button", name="Ratsvorlage als PowerPoint erstellen").click()
        button = page.get_by_role("button", name="PowerPoint herunterladen")
        button.wait_for(timeout=180_000)
        with page.expect_download() as info:
            button.click()
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "ratsvorlage.png"))
    finally:
        context.close()
    assert download.suggested_filename == "ratsvorlage_Variante-1_Variante-2.pptx"
    prs = Presentation(str(target))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == "Standortplanung Gitterstadt: zwei Szenarien im Vergleich"
    assert "Karte A: Variante 1" in titles and titles[-1] == "Methoden und Quellen"
