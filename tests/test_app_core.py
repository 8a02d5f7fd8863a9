"""AppTest (streamlit.testing.v1) for the frame and the pages Überblick, Bedarf and Gebietsprofil on the demo."""

from __future__ import annotations

import re
from pathlib import Path

from test_app_pages_store import labels

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 120


def run(page: str | None = None, query: dict | None = None, session: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (session or {}).items():
        at.session_state[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_shows_the_city_at_a_glance(demo_db):
    at = run()
    assert [t.value for t in at.title] == ["Überblick"]
    assert {"Einwohner/innen", "SGB-II-Leistungsberechtigte", "SGB-II-Quote", "Gebiete"} <= set(labels(at.metric))
    assert any("Fiktive Beispieldaten (Musterstadt)" in w.value for w in at.warning)
    assert "Gebietsebene" in labels(at.selectbox)
    headers = [h.value for h in at.subheader]
    assert "Die zehn Gebiete mit dem höchsten Bedarf" in headers and "Datenquellen und Stichtage" in headers
    top10 = at.dataframe[0].value
    assert len(top10) == 10 and list(top10["Rang"]) == list(range(1, 11))
    assert any("Datenquellen:" in c.value for c in at.caption)


def test_overview_numbers_come_from_the_gate(demo_db):
    from sozialraum.analysis.confidentiality import published
    from sozialraum.profile import totals

    at = run()
    metric = {m.label: m.value for m in at.metric}
    from app_pages import common

    con = common._root_connection(str(Path(demo_db).resolve())).cursor()
    latest = con.execute("SELECT max(period) FROM observations WHERE level = 'ms_region'").fetchone()[0]
    rows = published(con, "ms_region", period=latest, indicators=["rlb"])
    expected = totals(rows, ["rlb"])["rlb"]
    assert metric["SGB-II-Leistungsberechtigte"] == f"{expected:,.0f}".replace(",", ".")


def test_bedarf_page_widgets_and_ranking(demo_db):
    at = run("app_pages/bedarf.py")
    assert [t.value for t in at.title] == ["Bedarf"]
    assert {"Gebietsebene", "Kennzahl", "Stichtag", "Klassenbildung", "Hintergrundkarte"} <= set(labels(at.selectbox))
    assert "Anzahl Klassen" in labels(at.number_input)
    assert {"Hot Spots einblenden (Gi*)", "Angebote einblenden"} <= set(labels(at.toggle))
    table = at.dataframe[0].value
    assert len(table) == 100 and list(table.columns[:3]) == ["Rang", "Gebiet", "Schlüssel"]


def test_bedarf_suppressed_values_stay_hidden(demo_db):
    from app_pages import common
    from sozialraum.analysis.confidentiality import published

    at = run("app_pages/bedarf.py", query={"level": "ms_planungsraum", "indicator": "rlb_u15"})
    assert at.selectbox(key="indicator_select").value == "rlb_u15"
    table = at.dataframe[0].value.set_index("Schlüssel")
    period = at.selectbox(key="period_select").value
    con = common._root_connection(str(Path(demo_db).resolve())).cursor()
    gate = published(con, "ms_planungsraum", period=period, indicators=["rlb_u15"]).set_index("area_key")
    hidden = gate.index[gate["flag"] == "suppressed"]
    assert len(hidden) > 0, "the demo should contain suppressed small counts"
    assert (table.loc[hidden, "Wert"] == "gesperrt").all()


def test_bedarf_need_index_and_scheme_changes(demo_db):
    at = run("app_pages/bedarf.py", query={"indicator": "__need_index__"})
    assert any("Monitoring Soziale Stadtentwicklung" in c.value for c in at.caption)
    classes = set(at.dataframe[0].value["Klasse"])
    assert classes <= {"hoch", "mittel", "niedrig", "sehr niedrig", ""}
    at.selectbox(key="indicator_select").set_value("sgb2_quote").run()
    at.number_input(key="setting_class_count").set_value(3).run()
    assert not at.exception
    assert at.dataframe[0].value["Klasse"].replace("", None).dropna().nunique() == 3


def test_profile_restores_the_area_from_the_url(demo_db):
    at = run("app_pages/profil.py", query={"level": "ms_planungsraum", "area": "060404"})
    assert [t.value for t in at.title] == ["Gebietsprofil"]
    assert at.selectbox(key="profile_area_ms_planungsraum").value == "060404"
    assert {"Statusklasse (MSS)", "Dynamik", "Rang nach Sozialindex"} <= set(labels(at.metric))
    steckbrief = at.dataframe[0].value
    assert {"Kennzahl", "Gebiet", "Stadt"} <= set(steckbrief.columns)
    # Kennzahl, Gruppe, Gebiet, its Stadtteil and Region (every ancestor, as in the PDF report), Stadt
    assert len(steckbrief.columns) == 6
    assert [c.split(":")[0] for c in steckbrief.columns[3:5]] == ["Stadtteil", "Region"]
    assert "SGB-II-Quote" in set(steckbrief["Kennzahl"])
    nearby = at.dataframe[1].value
    assert "Nächstes Angebot" in nearby.columns and len(nearby) > 0
    assert at.query_params["area"] in ("060404", ["060404"])


def test_english_switch(demo_db):
    at = run(session={"lang": "en"})
    assert [t.value for t in at.title] == ["Overview"]
    assert "Residents" in labels(at.metric)


def test_presentation_mode_from_the_url(demo_db):
    at = run(query={"praesentation": "1"})
    assert any(b.label == "Präsentationsmodus beenden" for b in at.button)
    at.button(key="leave_presentation").click().run()
    assert not any(b.label == "Präsentationsmodus beenden" for b in at.button)


def test_missing_database_gives_a_german_hint(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SOZIALRAUM_DB", str(tmp_path / "fehlt.duckdb"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("sozialraum demo" in e.value for e in at.error)


def test_bedarf_hotspot_overlay_and_providers(demo_db):
    at = run("app_pages/bedarf.py", query={"level": "ms_planungsraum", "indicator": "sgb2_quote"})
    at.toggle(key="bedarf_hotspots").set_value(True).run()
    at.toggle(key="bedarf_providers").set_value(True).run()
    assert not at.exception
    assert not any("Hot Spots konnten nicht" in w.value for w in at.warning)
    assert not any("in Arbeit" in i.value for i in at.info)


def test_profile_ranks_the_area_on_the_chosen_indicator(demo_db):
    at = run("app_pages/profil.py", query={"level": "ms_stadtteil", "area": "0104"})
    captions = [c.value for c in at.caption if c.value.startswith("Rang ")]
    assert len(captions) == 1 and re.match(r"Rang \d+ von \d+ Gebieten am 31\.12\.\d{4}", captions[0])


def test_overview_chart_downloads_at_print_resolution(demo_db):
    import json

    at = run()
    charts = at.get("plotly_chart")
    assert charts, "the provider chart is missing"
    config = json.loads(charts[0].proto.config)
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 4, "filename": "angebote_nach_art"}
