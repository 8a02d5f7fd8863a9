"""Real browser: the same outreach scenario (Standortplanung, Musterstadt, Planungsräume, SGB II, 15 minutes,
k = 3) on the street network („zu Fuß“, the default on the demo) and in straight-line mode („Luftlinie“), put side by
side in one picture, test-output/screenshots/standorte_netz_vs_luftlinie.png (fixtures: conftest.py)."""

from __future__ import annotations

import re

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_access_pages import map_with


def _run(app, legend: str) -> tuple[str, str]:
    """Compute, then wait for the map whose legend names ``legend`` (the previous run's map stays until then)."""
    app.page.get_by_role("button", name="Standorte berechnen").click()
    app.page.get_by_text("Warum diese Standorte?").wait_for(timeout=180_000)
    app.wait_idle()
    frame = map_with(app, legend, tries=10)
    frame.locator(".sr-site").first.wait_for(state="attached")
    legend = frame.locator(".sr-legend").inner_text()
    app.page.wait_for_timeout(1500)
    return legend, app.page.inner_text("body")


def _mode(app, label: str) -> None:
    app.page.get_by_text("Weg- und Rechenmodell").click()
    box = app.page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Verkehrsmittel")
    box.first.click()
    app.page.get_by_role("option", name=label, exact=True).click()
    app.wait_idle()


def _shares(text: str) -> list[str]:
    return re.findall(r"\d{1,3},\d\s?%", text)


def test_same_scenario_on_the_network_and_in_straight_line(app):
    from PIL import Image

    app.open("standorte", level="ms_planungsraum")
    net_legend, net_text = _run(app, "Straßennetz (zu Fuß)")
    net_png = app.screenshot("standorte_netz")
    assert "Reichweite (Luftlinie)" not in net_legend  # on the network: no circles
    assert "Straßennetz (zu Fuß)" in net_text  # the page names the model that measured reach

    _mode(app, "Luftlinie (zu Fuß)")
    line_legend, line_text = _run(app, "Reichweite (Luftlinie)")
    line_png = app.screenshot("standorte_luftlinie")
    assert "Reichweite (Luftlinie)" in line_legend  # straight line: circles, labelled
    assert "Luftlinie × 1,30" in line_text and "Straßennetz (zu Fuß)" not in line_text
    assert _shares(net_text) != _shares(line_text)  # the two models measure reach differently
    assert app.errors() == []

    a, b = Image.open(net_png), Image.open(line_png)
    h = min(a.height, 1500)
    side = Image.new("RGB", (a.width + b.width, h), "white")
    side.paste(a.crop((0, 0, a.width, h)), (0, 0))
    side.paste(b.crop((0, 0, b.width, h)), (a.width, 0))
    side.save(SCREENSHOTS / "standorte_netz_vs_luftlinie.png")
