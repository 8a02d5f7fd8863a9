"""The exact capped p-median core: savings, local search, Lagrangian bound with elimination, radius MIP.

Hand-checked: a 3×3 grid of demand points (100 m apart, weight 1) with the candidates on the grid points
themselves, walking at 100 m per minute without detour. Random instances are checked against full enumeration
and against a plain assignment MIP in HiGHS: bound ≤ optimum ≤ value, and the value is the optimum.
"""

from itertools import combinations

import numpy as np
import pytest
from scipy import sparse

from sozialraum.access.travel import MatrixModel, WalkingModel
from sozialraum.siting.pmedian import pmedian_curve, solve_pmedian, solve_pmedian_refined
from sozialraum.siting.pmedian_bound import lagrange
from sozialraum.siting.pmedian_core import solve_capped
from sozialraum.siting.pmedian_mip import solve_chain_mip
from sozialraum.siting.pmedian_savings import build_savings, greedy, interchange, saved, top_two

WALK = WalkingModel(detour=1.0, speed_kmh=6.0)  # 100 m per minute
GRID = np.array([[x * 100.0, y * 100.0] for y in range(3) for x in range(3)])  # point i at (i % 3, i // 3)
CENTRE = 4


def _dense(dem, cand):
    return np.hypot(dem[:, None, 0] - cand[None, :, 0], dem[:, None, 1] - cand[None, :, 1]) / 100.0


def _enumerate(dense, w, k, fixed=()):
    """Optimal value and set by trying every set of k free candidates."""
    free = [j for j in range(dense.shape[1]) if j not in set(fixed)]
    best = (np.inf, None)
    for extra in combinations(free, k):
        s = sorted(set(fixed) | set(extra))
        v = float(w @ dense[:, s].min(axis=1))
        if v < best[0] - 1e-12:
            best = (v, tuple(s))
    return best


def _plain_mip(dense, w, k, fixed=()):
    """The textbook assignment model (x_ij ≤ y_j, Σ_j x_ij = 1, Σ y = k + |fixed|) in HiGHS."""
    from sozialraum.siting._highs import solve_mip

    n, m = dense.shape
    e = n * m
    rows_i, cols_j = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    a = sparse.vstack([
        sparse.hstack([sparse.csr_matrix((n, m)), sparse.csr_matrix((np.ones(e), (rows_i, np.arange(e))), (n, e))]),
        sparse.hstack([sparse.csr_matrix((-np.ones(e), (np.arange(e), cols_j)), (e, m)), sparse.identity(e)]),
        sparse.hstack([sparse.csr_matrix(np.ones((1, m))), sparse.csr_matrix((1, e))]),
    ]).tocsc()
    lower = np.zeros(m + e)
    lower[list(fixed)] = 1.0
    p = k + len(fixed)
    ans = solve_mip(a, np.concatenate([np.zeros(m), (w[:, None] * dense).ravel()]), lower, np.ones(m + e),
                    np.concatenate([np.ones(n), np.full(e, -np.inf), [p]]),
                    np.concatenate([np.ones(n), np.zeros(e), [p]]), np.arange(m), maximize=False, time_limit=60)
    return ans.objective


# ------------------------------------------------------------------------------------------- by hand
def test_three_by_three_grid_one_site_is_the_centre():
    cost = WALK.nearest(GRID, GRID, 9)
    res = solve_pmedian(cost, np.ones(9), 1)
    # centre: 4 neighbours at 1 min + 4 corners at √2 min = 4 + 4√2
    assert res.selected == (CENTRE,) and res.objective == pytest.approx(4 + 4 * np.sqrt(2))
    assert res.status == "optimal" and res.bound <= res.objective and res.gap <= 1e-9


def test_three_by_three_grid_with_a_fixed_corner():
    cost = WALK.nearest(GRID, GRID, 9)
    res = solve_pmedian(cost, np.ones(9), 1, fixed=[0])
    # corner 0 fixed: the best second site is 8 (opposite corner) or a point next to it; by enumeration
    value, best = _enumerate(_dense(GRID, GRID), np.ones(9), 1, fixed=[0])
    assert 0 in res.selected and res.objective == pytest.approx(value) and res.selected == best


def test_weights_move_the_site():
    w = np.ones(9)
    w[8] = 100.0  # nearly everyone lives in the corner (2, 2)
    res = solve_pmedian(WALK.nearest(GRID, GRID, 9), w, 1)
    assert res.selected == (8,)


def test_savings_by_hand():
    # two points, three candidates; candidate 2 is fixed; caps: point 0 → 3 (fixed), point 1 → 5 (fixed)
    cost = sparse.csr_matrix(np.array([[1.0, 4.0, 3.0], [2.0, 1.0, 5.0]]))
    sv = build_savings(cost, np.array([3.0, 5.0]), np.array([2.0, 1.0]), fixed=[2])
    # savings: (0, 0) = 2 × (3 − 1) = 4; (0, 1): 4 ≥ cap → none; (1, 0) = 5 − 2 = 3; (1, 1) = 5 − 1 = 4
    assert sv.base == pytest.approx(2 * 3 + 5) and sv.cols.tolist() == [0, 1]
    assert saved(sv, [0]) == pytest.approx(7.0) and saved(sv, [1]) == pytest.approx(4.0)
    d1, a1, d2 = top_two(sv, [0, 1])
    assert d1.tolist() == [4.0, 4.0] and a1.tolist() == [0, 1] and d2.tolist() == [0.0, 3.0]
    assert greedy(sv, 1) == [0]


def test_lagrangian_bound_value_by_hand():
    # the savings above, k = 1, λ = (4, 3): ρ_0 = 0 + 0, ρ_1 = 0 + 1 → U = 7 + 1 = 8 ≥ the best savings 7
    cost = sparse.csr_matrix(np.array([[1.0, 4.0, 3.0], [2.0, 1.0, 5.0]]))
    sv = build_savings(cost, np.array([3.0, 5.0]), np.array([2.0, 1.0]), fixed=[2])
    run = lagrange(sv, 1, (0,), 7.0, start=np.array([4.0, 3.0]), max_iter=1)
    assert run.upper == pytest.approx(8.0)
    # with more steps the bound meets the optimum 7 (column 0): proven
    run = lagrange(sv, 1, (0,), 7.0, start=np.array([4.0, 3.0]), tol=1e-9)
    assert 7.0 <= run.upper <= 7.0 + 2e-9 and run.best == (0,)


def test_elimination_keeps_only_what_can_beat_the_incumbent():
    # three columns: 0 saves 10 at point 0, 1 saves 9 at point 0, 2 saves 1 at point 1; k = 1, incumbent {0}
    cost = sparse.csr_matrix(np.array([[0.0, 1.0, 10.0], [10.0, 10.0, 9.0]]))
    sv = build_savings(cost, np.array([10.0, 10.0]), np.ones(2))
    run = lagrange(sv, 1, (0,), 10.0, start=np.array([10.0, 1.0]), tol=1e-9)
    # at λ = (10, 1): ρ = (0, 0, 0) and U = 11; the steps lower λ_1 to 0, where U = 10 = the incumbent
    assert run.upper <= 10.0 + 2e-9 and run.best == (0,)


def test_mip_fallback_when_the_bound_does_not_close(monkeypatch):
    # the Lagrangian is cut off after one step, so HiGHS (radius model on the survivors) has to prove the answer
    import sozialraum.siting.pmedian_bound as bound

    real = bound.lagrange
    monkeypatch.setattr(bound, "lagrange", lambda *a, **kw: real(*a, **{**kw, "max_iter": 1}))
    rng = np.random.default_rng(17)
    dem, cand = rng.uniform(0, 3000, (60, 2)), rng.uniform(0, 3000, (11, 2))
    w = rng.integers(1, 9, 60).astype(float)
    dense = _dense(dem, cand)
    opt, best = _enumerate(dense, w, 3, fixed=[5])
    ans = solve_capped(sparse.csr_matrix(dense), dense[:, 5], w, 3, fixed=[5], time_limit=60)
    assert ans.how == "mip" and ans.status == "optimal" and ans.value == pytest.approx(opt)
    assert ans.bound <= opt * (1 + 1e-9)


def test_interchange_leaves_a_bad_start():
    rng = np.random.default_rng(3)
    dem, cand = rng.uniform(0, 2000, (60, 2)), rng.uniform(0, 2000, (12, 2))
    dense = _dense(dem, cand)
    cap = dense.max(axis=1)
    sv = build_savings(sparse.csr_matrix(dense), cap, np.ones(60))
    pos, got = interchange(sv, [0, 1, 2])
    # a local optimum: no single swap adds savings
    for out in pos:
        for inn in set(range(sv.n_cols)) - set(pos):
            assert saved(sv, [p for p in pos if p != out] + [inn]) <= got + 1e-9
    assert got >= saved(sv, [0, 1, 2])


# ------------------------------------------------------------------------------- random vs enumeration
@pytest.mark.parametrize("seed", range(8))
def test_random_instances_match_enumeration_and_bound_holds(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 70)), int(rng.integers(6, 13))
    dem, cand = rng.uniform(0, 3000, (n, 2)), rng.uniform(0, 3000, (m, 2))
    w = rng.integers(0, 30, n).astype(float)
    dense = _dense(dem, cand)
    k = int(rng.integers(1, 4))
    fixed = [int(j) for j in rng.choice(m, size=int(rng.integers(0, 3)), replace=False)]
    opt, best_set = _enumerate(dense, w, k, fixed)
    res = solve_pmedian(sparse.csr_matrix(dense), w, k, fixed=fixed)
    assert res.bound <= opt * (1 + 1e-9) + 1e-9 and res.objective >= opt - 1e-9
    assert res.objective == pytest.approx(opt, rel=1e-9, abs=1e-9) and res.status == "optimal"
    assert set(fixed) <= set(res.selected) and len(res.selected) == k + len(fixed)
    # the travel-model driver from short lists gives the same optimum, with a true value
    ref = solve_pmedian_refined(WALK, dem, cand, w, k, fixed=fixed, nearest=2)
    assert ref.objective == pytest.approx(opt, rel=1e-9, abs=1e-9) and ref.status == "optimal"
    assert ref.bound <= opt * (1 + 1e-9) + 1e-9


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_instances_match_a_plain_mip(seed):
    rng = np.random.default_rng(seed)
    dem, cand = rng.uniform(0, 4000, (120, 2)), rng.uniform(0, 4000, (25, 2))
    w = rng.integers(1, 40, 120).astype(float)
    dense = _dense(dem, cand)
    mip = _plain_mip(dense, w, 4, fixed=[3])
    res = solve_pmedian_refined(WALK, dem, cand, w, 4, fixed=[3], nearest=3)
    assert res.bound <= mip * (1 + 1e-7) and res.objective == pytest.approx(mip, rel=1e-7)


def test_target_gap_stops_early_with_a_valid_bound():
    rng = np.random.default_rng(5)
    dem, cand = rng.uniform(0, 5000, (300, 2)), rng.uniform(0, 5000, (40, 2))
    w = rng.integers(1, 40, 300).astype(float)
    dense = _dense(dem, cand)
    exact = solve_capped(sparse.csr_matrix(dense), dense.max(axis=1), w, 5, time_limit=60)
    loose = solve_capped(sparse.csr_matrix(dense), dense.max(axis=1), w, 5, time_limit=60, target_gap=0.05)
    assert loose.bound <= exact.value * (1 + 1e-9) and loose.gap <= 0.05 + 1e-12
    assert loose.iterations <= exact.iterations


def test_chain_mip_matches_enumeration():
    rng = np.random.default_rng(9)
    dem, cand = rng.uniform(0, 2000, (40, 2)), rng.uniform(0, 2000, (9, 2))
    w = rng.integers(1, 9, 40).astype(float)
    dense = _dense(dem, cand)
    cap = dense[:, [0]].ravel()  # candidate 0 fixed: its cost caps every point
    sv = build_savings(sparse.csr_matrix(dense), cap, w, fixed=[0])
    pos, got, upper, status = solve_chain_mip(sv, 2, None, time_limit=30)
    opt, _ = _enumerate(dense, w, 2, fixed=[0])
    assert status == "optimal" and sv.base - saved(sv, pos) == pytest.approx(opt)
    assert upper >= got - 1e-6


# -------------------------------------------------------------------------------- fixed sites, curve
def test_fixed_sites_are_open_and_never_counted_in_k():
    rng = np.random.default_rng(21)
    dem, cand = rng.uniform(0, 3000, (80, 2)), rng.uniform(0, 3000, (15, 2))
    res = solve_pmedian_refined(WALK, dem, cand, np.ones(80), 2, fixed=[4, 9], nearest=3)
    assert {4, 9} <= set(res.selected) and len(res.new_sites) == 2 and res.fixed == (4, 9)
    # every point is served by its truly nearest chosen site
    dense = _dense(dem, cand)
    sel = list(res.selected)
    assert (res.assignment == np.asarray(sel)[dense[:, sel].argmin(axis=1)]).all()


def test_curve_equals_independent_solves_and_is_monotone():
    rng = np.random.default_rng(2)
    dem, cand = rng.uniform(0, 4000, (150, 2)), rng.uniform(0, 4000, (20, 2))
    w = rng.integers(1, 20, 150).astype(float)
    curve = pmedian_curve(WALK, dem, cand, w, range(0, 5), fixed=[7], nearest=4)
    values = [curve[k].objective for k in range(5)]
    assert all(a >= b - 1e-9 for a, b in zip(values, values[1:]))
    for k in range(5):
        alone = solve_pmedian_refined(WALK, dem, cand, w, k, fixed=[7], nearest=4)
        assert curve[k].objective == pytest.approx(alone.objective) and curve[k].status == "optimal"


def test_points_without_fixed_site_are_widened_until_exact():
    # no fixed site (the relaxation of pmedian_relax): every point starts with its single nearest candidate
    rng = np.random.default_rng(4)
    dem, cand = rng.uniform(0, 3000, (50, 2)), rng.uniform(0, 3000, (10, 2))
    opt, best = _enumerate(_dense(dem, cand), np.ones(50), 3)
    res = solve_pmedian_refined(WALK, dem, cand, np.ones(50), 3, nearest=1)
    assert res.objective == pytest.approx(opt) and res.selected == best and res.status == "optimal"


def test_unreachable_point_is_left_out_and_counted():
    # point 2 reaches no candidate at all (a network without a path): left out of the objective, assigned −1
    dense = np.array([[1.0, 4.0, 10.0], [3.0, 1.0, 10.0], [np.inf, np.inf, np.inf]])
    res = solve_pmedian_refined(MatrixModel(dense), None, None, np.ones(3), 1, fixed=[2], nearest=2)
    assert res.selected == (0, 2) and res.objective == pytest.approx(4.0)
    assert res.n_unassigned == 1 and res.assignment.tolist() == [0, 0, -1]


def test_k_larger_than_free_candidates_is_a_german_error():
    from sozialraum.errors import SolverError

    with pytest.raises(SolverError, match="freie Kandidaten"):
        solve_pmedian_refined(WALK, GRID, GRID[:2], np.ones(9), 2, fixed=[0], nearest=2)


def test_network_horizon_prices_every_plan_the_same_way():
    # a network model's nearest() stops at 60 minutes on foot: a point beyond that from every chosen site counts
    # 60 minutes in every plan (before, it dropped out of the objective, and a worse plan could look better)
    from sozialraum.access.travel import NetworkModel

    class Net(NetworkModel):  # the network's interface on a given matrix, searched only 60 minutes far
        def __init__(self, dense):
            self.mode, self.inner = "walk", MatrixModel(np.where(dense <= 60.0, dense, np.inf))

        def nearest(self, origins, targets, n, always=()):
            return self.inner.nearest(origins, targets, n, always)

    # point 2 is 70 minutes from candidate 0 and 5 from candidate 1; points 0, 1 are near candidate 0; the fixed
    # site 2 lies beyond the horizon for everyone
    dense = np.array([[1.0, 50.0, 90.0], [2.0, 50.0, 90.0], [70.0, 5.0, 90.0]])
    one = solve_pmedian_refined(Net(dense), None, None, np.array([1.0, 1.0, 1.0]), 1, fixed=[2], nearest=2)
    # {0}: 1 + 2 + 60 (horizon) = 63; {1}: 50 + 50 + 5 = 105 → candidate 0, with point 2 counted, not dropped
    assert one.selected == (0, 2) and one.objective == pytest.approx(63.0) and one.status == "optimal"
    assert one.assignment.tolist() == [0, 0, -1] and one.n_unassigned == 1
    two = solve_pmedian_refined(Net(dense), None, None, np.array([1.0, 1.0, 1.0]), 2, fixed=[2], nearest=2)
    assert two.objective == pytest.approx(8.0) and two.objective <= one.objective
