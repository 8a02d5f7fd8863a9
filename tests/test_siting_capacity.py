"""Capacities, capacitated coverage and caseload on the ten points on a line (weight 1 each), by hand.

A reaches points 0–2, B 1–4, C 3–6, D 7–9 (see test_siting_models).
Settings here: outreach 10 h/week, Jobcenter 20 h/week, 2 consultations per hour, 40 weeks, 4 consultations per
person and year → capacity 10·2·40/4 = 200 people (outreach), 400 (Jobcenter); 4 people need 4·4/40/2 = 0.2 h/week.
"""

import numpy as np
import pytest

from sozialraum.access.travel import WalkingModel
from sozialraum.errors import SolverError
from sozialraum.siting.capacity import caseload, nearest_flows, site_capacity, solve_capacitated, staff_hours_per_week
from sozialraum.siting.models import solve_mclp

TRAVEL = WalkingModel(detour=1.0, speed_kmh=6.0)
DEMAND = np.array([[x * 100.0, 0.0] for x in range(10)])
CANDS = np.array([[0.0, 0.0], [250.0, 0.0], [450.0, 0.0], [900.0, 0.0]])
A, B, C, D = range(4)
ONES = np.ones(10)
S = {"site_hours_outreach": 10.0, "site_hours_jobcenter": 20.0, "cases_per_hour": 2.0, "working_weeks": 40.0,
     "contacts_per_person_year": 4.0}


@pytest.fixture
def cover():
    return TRAVEL.minutes(DEMAND, CANDS, 2.0)


def test_capacity_by_site_type():
    cap = site_capacity(["bibliothek", "geschaeftsstelle", "hauptsitz", "aussenstelle"], S)
    assert cap.tolist() == [200.0, 400.0, 400.0, 200.0]
    assert staff_hours_per_week([4.0, 200.0], S).tolist() == pytest.approx([0.2, 10.0])  # 200 people = 10 h


def test_a_full_site_loses_to_a_roomy_one(cover):
    # uncapacitated, B and C both reach 4 (B wins the tie); with room for only 2 at B, C serves 4
    assert solve_mclp(cover, ONES, 1).selected == (B,)
    res = solve_capacitated(cover, ONES, 1, [10, 2, 10, 10])
    assert res.selected == (C,) and res.served_weight == pytest.approx(4.0)
    assert res.load[C] == pytest.approx(4.0) and res.status == "optimal"


def test_capacities_cap_the_coverage(cover):
    res = solve_capacitated(cover, ONES, 2, [2, 2, 2, 10])
    assert D in res.selected and res.served_weight == pytest.approx(5.0)  # D 3 + any other 2
    assert (res.load <= res.capacity + 1e-9).all()


def test_fixed_site_with_little_room(cover):
    res = solve_capacitated(cover, ONES, 1, [10, 10, 10, 1], fixed=[D])
    assert res.selected == (C, D) and res.fixed == (D,)
    assert res.served_weight == pytest.approx(5.0)  # C 4 + D only 1 of its 3
    assert res.reachable_weight == pytest.approx(7.0)
    flows = res.flows.toarray()
    assert flows.sum(axis=1).max() <= 1.0 + 1e-9  # no point gives more than it has
    assert flows[:, D].sum() == pytest.approx(1.0) and flows[7:, D].sum() == pytest.approx(1.0)
    assert flows[3:7, C].tolist() == pytest.approx([1.0] * 4)


def test_merged_points_split_back_in_proportion():
    # two points with the same reach (weights 1 and 3) and one site with room for 2: each gives half
    cover = np.array([[1.0], [1.0]])
    res = solve_capacitated(cover, np.array([1.0, 3.0]), 1, [2.0])
    assert res.flows.toarray()[:, 0].tolist() == pytest.approx([0.5, 1.5])


def test_bad_capacities_and_too_many_sites(cover):
    with pytest.raises(ValueError, match="Kapazitäten"):
        solve_capacitated(cover, ONES, 1, [1, 2, 3])
    with pytest.raises(ValueError, match="Kapazitäten"):
        solve_capacitated(cover, ONES, 1, [1, -2, 3, 4])
    with pytest.raises(SolverError, match="nur 3 freie"):
        solve_capacitated(cover, ONES, 4, [1, 2, 3, 4], fixed=[A])


def test_caseload_by_target_group_and_staff_hours(cover):
    res = solve_mclp(cover, ONES, 1, fixed=[D])  # B and D; points 0, 5, 6 out of reach
    u25 = np.full(10, 0.5)
    u25[1] = 1.0
    frame = caseload(nearest_flows(res.assignment, ONES, 4), {"rlb": ONES, "u25": u25}, res.selected,
                     capacity=site_capacity(["bibliothek", "bibliothek", "bibliothek", "geschaeftsstelle"], S),
                     settings=S)
    got = {(r.candidate, r.group): r.people for r in frame.itertuples()}
    assert got == {(B, "rlb"): 4.0, (D, "rlb"): 3.0, (B, "u25"): 2.5, (D, "u25"): 1.5}
    b = frame[(frame["candidate"] == B) & (frame["group"] == "rlb")].iloc[0]
    assert b["staff_hours_week"] == pytest.approx(0.2) and b["capacity"] == 200.0
    assert b["utilisation"] == pytest.approx(4 / 200)
    d = frame[(frame["candidate"] == D) & (frame["group"] == "rlb")].iloc[0]
    assert d["capacity"] == 400.0


def test_caseload_of_a_capacitated_plan_follows_its_flows(cover):
    res = solve_capacitated(cover, ONES, 1, [10, 10, 10, 1], fixed=[D])
    frame = caseload(res.flows, {"rlb": ONES}, res.selected)
    assert dict(zip(frame["candidate"], frame["people"])) == pytest.approx({C: 4.0, D: 1.0})


def test_plan_with_capacities_and_caseload_on_the_grid(store):
    """3×3 grid of test_siting_plan (safe weights 6, 10, 6 / 20 … / 30 …; 172 in all). Venues get room for
    10 people a year (1 h/week × 1 per hour × 40 weeks / 4 per person), the Jobcenter for 20: k = 1 serves
    at most 10 + 20 = 30 although 116 are within reach of r2c2 and the Jobcenter."""
    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.siting.plan import SitingPlan, plan_sites

    fill_grid_store(store)
    settings = SETTINGS | {"site_hours_outreach": 1.0, "site_hours_jobcenter": 2.0, "cases_per_hour": 1.0,
                           "working_weeks": 40.0, "contacts_per_person_year": 4.0, "outreach_uptake_pct": 100.0}
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      model="mclp_cap", settings=settings, caseload_groups=["ew_gesamt"])
    assert plan.summary["covered_share"] == pytest.approx(30 / 172)
    assert plan.summary["status"] == "optimal" and plan.summary["n_new"] == 1
    load = plan.caseload[plan.caseload["group"] == "rlb"].set_index("id")
    assert load.loc["jc1", "people"] == 20.0 and load.loc["jc1", "capacity"] == 20.0
    assert load["people"].sum() == 30.0 and (load["utilisation"] <= 1.0).all()
    assert load.loc["jc1", "staff_hours_week"] == pytest.approx(20 * 4 / 40 / 1.0)
    # the second group (100 residents per cell) shares the same assignment in proportion
    assert set(plan.caseload["group"]) == {"rlb", "ew_gesamt"}
    assert plan.caseload["people"].mod(10).eq(0).all()  # rounded to tens: never a 1 or a 2
    again = SitingPlan.from_json(plan.to_json())
    assert again.caseload["people"].tolist() == plan.caseload["people"].tolist()
    # an uncapacitated plan gets its caseload too (nearest chosen site within reach)
    mclp = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=settings)
    assert mclp.caseload.set_index("id").loc["v22", "people"] == 80.0


def test_old_saved_plans_without_caseload_still_load(store):
    import json

    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.siting.plan import SitingPlan, plan_sites

    fill_grid_store(store)
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=SETTINGS)
    data = json.loads(plan.to_json())
    del data["frames"]["caseload"]
    old = SitingPlan.from_json(json.dumps(data))
    assert old.caseload.empty and old.sites["id"].tolist() == plan.sites["id"].tolist()


def test_uptake_turns_people_in_reach_into_cases(cover):
    """Outreach uptake 25 %: of the 4 people B serves, 1 is a case (0.05 h/week); the Jobcenter D counts all 3."""
    from sozialraum.siting.capacity import site_uptake

    s = S | {"outreach_uptake_pct": 25.0}
    types = ["bibliothek", "bibliothek", "bibliothek", "geschaeftsstelle"]
    assert site_uptake(types, s).tolist() == [0.25, 0.25, 0.25, 1.0]
    res = solve_mclp(cover, ONES, 1, fixed=[D])
    frame = caseload(nearest_flows(res.assignment, ONES, 4), {"rlb": ONES}, res.selected,
                     capacity=site_capacity(types, s), settings=s, uptake=site_uptake(types, s)).set_index("candidate")
    assert frame.loc[B, "people"] == 4.0 and frame.loc[B, "cases"] == pytest.approx(1.0)
    assert frame.loc[B, "staff_hours_week"] == pytest.approx(1 * 4 / 40 / 2)
    assert frame.loc[B, "utilisation"] == pytest.approx(1 / 200)
    assert frame.loc[D, "cases"] == pytest.approx(3.0)


def test_plan_with_uptake_on_the_grid(store):
    """As above, with an outreach uptake of 50 %: a venue's 10 cases a year are 20 people within reach, so k = 1
    serves 20 (Jobcenter) + 20 (venue) = 40; the venue shows 20 in reach, 10 expected cases, full (100 %)."""
    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.siting.plan import plan_sites
    from sozialraum.views.scenario import caseload_frames

    fill_grid_store(store)
    settings = SETTINGS | {"site_hours_outreach": 1.0, "site_hours_jobcenter": 2.0, "cases_per_hour": 1.0,
                           "working_weeks": 40.0, "contacts_per_person_year": 4.0, "outreach_uptake_pct": 50.0}
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      model="mclp_cap", settings=settings)
    assert plan.summary["covered_share"] == pytest.approx(40 / 172)
    load = plan.caseload.set_index("id")
    venue = [i for i in load.index if i != "jc1"][0]
    assert (load.loc[venue, "in_reach"], load.loc[venue, "people"], load.loc[venue, "capacity"]) == (20.0, 10.0, 10.0)
    assert load.loc[venue, "utilisation"] == pytest.approx(1.0)
    assert load.loc["jc1", "in_reach"] == load.loc["jc1", "people"] == 20.0
    # the uncapacitated plan puts 80 people in reach of r2c2: 40 cases against room for 10 → over capacity; the
    # Jobcenter keeps its 36 (≈ 40) against room for 20
    mclp = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=settings)
    table, over = caseload_frames(mclp)
    row = table.set_index("Standort").loc["Bibliothek Nordost"]
    assert over == ("Jobcenter Süd", "Bibliothek Nordost") and row["Bewertung"] == "über Kapazität"
    assert (row["in Reichweite (≈)"], row["Fälle je Jahr (≈)"], row["Auslastung"]) == \
        ("80", "40", "400 %")
    assert table.set_index("Standort").loc["Jobcenter Süd", "Auslastung"] == "200 %"
    roomy, _ = caseload_frames(plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10,
                                          k=1, settings=settings | {"site_hours_jobcenter": 10.0}))
    assert roomy.set_index("Standort").loc["Jobcenter Süd", "Bewertung"] == "im Rahmen"
