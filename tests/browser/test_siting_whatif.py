"""Site planning in Chromium: the what-if list (remove a chosen site → reach drops, the gap to the optimum shows)
and the shown waiting time; screenshots in test-output/screenshots/."""

from __future__ import annotations

import re


def _metric(app, label: str) -> str:
    box = app.page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def test_whatif_remove_a_site_and_see_the_gap(app):
    app.open("standorte", level="ms_planungsraum")
    app.page.get_by_role("button", name="Standorte berechnen").click()
    app.page.get_by_text("Was wäre, wenn", exact=False).wait_for(timeout=180_000)
    app.wait_idle()
    assert re.fullmatch(r"\d+,\d s", _metric(app, "Wartezeit"))
    assert _metric(app, "Abstand zum Optimum") == "0,0 Prozentpunkte"
    before = _metric(app, "in Reichweite (von Hand)")
    section = app.page.get_by_text("Was wäre, wenn", exact=False)
    section.scroll_into_view_if_needed()
    app.screenshot("standorte_was_waere_wenn_vorher")
    # remove the last chosen new site: into the list's input, Backspace deletes the last chip
    box = app.page.locator("[data-testid='stMultiSelect']").filter(has_text="Neue Standorte (hinzufügen")
    box.locator("input").first.click()
    app.page.keyboard.press("Backspace")
    app.page.keyboard.press("Escape")
    app.page.wait_for_timeout(500)
    app.wait_idle()
    app.page.wait_for_function(
        "() => Array.from(document.querySelectorAll(\"[data-testid='stMetric']\"))"
        ".some(m => m.innerText.includes('neue Standorte (von Hand)') && m.innerText.includes('\\n2'))",
        timeout=120_000)
    app.wait_idle()
    after = _metric(app, "in Reichweite (von Hand)")
    assert _metric(app, "neue Standorte (von Hand)") == "2"
    assert after != before
    delta = app.page.locator("[data-testid='stMetric']").filter(has_text="in Reichweite (von Hand)").first
    assert delta.locator("[data-testid='stMetricDelta']").inner_text().startswith("-")  # fewer, shown as a drop
    # with 2 new sites the optimum (k-curve) is at least as good as any hand-picked two
    assert re.fullmatch(r"\d+,\d Prozentpunkte", _metric(app, "Abstand zum Optimum"))
    app.page.get_by_text("Abstand zum Optimum").first.scroll_into_view_if_needed()
    app.page.wait_for_timeout(800)
    app.screenshot("standorte_was_waere_wenn_nachher")
    assert app.errors() == []
