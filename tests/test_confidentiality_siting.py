"""Issue 14: site planning and every reach figure must not leak a suppressed count.

An attacker who knows the published counts, the geometry and the candidate venues recovered suppressed cells by
running site planning many times: the plans were optimised on the raw counts. Now every model weight comes from
``sozialraum.access.present.safe_counts`` (published counts; each suppressed cell gets a stand-in computed from
published numbers only). The proof here: two stores that publish exactly the same values but differ in
suppressed cells give identical plans, k-curves, explanations, scenario JSON, coverage, 2SFCA, need × gap and
profile figures — so nothing can be recovered by differencing. Each premise is checked (the stores really
publish the same, the raw counts really differ) and so is the teeth of the test: on the raw counts (the old
behaviour) the same runs tell the two stores apart.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from test_siting_plan import SETTINGS, _pts

from sozialraum.store import Batch, SourceInfo, connect, replace_source
from sozialraum.testing import grid_batch

# Row 0 of the grid: r0c0 and r0c2 are suppressed (a 2, primary; a 26, secondary — like the cells),
# r0c1 = 40 is published, row 0 publishes 68. The twin swaps the two suppressed cells.
ROW0 = {"r0c0": 2.0, "r0c1": 40.0, "r0c2": 26.0}
SWAPPED = {"r0c0": 26.0, "r0c1": 40.0, "r0c2": 2.0}
GRID_LEVELS = ("zelle", "zeile", "stadt")


def _grid_store(row0: dict[str, float]):
    counts = {f"r{r}c{c}": 10.0 * (r + 1) for r in range(3) for c in range(3)} | row0
    obs = []
    for key, n in counts.items():
        obs.append(("zelle", key, "rlb", "2024", n, None, None, None))
        obs.append(("zelle", key, "ew_gesamt", "2024", 200.0, None, None, None))
    con = connect(":memory:")
    source, batch = grid_batch(pd.DataFrame(obs, columns=["level", "area_key", "indicator", "period", "value",
                                                          "numerator", "denominator", "flag"]))
    replace_source(con, source, batch)
    points = {
        "jobcenter_sites": _pts([("jc1", "geschaeftsstelle", "Jobcenter Süd", 0, 0)],
                                ["site_id", "site_type", "name"]),
        "candidate_venues": _pts([("v02", "bibliothek", "Bibliothek Ost", True, 0, 2),
                                  ("v11", "stadtteilzentrum", "Stadtteilzentrum Mitte", True, 1, 1),
                                  ("v20", "familienzentrum", "Familienzentrum Nordwest", True, 2, 0),
                                  ("v22", "bibliothek", "Bibliothek Nordost", False, 2, 2)],
                                 ["venue_id", "venue_type", "name", "barrier_free"]),
        "providers": _pts([("k1", "kita", "Kita Mitte", 90.0, 1, 1), ("k2", "kita", "Kita Süd", 20.0, 0, 0),
                           ("s1", "schuldnerberatung", "Schuldnerberatung Ost", None, 0, 2)],
                          ["provider_id", "service_type", "name", "capacity"]),
    }
    replace_source(con, SourceInfo("orte", "Orte (Testdaten)", fictional=True), Batch(points=points))
    return con


@pytest.fixture(scope="module")
def pair():
    a, b = _grid_store(ROW0), _grid_store(SWAPPED)
    yield a, b
    a.close()
    b.close()


def _assert_same_publication(a, b, levels, period=None):
    from sozialraum.analysis.confidentiality import published

    for level in levels:
        pd.testing.assert_frame_equal(published(a, level, period=period), published(b, level, period=period))


def _raw(con, level, indicator, period):
    from sozialraum.store import read

    obs = read.observations(con, level, indicators=[indicator], period=period)
    return obs.set_index("area_key")["value"]


def _without_timing(text: str) -> dict:
    data = json.loads(text)
    data["summary"].pop("solve_seconds")
    return data


def _assert_same_plan(p, q):
    for name in ("sites", "area_service", "explanation", "site_areas", "k_curve"):
        pd.testing.assert_frame_equal(getattr(p, name), getattr(q, name), obj=name)
    sp, sq = dict(p.summary), dict(q.summary)
    sp.pop("solve_seconds"), sq.pop("solve_seconds")
    assert sp == sq
    assert p.parameters == q.parameters
    assert _without_timing(p.to_json()) == _without_timing(q.to_json())


def _grid_plan(con, **kw):
    from sozialraum.siting.plan import plan_sites

    args = {"level": "zelle", "period": "2024", "budget_min": 10, "k": 2, "settings": SETTINGS, "k_curve_max": 4}
    return plan_sites(con, **(args | kw))


# --------------------------------------------------------------------------------------------- the weights
def test_premise_the_twin_publishes_the_same_and_differs_in_suppressed_cells(pair):
    from sozialraum.analysis.confidentiality import published

    a, b = pair
    _assert_same_publication(a, b, GRID_LEVELS)
    pub = published(a, "zelle", indicators=["rlb"]).set_index("area_key")
    assert pub.loc[["r0c0", "r0c2"], "flag"].eq("suppressed").all() and pub.loc["r0c1", "value"] == 40.0
    assert _raw(a, "zelle", "rlb", "2024")["r0c0"] != _raw(b, "zelle", "rlb", "2024")["r0c0"]


def test_safe_counts_split_the_published_remainder_over_suppressed_siblings(pair):
    from sozialraum.access.present import safe_counts

    for con in pair:
        w = safe_counts(con, "zelle", "2024", "rlb")
        # row 0 publishes 68, r0c1 40: the remaining 28 split over the two suppressed cells
        assert w["r0c0"] == w["r0c2"] == 14.0 and w["r0c1"] == 40.0 and w["r2c2"] == 30.0
        assert w.attrs["estimated"] == ["r0c0", "r0c2"]
        assert w.sum() == 68 + 60 + 90
    # the period defaults to the latest
    assert safe_counts(pair[0], "zelle", None, "rlb").equals(safe_counts(pair[0], "zelle", "2024", "rlb"))


def test_safe_counts_fixed_stand_in_when_the_parent_is_suppressed_too():
    """Row 0 holds 1 + 1 + 0 = 2: the row itself is suppressed, so the remainder is unknown and the suppressed
    cells get the fixed stand-in (midpoint of 1 … 2); a stricter threshold moves the midpoint."""
    from sozialraum.access.present import safe_counts, stand_in
    from sozialraum.analysis.confidentiality import published

    con = _grid_store({"r0c0": 1.0, "r0c1": 1.0, "r0c2": 0.0})
    assert np.isnan(published(con, "zeile", indicators=["rlb"]).set_index("area_key").loc["row0", "value"])
    w = safe_counts(con, "zelle", "2024", "rlb")
    assert w["r0c0"] == w["r0c1"] == 1.5 == stand_in() and w["r0c2"] == 0.0
    assert stand_in(5) == 2.5
    # one level up the city (152) is published: row 0 and its secondary complement share the remainder
    rows = published(con, "zeile", indicators=["rlb"]).set_index("area_key")["value"]
    top = safe_counts(con, "zeile", "2024", "rlb")
    assert len(top.attrs["estimated"]) == 2 and rows.notna().sum() == 1
    assert (top[top.attrs["estimated"]] == (152 - rows.sum()) / 2).all()


# --------------------------------------------------------------------------------------------- regression 1
@pytest.mark.parametrize("model", ["mclp", "pmedian", "lscp"])
@pytest.mark.parametrize("fix_jobcenters", [True, False])
def test_swapping_suppressed_siblings_changes_no_plan(pair, model, fix_jobcenters):
    a, b = pair
    budget = 15 if model == "lscp" else 10  # at 10 minutes no venue reaches r0c0: set cover needs the diagonal
    p = _grid_plan(a, model=model, fix_jobcenters=fix_jobcenters, budget_min=budget)
    q = _grid_plan(b, model=model, fix_jobcenters=fix_jobcenters, budget_min=budget)
    _assert_same_plan(p, q)
    assert len(p.sites) and len(p.k_curve) == 5 and len(p.explanation)


def test_swapping_suppressed_siblings_changes_no_stored_scenario(pair):
    from sozialraum.siting import scenarios

    stored = []
    for con in pair:
        sid = scenarios.save(con, "Variante A", _grid_plan(con, k=3), scenario_id="s1")
        stored.append(con.execute("SELECT parameters, result FROM scenarios WHERE scenario_id = ?",
                                  [sid]).fetchone())
        _assert_same_plan(scenarios.load(con, sid), scenarios.load(con, sid))
        scenarios.delete(con, sid)
    assert stored[0][0] == stored[1][0]
    assert _without_timing(stored[0][1]) == _without_timing(stored[1][1])


def test_swapping_suppressed_siblings_changes_no_reach_figure(pair):
    from sozialraum.access.store_adapter import (
        coverage_for_store,
        fca_for_store,
        need_gap_for_store,
    )

    a, b = pair
    for budget in (10, 20):
        ca = coverage_for_store(a, "zelle", "2024", "rlb", budget_min=budget, settings=SETTINGS)
        cb = coverage_for_store(b, "zelle", "2024", "rlb", budget_min=budget, settings=SETTINGS)
        pd.testing.assert_frame_equal(ca.per_area, cb.per_area)
        pd.testing.assert_frame_equal(ca.city, cb.city)
        for stype in ("kita", "schuldnerberatung"):
            pd.testing.assert_frame_equal(
                fca_for_store(a, "zelle", "2024", service_types=[stype], budget_min=budget, settings=SETTINGS),
                fca_for_store(b, "zelle", "2024", service_types=[stype], budget_min=budget, settings=SETTINGS))
        for need in ("status_index", "sgb2_quote", "rlb"):
            pd.testing.assert_frame_equal(
                need_gap_for_store(a, "zelle", "2024", need=need, budget_min=budget, settings=SETTINGS),
                need_gap_for_store(b, "zelle", "2024", need=need, budget_min=budget, settings=SETTINGS))
    per = ca.per_area.set_index(["area_key", "service_type"])
    assert per.loc[("r0c0", "kita"), ["target", "covered"]].isna().all()


def test_swapping_suppressed_siblings_changes_no_whatif_figure(pair):
    """The what-if on the map (coverage, gap, load per site, area service) for hand-made selections."""
    from sozialraum.siting.whatif import evaluate_view, whatif_context

    a, b = pair
    ctx = [whatif_context(con, _grid_plan(con, k=1)) for con in (a, b)]
    free = [i for i in ctx[0].ids if i not in ctx[0].fixed_ids]
    for sel in ([], free[:1], free[1:3], free[::-1]):
        va, vb = (evaluate_view(c, sel) for c in ctx)
        assert va.result == vb.result
        pd.testing.assert_frame_equal(va.sites, vb.sites)
        pd.testing.assert_frame_equal(va.area_service, vb.area_service)
        assert (va.sites["served"] % 10 == 0).all() and (va.sites["covered"] % 10 == 0).all()


def test_swapping_suppressed_siblings_changes_no_profile_figure(pair):
    """The profile's "nearby" table (nearest service per type, number within the walking budget) and its
    indicator table, for every cell."""
    from sozialraum import profile
    from sozialraum.analysis.confidentiality import published
    from sozialraum.store import read

    out = []
    for con in pair:
        areas, prov, pub = read.areas(con, "zelle"), read.providers(con), published(con, "zelle", period="2024")
        frames = []
        for key, geom in zip(areas["area_key"], areas.geometry):
            pt = geom.representative_point()
            frames.append(profile.nearest_by_type(pt.x, pt.y, prov, detour=1.3, speed_kmh=4.5, budget_min=15))
            frames.append(profile.profile_table(pub[pub["area_key"] == key], {}))
        out.append(frames)
    for fa, fb in zip(*out):
        pd.testing.assert_frame_equal(fa, fb)


def test_swapping_suppressed_siblings_changes_no_rota(pair):
    """The mobile consultation rota (issue 12) weighs villages with the same safe counts."""
    from sozialraum.rota.plan import plan_rota

    plans = [plan_rota(con, staff_days=1, bus_minutes=5, k_curve_max=2) for con in pair]
    for name in ("sessions", "days", "k_curve"):
        pd.testing.assert_frame_equal(getattr(plans[0], name), getattr(plans[1], name), obj=name)
    sa, sb = dict(plans[0].summary), dict(plans[1].summary)
    sa.pop("solve_seconds"), sb.pop("solve_seconds")
    assert sa == sb and len(plans[0].sessions)


def test_teeth_on_raw_counts_the_swap_shows(pair, monkeypatch):
    """The old behaviour (weights from the raw counts) tells the two stores apart: the regression tests above
    would fail on it."""
    import sozialraum.access.store_adapter as adapter
    from sozialraum.store import read

    def raw_weights(con, level, period, indicator, *, threshold=None):
        obs = read.observations(con, level, indicators=[indicator], period=period)
        return pd.Series(obs["value"].to_numpy(dtype="float64"), index=obs["area_key"].astype(str).to_numpy())

    monkeypatch.setattr(adapter, "safe_counts", raw_weights)
    a, b = pair
    p, q = _grid_plan(a, k=1), _grid_plan(b, k=1)
    assert p.summary["covered_share"] != q.summary["covered_share"]
    assert _without_timing(p.to_json()) != _without_timing(q.to_json())
    from sozialraum.siting.whatif import evaluate_view, whatif_context

    free = [i for i in whatif_context(a, p).ids if i not in whatif_context(a, p).fixed_ids]
    assert evaluate_view(whatif_context(a, p), free[:1]).result != evaluate_view(whatif_context(b, q), free[:1]).result


# --------------------------------------------------------------------------------------------- regression 2
DEMO_LEVEL, DEMO_PERIOD, DEMO_TARGET = "ms_planungsraum", "2024-12-31", "bg_alleinerziehend"
# the cells: in Stadtteil 0303 a 2 (primary) and a 26 (secondary), in 0801 a 4 and a 1
DEMO_SWAP = {"030301": "030303", "030303": "030301", "080105": "080106", "080106": "080105"}
# a coarser demand grid than the app's 200 m keeps the runs short; the property does not depend on the grid
DEMO_SETTINGS = {"demand_grid_m": 500.0}


@pytest.fixture(scope="module")
def demo_pair():
    """Musterstadt twice: as generated, and with the single-parent counts of the suppressed cells swapped."""
    from sozialraum.demo import generate
    from sozialraum.demo.build import source_info

    batch, _ = generate()
    obs = batch.observations
    cell = (obs["indicator"] == DEMO_TARGET) & (obs["period"] == DEMO_PERIOD)
    value = dict(zip(obs.loc[cell, "area_key"], obs.loc[cell, "value"]))
    twin = obs.copy()
    for key, other in DEMO_SWAP.items():
        twin.loc[cell & (twin["area_key"] == key), "value"] = value[other]
    stores = []
    for observations in (obs, twin):
        con = connect(":memory:")
        replace_source(con, source_info(), replace(batch, observations=observations))
        stores.append(con)
    yield tuple(stores)
    for con in stores:
        con.close()


def _attack_runs():
    """The attacker's runs: budget × k × "Jobcenter fest" (the issue used 189; these cover the same knobs)."""
    return [(budget, k, fixed) for budget in (10, 20, 30) for k in (1, 2) for fixed in (True, False)]


def test_differencing_attack_on_the_demo_finds_nothing(demo_pair):
    from sozialraum.analysis.confidentiality import published
    from sozialraum.siting.plan import plan_sites

    a, b = demo_pair
    # premise: both stores publish exactly the same, every period and level; the suppressed cells differ
    _assert_same_publication(a, b, ("ms_planungsraum", "ms_stadtteil", "ms_region"))
    pub = published(a, DEMO_LEVEL, period=DEMO_PERIOD, indicators=[DEMO_TARGET]).set_index("area_key")
    assert pub.loc[list(DEMO_SWAP), "flag"].eq("suppressed").all()
    raw_a, raw_b = (_raw(c, DEMO_LEVEL, DEMO_TARGET, DEMO_PERIOD) for c in demo_pair)
    assert sorted(raw_a[list(DEMO_SWAP)]) == [1.0, 2.0, 4.0, 26.0]
    assert (raw_a[list(DEMO_SWAP)] != raw_b[list(DEMO_SWAP)]).all()
    # every run the attacker makes gives the same answer on both stores: whatever recovery procedure is
    # applied to these outputs returns the same numbers for both, yet the true cells differ — it finds nothing
    for budget, k, fixed in _attack_runs():
        plans = [plan_sites(c, level=DEMO_LEVEL, period=DEMO_PERIOD, target_indicator=DEMO_TARGET,
                            budget_min=budget, k=k, fix_jobcenters=fixed, k_curve_max=k, settings=DEMO_SETTINGS)
                 for c in demo_pair]
        _assert_same_plan(*plans)
        assert plans[0].summary["areas_estimated"] == sorted(pub.index[pub["flag"] == "suppressed"])


def test_differencing_attack_teeth_on_raw_counts(demo_pair, monkeypatch):
    """On the raw counts (the old behaviour) the same kind of run tells the two stores apart."""
    import sozialraum.access.store_adapter as adapter
    from sozialraum.siting.plan import plan_sites

    def raw_weights(con, level, period, indicator, *, threshold=None):
        return _raw(con, level, indicator, period)

    monkeypatch.setattr(adapter, "safe_counts", raw_weights)
    for budget, k, fixed in _attack_runs():
        plans = [plan_sites(c, level=DEMO_LEVEL, period=DEMO_PERIOD, target_indicator=DEMO_TARGET,
                            budget_min=budget, k=k, fix_jobcenters=fixed, k_curve_max=k, settings=DEMO_SETTINGS)
                 for c in demo_pair]
        if plans[0].summary["covered_share"] != plans[1].summary["covered_share"]:
            break  # the attacker sees a difference: this run carries information about the suppressed cells
    else:
        pytest.fail("on raw counts no run told the two stores apart")


def test_methods_text_says_how_suppressed_cells_enter_the_models(pair):
    from sozialraum.export.document import Document
    from sozialraum.export.report_context import make_context
    from sozialraum.export.report_methods import methods_section

    for threshold, stand_in_text in ((None, "1,5"), (5, "2,5")):
        doc = Document("Test")
        methods_section(make_context(pair[0], "zelle", "2024", threshold=threshold), doc)
        html = "".join(doc.sections)
        assert "nie mit den gesperrten" in html and "veröffentlichte Rest des übergeordneten Gebiets" in html
        assert f"gilt der feste Ersatzwert {stand_in_text} (Mitte des gesperrten Bereichs)" in html
