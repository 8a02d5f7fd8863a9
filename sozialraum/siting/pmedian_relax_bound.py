"""Lagrangian lower bound and reduced-cost tests of the relaxed p-median without fixed sites (``pmedian_relax``).

Relax the assignment constraints Σ_j z_ij = 1 with multipliers λ_i. For any λ,

    L(λ) = Σ_i λ_i + Σ_{j fixed} ρ_j + (sum of the k smallest ρ_j over free j),
    ρ_j = Σ_i min(0, w_i c_ij − λ_i),

is a lower bound of the p-median optimum over *all* candidates (the relaxed problem opens the sites with the
most negative ρ and assigns each point to every open site cheaper than its λ_i). Only listed pairs are stored:
a row's unlisted candidates cost at least ``rest_cost[i]``, so capping λ_i ≤ w_i·rest_i makes their terms zero
and the bound computed from the lists exact. Subgradient steps improve λ (Held–Karp step towards an upper
bound, the value of a known solution).

Reduced-cost tests at the best λ (L, the k opened free sites S*):
* a free j ∉ S* forced open costs at least L + ρ_j − max_{S*} ρ — at least the known value → j is closed in
  every better solution;
* a j ∈ S* forced closed costs at least L − ρ_j + min_{free ∉ S*} ρ — at least the known value → j is open
  in every better solution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sozialraum.access.travel import ZERO_MINUTES


@dataclass(frozen=True)
class LagrangeBound:
    bound: float  # best L(λ): a lower bound of the p-median optimum
    rho: np.ndarray  # per candidate: ρ_j at the best λ
    opened: np.ndarray  # bool per candidate: open in the relaxed problem at the best λ (fixed included)
    multipliers: np.ndarray
    iterations: int
    recent: tuple = ()  # the last distinct open sets of improving steps (site tuples): seeds for a heuristic


def lagrangian_bound(cost, weights, k: int, fixed=(), *, rest_cost=None, upper: float | None = None, start=None,
                     max_iter: int = 3000, time_limit: float = 10.0, rel_tol: float = 1e-9,
                     step_scale: float = 1.0) -> LagrangeBound:
    """Best Lagrangian lower bound found by subgradient steps.

    ``cost``: CSR minutes of the listed pairs; ``rest_cost``: per row a lower bound of the cost to every
    unlisted candidate (``None``: unlisted = unreachable). ``upper``: value of a known solution (steers the
    step; default: the bound found so far plus 10 %). ``start``: initial multipliers (e.g. weight × cost of a
    good solution); ``step_scale``: the first step factor (smaller when ``start`` is already good). Stops when
    the bound meets ``upper`` (relative ``rel_tol``), steps become tiny, or the iteration/time limit is hit.
    """
    c = sparse.csr_matrix(cost, dtype="float64")
    n_dem, n_cand = c.shape
    w = np.asarray(weights, dtype="float64")
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[np.asarray(list(fixed), dtype=np.int64)] = True
    free = np.flatnonzero(~is_fixed)
    k = int(k)
    rows = np.repeat(np.arange(n_dem), np.diff(c.indptr))
    cols = c.indices
    vals = np.where(c.data <= ZERO_MINUTES, 0.0, c.data)
    keep = w[rows] > 0
    rows, cols, wc = rows[keep], cols[keep], w[rows[keep]] * vals[keep]
    rest = np.full(n_dem, np.inf) if rest_cost is None else np.asarray(rest_cost, dtype="float64")
    cap = np.where(w > 0, w * rest, 0.0)
    if (w > 0).any():
        low = np.full(n_dem, np.inf)
        np.minimum.at(low, rows, wc)
        low = np.where(w > 0, np.minimum(low, cap), 0.0)  # below its cheapest option a λ_i only loses
    else:
        low = np.zeros(n_dem)
    if not np.isfinite(low).all():  # a point with weight and no candidate at all: nothing is feasible
        return LagrangeBound(float("inf"), np.zeros(n_cand), is_fixed.copy(), low, 0)
    lam = low.copy() if start is None else np.clip(np.asarray(start, dtype="float64"), low, cap)
    best, best_lam, best_rho, best_open = -np.inf, lam.copy(), np.zeros(n_cand), is_fixed.copy()
    mu, stall, it = float(step_scale), 0, 0
    step = np.zeros(n_dem)
    recent: list = []
    t_end = time.perf_counter() + time_limit
    for it in range(1, max_iter + 1):
        red = wc - lam[rows]
        neg = red < 0
        rho = np.bincount(cols[neg], weights=red[neg], minlength=n_cand)
        opened = is_fixed.copy()
        if k:
            pick = free[np.argpartition(rho[free], k - 1)[:k]] if k < len(free) else free
            opened[pick] = True
        value = float(lam.sum() + rho[opened].sum())
        if value > best + 1e-12 * max(1.0, abs(best) if np.isfinite(best) else 1.0):
            best, best_lam, best_rho, best_open, stall = value, lam.copy(), rho, opened, 0
            seen = tuple(np.flatnonzero(opened).tolist())
            if seen not in recent:
                recent = [*recent[-19:], seen]
        else:
            stall += 1
            if stall >= 40:
                mu, stall = mu / 2, 0
        target = upper if upper is not None else best + 0.1 * abs(best) + 1.0
        if best >= target - rel_tol * max(1.0, abs(target)) or mu < 1e-5 or time.perf_counter() > t_end:
            break
        g = 1.0 - np.bincount(rows[neg & opened[cols]], minlength=n_dem)
        g = np.where(((g > 0) & (lam >= cap)) | ((g < 0) & (lam <= low)) | (w <= 0), 0.0, g)
        if not g.any():  # the relaxed solution is a feasible assignment: the bound is optimal for these lists
            break
        step = g + 0.7 * step  # deflected subgradient: damps the zig-zag of plain steps
        lam = np.clip(lam + mu * max(target - value, 1e-9 * max(1.0, abs(value))) / float(step @ step) * step,
                      low, cap)
    return LagrangeBound(best, best_rho, best_open, best_lam, it, tuple(recent))


def reduced_cost_tests(lb: LagrangeBound, k: int, fixed, upper: float, rel_tol: float = 1e-9):
    """Candidates that are closed (``closed``) or open (``forced``) in every solution better than ``upper``."""
    n_cand = len(lb.rho)
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[np.asarray(list(fixed), dtype=np.int64)] = True
    chosen = lb.opened & ~is_fixed
    out_free = ~lb.opened & ~is_fixed
    closed = np.zeros(n_cand, dtype=bool)
    forced = np.zeros(n_cand, dtype=bool)
    if not np.isfinite(lb.bound) or k == 0 or not out_free.any():
        return closed, forced
    limit = upper - rel_tol * max(1.0, abs(upper))
    top_in = lb.rho[chosen].max()
    closed[out_free] = lb.bound + lb.rho[out_free] - top_in >= limit
    low_out = lb.rho[out_free].min()
    forced[chosen] = lb.bound - lb.rho[chosen] + low_out >= limit
    return closed, forced
