"""Siting models on sparse matrices, built directly for HiGHS: MCLP, p-median, LSCP (pure core, plain arrays).

Conventions shared by all models
--------------------------------
* Rows are demand points, columns are candidate sites. In a *cover* matrix every **stored** entry means
  "candidate j is within the travel budget of demand point i" (its value, e.g. minutes, is ignored; explicit
  ``False`` in a boolean matrix is dropped). Build it with ``WalkingModel.minutes(..., budget)``.
* ``fixed``: candidate indices that are open in any case (e.g. existing Jobcenter sites). **``k`` counts the
  new sites on top of the fixed ones** (spopt's ``p_facilities`` would be ``k + len(fixed)``).
* Only pairs within the budget enter the model; demand points already reached by a fixed site and points with
  weight 0 are constants and never become model rows.
* Every solve has a time limit. Infeasible models and time limits without a solution raise ``SolverError``
  (German message). A time limit *with* a solution returns status ``'time_limit'`` and the remaining ``gap``.
* Ties are broken deterministically: HiGHS runs single-threaded with a fixed seed (same input → same answer),
  and afterwards each chosen new site is swapped, lowest index first, for the lowest-index candidate that
  gives the same objective with the other sites unchanged. So interchangeable sites always resolve to the
  lower index (candidate order = input order); between structurally different optimal sets this one-swap rule
  is local, and the deterministic solver answer stands.
* p-median (``sozialraum.siting.pmedian``): every demand point lists the candidates nearer than its nearest
  fixed site (or, without one, its nearest candidates and a lower bound for the rest — the *rest option*); the
  exact core ``sozialraum.siting.pmedian_core`` finds the answer by local search and proves it with a Lagrangian
  bound that eliminates candidates, falling back to HiGHS (radius formulation) on the survivors only when the
  bound does not close. ``solve_pmedian_refined`` widens the lists of points without a fixed site where a plan's
  true cost exceeds their rest bound, until the answer is proven; a result's ``bound`` and ``gap`` state how far
  from optimal the answer can at most be.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from sozialraum.errors import SolverError
from sozialraum.siting._highs import solve_mip
from sozialraum.siting.core import (
    MODELS,
    SitingResult,
    _canonical,
    _check_k,
    _fixed,
    _limit,
    _weights,
    covered_mask,
    nearest_assignment,
    pattern,
)
from sozialraum.siting.mclp import mclp_curve
from sozialraum.siting.pmedian import pmedian_objective, solve_pmedian, solve_pmedian_refined

__all__ = ["MODELS", "SitingResult", "solve_mclp", "solve_lscp", "solve_pmedian", "solve_pmedian_refined",
           "pmedian_objective", "covered_mask", "nearest_assignment", "pattern"]


# ---------------------------------------------------------------------------------------------- MCLP
def solve_mclp(cover, weights, k: int, fixed=(), time_limit: float | None = None, *,
               mip_rel_gap: float = 1e-9, start=None) -> SitingResult:
    """Maximal covering: open ``k`` new sites (plus ``fixed``) to maximise the weight within reach.

    ``start``: optional iterable of candidate indices (a feasible selection) used as MIP start. Demand points
    reaching the same candidates are merged and bounds may prove a greedy answer optimal before HiGHS runs
    (``sozialraum.siting.mclp``).
    """
    p = pattern(cover)
    n_dem, n_cand = p.shape
    w = _weights(weights, n_dem)
    f = _fixed(fixed, n_cand)
    k = _check_k(k, n_cand - len(f))
    point = mclp_curve(p, w, [k], f, _limit(time_limit), mip_rel_gap=mip_rel_gap, start=start, chain=False)[k]
    return mclp_result(cover, w, point, f)


def mclp_result(cover, weights, point, fixed) -> SitingResult:
    """The ``SitingResult`` of an MCLP answer (``CurvePoint``): coverage and each point's nearest chosen site."""
    w = np.asarray(weights, dtype="float64")
    assignment, _ = nearest_assignment(_cost_or_pattern(cover), point.selected)
    covered = float(w[covered_mask(pattern(cover), point.selected)].sum())
    return SitingResult("mclp", point.selected, covered, covered, float(w.sum()),
                        assignment, point.seconds, point.status, point.gap, tuple(int(j) for j in fixed))


def _cost_or_pattern(matrix) -> sparse.csr_matrix:
    """Values for 'nearest' decisions: the stored minutes, or 1 everywhere for a boolean cover."""
    m = sparse.csr_matrix(matrix)
    return pattern(m) if m.dtype == bool else m


# ----------------------------------------------------------------------------------------------- LSCP
def solve_lscp(cover, fixed=(), time_limit: float | None = None, *, weights=None, demand_ids=None,
               mip_rel_gap: float = 1e-9) -> SitingResult:
    """Set cover: the fewest sites (``fixed`` included) so that every demand point (weight > 0) is within reach.

    Raises ``SolverError`` naming the demand points no candidate reaches.
    """
    p = pattern(cover)
    n_dem, n_cand = p.shape
    w = _weights(weights, n_dem)
    f = _fixed(fixed, n_cand)
    need = w > 0
    lost = np.flatnonzero(need & (np.diff(p.indptr) == 0))
    if len(lost):
        names = [str(demand_ids[i]) if demand_ids is not None else f"Nr. {i}" for i in lost[:10]]
        more = f" und {len(lost) - 10} weitere" if len(lost) > 10 else ""
        raise SolverError("Mengenüberdeckung unlösbar: Diese Nachfragepunkte erreicht kein Kandidat innerhalb der "
                          f"Reichweite (Zeitbudget bzw. Radius): {', '.join(names)}{more}. "
                          "Budget erhöhen oder Kandidaten ergänzen.")
    base = covered_mask(p, f) if len(f) else np.zeros(n_dem, dtype=bool)
    rows = np.flatnonzero(need & ~base)
    lower = np.zeros(n_cand)
    lower[f] = 1.0
    ans = solve_mip(p[rows].tocsc(), np.ones(n_cand), lower, np.ones(n_cand), np.ones(len(rows)),
                    np.full(len(rows), np.inf), np.arange(n_cand), maximize=False, time_limit=_limit(time_limit),
                    mip_rel_gap=mip_rel_gap, what="Mengenüberdeckung")
    chosen = set(np.flatnonzero(ans.x > 0.5).tolist())
    pt = p.T.tocsr()
    target = int(need.sum())

    def score(rest):  # number of sites if rest ∪ {j} covers everyone, else a large number
        unc = need & ~covered_mask(p, rest)
        fills = (pt @ unc.astype(float)) >= unc.sum() - 0.5
        return np.where(fills, len(rest) + 1.0, np.inf)

    chosen = _canonical(chosen, set(f.tolist()), n_cand, score, False, 0.5)
    selected = tuple(sorted(chosen))
    mask = covered_mask(p, selected)
    assignment, _ = nearest_assignment(_cost_or_pattern(cover), selected)
    return SitingResult("lscp", selected, float(len(selected)), float(w[mask].sum()), float(w.sum()), assignment,
                        ans.seconds, ans.status, ans.gap, tuple(f.tolist()),
                        n_unassigned=int(target - (need & mask).sum()))
