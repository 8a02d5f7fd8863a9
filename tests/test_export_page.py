"""AppTest for the page „Berichte & Export“ on the demo city (the PDF itself is tested in test_report.py)."""

from __future__ import annotations

from pathlib import Path


APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_export_page_offers_report_data_and_images(demo_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Berichte & Export"]
    assert [h.value for h in at.subheader] == ["PDF-Bericht", "Ratsvorlage: zwei Szenarien im Vergleich",
                                               "Daten herunterladen", "Bilder in Druckqualität"]
    assert any("Fiktive Beispieldaten" in w.value for w in at.warning)
    buttons = [b.label for b in at.button]
    assert "Bericht erstellen" in buttons and "Bedarfskarte als PNG erzeugen" in buttons
    assert {"Standort-Szenario", "Inhalt", "Gebietsebene", "Stichtag"} <= {s.label for s in at.selectbox}
    downloads = at.get("download_button")
    assert len(downloads) == 1 and "kennzahlen_ms_planungsraum_2024-12-31.csv" in downloads[0].proto.label
    assert not at.error


def test_export_page_switches_format_without_error(demo_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/export.py").run()
    at.radio(key="export_format").set_value("gpkg").run()
    at.selectbox(key="export_what").set_value("need-index").run()
    assert not at.exception and not at.error
    assert "bedarfsindex_ms_planungsraum_2024-12-31.gpkg" in at.get("download_button")[0].proto.label
