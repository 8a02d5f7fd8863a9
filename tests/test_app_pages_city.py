"""The pages on a city the project did not shape (tests/city_fixture.py): no traceback when a period has counts
but no ``rlb``, the finest level with data first, an index-indicator choice, and a notice whenever areas stay
blank (never a silent grey map)."""

from __future__ import annotations

import pytest

from city_fixture import NO_RESIDENTS, build_city_store
from test_app_pages_store import labels, run_app, store_env

NEED = "__need_index__"


@pytest.fixture(scope="module")
def city_db(tmp_path_factory):
    path = build_city_store(tmp_path_factory.mktemp("city") / "sandstadt.duckdb")
    yield from store_env(path)


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_overview_runs_and_opens_on_the_finest_level(city_db):
    at = run_app("app_pages/ueberblick.py")
    assert at.selectbox[0].value == "ortsteil"  # not "bezirk", the first by name
    assert "Einwohner/innen" in labels(at.metric)
    # the city totals stay "–" and the page says why
    gaps = _texts(at.caption)
    assert "Einwohner/innen: 3 von 25 Gebieten der Ebene Ortsteil ohne Angabe (010102, 010302, 020201)" in gaps
    assert "SGB-II-Quote nur als veröffentlichte Quote je Ortsteil" in gaps
    assert "Regelleistungsberechtigte (SGB II) für 2024 nicht vorhanden" in gaps
    # the mini map says why areas are not scored
    assert "5 von 25 Gebieten der Ebene Ortsteil nicht bewertet" in _texts(at.caption)
    assert "Kinderarmut (SGB II unter 15) hat keine Werte für 2022" in _texts(at.info)


def test_bedarf_need_index_offers_the_index_indicators(city_db):
    at = run_app("app_pages/bedarf.py", {"view": {"indicator": NEED}})
    [choice] = [m for m in at.multiselect if m.label == "Indikatoren des Sozialindex"]
    assert choice.value == ["sgb2_quote", "kinderarmut"] and list(choice.options) == [
        "SGB-II-Quote", "Kinderarmut (SGB II unter 15)"]
    [table] = [d.value for d in at.dataframe if "Schlüssel" in d.value.columns]
    rows = table.set_index("Schlüssel")
    assert rows.loc["020301", "Warum ohne Wert"] == "unter 300 Einwohner/innen"
    assert (rows["Klasse"] != "").sum() == 20
    # the user drops the SGB-II-Quote: the area whose SGB-II-Quote is "." is now scored
    choice.set_value(["kinderarmut"])
    at.run()
    assert not at.exception
    rows = [d.value for d in at.dataframe if "Schlüssel" in d.value.columns][0].set_index("Schlüssel")
    assert (rows["Klasse"] != "").sum() == 21 and rows.loc["020102", "Warum ohne Wert"] == ""
    assert at.query_params.get("sozialindex") in ("kinderarmut", ["kinderarmut"])  # the choice is in the link
    # nothing chosen: a notice, not the default behind the user's back
    [choice] = [m for m in at.multiselect if m.label == "Indikatoren des Sozialindex"]
    choice.set_value([])
    at.run()
    assert not at.exception
    assert "Keine Indexindikatoren gewählt." in _texts(at.warning)


def test_bedarf_coarser_level_without_rates_says_why(city_db):
    at = run_app("app_pages/bedarf.py", {"view": {"indicator": NEED, "level": "stadtteil"}})
    warning = _texts(at.warning)
    assert "Der Sozialindex lässt sich für die Ebene Stadtteil nicht darstellen." in warning
    assert "nur als veröffentlichte Quoten auf der Ebene Ortsteil" in warning
    assert "Auf der Ebene Ortsteil liegen Werte vor." in warning


def test_bedarf_parent_left_blank_by_children_names_them(city_db):
    at = run_app("app_pages/bedarf.py", {"view": {"indicator": "ew_gesamt", "level": "stadtteil"}})
    caption = _texts(at.caption)
    assert "3 von 7 Gebieten der Ebene Stadtteil ohne Daten" in caption
    for key in NO_RESIDENTS:
        assert f"Angabe fehlt für Ortsteil {key}" in caption
    assert not at.warning


def test_profile_of_an_unscored_area_says_why(city_db):
    at = run_app("app_pages/profil.py", {"view": {"level": "ortsteil", "area": "020301"}})
    assert "Nicht bewertet: unter 300 Einwohner/innen" in _texts(at.caption)
