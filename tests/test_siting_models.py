"""Siting models on points on a line, worked out by hand.

Demand: ten points at x = 0, 100, …, 900 m (weight 1 each). Candidates A(0), B(250), C(450), D(900).
Walking model with detour 1 and 6 km/h = 100 m per minute; budget 2 min = 200 m. So
A reaches points 0–2, B 1–4, C 3–6, D 7–9.
"""

import numpy as np
import pytest
from scipy import sparse

from sozialraum.access.travel import MatrixModel, WalkingModel
from sozialraum.errors import SolverError
from sozialraum.siting.kcurve import k_curve
from sozialraum.siting.models import solve_lscp, solve_mclp, solve_pmedian

TRAVEL = WalkingModel(detour=1.0, speed_kmh=6.0)
DEMAND = np.array([[x * 100.0, 0.0] for x in range(10)])
CANDS = np.array([[0.0, 0.0], [250.0, 0.0], [450.0, 0.0], [900.0, 0.0]])
A, B, C, D = range(4)
ONES = np.ones(10)


@pytest.fixture
def cover():
    return TRAVEL.minutes(DEMAND, CANDS, 2.0)


def test_cover_pattern_by_hand(cover):
    reach = {j: sorted(cover[:, j].nonzero()[0].tolist()) for j in range(4)}
    assert reach == {A: [0, 1, 2], B: [1, 2, 3, 4], C: [3, 4, 5, 6], D: [7, 8, 9]}


def test_mclp_one_site_tie_goes_to_lower_index(cover):
    # B and C both reach 4 points: the lower index (B) wins, every time
    for _ in range(3):
        res = solve_mclp(cover, ONES, 1)
        assert res.selected == (B,)
        assert res.covered_weight == 4.0 and res.objective == 4.0 and res.total_weight == 10.0
        assert res.status == "optimal"


def test_mclp_two_sites(cover):
    res = solve_mclp(cover, ONES, 2)
    # A+C, B+D and C+D each reach 7; nothing reaches more
    assert res.objective == 7.0
    assert res.selected in {(A, C), (B, D), (C, D)}
    assert solve_mclp(cover, ONES, 2).selected == res.selected  # deterministic


def test_mclp_weights_change_the_answer(cover):
    w = ONES.copy()
    w[0] = 10.0  # point 0 only reachable from A
    res = solve_mclp(cover, w, 1)
    assert res.selected == (A,) and res.covered_weight == 12.0


def test_mclp_fixed_site_is_kept_and_k_counts_new_sites(cover):
    res = solve_mclp(cover, ONES, 1, fixed=[D])
    assert res.selected == (B, D) and res.fixed == (D,) and res.new_sites == (B,)
    assert res.covered_weight == 7.0
    # assignment: nearest chosen site within reach, -1 when none
    assert res.assignment.tolist() == [-1, B, B, B, B, -1, -1, D, D, D]


def test_mclp_too_many_sites_is_a_clear_error(cover):
    with pytest.raises(SolverError, match="nur 3 freie Kandidaten"):
        solve_mclp(cover, ONES, 4, fixed=[A])


def test_lscp_needs_a_c_d(cover):
    res = solve_lscp(cover)
    assert res.selected == (A, C, D) and res.objective == 3.0 and res.covered_weight == 10.0


def test_lscp_infeasible_names_the_points():
    cover = TRAVEL.minutes(DEMAND, CANDS, 1.0)  # 100 m: points 6 and 7 are out of everyone's reach
    ids = [f"P{i}" for i in range(10)]
    with pytest.raises(SolverError, match="P6, P7"):
        solve_lscp(cover, demand_ids=ids)


def test_lscp_ignores_points_without_weight():
    cover = TRAVEL.minutes(DEMAND, CANDS, 1.0)
    w = ONES.copy()
    w[[6, 7]] = 0.0
    res = solve_lscp(cover, weights=w)
    # points 0,1 need A; 2,3 need B; 4,5 need C; 8,9 need D
    assert res.selected == (A, B, C, D)


def test_pmedian_two_sites_by_hand():
    cost = TRAVEL.nearest(DEMAND, CANDS, 4)  # full lists
    res = solve_pmedian(cost, ONES, 2, budget=2.0)
    # B+D: 2.5+1.5+.5+.5+1.5+2.5 + 3+2+1+0 = 15 (A+C and C+D 17.5, B+C 18, A+D 20, A+B 26)
    assert res.selected == (B, D) and res.objective == pytest.approx(15.0)
    assert res.covered_weight == 7.0  # points 1-4 and 7-9 within 2 min of their site
    assert res.assignment.tolist() == [B] * 6 + [D] * 4


def test_pmedian_fixed_site():
    cost = TRAVEL.nearest(DEMAND, CANDS, 4)
    res = solve_pmedian(cost, ONES, 1, fixed=[A])
    assert res.selected == (A, C) and res.objective == pytest.approx(17.5)


def test_pmedian_rest_option_is_a_lower_bound():
    cost = TRAVEL.nearest(DEMAND, CANDS, 1)  # each point only lists its nearest candidate
    res = solve_pmedian(cost, ONES, 1)
    # any other site is at least as far as the listed one, so the model prices every point at its nearest
    # candidate (0+1+.5+.5+.5+.5+1.5+2+1+0 = 7.5) whatever is chosen: all sets tie, the lowest index wins
    assert res.selected == (A,) and res.objective == pytest.approx(7.5)
    assert res.n_unassigned == 8 and (res.assignment == -1).sum() == 8  # only points 0 and 1 list A


def test_refined_pmedian_is_exact_from_one_nearest():
    from sozialraum.siting.models import solve_pmedian_refined

    res = solve_pmedian_refined(TRAVEL, DEMAND, CANDS, ONES, 2, nearest=1, budget=2.0)
    assert res.selected == (B, D) and res.objective == pytest.approx(15.0) and res.status == "optimal"
    assert res.assignment.tolist() == [B] * 6 + [D] * 4 and res.covered_weight == 7.0 and res.gap <= 1e-9
    fixed = solve_pmedian_refined(TRAVEL, DEMAND, CANDS, ONES, 1, fixed=[A], nearest=1)
    assert fixed.selected == (A, C) and fixed.objective == pytest.approx(17.5)


def test_refined_pmedian_with_a_matrix_model():
    from sozialraum.siting.models import solve_pmedian_refined

    dense = np.abs(DEMAND[:, None, 0] - CANDS[None, :, 0]) / 100.0
    res = solve_pmedian_refined(MatrixModel(dense), None, None, ONES, 2, nearest=2)
    assert res.selected == (B, D) and res.objective == pytest.approx(15.0)


def test_pmedian_fixed_sites_keep_every_point_assigned():
    cost = TRAVEL.nearest(DEMAND, CANDS, 1, always=[D])
    res = solve_pmedian(cost, ONES, 1, fixed=[D])
    assert res.n_unassigned == 0 and D in res.selected


def test_k_curve_is_monotone_and_starts_with_fixed(cover):
    curve = k_curve(cover, ONES, 3, fixed=[D])
    assert curve["k"].tolist() == [0, 1, 2, 3]
    assert curve["covered_weight"].tolist() == [3.0, 7.0, 10.0, 10.0]
    assert curve["covered_share"].iloc[-1] == 1.0
    assert all(D in s for s in curve["selected"])


def test_matrix_model_same_interface():
    dense = np.array([[0.0, 5.0, np.nan], [12.0, 3.0, 1.0]])
    mm = MatrixModel(dense)
    m = mm.minutes(None, None, 10.0)
    assert sparse.isspmatrix_csr(m)
    # the zero survives as a stored entry; NaN and 12 > budget are not stored
    assert sorted(zip(*m.nonzero())) == [(0, 0), (0, 1), (1, 1), (1, 2)]
    res = solve_mclp(m, np.array([1.0, 2.0]), 1)
    assert res.selected == (1,) and res.covered_weight == 3.0
    assert mm.minutes([1], [0, 2], 20.0).toarray().tolist() == [[12.0, 1.0]]


def test_walking_model_units_and_zero_distance():
    walk = WalkingModel(detour=1.3, speed_kmh=4.5)  # 75 m/min on the road, 1.3 × straight line
    m = walk.minutes([[0.0, 0.0]], [[0.0, 0.0], [750.0, 0.0], [900.0, 0.0]], 13.0)
    # 750 m straight = 975 m walked = 13 min: exactly at the budget counts; 900 m = 15.6 min does not
    assert m.nnz == 2
    assert m[0, 1] == pytest.approx(13.0)
    assert 0 < m[0, 0] < 1e-6


def test_time_limit_is_mandatory(cover):
    with pytest.raises(ValueError, match="Zeitlimit"):
        solve_mclp(cover, ONES, 1, time_limit=0)


def test_infeasible_model_gives_a_german_solver_error():
    from sozialraum.siting._highs import solve_mip

    # x0 + x1 >= 3 with binaries: no solution
    a = sparse.csc_matrix(np.array([[1.0, 1.0]]))
    with pytest.raises(SolverError, match="unlösbar"):
        solve_mip(a, [1.0, 1.0], [0, 0], [1, 1], [3.0], [np.inf], [0, 1], maximize=False, time_limit=5)


def test_pmedian_pruning_behind_fixed_keeps_the_optimum():
    # with D fixed, options farther than D are dropped from the model; the answer is the full model's
    cost = TRAVEL.nearest(DEMAND, CANDS, 4)
    res = solve_pmedian(cost, ONES, 1, fixed=[D])
    # B+D = 15 beats A+D (20) and C+D (17.5)
    assert res.selected == (B, D) and res.objective == pytest.approx(15.0)
