"""The fast MCLP core: merged demand points, bounds that skip the MIP, one model reused for every k.

Hand-checked on the ten points on a line of ``test_siting_models`` (A reaches points 0–2, B 1–4, C 3–6, D 7–9)
and compared with plain enumeration of every site set on small random instances with many repeated points.
"""

from itertools import combinations

import numpy as np
import pytest
from scipy import sparse

from sozialraum.access.travel import WalkingModel
from sozialraum.siting.kcurve import k_curve
from sozialraum.siting.mclp import mclp_curve, reduce_cover
from sozialraum.siting.models import covered_mask, pattern, solve_mclp

TRAVEL = WalkingModel(detour=1.0, speed_kmh=6.0)
DEMAND = np.array([[x * 100.0, 0.0] for x in range(10)])
CANDS = np.array([[0.0, 0.0], [250.0, 0.0], [450.0, 0.0], [900.0, 0.0]])
A, B, C, D = range(4)


def _line():
    return pattern(TRAVEL.minutes(DEMAND, CANDS, 2.0))


def test_merge_by_hand():
    # rows: 0 {A}, 1 {A,B}, 2 {A,B}, 3 {B,C}, 4 {B,C}, 5 {C}, 6 {C}, 7-9 {D}
    w = np.arange(1.0, 11.0)
    red = reduce_cover(_line(), w, np.array([D]))
    # D (fixed) reaches 7-9: constant; 10 rows → 4 merged rows {A}, {A,B}, {B,C}, {C}
    assert red.base_weight == 8 + 9 + 10 and red.total_weight == 55
    assert red.n_rows_before == 7 and red.matrix.shape == (4, 4)
    assert red.weights.tolist() == [1.0, 2 + 3, 4 + 5, 6 + 7]
    assert red.members.tolist() == [0, 1, 1, 2, 2, 3, 3, -1, -1, -1]
    assert [sorted(red.matrix[i].indices.tolist()) for i in range(4)] == [[A], [A, B], [B, C], [C]]


def test_merge_skips_weightless_and_unreachable_points():
    cover = sparse.csr_matrix(np.array([[1, 0], [1, 0], [0, 0], [0, 1]], dtype=bool))
    red = reduce_cover(pattern(cover), np.array([0.0, 2.0, 5.0, 3.0]), np.array([], dtype=np.int64))
    assert red.members.tolist() == [-1, 0, -1, 1]  # weight 0 and "no candidate" never enter the model
    assert red.weights.tolist() == [2.0, 3.0] and red.base_weight == 0.0


def _brute(p, w, k, fixed):
    free = [j for j in range(p.shape[1]) if j not in fixed]
    return max(float(w[covered_mask(p, list(fixed) + list(s))].sum()) for s in combinations(free, k))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_merged_model_has_the_same_optimum_as_enumeration(seed):
    rng = np.random.default_rng(seed)
    # 12 distinct reach patterns, each repeated up to 15 times with its own weights: many identical rows
    base = rng.random((12, 9)) < 0.3
    rows = np.repeat(base, rng.integers(1, 15, size=12), axis=0)
    p = pattern(sparse.csr_matrix(rows))
    w = rng.integers(0, 20, size=p.shape[0]).astype(float)
    fixed = [int(seed % 9)]
    red = reduce_cover(p, w, np.array(fixed))
    assert red.matrix.shape[0] <= 12 < red.n_rows_before
    assert red.weights.sum() + red.base_weight == pytest.approx(
        w[(w > 0) & (np.diff(p.indptr) > 0)].sum())
    curve = k_curve(p, w, 5, fixed=fixed)
    for k in range(6):
        best = _brute(p, w, k, fixed)
        assert curve["covered_weight"].iloc[k] == pytest.approx(best)
        assert solve_mclp(p, w, k, fixed=fixed).covered_weight == pytest.approx(best)
        # the answer's own coverage, counted on the unmerged rows, is what it claims
        sel = curve["selected"].iloc[k]
        assert float(w[covered_mask(p, sel)].sum()) == pytest.approx(best)


def test_curve_on_the_line_by_hand():
    w = np.ones(10)
    curve = k_curve(_line(), w, 3)
    assert curve["covered_weight"].tolist() == [0.0, 4.0, 7.0, 10.0]
    # k = 1: the bound f(∅) + largest single gain equals the greedy answer → no MIP needed; tie B/C → B
    assert curve["how"].iloc[1] == "bound" and curve["selected"].iloc[1] == (B,)
    assert curve["selected"].iloc[3] == (A, C, D)
    assert (curve["status"] == "optimal").all() and (curve["upper"] >= curve["covered_weight"] - 1e-9).all()


def test_curve_needs_a_mip_where_greedy_is_not_optimal():
    # greedy takes the middle site M (4 points) first and then gets 5; the optimum for k = 2 is L + R (6)
    rows = np.zeros((6, 3), dtype=bool)
    rows[0:3, 0] = True  # L reaches 0-2
    rows[3:6, 1] = True  # R reaches 3-5
    rows[1:5, 2] = True  # M reaches 1-4
    p = pattern(sparse.csr_matrix(rows))
    pts = mclp_curve(p, np.ones(6), range(3), np.array([], dtype=np.int64), 10.0)
    assert pts[1].selected == (2,) and pts[1].covered_weight == 4.0
    assert pts[2].selected == (0, 1) and pts[2].covered_weight == 6.0
    assert pts[2].how == "mip" and pts[2].status == "optimal"


def test_empty_model_when_fixed_sites_reach_everyone():
    p = _line()
    res = solve_mclp(p, np.ones(10), 1, fixed=[A, C, D])
    assert res.covered_weight == 10.0 and len(res.new_sites) == 1 and res.status == "optimal"
