"""AppTest of the page „Mobile Beratung" on the Musterstadt demo: the rota renders with map, timetable, k-curve and
downloads; every people figure is rounded to tens."""

from __future__ import annotations

from pathlib import Path

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _run(query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("app_pages/rota.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_rota_page_shows_plan_timetable_and_curve(demo_db):
    at = _run()
    assert [t.value for t in at.title] == ["Mobile Beratung"]
    # the demo has streets and a timetable: both named, no straight-line fallback
    assert any("Straßennetz (Auto)" in i.value and "Fahrplan (GTFS)" in i.value for i in at.info)
    assert not any("Luftlinie" in i.value for i in at.info)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Sprechstunden je Woche"]) >= 1
    assert int(metrics["Personen (≈)"].replace(".", "")) % 10 == 0
    table = at.dataframe[0].value
    assert {"Wochentag", "Zeit", "Ort", "Art", "erreichbar aus", "Personen (≈)"} <= set(table.columns)
    assert all(int(v.replace(".", "")) % 10 == 0 for v in table["Personen (≈)"] if v != "–")
    assert len(table) == int(metrics["Sprechstunden je Woche"])
    assert at.get("plotly_chart")


def _share(at, label: str) -> float:
    return float(next(m.value for m in at.metric if m.label == label).replace(" %", "").replace(",", "."))


def test_more_team_days_never_reach_fewer(demo_db):
    at = _run()
    one = _share(at, "Zielgruppe erreichbar")
    at.number_input(key="rota_staff_days").set_value(3).run()
    assert not at.exception
    assert _share(at, "Zielgruppe erreichbar") >= one


def test_rural_reach_tab(demo_db):
    at = _run()
    assert "ohne Auto nicht erreichbar (≈ Personen)" not in [m.label for m in at.metric]  # one view at a time
    at.radio(key="rota_view").set_value("reach").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "ohne Auto nicht erreichbar (≈ Personen)" in labels
    assert any("Straßennetz (Auto)" in i.value and "Bus/zu Fuß: ÖPNV" in i.value for i in at.info)
    table = next(d.value for d in at.dataframe if "Bus/zu Fuß" in d.value.columns)
    assert len(table) == 100  # the Planungsräume of Musterstadt
    assert all(v == "–" or int(v.replace(".", "")) % 10 == 0 for v in table["ohne Auto nicht erreichbar (≈)"])
    # a tight bus budget leaves people without car-free access; a wide car budget reaches more than the bus
    at.number_input(key="rural_transit_min").set_value(10).run()
    assert not at.exception
    assert _share(at, "mit dem Auto in 30 min") >= _share(at, "mit Bus/zu Fuß in 10 min")


def test_no_venues_gives_a_german_hint(tmp_path, monkeypatch):
    from test_app_pages_store import build_grid_store

    from sozialraum.store import connect

    path = tmp_path / "g.duckdb"
    build_grid_store(path)
    con = connect(path)
    con.execute("DELETE FROM candidate_venues")
    con.close()
    monkeypatch.setenv("SOZIALRAUM_DB", str(path))
    at = _run()
    assert any("Kandidatenorte" in w.value for w in at.warning)


def test_venue_kinds_choose_where_sessions_may_be(demo_db):
    """Only the chosen kinds of venues host sessions; the choice offers each kind with its number of venues."""
    from sozialraum.services import VENUE_TYPES

    at = _run()
    box = at.multiselect(key="rota_venue_types")
    assert len(box.value) == len(box.options)  # all kinds chosen at first
    kinds = list(box.value)
    assert len(kinds) >= 2
    only = kinds[0]
    box.set_value([only]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 1 and set(table["Art"]) == {VENUE_TYPES.get(only, only)}
    at.multiselect(key="rota_venue_types").set_value([]).run()
    assert any("mindestens eine Art" in i.value for i in at.info)
