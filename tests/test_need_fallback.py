"""The coarser-level fallback of the need map (sozialraum/views/need_fallback.py): areas with a suppressed count
show what their higher area publishes — and nothing from which the suppressed cell could be computed.

The 3×3 grid of test_confidentiality_siting: row 0 holds a suppressed 2 (primary) and a 26 (secondary), its
twin swaps them; both publish the same. The fallback of both is identical (so it cannot tell the cells apart),
every value it shows is a published value of the area or of its Zeile, and by hand: r0c0 and r0c2 show the
Zeile's rate 68 / 600 = 11,3 %."""

from __future__ import annotations

import numpy as np
import pytest
from test_confidentiality_siting import ROW0, SWAPPED, _assert_same_publication, _grid_store

from sozialraum.views.need import need_layer


@pytest.fixture(scope="module")
def pair():
    a, b = _grid_store(ROW0), _grid_store(SWAPPED)
    yield a, b
    a.close()
    b.close()


def _layers(con, indicator):
    plain = need_layer(con, "zelle", indicator, "2024", min_population=0)
    return plain, need_layer(con, "zelle", indicator, "2024", min_population=0, coarser=True)


def test_rates_of_suppressed_cells_come_from_the_zeile(pair):
    a, _ = pair
    plain, fb = _layers(a, "sgb2_quote")
    keys = plain.areas["area_key"].astype(str).tolist()
    i0, i2, i1 = keys.index("r0c0"), keys.index("r0c2"), keys.index("r0c1")
    assert not plain.shown[i0] and not plain.shown[i2] and plain.shown[i1]
    assert fb.input.values[i0] == pytest.approx(100 * 68 / 600) == fb.input.values[i2]
    assert fb.input.values[i1] == plain.input.values[i1] == pytest.approx(20.0)  # own value unchanged
    tip = next(iter(fb.input.tooltip.values()))
    assert "Zeile" in tip[i0] and "eigene Zahl gesperrt" in tip[i0]
    assert any("Ersatzansicht" in n for n in fb.notes)
    assert fb.reasons[i0] == "" and not fb.input.suppressed[i0]


def test_fallback_cannot_tell_the_suppressed_cells_apart(pair):
    """The twin stores (2 and 26 swapped) publish the same and their fallback maps are identical, for the rate
    and for the count (whose suppressed cells only name the Zeile's published total)."""
    from sozialraum.store import read

    a, b = pair
    _assert_same_publication(a, b, ("zelle", "zeile", "stadt"), "2024")
    raw_a = read.observations(a, "zelle", indicators=["rlb"], period="2024").set_index("area_key")["value"]
    raw_b = read.observations(b, "zelle", indicators=["rlb"], period="2024").set_index("area_key")["value"]
    assert raw_a["r0c0"] != raw_b["r0c0"]  # the premise: the hidden cells differ
    for indicator in ("sgb2_quote", "rlb"):
        fa, fb = _layers(a, indicator)[1], _layers(b, indicator)[1]
        np.testing.assert_array_equal(fa.input.values, fb.input.values)
        assert fa.input.tooltip == fb.input.tooltip and fa.reasons == fb.reasons and fa.notes == fb.notes


def test_every_shown_value_is_published_at_the_area_or_above(pair):
    from sozialraum.analysis.confidentiality import published

    a, _ = pair
    ok = set()
    for level in ("zelle", "zeile", "stadt"):
        pub = published(a, level, period="2024", indicators=["sgb2_quote"])
        ok |= {round(float(v), 9) for v in pub["value"].dropna()}
    _, fb = _layers(a, "sgb2_quote")
    shown = fb.input.values[np.isfinite(fb.input.values)]
    assert {round(float(v), 9) for v in shown} <= ok


def test_counts_are_not_carried_down(pair):
    a, _ = pair
    plain, fb = _layers(a, "rlb")
    np.testing.assert_array_equal(np.isfinite(plain.input.values), np.isfinite(fb.input.values))
    keys = fb.areas["area_key"].astype(str).tolist()
    assert "insgesamt: 68" in fb.reasons[keys.index("r0c0")]
    assert any("nicht auf kleinere Gebiete" in n for n in fb.notes)


def test_nothing_blank_nothing_changed(pair):
    a, _ = pair
    lay = need_layer(a, "zeile", "sgb2_quote", "2024", min_population=0)
    same = need_layer(a, "zeile", "sgb2_quote", "2024", min_population=0, coarser=True)
    np.testing.assert_array_equal(lay.input.values, same.input.values)
    assert same.notes == lay.notes and same.reasons == lay.reasons


def test_bedarf_page_offers_the_fallback_on_the_kreis(tmp_path, monkeypatch):
    """On the Musterkreis's Ortsteile the SGB II rate is blank for small or suppressed places; the toggle shows
    their Gemeinde's published rate instead, and the page says so."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from sozialraum.demo_kreis.build import build_kreis_db

    path = tmp_path / "kreis.duckdb"
    build_kreis_db(path, routing=False)
    monkeypatch.setenv("SOZIALRAUM_DB", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.query_params["level"] = "mk_ortsteil"
    at.query_params["indicator"] = "sgb2_quote"
    at.run()
    at.switch_page("app_pages/bedarf.py").run()
    assert not at.exception, [e.value for e in at.exception]
    toggle = at.toggle(key="bedarf_coarser_mk_ortsteil")
    toggle.set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Ersatzansicht" in i.value for i in at.info)
