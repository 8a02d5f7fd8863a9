"""The report section „Mobile Beratung" (sozialraum/export/report_rota.py) on the Musterkreis: timetable, map of
sessions, k-curve of staff days, people per session rounded to tens, exact vs heuristic and the travel model;
left out by default in a city (Musterstadt). The PDF of the real Kreis is tested in test_recipe_schmalkalden.py."""

from __future__ import annotations

import re

import pytest

from sozialraum.store import connect


@pytest.fixture(scope="module")
def kreis_db(tmp_path_factory):
    from sozialraum.demo_kreis.build import build_kreis_db

    path = tmp_path_factory.mktemp("kreis") / "kreis.duckdb"
    build_kreis_db(path)
    return path


def _section_html(doc) -> str:
    return "\n".join(s for s in doc.sections if "Mobile Beratung" in s)


def test_kreis_report_has_the_rota(kreis_db):
    from sozialraum.export.report import build_document
    from sozialraum.export.report_rota import rota_applies

    con = connect(kreis_db, read_only=True)
    try:
        assert rota_applies(con) == (True, "")
        doc, _ = build_document(con, with_siting=False)
        plain, _ = build_document(con, with_siting=False, with_rota=False)
    finally:
        con.close()
    html = _section_html(doc)
    assert "Mobile Beratung: Wochenplan" in html and "Nutzen jedes weiteren Einsatztags" in html
    assert "Zeitplan" in html and "erreichbar aus" in html and "Einsatztage je Woche" in html
    assert "Was exakt ist und was nicht" in html and "Wegemodell" in html
    assert "Straßennetz" in html and "Fahrplan (GTFS)" in html  # the Kreis's own network, not Luftlinie
    assert any(name.startswith("karte_") for name in doc.assets)  # the map of sessions
    # every people cell of the timetable and the k-curve is rounded to tens
    timetable = html[html.index("<h3>Zeitplan</h3>"):html.index("<h3>Einsatztage</h3>")]
    curve = html[html.index("Nutzen jedes weiteren Einsatztags"):html.index("Was exakt ist")]
    people = [int(c.replace(".", "")) for c in re.findall(r'<td class="num">([\d.]+)</td>', timetable + curve)]
    assert len(people) >= 2 and all(p % 10 == 0 for p in people)
    assert not _section_html(plain)


def test_city_report_leaves_the_rota_out_by_default(store):
    from sozialraum.demo import build_demo
    from sozialraum.export.report_rota import rota_applies

    build_demo(store)
    ok, why = rota_applies(store)
    assert not ok and "städtisch" in why


def test_store_without_venues_has_no_rota(store):
    from sozialraum.export.report_rota import rota_applies
    from sozialraum.store import replace_source
    from sozialraum.testing import grid_batch

    replace_source(store, *grid_batch())
    store.execute("DELETE FROM candidate_venues")
    ok, why = rota_applies(store)
    assert not ok and "Sprechstundenorte" in why


def test_rota_section_cannot_tell_suppressed_cells_apart():
    """Two stores that publish the same and differ only in two suppressed cells (a 2 and a 26 swapped) print the
    same rota section (timetable, people, k-curve)."""
    from test_confidentiality_siting import ROW0, SWAPPED, _grid_store

    from sozialraum.export.document import Document
    from sozialraum.export.report_context import make_context
    from sozialraum.export.report_rota import rota_section

    html = []
    for row in (ROW0, SWAPPED):
        con = _grid_store(row)
        try:
            doc = Document("t")
            rota_section(make_context(con, "zelle", "2024"), doc, auto=False, bus_minutes=5)
        finally:
            con.close()
        html.append("\n".join(doc.sections))
    assert "Mobile Beratung: Wochenplan" in html[0]
    timetable = html[0][html[0].index("<h3>Zeitplan</h3>"):html[0].index("<h3>Einsatztage</h3>")]
    assert "<tbody><tr>" in timetable  # at least one session
    assert html[0] == html[1]
