"""plan_sites, scenarios and the access store adapter on the 3×3 grid, worked out by hand.

Recipients (rlb) per cell: 10 in row 0 (except r0c2 = 2), 20 in row 1, 30 in row 2: 172 in all. The gate
suppresses r0c2 (primary) and r0c0 (secondary: row 0 publishes 22). The models never see those raw counts: both
cells get the published remainder of row 0 split evenly, (22 − 10) / 2 = 6 (``safe_counts``), so the weights
are 6, 10, 6 in row 0 and still 172 in all. One demand point per cell centre (grid 1000 m). Walking 100 m/min,
detour 1, budget 10 min: a site at a cell centre reaches its own cell and the four edge neighbours.
Jobcenter (fixed) at r0c0: reaches r0c0, r0c1, r1c0 = 36. Venues at r0c2, r1c1, r2c0, r2c2 add over it
26, 70, 60, 80 → k=1: r2c2 (116); k=2: + r2c0 (146); k=3: + r1c1 (166); k=4: + r0c2 (172).
"""

import numpy as np
import pandas as pd
import pytest

from sozialraum.store import Batch, SourceInfo, replace_source
from sozialraum.testing import GRID_EPSG, GRID_ORIGIN, grid_batch

X0, Y0 = GRID_ORIGIN
SETTINGS = {"detour_factor": 1.0, "walking_speed_kmh": 6.0, "demand_grid_m": 1000.0, "max_new_sites": 4}
RLB = {f"r{r}c{c}": 10.0 * (r + 1) for r in range(3) for c in range(3)} | {"r0c2": 2.0}


def _pts(rows, columns):
    import geopandas as gpd
    from shapely.geometry import Point

    frame = pd.DataFrame(rows, columns=columns + ["r", "c"])
    geom = [Point(X0 + 1000 * c + 500, Y0 + 1000 * r + 500) for r, c in zip(frame.pop("r"), frame.pop("c"))]
    return gpd.GeoDataFrame(frame, geometry=geom, crs=f"EPSG:{GRID_EPSG}")


@pytest.fixture
def grid_store(store):
    return fill_grid_store(store)


def fill_grid_store(store):
    """The 3×3 grid with counts, one Jobcenter, four venues and three providers (see the module docstring)."""
    obs = []
    for key, n in RLB.items():
        obs.append(("zelle", key, "rlb", "2024", n, None, None, None))
        obs.append(("zelle", key, "ew_gesamt", "2024", 100.0, None, None, None))
    source, batch = grid_batch(pd.DataFrame(obs, columns=["level", "area_key", "indicator", "period", "value",
                                                          "numerator", "denominator", "flag"]))
    replace_source(store, source, batch)
    points = {
        "jobcenter_sites": _pts([("jc1", "geschaeftsstelle", "Jobcenter Süd", 0, 0)],
                                ["site_id", "site_type", "name"]),
        "candidate_venues": _pts([("v02", "bibliothek", "Bibliothek Ost", True, 0, 2),
                                  ("v11", "stadtteilzentrum", "Stadtteilzentrum Mitte", True, 1, 1),
                                  ("v20", "familienzentrum", "Familienzentrum Nordwest", True, 2, 0),
                                  ("v22", "bibliothek", "Bibliothek Nordost", False, 2, 2)],
                                 ["venue_id", "venue_type", "name", "barrier_free"]),
        "providers": _pts([("k1", "kita", "Kita Mitte", 90.0, 1, 1), ("k2", "kita", "Kita Süd", 20.0, 0, 0),
                           ("s1", "schuldnerberatung", "Schuldnerberatung Nordost", None, 2, 2)],
                          ["provider_id", "service_type", "name", "capacity"]),
    }
    replace_source(store, SourceInfo("orte", "Orte (Testdaten)", fictional=True), Batch(points=points))
    return store


def _plan(con, **kw):
    from sozialraum.siting.plan import plan_sites

    args = dict(level="zelle", period="2024", budget_min=10, k=1, settings=SETTINGS)
    args.update(kw)
    return plan_sites(con, **args)


def test_mclp_plan_by_hand(grid_store):
    plan = _plan(grid_store)
    assert plan.sites["id"].tolist() == ["jc1", "v22"]
    assert plan.sites["fixed"].tolist() == [True, False] and plan.sites["order"].tolist() == [1, 2]
    assert plan.sites["marginal_gain"].tolist() == [40.0, 80.0]
    assert plan.summary["covered_share"] == pytest.approx(116 / 172)
    assert plan.k_curve["covered"].tolist() == [40.0, 120.0, 150.0, 170.0, 170.0]  # 36, 116, 146, 166, 172 rounded
    assert plan.summary["areas_estimated"] == ["r0c0", "r0c2"] and plan.summary["areas_without_count"] == []
    assert plan.k_curve["covered_share"].is_monotonic_increasing
    assert plan.k_curve["new_sites"].iloc[2] == "v20; v22"


def test_explanation_names_areas_and_partners(grid_store):
    plan = _plan(grid_store)
    ex = plan.explanation.set_index("id")
    # v22 serves r2c2, r2c1 (30 each) and r1c2 (20); the debt counselling office sits at r2c2, Kita Mitte at
    # r1c1 is 1414 m away
    assert ex.loc["v22", "n_areas"] == 3
    assert "Schuldnerberatung" in ex.loc["v22", "partners"] and "Kita" not in ex.loc["v22", "partners"]
    assert ex.loc["jc1", "n_partners"] == 1  # Kita Süd at the same spot; Kita Mitte is diagonal
    served = plan.site_areas[plan.site_areas["id"] == "v22"].set_index("area_key")["people"]
    assert served.to_dict() == {"r2c1": 30.0, "r2c2": 30.0, "r1c2": 20.0}


def test_no_count_of_one_or_two_is_shown(grid_store):
    plan = _plan(grid_store, k=4)
    shown = pd.concat([plan.sites["covered"], plan.sites["marginal_gain"], plan.area_service["target"],
                       plan.area_service["covered_after"], plan.area_service["gain"], plan.site_areas["people"],
                       plan.k_curve["covered"], plan.k_curve["added"]]).dropna()
    assert not shown.between(0.5, 2.5).any()
    area = plan.area_service.set_index("area_key")
    assert np.isnan(area.loc["r0c2", "target"]) and np.isnan(area.loc["r0c2", "covered_after"])
    assert area.loc["r2c0", "target"] == 30.0 and area.loc["r2c0", "share_before"] == 0.0


def test_barrier_free_filter_and_venue_types(grid_store):
    plan = _plan(grid_store, barrier_free_only=True)
    assert plan.sites["id"].tolist() == ["jc1", "v11"]
    plan = _plan(grid_store, venue_types=["familienzentrum"], fix_jobcenters=False)
    assert plan.sites["id"].tolist() == ["v20"] and not plan.sites["fixed"].any()


def test_lscp_and_pmedian_plans(grid_store):
    lscp = _plan(grid_store, model="lscp")
    assert sorted(lscp.sites["id"]) == ["jc1", "v02", "v11", "v20", "v22"]
    assert lscp.summary["covered_share"] == 1.0
    pmed = _plan(grid_store, model="pmedian", k=1)
    assert "jc1" in pmed.sites["id"].tolist() and len(pmed.sites) == 2


def test_pmedian_plan_carries_its_curve_and_bound(grid_store):
    pmed = _plan(grid_store, model="pmedian", k=2, k_curve_max=3)
    s, curve = pmed.summary, pmed.k_curve
    assert s["status"] == "optimal" and s["bound"] <= s["objective"] * (1 + 1e-9) and s["gap"] <= 1e-9
    assert curve["k"].tolist() == [0, 1, 2, 3] and curve["mean_minutes"].notna().all()
    minutes = curve["mean_minutes"].tolist()
    assert all(a >= b for a, b in zip(minutes, minutes[1:]))  # one more site never lengthens the mean walk
    assert s["pmedian_curve_status"] in ("optimal", "within_gap") and s["pmedian_curve_max_gap"] <= 1e-3 + 1e-12
    again = type(pmed).from_json(pmed.to_json())  # the new columns survive a saved scenario
    assert again.k_curve["mean_minutes"].tolist() == pytest.approx(minutes)


def test_scenarios_round_trip(grid_store):
    from sozialraum.siting import scenarios

    plan = _plan(grid_store)
    sid = scenarios.save(grid_store, "Variante A", plan)
    listed = scenarios.list_scenarios(grid_store)
    assert listed["scenario_id"].tolist() == [sid] and listed["model"].iloc[0] == "mclp"
    back = scenarios.load(grid_store, sid)
    assert back.parameters == plan.parameters
    for name in ["sites", "area_service", "explanation", "site_areas", "k_curve"]:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(plan, name), check_dtype=False)
    assert back.area_service["area_key"].tolist()[0] == "r0c0"
    assert scenarios.delete(grid_store, sid) and scenarios.list_scenarios(grid_store).empty


def test_coverage_for_store(grid_store):
    from sozialraum.access.store_adapter import coverage_for_store

    cov = coverage_for_store(grid_store, "zelle", "2024", "rlb", ["kita", "schuldnerberatung"], 10,
                             settings=SETTINGS)
    kita = cov.per_area[cov.per_area.service_type == "kita"].set_index("area_key")
    assert kita.loc["r2c1", "share"] == 1.0 and kita.loc["r2c0", "share"] == 0.0
    assert np.isnan(kita.loc["r0c2", "target"]) and kita.loc["r2c1", "covered"] == 30.0
    city = cov.city.set_index("service_type")
    # Kitas reach r0c0, r0c1, r1c0, r1c1, r1c2, r2c1 = 6+10+20+20+20+30 = 106 of 172 (safe weights)
    assert city.loc["kita", "share"] == pytest.approx(106 / 172) and city.loc["kita", "covered"] == 110.0
    assert np.isnan(kita.loc["r0c0", "target"]) and np.isnan(kita.loc["r0c0", "covered"])


def test_fca_and_need_gap_for_store(grid_store):
    from sozialraum.access.store_adapter import fca_for_store, need_gap_for_store

    fca = fca_for_store(grid_store, "zelle", "2024", service_types=["kita"], budget_min=10, settings=SETTINGS)
    # 110 Kita places over the demand on safe weights (172 in all: row 0's suppressed cells get 6 each)
    assert fca.set_index("name").loc["Gesamt", "value"] == pytest.approx(110 / 172)
    gaps = need_gap_for_store(grid_store, "zelle", "2024", need="sgb2_quote", service_types=["kita"],
                              budget_min=10, settings=SETTINGS)
    # uncovered by Kitas: r0c2, r2c0, r2c2; the row-2 cells have the highest SGB II quota
    assert gaps["area_key"].tolist()[:2] == ["r2c0", "r2c2"]
    assert sorted(gaps.loc[gaps.weisser_fleck, "area_key"]) == ["r2c0", "r2c2"]
