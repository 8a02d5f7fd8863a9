"""Our sparse HiGHS models reach the same optimal objective as spopt (the reference) on small random instances."""

import numpy as np
import pytest

from sozialraum.access.travel import WalkingModel
from sozialraum.siting.models import (covered_mask, pattern, solve_lscp, solve_mclp, solve_pmedian,
                                      solve_pmedian_refined)

pytest.importorskip("spopt")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

WALK = WalkingModel(detour=1.0, speed_kmh=6.0)  # 100 m per minute


def _instance(seed, n_dem=60, n_cand=14):
    rng = np.random.default_rng(seed)
    dem = rng.uniform(0, 3000, size=(n_dem, 2))
    cand = rng.uniform(0, 3000, size=(n_cand, 2))
    w = rng.integers(1, 50, size=n_dem).astype(float)
    dense = np.hypot(dem[:, None, 0] - cand[None, :, 0], dem[:, None, 1] - cand[None, :, 1]) / 100.0
    return dem, cand, w, dense


def _cbc():
    import pulp

    return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.parametrize("seed", [1, 2])
def test_mclp_matches_spopt(seed):
    from spopt.locate import MCLP

    dem, cand, w, dense = _instance(seed)
    budget, k, fixed = 8.0, 3, [seed]
    predefined = np.zeros(len(cand), dtype=bool)
    predefined[fixed] = True
    ref = MCLP.from_cost_matrix(dense, w, budget, p_facilities=k + len(fixed),
                                predefined_facilities_arr=predefined).solve(_cbc())
    ref_sites = [j for j, v in enumerate(ref.fac_vars) if v.value() > 0.5]
    ref_cov = float(w[(dense[:, ref_sites] <= budget).any(axis=1)].sum())
    ours = solve_mclp(WALK.minutes(dem, cand, budget), w, k, fixed=fixed)
    assert ours.covered_weight == pytest.approx(ref_cov)
    assert set(fixed) <= set(ours.selected) and set(fixed) <= set(ref_sites)


@pytest.mark.parametrize("seed", [4])
def test_pmedian_matches_spopt(seed):
    import pulp
    from spopt.locate import PMedian

    dem, cand, w, dense = _instance(seed, n_dem=40, n_cand=10)
    ref = PMedian.from_cost_matrix(dense, w, p_facilities=3).solve(_cbc())
    ours = solve_pmedian(WALK.nearest(dem, cand, len(cand)), w, 3)
    assert ours.objective == pytest.approx(pulp.value(ref.problem.objective), rel=1e-6)


def test_pmedian_with_fixed_site_and_nearest_lists_matches_spopt():
    import pulp
    from spopt.locate import PMedian

    dem, cand, w, dense = _instance(6, n_dem=40, n_cand=10)
    predefined = np.zeros(len(cand), dtype=bool)
    predefined[[2]] = True
    ref = PMedian.from_cost_matrix(dense, w, p_facilities=3, predefined_facilities_arr=predefined).solve(_cbc())
    # starting from each point's 2 nearest candidates, the refined p-median proves the same optimum
    ours = solve_pmedian_refined(WALK, dem, cand, w, 2, fixed=[2], nearest=2)
    assert 2 in ours.selected and ours.status == "optimal"
    assert ours.objective == pytest.approx(pulp.value(ref.problem.objective), rel=1e-6)


def test_lscp_matches_spopt():
    from spopt.locate import LSCP

    dem, cand, w, dense = _instance(7, n_dem=50, n_cand=25)
    budget = 12.0
    ref = LSCP.from_cost_matrix(dense, budget).solve(_cbc())
    ref_n = sum(v.value() > 0.5 for v in ref.fac_vars)
    ours = solve_lscp(WALK.minutes(dem, cand, budget))
    assert ours.objective == ref_n
    assert covered_mask(pattern(WALK.minutes(dem, cand, budget)), ours.selected).all()
