"""What-if on the map: the click logic (add, remove, move) by hand, the evaluation of a hand-made selection on
the 3×3 grid (coverage, gap, loads, area service), and the map builder's clickable markers and reach polygons.

The grid (``test_siting_plan.fill_grid_store``): one demand point per 1 km cell, 10 minutes at 6 km/h = 1 km
reach (the own cell and the four orthogonal neighbours); safe weights per cell (row 0 = south):
r0: 6, 10, 6 · r1: 20, 20, 20 · r2: 30, 30, 30 (172); Jobcenter jc1 at r0c0 (fixed), venues v02 (r0c2),
v11 (r1c1), v20 (r2c0), v22 (r2c2)."""

from __future__ import annotations

import numpy as np
import pytest

from sozialraum.siting.whatif import apply_click

FIXED, CANDS = ["jc1"], ["jc1", "v02", "v11", "v20", "v22"]


def test_click_adds_removes_and_keeps_the_fixed_site():
    out = apply_click(["v22"], FIXED, CANDS, "v11")
    assert out.selection == ("v22", "v11") and out.changed and "hinzugefügt" in out.message
    out = apply_click(out.selection, FIXED, CANDS, "v22")  # a chosen site: removed, the others keep their order
    assert out.selection == ("v11",) and out.changed
    out = apply_click(out.selection, FIXED, CANDS, "jc1")
    assert out.selection == ("v11",) and not out.changed and "fest" in out.message
    assert apply_click(["v11"], FIXED, CANDS, "unbekannt").selection == ("v11",)  # a stale id: nothing
    assert apply_click(["v11"], FIXED, CANDS, None).changed is False


def test_move_picks_a_site_then_its_new_place_and_keeps_its_number():
    names = {"v11": "Stadtteilzentrum Mitte", "v20": "Familienzentrum Nordwest"}
    pick = apply_click(["v22", "v11"], FIXED, CANDS, "v11", "verschieben", names=names)
    assert pick.moving == "v11" and pick.selection == ("v22", "v11") and not pick.changed
    assert "Stadtteilzentrum Mitte" in pick.message
    moved = apply_click(pick.selection, FIXED, CANDS, "v20", "verschieben", pick.moving, names)
    assert moved.selection == ("v22", "v20") and moved.moving is None and moved.changed  # still number 2
    assert "→" in moved.message
    # a candidate first: nothing moves; the picked site clicked again: put back
    assert apply_click(["v22"], FIXED, CANDS, "v20", "verschieben").selection == ("v22",)
    back = apply_click(["v22"], FIXED, CANDS, "v22", "verschieben", "v22")
    assert back.moving is None and back.selection == ("v22",)
    # a picked site that is no longer chosen (removed in the list meanwhile) is forgotten
    assert apply_click(["v22"], FIXED, CANDS, "v20", "verschieben", "v11").selection == ("v22",)


@pytest.fixture
def grid_ctx(store):
    from test_siting_plan import SETTINGS, fill_grid_store

    from sozialraum.siting.plan import plan_sites
    from sozialraum.siting.whatif import whatif_context

    fill_grid_store(store)
    plan = plan_sites(store, level="zelle", period="2024", target_indicator="rlb", budget_min=10, k=1,
                      settings=SETTINGS)
    return plan, whatif_context(store, plan)


def test_view_of_a_hand_made_selection_by_hand(grid_ctx):
    from sozialraum.siting.whatif import evaluate_view

    _, ctx = grid_ctx
    assert ctx.fixed_ids == ["jc1"] and float(ctx.weights.sum()) == 172.0
    view = evaluate_view(ctx, ["v11", "v22"])
    res = view.result
    # jc1 {r0c0 6, r0c1 10, r1c0 20} ∪ v11 {+ r1c1 20, r1c2 20, r2c1 30} ∪ v22 {+ r2c2 30} = 136; r0c2, r2c0 out
    assert res.covered_weight == 136.0 and res.n_new == 2
    # best two: v20 + v22 leave only r0c2 (6) and r1c1 (20) out: 146 → 10 short
    assert res.optimum_weight == 146.0 and res.gap_weight == 10.0
    s = view.sites.set_index("id")
    assert s["order"].to_dict() == {"jc1": 0, "v11": 1, "v22": 2}  # numbers follow the given order
    # within reach of each (rounded to tens): jc1 36 → 40, v11 100, v22 80; nearest site (ties → the candidate
    # listed first: jc1, v22 before v11): v11 only its own cell (20), v22 r1c2 + r2c1 + r2c2 = 80
    assert s["covered"].to_dict() == {"jc1": 40.0, "v11": 100.0, "v22": 80.0}
    assert s["served"].to_dict() == {"jc1": 40.0, "v11": 20.0, "v22": 80.0}
    # cases: every person at the Jobcenter, the default uptake of 10 % at an outreach office (80 → 8 → ≈ 10)
    assert s["cases"].to_dict() == {"jc1": 40.0, "v11": 0.0, "v22": 10.0}
    assert (s["staff_hours_week"] > 0).all() and s.loc["v22", "utilisation"] == pytest.approx(8.0 / s.loc[
        "v22", "capacity"])
    svc = view.area_service.set_index("area_key")
    assert svc.loc["r0c2", "share"] == 0.0 and np.isnan(svc.loc["r2c0", "site"])
    assert svc.loc["r1c1", "site"] == 1.0 and svc.loc["r2c2", "site"] == 2.0 and svc.loc["r0c0", "site"] == 0.0
    # the order given decides the numbers; the same set in another order covers the same
    again = evaluate_view(ctx, ["v22", "v11"])
    assert again.result.covered_weight == 136.0 and again.sites.set_index("id")["order"]["v22"] == 1


def test_view_edge_cases(grid_ctx):
    from sozialraum.errors import InputError
    from sozialraum.siting.whatif import evaluate_view

    _, ctx = grid_ctx
    none = evaluate_view(ctx, [])  # the Jobcenter alone: 36, which is also the optimum for 0 new sites
    assert none.result.covered_weight == 36.0 and none.result.gap_weight == 0.0 and len(none.sites) == 1
    every = evaluate_view(ctx, ["v02", "v11", "v20", "v22", "jc1"])  # the fixed id in the list counts once
    assert every.result.n_new == 4 and every.result.covered_weight == 172.0 and every.result.gap_weight == 0.0
    with pytest.raises(InputError):
        evaluate_view(ctx, ["v99"])


def test_whatif_map_has_clickable_markers_and_polygons(grid_ctx):
    import geopandas as gpd
    from shapely.geometry import box

    from sozialraum.maps.siting import siting_map
    from sozialraum.siting.whatif import evaluate_view

    _, ctx = grid_ctx
    view = evaluate_view(ctx, ["v11"])
    free = ctx.cands[~ctx.cands["fixed"] & (ctx.cands["id"] != "v11")]
    poly = gpd.GeoDataFrame({"order": [0, 1]}, geometry=[box(9.0, 50.0, 9.01, 50.01), box(9.02, 50.0, 9.03, 50.01)],
                            crs=4326)
    html = siting_map(None, view.sites, view.area_service, candidates=free, catchments=poly,
                      catchment_label="Umriss: in 10 min erreichbar – Straßennetz (zu Fuß)",
                      moving="v11").get_root().render()
    assert html.count('"role": "candidate"') == 3 and '"id": "v20"' in html and '"role": "fixed"' in html
    assert "sr_id: s.id, sr_role: s.role" in html  # the click hands these to the app
    assert "sr-site-moving" in html and "sr-catchment-net" in html
    assert "Umriss: in 10 min erreichbar" in html and "Luftlinie" not in html
    circles = siting_map(None, view.sites, view.area_service, radius_m=1000.0).get_root().render()
    assert "Kreis: Reichweite (Luftlinie)" in circles and "sr-catchment-net" not in circles


def test_k_curve_marks_the_selection_by_hand():
    import pandas as pd

    from sozialraum.charts.siting import k_curve_chart

    curve = pd.DataFrame({"k": [0, 1, 2], "covered_share": [0.2, 0.6, 0.8]})
    fig = k_curve_chart(curve, chosen_k=1, whatif=(2, 0.7512))
    hand = [t for t in fig.data if t.name == "von Hand"]
    assert len(hand) == 1 and list(hand[0].x) == [2] and list(hand[0].y) == [75.1]
    assert not [t for t in k_curve_chart(curve).data if t.name == "von Hand"]


def test_plan_for_selection_is_a_full_plan(grid_ctx, store):
    import json

    from sozialraum.siting.whatif import plan_for_selection

    plan, _ = grid_ctx
    same = json.loads(plan_for_selection(store, plan, ["v22"]).to_json())  # the plan's own choice
    assert same["frames"] == json.loads(plan.to_json())["frames"]  # every frame as plan_sites made it
    hand = plan_for_selection(store, plan, ["v11", "v22"])
    assert hand.parameters["by_hand"] and hand.parameters["sites_by_hand"] == ["v11", "v22"]
    assert hand.summary["n_new"] == 2 and hand.summary["covered_share"] == pytest.approx(136 / 172)
    assert hand.summary["gap_to_optimum"] == pytest.approx(10 / 172) and "von Hand" in hand.summary["model_label"]
    assert set(hand.sites["id"]) == {"jc1", "v11", "v22"}
    # the explanation's greedy order: v22 adds 80 over the Jobcenter's 36, v11 then r1c1 (20)
    ex = hand.explanation.set_index("id")
    assert ex.loc["v22", "order"] < ex.loc["v11", "order"] and ex.loc["v11", "marginal_gain"] == 20.0
    assert hand.k_curve.equals(plan.k_curve)
    assert set(hand.caseload["id"]) == {"jc1", "v11", "v22"}
