"""Site planning in Chromium: the what-if on the map (click a possible site → added, click a chosen site →
removed, move one; the figures follow), the what-if list, the shown waiting time, and the reach of the sites as
network polygons vs straight-line circles ("Luftlinie"); screenshots in test-output/screenshots/."""

from __future__ import annotations

import re

MAP = "iframe[title='streamlit_folium.st_folium']"


def _metric(app, label: str) -> str:
    box = app.page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def _compute(app):
    app.open("standorte", level="ms_planungsraum")
    app.page.get_by_role("button", name="Standorte berechnen").click()
    app.page.get_by_text("Was wäre, wenn", exact=False).wait_for(timeout=180_000)
    app.wait_idle()
    return _map(app)


def _map(app):
    frame = app.map_frame()
    frame.wait_for_selector(".sr-site", state="attached", timeout=60_000)
    return frame


def _after_click(app, metric: str, value: str):
    """Wait until the rerun that the click started has finished and ``metric`` shows ``value``."""
    app.page.wait_for_function(
        "([label, value]) => Array.from(document.querySelectorAll(\"[data-testid='stMetric']\"))"
        ".some(m => m.innerText.includes(label) && m.innerText.split('\\n').includes(value))",
        arg=[metric, value], timeout=120_000)
    app.wait_idle()
    return _map(app)


def _chips(app) -> list[str]:
    box = app.page.locator("[data-testid='stMultiSelect']").filter(has_text="Neue Standorte (hinzufügen")
    tags = box.locator("span[data-tag-index]").evaluate_all(
        "els => els.map(e => [Number(e.dataset.tagIndex), e.getAttribute('aria-label')])")
    return [label for _, label in sorted(dict(tags).items())]  # a tag may be drawn twice (overflow measure)


def _map_shot(app, name: str):
    app.page.locator(MAP).first.scroll_into_view_if_needed()
    app.page.mouse.move(5, 5)  # no tooltip over the map
    app.page.wait_for_timeout(1200)
    return app.screenshot(name)


def test_whatif_remove_a_site_and_see_the_gap(app):
    _compute(app)
    assert re.fullmatch(r"\d+,\d s", _metric(app, "Wartezeit"))
    assert _metric(app, "Abstand zum Optimum") == "0,0 %-Punkte"
    before = _metric(app, "in Reichweite (von Hand)")
    # remove the last chosen new site: into the list's input, Backspace deletes the last chip
    box = app.page.locator("[data-testid='stMultiSelect']").filter(has_text="Neue Standorte (hinzufügen")
    box.locator("input").first.click()
    app.page.keyboard.press("Backspace")
    app.page.keyboard.press("Escape")
    app.page.wait_for_timeout(500)
    _after_click(app, "neue Standorte (von Hand)", "2")
    after = _metric(app, "in Reichweite (von Hand)")
    assert after != before
    delta = app.page.locator("[data-testid='stMetric']").filter(has_text="in Reichweite (von Hand)").first
    assert delta.locator("[data-testid='stMetricDelta']").inner_text().startswith("-")  # fewer, shown as a drop
    # with 2 new sites the optimum (k-curve) is at least as good as any hand-picked two
    assert re.fullmatch(r"\d+,\d %-Punkte", _metric(app, "Abstand zum Optimum"))
    assert _map(app).locator(".sr-site").count() == 2  # the map follows the list
    app.page.get_by_text("Abstand zum Optimum").first.scroll_into_view_if_needed()
    app.page.wait_for_timeout(800)
    app.screenshot("standorte_was_waere_wenn_liste")
    assert app.errors() == []


def test_click_on_the_map_adds_removes_and_moves_sites(app):
    frame = _compute(app)
    assert [frame.locator(".sr-site").nth(i).inner_text() for i in range(3)] == ["1", "2", "3"]
    # the plan as computed: no diamond on the k-curve yet
    assert app.page.locator("[data-testid='stPlotlyChart']").first.locator(".scatterlayer .trace").count() == 2
    n_candidates = frame.locator(".sr-candidate").count()
    assert n_candidates > 10
    # the demo plans on its street network: the reach of every site (new and fixed) is a polygon, no circle
    n_fixed = frame.locator(".sr-site-fixed").count()
    assert frame.locator("path.sr-catchment-net").count() == 3 + n_fixed
    reach0, people0 = _metric(app, "in Reichweite (von Hand)"), _metric(app, "Personen in Reichweite (von Hand)")
    chips0 = _chips(app)
    assert len(chips0) == 3
    zoom0 = frame.evaluate("() => map_div.getZoom()")
    _map_shot(app, "standorte_karte_vorher")

    # 1. a click on a possible site adds it as number 4
    frame.locator(".sr-candidate").first.click(force=True)
    frame = _after_click(app, "neue Standorte (von Hand)", "4")
    assert [frame.locator(".sr-site").nth(i).inner_text() for i in range(4)] == ["1", "2", "3", "4"]
    assert frame.locator(".sr-candidate").count() == n_candidates - 1
    assert frame.locator("path.sr-catchment-net").count() == 4 + n_fixed
    reach1 = _metric(app, "in Reichweite (von Hand)")
    assert reach1 != reach0 and _metric(app, "Personen in Reichweite (von Hand)") != people0
    assert any("hinzugefügt" in t for t in app.page.locator("[data-testid='stAlertContentInfo']").all_inner_texts())
    chips1 = _chips(app)
    assert chips1[:3] == chips0 and len(chips1) == 4  # the list follows the map
    assert frame.evaluate("() => map_div.getZoom()") == zoom0  # the map stays mounted (no reload)
    loads = app.page.locator("[data-testid='stExpander']").filter(has_text="Auslastung der Standorte")
    assert loads.locator("[data-testid='stDataFrame']").count() == 1
    _map_shot(app, "standorte_karte_hinzugefuegt")
    chart = app.page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    app.page.mouse.move(5, 5)
    app.page.wait_for_timeout(1200)
    # the curve, the plan's k (red ring) and the selection by hand (orange diamond at k = 4)
    assert chart.locator(".scatterlayer .trace").count() == 3
    page_shot = app.screenshot("standorte_k_kurve_von_hand")
    chart.screenshot(path=str(page_shot.with_name("standorte_k_kurve_von_hand_diagramm.png")))

    # 2. a click on chosen site 1 removes it; the others move up
    frame.locator(".sr-site", has_text=re.compile(r"^1$")).first.click(force=True)
    frame = _after_click(app, "neue Standorte (von Hand)", "3")
    assert _chips(app) == chips1[1:]
    assert _metric(app, "in Reichweite (von Hand)") != reach1
    assert re.fullmatch(r"\d+,\d %-Punkte", _metric(app, "Abstand zum Optimum"))
    _map_shot(app, "standorte_karte_entfernt")

    # 3. move site 3 (the added one) to another possible site: same number, new place
    app.page.get_by_text("verschieben", exact=True).click()
    app.wait_idle()
    frame = _map(app)
    frame.locator(".sr-site", has_text=re.compile(r"^3$")).first.click(force=True)
    app.page.get_by_text("jetzt den neuen Ort anklicken", exact=False).wait_for(timeout=60_000)
    app.wait_idle()
    frame = _map(app)
    assert frame.locator(".sr-site-moving").count() == 1
    _map_shot(app, "standorte_karte_verschieben_gewaehlt")  # the picked site with a yellow ring
    frame.locator(".sr-candidate").nth(3).click(force=True)
    app.page.get_by_text("verschoben", exact=False).first.wait_for(timeout=60_000)
    app.wait_idle()
    frame = _map(app)
    chips3 = _chips(app)
    assert len(chips3) == 3 and chips3[:2] == chips1[1:3] and chips3[2] != chips1[3]
    assert frame.locator(".sr-site-moving").count() == 0 and frame.locator(".sr-site").count() == 3
    _map_shot(app, "standorte_karte_verschoben")
    assert app.errors() == []


def test_reach_on_the_network_and_as_luftlinie(app):
    frame = _compute(app)
    assert frame.locator("path.sr-catchment-net").count() > 0
    assert "in 15 min erreichbar – Straßennetz (zu Fuß)" in frame.locator(".sr-legend").first.inner_text()
    net = _map_shot(app, "standorte_reichweite_netz")
    net_map = app.page.locator(MAP).first.screenshot()
    # the same plan measured in a straight line: circles, labelled "Luftlinie"
    app.page.get_by_text("Weg- und Rechenmodell").click()
    app.page.locator("[data-testid='stSelectbox']").filter(has_text="Verkehrsmittel").first.click()
    app.page.get_by_role("option", name="Luftlinie (zu Fuß)").click()
    app.wait_idle()
    app.page.get_by_role("button", name="Standorte berechnen").click()
    app.page.wait_for_timeout(1000)
    app.wait_idle(timeout=180_000)
    frame = _map(app)
    frame.wait_for_selector("path.sr-catchment", state="attached", timeout=60_000)
    assert frame.locator("path.sr-catchment-net").count() == 0
    assert frame.locator("path.sr-catchment").count() == frame.locator(".sr-site, .sr-site-fixed").count()
    assert "Kreis: Reichweite (Luftlinie)" in frame.locator(".sr-legend").first.inner_text()
    _map_shot(app, "standorte_reichweite_luftlinie")
    _side_by_side(net_map, app.page.locator(MAP).first.screenshot(),
                  net.with_name("standorte_reichweite_netz_und_luftlinie.png"))
    assert app.errors() == []


def _side_by_side(left: bytes, right: bytes, path) -> None:
    """The two maps in one picture: network reach (left), straight line (right)."""
    import io

    from PIL import Image

    a, b = Image.open(io.BytesIO(left)), Image.open(io.BytesIO(right))
    out = Image.new("RGB", (a.width + b.width + 12, max(a.height, b.height)), "white")
    out.paste(a, (0, 0))
    out.paste(b, (a.width + 12, 0))
    out.save(path)


def test_stability_marks_include_another_travel_mode(app):
    _compute(app)
    app.page.get_by_role("button", name=re.compile("Stabilität prüfen")).click()
    app.page.get_by_text("Varianten:", exact=False).first.wait_for(timeout=240_000)
    app.wait_idle()
    caption = app.page.get_by_text("Varianten:", exact=False).first.inner_text()
    # the demo plans on foot on its street network: tried by bike on the network and in a straight line
    assert "Verkehrsmittel Fahrrad" in caption and "Luftlinie statt Straßennetz" in caption
    assert "Zeitbudget 10 min" in caption and "Zeitbudget 20 min" in caption
    note = app.page.get_by_text("Varianten:", exact=False).first
    note.scroll_into_view_if_needed()
    app.page.mouse.move(5, 5)
    app.page.wait_for_timeout(1000)
    shot = app.screenshot("standorte_stabilitaet")
    box = note.bounding_box()  # the site table with its stability column is just above the note
    top = max(0.0, box["y"] + box["height"] - 620)
    app.page.screenshot(path=str(shot.with_name("standorte_stabilitaet_tabelle.png")),
                        clip={"x": 0, "y": top, "width": 1400, "height": box["y"] + box["height"] + 10 - top})
    assert app.errors() == []
