"""Stability marks, the concentration index and reach per status class, by hand; the stability runs on the grid."""

import numpy as np
import pandas as pd
import pytest

from sozialraum.siting.robust import concentration_index, fairness, stability_marks


def test_stability_marks_by_hand():
    variants = {"budget -5": (0, 1, 3), "budget +5": (0, 1, 2), "2022": (0, 2, 4), "2020": (0, 1, 4)}
    marks = stability_marks((0, 1, 2, 3), variants, fixed=[0]).set_index("candidate")
    assert marks["n_kept"].tolist() == [4, 3, 2, 1] and (marks["n_variants"] == 4).all()
    assert marks["mark"].tolist() == ["fest", "meist", "meist", "unsicher"]
    assert marks.loc[1, "share"] == 0.75
    every = stability_marks((1,), {"a": (1,), "b": (1, 2)})
    assert every["mark"].tolist() == ["stabil"]
    assert stability_marks((1,), {})["mark"].tolist() == ["–"]


def test_concentration_index_by_hand():
    # two equal groups: only the needier one reached → CI = 2·cov/mean = 2·0.125/0.5 = 0.5; reversed −0.5
    assert concentration_index([0, 1], [0.0, 1.0], [1, 1]) == pytest.approx(0.5)
    assert concentration_index([1, 0], [0.0, 1.0], [1, 1]) == pytest.approx(-0.5)
    assert concentration_index([1, 1], [0.0, 1.0], [1, 1]) == pytest.approx(0.0)
    # weights count as people: the same as four equal people ranked 0, 1, 1, 1 with reach 0, 1, 1, 1
    assert concentration_index([0, 1], [0.0, 1.0], [1, 3]) == pytest.approx(
        concentration_index([0, 1, 1, 1], [0.0, 1.0, 1.0, 1.0], [1, 1, 1, 1]))
    assert np.isnan(concentration_index([0, 0], [0.0, 1.0], [1, 1]))  # nobody reached
    assert np.isnan(concentration_index([1, 0], [2.0, 2.0], [1, 1]))  # no ranking


def test_fairness_per_status_class():
    per, ci = fairness(["a", "a", "b", "c", "x"], [10, 10, 20, 40, 5], [1, 0, 1, 0, 1],
                       {"a": "mittel", "b": "sehr niedrig", "c": "hoch"}, {"a": 0.0, "b": 2.0, "c": -1.5})
    assert per["status_class"].tolist() == ["hoch", "mittel", "sehr niedrig"]  # area x has no class
    assert per["target"].tolist() == [40, 20, 20] and per["within_reach"].tolist() == [0, 10, 20]
    assert per["share"].tolist() == [0.0, 0.5, 1.0]
    assert ci > 0  # reach goes to the needier areas


def test_stability_runs_on_the_grid(store):
    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.siting.plan import plan_sites
    from sozialraum.siting.robust import stability_for_store

    fill_grid_store(store)
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=SETTINGS)
    marks, chosen = stability_for_store(store, plan)
    # budgets 5 and 15 min; the grid has one period only. 5 min (500 m) reaches only the own cell: r2c0 and
    # r2c2 tie at 30 and the candidate listed first (v22, the store lists venues by name) wins; 15 min (1,500 m)
    # reaches the diagonal neighbours (1,414 m) too: the centre v11 reaches all 172.
    # Another travel mode: walking's neighbours are cycling and public transport; without a network cycling is
    # a straight line at 15 km/h (10 min = 2,500 m: the Jobcenter at r0c0 alone reaches all but r2c2, 2,828 m
    # away; every venue adds r2c2 and the first listed, v02, wins), and ÖPNV falls back to walking in a straight
    # line — the plan itself, so it is left out. v22 is kept in 1 of 3 variants.
    assert chosen == {"Zeitbudget 5 min": ["jc1", "v22"], "Zeitbudget 15 min": ["jc1", "v11"],
                      "Verkehrsmittel Fahrrad (Luftlinie)": ["jc1", "v02"]}
    got = marks.set_index("id")
    assert got["mark"].to_dict() == {"jc1": "fest", "v22": "unsicher"}
    assert got.loc["v22", "n_kept"] == 1 and got.loc["v22", "n_variants"] == 3
    # the modes can be chosen (car: 30 km/h in a straight line reaches everything from r0c0 but r2c2 too) or left out
    _, by_car = stability_for_store(store, plan, modes=["car"])
    assert by_car["Verkehrsmittel Auto (Luftlinie)"] == ["jc1", "v02"]
    _, no_mode = stability_for_store(store, plan, modes=())
    assert set(no_mode) == {"Zeitbudget 5 min", "Zeitbudget 15 min"}
    assert isinstance(marks, pd.DataFrame)


def test_whatif_by_hand_on_the_line():
    from sozialraum.access.travel import WalkingModel
    from sozialraum.siting.models import pattern
    from sozialraum.siting.whatif import evaluate_sites

    travel = WalkingModel(detour=1.0, speed_kmh=6.0)
    p = pattern(travel.minutes(np.array([[x * 100.0, 0.0] for x in range(10)]),
                               np.array([[0.0, 0.0], [250.0, 0.0], [450.0, 0.0], [900.0, 0.0]]), 2.0))
    best = {0: 3.0, 1: 7.0, 2: 10.0}  # with D fixed: D alone 3; + B 7; + A, C 10
    plan = evaluate_sites(p, np.ones(10), [1], [3], best)
    assert plan.selected == (1, 3) and plan.n_new == 1 and plan.covered_weight == 7.0 and plan.gap_weight == 0.0
    # the planner swaps B for A: 6 within reach, 1 short of the optimum for one new site
    swapped = evaluate_sites(p, np.ones(10), [0], [3], best)
    assert swapped.covered_weight == 6.0 and swapped.gap_weight == 1.0 and swapped.gap_share == 0.1
    # adds C as a second new site: A, C, D reach everyone — the optimum for k = 2
    more = evaluate_sites(p, np.ones(10), [0, 2], [3], best)
    assert more.n_new == 2 and more.covered_share == 1.0 and more.gap_weight == 0.0
    # removes everything: the fixed site alone
    none = evaluate_sites(p, np.ones(10), [], [3], best)
    assert none.selected == (3,) and none.covered_weight == 3.0 and none.gap_weight == 0.0
    assert evaluate_sites(p, np.ones(10), [0, 1, 2], [3], best).optimum_weight is None  # beyond the curve


def test_whatif_on_the_grid_store(store):
    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.siting.plan import plan_sites
    from sozialraum.siting.whatif import whatif_for_store

    fill_grid_store(store)
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=SETTINGS)
    res, sites = whatif_for_store(store, plan, ["v22"])  # the plan itself: 116 of 172, optimal
    assert res.covered_weight == pytest.approx(116.0) and res.gap_weight == pytest.approx(0.0)
    res, sites = whatif_for_store(store, plan, ["v02"])  # r0c2 adds 26 over the Jobcenter's 36 → 62; 54 short
    assert res.covered_weight == pytest.approx(62.0) and res.gap_weight == pytest.approx(54.0)
    assert set(sites["id"]) == {"jc1", "v02"}


def test_report_table_carries_the_stability_marks(store):
    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.export.report_siting import explanation_frame, map_frames
    from sozialraum.siting.plan import plan_sites
    from sozialraum.siting.robust import stability_for_store

    fill_grid_store(store)
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=SETTINGS)
    marks, _ = stability_for_store(store, plan)
    sites, _ = map_frames(plan)
    frame = explanation_frame(plan, sites, marks)
    assert frame["Stabilität"].tolist() == ["fest", "unsicher (1/3)"]  # see test_stability_runs_on_the_grid
    assert "Stabilität" not in explanation_frame(plan, sites).columns


def test_mode_variants_follow_the_plan_mode():
    from sozialraum.access.travel import WalkingModel
    from sozialraum.siting.robust import mode_variants

    walk = mode_variants({"travel_mode": "walk", "cycling_speed_kmh": 12.0})
    assert list(walk) == ["Verkehrsmittel Fahrrad (Luftlinie)"]  # ÖPNV without a timetable = the plan itself
    assert isinstance(walk["Verkehrsmittel Fahrrad (Luftlinie)"], WalkingModel)
    assert walk["Verkehrsmittel Fahrrad (Luftlinie)"].speed_kmh == 12.0
    car = mode_variants({"travel_mode": "car"})  # a car plan is tried with the bus (here: walking, straight)
    assert list(car) == ["Verkehrsmittel ÖPNV (Luftlinie)"]
    assert mode_variants({"travel_mode": "bike"}, modes=["bike"]) == {}  # its own mode is no variant
