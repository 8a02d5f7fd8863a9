"""Pages on a store with areas and counts but no providers or venues: a German hint, no exception."""

from __future__ import annotations

import pytest

from test_app_pages_store import grid_observations, run_app, store_env


@pytest.fixture(scope="module")
def bare_db(tmp_path_factory):
    from dataclasses import replace

    from sozialraum.store import connect
    from sozialraum.store.write import replace_source
    from sozialraum.testing import grid_batch

    path = tmp_path_factory.mktemp("bare") / "bare.duckdb"
    con = connect(path)
    source, batch = grid_batch(grid_observations())
    replace_source(con, replace(source, licence="CC0", attribution="Testdaten"), batch)
    con.close()
    yield from store_env(path)


def test_angebote_without_providers_says_what_to_do(bare_db):
    at = run_app("app_pages/angebote.py")
    assert any("noch keine Angebote geladen" in i.value for i in at.info)
    assert not at.radio  # nothing to show yet


def test_standorte_without_venues_warns_and_the_run_fails_politely(bare_db):
    at = run_app("app_pages/standorte.py")
    assert any(w.value.startswith("Keine Kandidatenorte geladen — auf der Seite „Daten“") for w in at.warning)
    [button] = [b for b in at.button if b.label == "Standorte berechnen"]
    button.click()
    at.run()
    assert not at.exception
    # the same clear message, not "Keine Lösung" from the solver
    [error] = [e.value for e in at.error]
    assert error.startswith("Keine Kandidatenorte geladen") and error in [w.value for w in at.warning]
    assert not any("Keine Lösung" in getattr(s, "label", "") for s in at.status)


@pytest.fixture
def population_only_db(tmp_path):
    """Like Berlin's open data: residents per area, but no SGB II counts."""
    from dataclasses import replace

    from sozialraum.store import connect
    from sozialraum.store.write import replace_source
    from sozialraum.testing import grid_batch

    obs = grid_observations()
    obs = obs[obs["indicator"].str.startswith("ew_")]
    path = tmp_path / "population.duckdb"
    con = connect(path)
    source, batch = grid_batch(obs)
    replace_source(con, replace(source, licence="CC0", attribution="Testdaten"), batch)
    con.close()
    yield from store_env(path)


def test_without_sgb2_counts_residents_are_the_target_group(population_only_db):
    at = run_app("app_pages/standorte.py")
    assert not at.exception
    assert any("keine SGB-II-Zahlen vor" in c.value for c in at.caption)
    [target] = [s for s in at.selectbox if s.label == "Zielgruppe"]
    assert set(target.options) == {"Einwohner/innen", "Einwohner/innen 15 bis unter 65 Jahre",
                                   "Einwohner/innen unter 25 Jahren"}
