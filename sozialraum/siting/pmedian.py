"""p-median adapters: a cost matrix or a travel model in, a ``SitingResult`` out (exact core: ``pmedian_core``).

* ``solve_pmedian(cost, weights, k, fixed, rest_cost=…)``: listed pairs (row i of ``cost``: some candidates of
  demand point i) and, per row, ``rest_cost`` — a lower bound of the cost to every unlisted candidate. A point
  costs min(listed open sites, cap) with cap = min(nearest listed fixed site, rest_cost); a point that takes the
  cap from ``rest_cost`` is on the *rest option* (``assignment`` −1, counted in ``n_unassigned``). So the model
  value of every site set is at most its true value (a relaxation), and equal once every point lists its site.
* ``solve_pmedian_refined(travel, origins, targets, …)``: the exact p-median with a travel model (without
  fixed sites: the list-tightening relaxation of ``pmedian_relax``, measured better there). Lists are
  widened until every candidate nearer than a point's nearest fixed site is listed (``pmedian_lists``), which
  makes the model exact for every point that reaches a fixed site; points without one are widened where a plan's
  true cost exceeds their cap, and the core runs again from the previous answer and multipliers. Objective,
  assignment and costs of the result are true values from the travel model; ``bound`` is a proven lower bound
  of the optimum over all candidates and ``gap`` the remaining relative gap.
* ``pmedian_curve``: the same for k = 0…K on one set of lists, each k started from the answer for k − 1.

On a network a point farther than the search horizon from every chosen site (``pmedian_lists.search_horizon``)
counts the horizon's minutes; with a given matrix, points that no candidate reaches at all are left out of the
objective. Both are assigned −1 and counted in ``n_unassigned``.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse

from sozialraum.access.travel import ZERO_MINUTES
from sozialraum.siting.core import (
    SitingResult,
    _check_k,
    _fixed,
    _limit,
    _weights,
    listed_pmedian_input,
    nearest_assignment,
)
from sozialraum.siting.pmedian_core import OPT_TOL, solve_capped
from sozialraum.siting.pmedian_lists import (
    CandidateLists,
    _row_max,
    _row_min,
    true_costs,
)


def _matrix_caps(c: sparse.csr_matrix, fixed: np.ndarray, rest_cost) -> tuple[np.ndarray, np.ndarray]:
    """Cap per row and whether it comes from the rest option (see the module doc)."""
    n_cand = c.shape[1]
    counts = np.diff(c.indptr)
    rest = _row_max(c) if rest_cost is None else np.asarray(rest_cost, dtype="float64").copy()
    rest = np.where(counts >= n_cand, np.inf, rest)
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[fixed] = True
    fixed_part = c.multiply(sparse.csr_matrix(is_fixed[None, :].astype(float))).tocsr()
    fixed_part.eliminate_zeros()
    # a listed fixed site at distance 0 is stored as ZERO_MINUTES, so it survives eliminate_zeros
    fixed_cost = _row_min(fixed_part)
    cap = np.minimum(fixed_cost, rest)
    by_rest = (rest < fixed_cost) & np.isfinite(rest)
    cap = np.where(~np.isfinite(cap) & (counts > 0), _row_max(c), cap)
    return np.where(cap <= ZERO_MINUTES, 0.0, cap), by_rest


def _evaluate(c, w, selected, cap, by_rest):
    """Per row: model cost min(cap, nearest selected listed) and assignment (−1: rest option or unreachable)."""
    best, best_cost = nearest_assignment(c, selected)
    best_cost = np.where(best_cost <= ZERO_MINUTES, 0.0, best_cost)
    per_row = np.minimum(cap, best_cost)
    assign = np.where(best_cost <= cap * (1 + 1e-12) + 1e-12, best, -1)
    # a row capped by a fixed site it lists is served by that site
    assign = np.where((assign < 0) & ~by_rest & np.isfinite(cap) & (best >= 0), best, assign)
    return per_row, assign


def pmedian_objective(cost, weights, selected, *, rest_cost=None, fixed=()) -> tuple[float, np.ndarray, np.ndarray]:
    """Model value of ``selected`` (weighted; rest option where the model allows it), assignment, cost per row."""
    c = sparse.csr_matrix(cost, dtype="float64")
    w = _weights(weights, c.shape[0])
    cap, by_rest = _matrix_caps(c, _fixed(fixed, c.shape[1]), rest_cost)
    per_row, assign = _evaluate(c, w, tuple(selected), cap, by_rest)
    ok = np.isfinite(per_row) & (w > 0)
    return float(np.sum(w[ok] * per_row[ok])), assign, per_row


def solve_pmedian(cost, weights, k: int, fixed=(), time_limit: float | None = None, *, budget: float | None = None,
                  rest_cost=None, start=None, target_gap: float = 0.0, multipliers=None) -> SitingResult:
    """p-median on listed pairs: open ``k`` new sites (plus ``fixed``) minimising weighted cost.

    ``cost``: CSR of minutes from each demand point to its listed candidates. ``rest_cost``: per row, a lower
    bound of the cost to any candidate not listed (default: the largest listed cost of the row, right for
    nearest-n lists without extras). ``objective`` is the model value; ``budget`` (minutes) only decides
    ``covered_weight``. ``target_gap``: stop once the proven gap is at most this (0: prove optimality).
    """
    c, w, f, k = listed_pmedian_input(cost, weights, k, fixed)
    cap, by_rest = _matrix_caps(c, f, rest_cost)
    ans = solve_capped(c, cap, w, k, f, time_limit=_limit(time_limit), target_gap=target_gap, start=start,
                       multipliers=multipliers)
    per_row, assign = _evaluate(c, w, ans.selected, cap, by_rest)
    reach = assign >= 0 if budget is None else (assign >= 0) & (per_row <= budget * (1 + 1e-9))
    return SitingResult("pmedian", ans.selected, ans.value, float(w[reach].sum()), float(w.sum()), assign,
                        ans.seconds, ans.status, ans.gap, tuple(f.tolist()),
                        n_unassigned=int(((assign < 0) & (w > 0)).sum()), bound=ans.bound)


def solve_pmedian_refined(travel, origins, targets, weights, k: int, fixed=(), *, nearest: int | None = None,
                          time_limit: float | None = None, budget: float | None = None, max_rounds: int = 12,
                          target_gap: float = 0.0, lists: CandidateLists | None = None, start=None,
                          multipliers=None) -> SitingResult:
    """Exact p-median with a travel model (``WalkingModel`` on coordinates or ``MatrixModel`` on indices).

    ``nearest``: list length to start from (setting ``pmedian_nearest``); ``time_limit`` covers all rounds;
    ``lists``: candidate lists of an earlier call on the same points (reused, and widened further if needed);
    ``start``/``multipliers``: a site set and λ to start from (e.g. the answer for k − 1).
    """
    t0 = time.perf_counter()
    limit = _limit(time_limit)
    w = np.asarray(weights, dtype="float64")
    if not len(fixed) and lists is None:  # no cap for any point: the relaxation of ``pmedian_relax`` does better
        from sozialraum.siting.pmedian_relax import solve_pmedian_refined as relaxed

        return relaxed(travel, origins, targets, w, k, (), nearest=nearest, time_limit=limit, budget=budget,
                       max_rounds=max_rounds)
    if lists is None:
        lists = candidate_lists(travel, origins, targets, w, fixed, nearest)
    f = lists.fixed
    k = _check_k(k, lists.n_cand - len(f))
    if k + len(f) == 0:
        raise ValueError("p-Median: mindestens ein Standort (k ≥ 1 oder ein fester Standort) ist nötig")
    t_end = t0 + limit
    best, lower, solve_seconds, ans, steps, rounds = None, -np.inf, 0.0, None, 0, 0
    for _ in range(max_rounds):
        cap, by_rest = lists.caps()
        ans = solve_capped(lists.lists, cap, w, k, f, time_limit=max(t_end - time.perf_counter(), 0.05),
                           target_gap=target_gap, start=start, multipliers=multipliers,
                           savings=lists.savings() if lists.w is w or np.array_equal(lists.w, w) else None)
        solve_seconds += ans.seconds
        steps, rounds = steps + ans.iterations, rounds + 1
        lower = max(lower, ans.bound)  # the model is a relaxation: its bound holds for the full problem
        sel = np.asarray(ans.selected, dtype=np.int64)
        site, cost = true_costs(travel, origins, targets, sel)
        cost = np.minimum(cost, lists.horizon)  # (beyond a network's search horizon: counted at the horizon)
        ok = np.isfinite(cost) & (w > 0)
        value = float(np.sum(w[ok] * cost[ok]))
        if best is None or value < best[0] - 1e-12 * max(1.0, value):
            best = (value, ans.selected, site, cost)
        start, multipliers = ans.selected, ans.multipliers
        if _gap(best[0], lower) <= max(target_gap, OPT_TOL) or time.perf_counter() >= t_end:
            break
        bad = np.flatnonzero(by_rest & (cost > cap * (1 + 1e-9) + 1e-9) & (w > 0))
        if not len(bad):  # the model was exact for this answer: only the core's own gap remains
            break
        lists.widen(bad)
    value, selected, site, cost = best
    gap = _gap(value, lower)
    reach = site >= 0 if budget is None else (site >= 0) & (cost <= budget * (1 + 1e-9))
    return SitingResult("pmedian", tuple(int(j) for j in selected), value, float(w[reach].sum()), float(w.sum()),
                        site, solve_seconds, "optimal" if gap <= OPT_TOL else "time_limit", gap,
                        tuple(int(j) for j in f), n_unassigned=int(((site < 0) & (w > 0)).sum()),
                        bound=min(lower, value),
                        extra={"multipliers": multipliers, "lists": lists, "steps": steps, "rounds": rounds,
                               "how": ans.how, "survivors": ans.survivors})


def _gap(value: float, lower: float) -> float:
    if value <= 0:
        return 0.0
    return max(0.0, (value - lower) / value) if np.isfinite(lower) else float("inf")


def candidate_lists(travel, origins, targets, weights, fixed=(), nearest: int | None = None) -> CandidateLists:
    """Lists for ``solve_pmedian_refined`` (exact behind the fixed sites), to share between several k."""
    from sozialraum.settings import default

    n = int(nearest if nearest is not None else default("pmedian_nearest"))
    return CandidateLists(travel, origins, targets, weights, fixed, n)


def pmedian_curve(travel, origins, targets, weights, ks, fixed=(), *, nearest: int | None = None,
                  time_limit: float | None = None, target_gap: float = 0.0, budget: float | None = None,
                  lists: CandidateLists | None = None, known: dict | None = None) -> dict:
    """``{k: SitingResult}`` for every k in ``ks`` (ascending), each started from the answer for the previous k;
    ``target_gap``: stop each k once its proven gap is at most this (0: prove each optimal). With a gap, each k
    also starts from the multipliers of k − 1 (measured on Berlin: half the steps); a proof of optimality starts
    from fresh ones (the warm ones stalled there, e.g. people 65+, k = 8: 4,744 steps instead of 111).

    ``time_limit`` (seconds) is for all k together: each k may use up to three times its share of what is
    left, so a hard k can borrow from the easy ones. ``known``: results already computed for some k (kept as
    they are, and used as the start of the next k)."""
    w = np.asarray(weights, dtype="float64")
    t_end = time.perf_counter() + _limit(time_limit)
    if lists is None and len(fixed):
        lists = candidate_lists(travel, origins, targets, w, fixed, nearest)
    out, start, lam = {}, None, None
    todo = sorted(int(x) for x in ks)
    for n_done, k in enumerate(todo):
        if known and k in known:
            res = known[k]
        else:
            left = max(t_end - time.perf_counter(), 0.05)
            share = min(left, 3.0 * left / (len(todo) - n_done))
            res = solve_pmedian_refined(travel, origins, targets, w, k, fixed, lists=lists, time_limit=share,
                                        target_gap=target_gap, budget=budget, start=start, nearest=nearest,
                                        multipliers=lam if target_gap > 0 else None)
        out[k] = res
        start, lam = res.selected, res.extra.get("multipliers")
    return out


def curve_columns(points: dict, total_weight: float) -> dict:
    """Per k of a ``pmedian_curve``: the mean travel time of the answer (minutes per person) and its proven gap."""
    ks = sorted(points)
    mean = [points[k].objective / total_weight if total_weight > 0 else np.nan for k in ks]
    return {"k": ks, "mean_minutes": mean, "mean_minutes_gap": [points[k].gap for k in ks],
            "mean_minutes_status": [points[k].status for k in ks]}
