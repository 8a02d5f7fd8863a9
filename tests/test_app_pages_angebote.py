"""Page „Angebote & Erreichbarkeit" on the 3×3 grid store (see test_app_pages_store.py).

Hand-checkable at a 60-minute budget (radius 60 × 75 m / 1,3 ≈ 3,46 km, the grid is 3 km wide): every demand
point reaches every provider, so each type covers 100 % of the 1.274 SGB II recipients (shown rounded: 1.270),
and the two Kitas (60 + 80 places) give every area 140 / 1.274 × 100 ≈ 11,0 places per 100 recipients.
"""

from __future__ import annotations

import pytest

from test_app_pages_store import build_grid_store, labels, rerun, run_app, store_env

PAGE = "app_pages/angebote.py"


@pytest.fixture(scope="module")
def grid_db(tmp_path_factory):
    yield from store_env(build_grid_store(tmp_path_factory.mktemp("angebote") / "grid.duckdb"))


def test_widgets_have_german_labels(grid_db):
    at = run_app(PAGE)
    assert [t.value for t in at.title] == ["Angebote & Erreichbarkeit"]
    assert {"Gebietsebene", "Zielgruppe", "Stichtag"} <= set(labels(at.selectbox))
    assert {"Angebotsart", "Träger / Dachverband", "Kooperationsform"} <= set(labels(at.multiselect))
    assert "Zeitbudget (min)" in labels(at.number_input)
    assert "nur barrierefrei" in labels(at.toggle)
    view = at.radio(key="angebote_view")
    assert view.label == "Ansicht"
    assert list(view.options) == [
        "Karte der Angebote", "Abdeckung je Angebotsart", "Versorgung je Gebiet (2SFCA)", "Weiße Flecken"]
    assert any("6 von 6 Angeboten" in c.value for c in at.caption)


def test_filters_narrow_the_providers(grid_db):
    at = run_app(PAGE)
    at.toggle(key="angebote_bf").set_value(True)
    rerun(at)
    assert any("4 von 6 Angeboten" in c.value for c in at.caption)
    at.multiselect(key="angebote_verband").set_value(["Caritas"])
    rerun(at)
    assert any("1 von 6 Angeboten" in c.value for c in at.caption)  # Caritas and barrier-free: the Suchtberatung


def test_coverage_table_is_complete_at_a_long_walk(grid_db):
    at = run_app(PAGE)
    at.number_input(key="angebote_budget").set_value(60)
    at.radio(key="angebote_view").set_value("abdeckung")
    rerun(at)
    table = at.dataframe[0].value
    assert set(table["Anteil"]) == {"100,0 %"}
    assert set(table["Zielgruppe (gerundet)"]) == {"≈ 1.270"}
    kita = table[table["Angebotsart"].str.startswith("Kindertagesbetreuung")].iloc[0]
    assert kita["Angebote"] == 2 and kita["davon in Reichweite"] == "≈ 1.270"


def test_coverage_shrinks_with_a_short_walk(grid_db):
    at = run_app(PAGE)
    at.number_input(key="angebote_budget").set_value(5)
    at.radio(key="angebote_view").set_value("abdeckung")
    rerun(at)
    shares = at.dataframe[0].value["Anteil"]
    assert all(float(s.rstrip(" %").replace(",", ".")) < 50 for s in shares)


def test_fca_gives_places_per_100_recipients(grid_db):
    at = run_app(PAGE)
    at.number_input(key="angebote_budget").set_value(60)
    at.radio(key="angebote_view").set_value("fca")
    rerun(at)
    assert at.selectbox(key="angebote_fca_type").value == "kita"
    city = [c.value for c in at.caption if c.value.startswith("Stadt insgesamt")]
    assert city == ["Stadt insgesamt: 11,0 Plätze je 100 Regelleistungsberechtigte (SGB II)"]


def test_blind_spots_ranking(grid_db):
    at = run_app(PAGE)
    at.radio(key="angebote_view").set_value("flecken")
    rerun(at)
    at.selectbox(key="angebote_need").set_value("sgb2_quote")
    at.number_input(key="angebote_budget").set_value(60)
    rerun(at)
    ranking = at.dataframe[0].value
    # r2c2 (2 recipients) is suppressed, r2c1 too (else row 2's total would give it away): their SGB II rate
    # is not published, so they have no need value and no rank
    assert list(ranking["Rang"]) == list(range(1, 8))
    assert not {"Zelle 2/2", "Zelle 2/1"} & set(ranking["Gebiet"])
    assert set(ranking["in Reichweite"]) == {"100,0 %"}  # everyone within reach: no gap, no blind spot
    assert any("0 weiße Flecken" in md.value for md in at.markdown)
    at.number_input(key="angebote_budget").set_value(5)
    rerun(at)
    ranking = at.dataframe[0].value
    # the suppressed cell (2 recipients) never shows a number of people
    assert "≈ 2" not in set(ranking["nicht erreicht (≈ Personen)"])
