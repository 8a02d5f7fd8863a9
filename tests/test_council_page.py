"""The council pack in the app (AppTest on the 3×3 grid store with two saved scenarios): the comparison on the
export page and under "Gespeicherte Szenarien", and the PowerPoint download after one click."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_app_pages_store import build_grid_store, labels, rerun, run_app, store_env


@pytest.fixture(scope="module")
def pack_db(tmp_path_factory):
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import connect

    path = build_grid_store(tmp_path_factory.mktemp("rat") / "grid.duckdb")
    con = connect(path)
    for k in (1, 2):
        plan = plan_sites(con, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=k,
                          settings={"detour_factor": 1.0, "walking_speed_kmh": 6.0, "demand_grid_m": 1000.0})
        scenarios.save(con, f"Variante {k}", plan)
    con.close()
    yield from store_env(path)


def _comparison(at):
    frames = [d.value for d in at.dataframe if "Merkmal" in d.value.columns]
    assert len(frames) == 1
    return frames[0].set_index("Merkmal")


def test_export_page_compares_and_offers_the_deck(pack_db):
    at = run_app("app_pages/export.py")
    assert "Ratsvorlage: zwei Szenarien im Vergleich" in [h.value for h in at.subheader]
    assert at.selectbox(key="pack_a").value != at.selectbox(key="pack_b").value
    table = _comparison(at)
    assert table.loc["Neue Standorte"].tolist()[-1] in ("+1", "−1")
    assert {"Ratsvorlage als PDF erstellen", "Ratsvorlage als PowerPoint erstellen"} <= set(labels(at.button))
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is needed to draw the deck's maps")
    [button] = [b for b in at.button if b.label == "Ratsvorlage als PowerPoint erstellen"]
    button.click()
    rerun(at)
    assert not at.error, [e.value for e in at.error]
    downloads = [d.proto.label for d in at.get("download_button")]
    assert any(label.startswith("PowerPoint herunterladen (12 Folien)") for label in downloads), downloads


def test_same_scenario_twice_is_refused(pack_db):
    at = run_app("app_pages/export.py")
    at.selectbox(key="pack_b").set_value(at.selectbox(key="pack_a").value)
    rerun(at)
    assert any("zwei verschiedene" in w.value for w in at.warning)
    assert "Ratsvorlage als PowerPoint erstellen" not in labels(at.button)


def test_saved_scenarios_section_shows_the_comparison_and_the_deck_button(pack_db):
    at = run_app("app_pages/standorte.py")
    table = _comparison(at)
    assert {"Zielgruppe in Reichweite", "Personen in Reichweite (≈)"} <= set(table.index)
    assert "Ratsvorlage als PowerPoint erstellen" in labels(at.button)
