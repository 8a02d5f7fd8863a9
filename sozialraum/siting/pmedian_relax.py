"""p-median WITHOUT fixed sites on sparse nearest-candidate lists: a relaxation tightened until it proves its
answer (the previous p-median; kept for instances without fixed sites, where a point's cost has no cap).

With fixed sites ``sozialraum.siting.pmedian`` uses the exact capped core (``pmedian_core``). Without them a
point's list has no natural end, and that core's refinement converged badly: on 5,000 random points × 600
candidates, k = 10, 30 s, this module ends at a proven gap of 0.26 % (objective 6,296,768), the capped core
with list refinement at 4.3 % (6,400,662) and with complete lists at 0.86 % after 60 s.

Model (``solve_pmedian``). Each demand point i lists some candidates (row i of ``cost``: its nearest
candidates plus the fixed sites) and may take a **rest option** u_i = "my site is one I did not list", priced
at ``rest_cost[i]``, a lower bound of the cost to any unlisted candidate (for a list of the n nearest: the n-th
nearest cost). The rest option is only allowed when an unlisted site is actually open:
``u_i + Σ_{free j listed in row i} x_j ≤ k`` (all free sites open are listed → no rest). Hence

* for every site set S, model value(S) ≤ true value(S) (a relaxation), and
* model value(S) = true value(S) once every row lists all of S.

A fixed site is always open, so in a row listing a fixed site every candidate at least as far as the nearest
fixed one is dropped, and the row needs no rest option when that fixed site is no farther than ``rest_cost``.

Driver (``solve_pmedian_refined``): start from a greedy + vertex-substitution solution on wider lists (4 × n
nearest; a MIP start, and the answer is never worse than it in true cost); solve; compute the true nearest
chosen site of every point with the travel model; where the model was too optimistic, double that row's
nearest list (raising its rest bound) and add the chosen sites; repeat. The MIP bound of every round is a
lower bound of the true optimum; when the best true value found meets it, the answer is proven optimal
(status 'optimal'), otherwise the remaining ``gap`` is reported (status 'time_limit'; ``inf`` when HiGHS did
not get as far as a bound).

Before HiGHS runs, a Lagrangian relaxation on the wide lists (``pmedian_bound``) gives a lower bound of the
full problem in a few seconds, a second start (its open sites improved by substitution), and reduced-cost
tests that drop candidates which cannot be in a better solution and fix sites that must be in it; HiGHS then
works on the smaller candidate set. Large instances (thousands of points, few sites among hundreds of
candidates) usually end with the Lagrangian bound and a gap of a few tenths of a percent, reported honestly:
the LP relaxation of the assignment model is too expensive for HiGHS to add anything within seconds.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse

from sozialraum.access.travel import ZERO_MINUTES
from sozialraum.errors import SolverError
from sozialraum.siting._highs import solve_mip
from sozialraum.siting.core import (
    SitingResult,
    _canonical,
    _fixed,
    _limit,
    _weights,
    listed_pmedian_input,
    nearest_assignment,
)
from sozialraum.siting.pmedian_relax_lists import (
    _add_entries,
    _row_max,
    _subset,
    _true_value,
    _widen,
)


def _prepare(c: sparse.csr_matrix, fixed: np.ndarray, rest_cost):
    """Pruned assignment entries, which rows may take the rest option, and row counts of listed free sites."""
    n_dem, n_cand = c.shape
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[fixed] = True
    rest = _row_max(c) if rest_cost is None else np.asarray(rest_cost, dtype="float64")
    coo = c.tocoo()
    fx = is_fixed[coo.col]
    fixed_cost = np.full(n_dem, np.inf)
    np.minimum.at(fixed_cost, coo.row[fx], coo.data[fx])
    n_fixed_listed = np.bincount(coo.row[fx], minlength=n_dem)
    # keep entries nearer than the nearest fixed site, and the first nearest fixed entry itself
    nearest_fixed = np.full(n_dem, -1, dtype=np.int64)
    if fx.any():
        order = np.lexsort((coo.col[fx], coo.data[fx], coo.row[fx]))
        r_f, c_f = coo.row[fx][order], coo.col[fx][order]
        first = np.ones(len(r_f), dtype=bool)
        first[1:] = r_f[1:] != r_f[:-1]
        nearest_fixed[r_f[first]] = c_f[first]
    keep = (coo.data < fixed_cost[coo.row]) | (coo.col == nearest_fixed[coo.row])
    pruned = sparse.coo_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=c.shape)
    full_row = np.diff(c.indptr) >= n_cand
    unlisted_fixed = n_fixed_listed < len(fixed)
    has_rest = ~full_row & ~(fixed_cost <= rest) & np.isfinite(rest)
    return pruned, has_rest, unlisted_fixed, is_fixed, rest


def _model_costs(c, selected, fixed_mask, has_rest, unlisted_fixed, rest):
    """Per-row model value of a site set: min(listed open cost, rest if an unlisted site is open)."""
    best, best_cost = nearest_assignment(c, selected)
    sel = np.zeros(c.shape[1])
    sel[list(selected)] = 1.0
    free_sel = sel * ~fixed_mask
    listed_free = sparse.csr_matrix((np.ones(c.nnz), c.indices, c.indptr), shape=c.shape) @ free_sel
    rest_ok = has_rest & ((free_sel.sum() - listed_free > 0.5) | unlisted_fixed)
    cost = np.where(rest_ok, np.minimum(best_cost, rest), best_cost)
    cost = np.where(cost <= ZERO_MINUTES, 0.0, cost)
    use_rest = rest_ok & (rest < best_cost)
    return cost, np.where(use_rest, -1, best)


def pmedian_objective(cost, weights, selected, *, rest_cost=None, fixed=()) -> tuple[float, np.ndarray, np.ndarray]:
    """Model value of ``selected`` (weighted; rest option where the model allows it), assignment, cost per row."""
    c = sparse.csr_matrix(cost, dtype="float64")
    w = _weights(weights, c.shape[0])
    f = _fixed(fixed, c.shape[1])
    _, has_rest, unlisted_fixed, is_fixed, rest = _prepare(c, f, rest_cost)
    per_row, assign = _model_costs(c, selected, is_fixed, has_rest, unlisted_fixed, rest)
    if not np.isfinite(per_row[w > 0]).all():
        return float("inf"), assign, per_row
    return float(np.sum(w * per_row)), assign, per_row


def solve_pmedian(cost, weights, k: int, fixed=(), time_limit: float | None = None, *, budget: float | None = None,
                  rest_cost=None, start=None, mip_rel_gap: float = 1e-9) -> SitingResult:
    """p-median on listed pairs: open ``k`` new sites (plus ``fixed``) minimising weighted cost.

    ``cost``: CSR of minutes from each demand point to its listed candidates (build with
    ``travel.nearest(..., pmedian_nearest, always=fixed)``). ``rest_cost``: per row, a lower bound of the cost
    to any candidate not listed (default: the largest listed cost of the row, right for nearest-n lists without
    extras). ``objective`` is the model value; rows that take the rest option have ``assignment`` -1 and are
    counted in ``n_unassigned``. ``budget`` (minutes) only decides ``covered_weight``.
    """
    c, w, f, k = listed_pmedian_input(cost, weights, k, fixed)
    n_dem, n_cand = c.shape
    pruned, has_rest, unlisted_fixed, is_fixed, rest = _prepare(c, f, rest_cost)
    rows = np.flatnonzero(w > 0)
    pos = np.full(n_dem, -1, dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    sub = pruned.tocsr()[rows].tocoo()
    m, e = len(rows), sub.nnz
    rest_rows = np.flatnonzero(has_rest[rows])
    r_cnt = len(rest_rows)
    # rest limit rows: u_i + Σ_{free j listed in row i} x_j ≤ k (only where no fixed site is unlisted)
    lim_rows = rest_rows[~unlisted_fixed[rows][rest_rows]]
    full = c[rows].tocoo()
    in_lim = np.full(m, -1, dtype=np.int64)
    in_lim[lim_rows] = np.arange(len(lim_rows))
    sel_e = (in_lim[full.row] >= 0) & ~is_fixed[full.col]
    # columns: x (n_cand) | z_e (e) | u (r_cnt);  rows: assign (m) | link (e) | cardinality (1) | limit (L)
    n_col = n_cand + e + r_cnt
    blocks = [
        sparse.hstack([sparse.csr_matrix((m, n_cand)),
                       sparse.csr_matrix((np.ones(e), (sub.row, np.arange(e))), shape=(m, e)),
                       sparse.csr_matrix((np.ones(r_cnt), (rest_rows, np.arange(r_cnt))), shape=(m, r_cnt))]),
        sparse.hstack([sparse.csr_matrix((-np.ones(e), (np.arange(e), sub.col)), shape=(e, n_cand)),
                       sparse.identity(e, format="csr"), sparse.csr_matrix((e, r_cnt))]),
        sparse.hstack([sparse.csr_matrix((~is_fixed).astype(float)[None, :]), sparse.csr_matrix((1, e + r_cnt))]),
    ]
    u_of_row = np.full(m, -1, dtype=np.int64)
    u_of_row[rest_rows] = np.arange(r_cnt)
    n_lim = len(lim_rows)
    lim = sparse.csr_matrix((np.concatenate([np.ones(sel_e.sum()), np.ones(n_lim)]),
                             (np.concatenate([in_lim[full.row[sel_e]], np.arange(n_lim)]),
                              np.concatenate([full.col[sel_e], n_cand + e + u_of_row[lim_rows]]))),
                            shape=(n_lim, n_col))
    a = sparse.vstack(blocks + [lim], format="csc")
    wr = w[rows]
    col_cost = np.concatenate([np.zeros(n_cand), wr[sub.row] * sub.data, wr[rest_rows] * rest[rows][rest_rows]])
    lower = np.zeros(n_col)
    lower[f] = 1.0
    row_lo = np.concatenate([np.ones(m), np.full(e, -np.inf), [k], np.full(n_lim, -np.inf)])
    row_up = np.concatenate([np.ones(m), np.zeros(e), [k], np.full(n_lim, float(k))])
    x0 = None
    if start is not None:
        x0 = _start_vector(start, f, sub, rest_rows, m, n_cand, e, r_cnt, has_rest[rows])
    ans = solve_mip(a, col_cost, lower, np.ones(n_col), row_lo, row_up, np.arange(n_cand), maximize=False,
                    time_limit=_limit(time_limit), mip_rel_gap=mip_rel_gap, start=x0, what="p-Median")
    chosen = set(np.flatnonzero(ans.x[:n_cand] > 0.5).tolist())
    chosen = _canonical(chosen, set(f.tolist()), n_cand,
                        lambda rest_set: _swap_scores(c, w, rest_set, is_fixed, has_rest, unlisted_fixed, rest),
                        False, 1e-9 * max(1.0, abs(ans.objective)))
    selected = tuple(sorted(chosen))
    per_row, assign = _model_costs(c, selected, is_fixed, has_rest, unlisted_fixed, rest)
    objective = float(np.sum(w * per_row))
    reach = assign >= 0 if budget is None else (assign >= 0) & (per_row <= budget * (1 + 1e-9))
    return SitingResult("pmedian", selected, objective, float(w[reach].sum()), float(w.sum()), assign, ans.seconds,
                        ans.status, ans.gap, tuple(f.tolist()), n_unassigned=int(((assign < 0) & (w > 0)).sum()),
                        bound=ans.bound)


def _start_vector(start, f, sub, rest_rows, m, n_cand, e, r_cnt, has_rest_rows):
    x = np.zeros(n_cand + e + r_cnt)
    s = np.asarray(sorted(set(int(j) for j in start) | set(f.tolist())), dtype=np.int64)
    x[s] = 1.0
    open_e = np.flatnonzero(x[sub.col] > 0.5)
    order = open_e[np.lexsort((sub.col[open_e], sub.data[open_e], sub.row[open_e]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sub.row[order][1:] != sub.row[order][:-1]
    done = np.zeros(m, dtype=bool)
    x[n_cand + order[first]] = 1.0
    done[sub.row[order[first]]] = True
    need = np.flatnonzero(~done)
    if len(need) and not has_rest_rows[need].all():
        return None  # no feasible start from this set
    u_pos = np.full(m, -1, dtype=np.int64)
    u_pos[rest_rows] = np.arange(r_cnt)
    x[n_cand + e + u_pos[need]] = 1.0
    return x


def _swap_scores(c, w, rest_set, is_fixed, has_rest, unlisted_fixed, rest) -> np.ndarray:
    """Model value of ``rest_set ∪ {j}`` for every candidate j (vectorised over the stored entries)."""
    b, b_cost = nearest_assignment(c, rest_set)
    sel = np.zeros(c.shape[1])
    sel[list(rest_set)] = 1.0
    free_sel = sel * ~is_fixed
    listed = sparse.csr_matrix((np.ones(c.nnz), c.indices, c.indptr), shape=c.shape)
    unl = free_sel.sum() - listed @ free_sel > 0.5
    r_any = np.where(has_rest, rest, np.inf)  # j unlisted → an unlisted site is open
    base_out = np.minimum(b_cost, r_any)
    b2 = np.minimum(b_cost, np.where(has_rest & (unl | unlisted_fixed), rest, np.inf))
    dead = ~np.isfinite(base_out) & (w > 0)  # rows with no option unless j is listed there
    csc = c.tocsc()
    rows = csc.indices
    fin_out = np.where(np.isfinite(base_out), base_out, 0.0)
    gain = csc.copy()
    gain.data = w[rows] * (np.minimum(b2[rows], csc.data) - fin_out[rows])
    scores = float(np.sum(np.where(w > 0, w * fin_out, 0.0))) + np.asarray(gain.sum(axis=0)).ravel()
    if dead.any():
        rescued = np.asarray(listed.T @ dead.astype(float)).ravel() >= dead.sum() - 0.5
        scores = np.where(rescued, scores, np.inf)
    return scores


def solve_pmedian_refined(travel, origins, targets, weights, k: int, fixed=(), *, nearest: int | None = None,
                          time_limit: float | None = None, budget: float | None = None,
                          max_rounds: int = 12) -> SitingResult:
    """Exact p-median with a travel model (``WalkingModel`` on coordinates or ``MatrixModel`` on indices).

    Starts from each point's ``nearest`` candidates (setting ``pmedian_nearest``) plus the fixed sites and
    tightens the lists until the answer is proven optimal or ``time_limit`` (for all rounds together) runs
    out. Before HiGHS runs, a Lagrangian bound (``pmedian_bound``) on wider lists gives a lower bound, a
    second start solution, and removes candidates that cannot be in a better solution (reduced-cost tests).
    The result's objective, assignment and costs are *true* values from the travel model; ``bound`` is a
    proven lower bound of the optimum over all candidates and ``gap`` the remaining relative gap.
    """
    from sozialraum.settings import default
    from sozialraum.siting.pmedian_relax_bound import (
        lagrangian_bound,
        reduced_cost_tests,
    )

    n = int(nearest if nearest is not None else default("pmedian_nearest"))
    limit = _limit(time_limit)
    t_end = time.perf_counter() + limit
    w = np.asarray(weights, dtype="float64")
    fixed = sorted(set(int(j) for j in fixed))
    # start: greedy + vertex substitution on wider lists (4 × nearest), a good incumbent for HiGHS
    wide = sparse.csr_matrix(travel.nearest(origins, targets, 4 * n, always=fixed))
    n_cand = wide.shape[1]
    n_h = min(4 * n, n_cand)
    rest_h = np.full(len(w), np.inf) if n_h >= n_cand else \
        _row_max(sparse.csr_matrix(travel.nearest(origins, targets, n_h)))
    # the start's substitution passes get at most a third of the time (a city-size instance would spend minutes)
    first = greedy_pmedian(wide, w, k, fixed, rest_cost=rest_h, deadline=time.perf_counter() + limit / 3)
    best = _true_value(travel, origins, targets, w, np.asarray(first, dtype=np.int64))
    best = (best[0], first, best[1], best[2])
    lower, seconds, cut = -np.inf, 0.0, None
    keep = np.ones(n_cand, dtype=bool)
    forced = np.zeros(n_cand, dtype=bool)
    if 0 < k < n_cand - len(fixed) and np.isfinite(best[0]):  # (inf: a point reaches no candidate at all)
        t0 = time.perf_counter()
        phase = min(max(0.15 * limit, 0.25), 5.0)

        def improve(opened):  # the relaxation's open sites, improved by substitution: often a better start
            nonlocal best
            if time.perf_counter() > t_end:
                return
            other = greedy_pmedian(wide, w, k, fixed, rest_cost=rest_h, start=np.flatnonzero(opened),
                                   deadline=t_end)
            v, a, c = _true_value(travel, origins, targets, w, np.asarray(other, dtype=np.int64))
            if v < best[0] - 1e-9 * max(1.0, v):
                best = (v, other, a, c)

        lb = lagrangian_bound(wide, w, k, fixed, rest_cost=rest_h, upper=best[0], start=w * best[3],
                              time_limit=phase)
        improve(lb.opened)
        tried, lb2 = lb.opened, None
        if best[0] > lb.bound + 1e-7 * max(1.0, abs(best[0])):  # second phase: smaller steps, better target
            lb2 = lagrangian_bound(wide, w, k, fixed, rest_cost=rest_h, upper=best[0], start=lb.multipliers,
                                   time_limit=phase, step_scale=0.25)
            lb = lb2 if lb2.bound > lb.bound else lb
        # seeds: the relaxed open sets of both phases, best model value first; improve the two best untried
        _, has_r, unl_f, is_f, rest_m = _prepare(wide, np.asarray(fixed, dtype=np.int64), rest_h)
        seeds = {s_ for run in (lb, lb2) if run is not None for s_ in run.recent}
        seeds.discard(tuple(np.flatnonzero(tried).tolist()))

        def model_value(s_):
            per_row = _model_costs(wide, s_, is_f, has_r, unl_f, rest_m)[0]
            return float(np.sum(np.where(w > 0, w * per_row, 0.0))), s_

        scored = sorted(seeds, key=model_value)
        for s_ in scored[:2]:
            improve(np.isin(np.arange(n_cand), s_))
        lower = lb.bound
        closed, forced = reduced_cost_tests(lb, k, fixed, best[0])
        keep, cut = ~closed, best[0]
        seconds += time.perf_counter() - t0
    status = "time_limit"
    if np.isfinite(best[0]) and best[0] <= lower + 1e-7 * max(1.0, abs(best[0])):
        status = "optimal"
    elif time.perf_counter() < t_end:
        # HiGHS on the candidates that survived the tests (positions in ``idx``), forced sites fixed open
        idx = np.flatnonzero(keep)
        pos = np.full(n_cand, -1, dtype=np.int64)
        pos[idx] = np.arange(len(idx))
        sub_fixed = sorted(pos[np.union1d(np.asarray(fixed, dtype=np.int64), np.flatnonzero(forced))].tolist())
        k_sub = k - int((forced & ~np.isin(np.arange(n_cand), fixed)).sum())
        sub_targets = targets if len(idx) == n_cand else _subset(targets, idx)
        start = pos[np.asarray(best[1], dtype=np.int64)]
        start = tuple(start.tolist()) if (start >= 0).all() and set(sub_fixed) <= set(start.tolist()) else None
        sub = _refine(travel, origins, sub_targets, w, k_sub, sub_fixed, n, t_end, max_rounds, start)
        seconds += sub[3]
        sel = np.sort(idx[np.asarray(sub[0], dtype=np.int64)])
        v, a, c = _true_value(travel, origins, targets, w, sel)
        if v < best[0] - 1e-9 * max(1.0, v):
            best = (v, tuple(sel.tolist()), a, c)
        sub_lower = sub[1] if cut is None else min(sub[1], cut - 1e-9 * max(1.0, abs(cut)))
        lower = max(lower, sub_lower)
        if best[0] <= lower + 1e-7 * max(1.0, abs(best[0])):
            status = "optimal"
    value, selected, assign, cost = best
    total = float(w.sum())
    reach = np.ones(len(w), dtype=bool) if budget is None else cost <= budget * (1 + 1e-9)
    gap = 0.0 if status == "optimal" else (max(0.0, (value - lower) / value) if value > 0 and np.isfinite(lower)
                                           else float("inf"))
    return SitingResult("pmedian", tuple(int(j) for j in selected), value, float(w[reach].sum()), total, assign,
                        seconds, status, gap, tuple(fixed), n_unassigned=0, bound=lower)


def _refine(travel, origins, targets, w, k, fixed, n, t_end, max_rounds, start):
    """The list-tightening rounds of ``solve_pmedian_refined`` → (selected, lower bound, optimal?, seconds)."""
    lists = sparse.csr_matrix(travel.nearest(origins, targets, n, always=fixed))
    n_cand = lists.shape[1]
    rest = np.full(lists.shape[0], np.inf) if n >= n_cand else \
        _row_max(sparse.csr_matrix(travel.nearest(origins, targets, n)))
    n_row = np.full(lists.shape[0], min(n, n_cand), dtype=np.int64)
    if start is None:
        n_h = min(4 * n, n_cand)
        rest_h = np.full(lists.shape[0], np.inf) if n_h >= n_cand else \
            _row_max(sparse.csr_matrix(travel.nearest(origins, targets, n_h)))
        start = greedy_pmedian(travel.nearest(origins, targets, n_h, always=fixed), w, k, fixed, rest_cost=rest_h)
    last = start
    best = (_true_value(travel, origins, targets, w, np.asarray(last, dtype=np.int64))[0], last)
    lower, seconds, optimal = -np.inf, 0.0, False
    for _ in range(max_rounds):
        remaining = max(t_end - time.perf_counter(), 0.5)
        try:
            res = solve_pmedian(lists, w, k, fixed, remaining, rest_cost=rest, start=last)
        except SolverError:
            break  # no (better) solution in time: keep the start or an earlier round
        seconds += res.solve_seconds
        lower = max(lower, res.bound)
        sel = np.asarray(res.selected, dtype=np.int64)
        value, _, cost = _true_value(travel, origins, targets, w, sel)
        if value < best[0] - 1e-9 * max(1.0, value):
            best = (value, res.selected)
        last = res.selected
        if best[0] <= lower + 1e-7 * max(1.0, abs(best[0])):  # the relaxation's bound is met: optimal
            optimal = True
            break
        if time.perf_counter() >= t_end:
            break
        # rows where the model was too optimistic: list every chosen site there
        _, _, per_row = pmedian_objective(lists, w, res.selected, rest_cost=rest, fixed=fixed)
        bad = np.flatnonzero((per_row < cost - 1e-9) & (w > 0))
        if not len(bad):
            break
        # ... and double their nearest-candidate lists, which raises their rest lower bound
        n_row[bad] = np.minimum(2 * n_row[bad], n_cand)
        lists, rest = _widen(lists, rest, bad, n_row, origins, targets, travel, fixed)
        extra = sparse.csr_matrix((np.ones(len(bad) * len(sel)),
                                   (np.repeat(bad, len(sel)), np.tile(sel, len(bad)))), shape=lists.shape)
        lists = _add_entries(lists, extra, origins, targets, travel)
    return best[1], lower, optimal, seconds


def greedy_pmedian(cost, weights, k: int, fixed=(), *, rest_cost=None, max_passes: int = 5,
                   start=None, deadline: float | None = None) -> tuple[int, ...]:
    """Start solution: greedy (add the free candidate that lowers the model value most, ties → lower index),
    then vertex substitution passes. Handed to HiGHS as a MIP start, so a time-limited solve is never worse
    than this. ``start``: a site set (``k`` new plus the fixed ones) to improve by substitution instead of
    the greedy construction. ``deadline`` (``time.perf_counter()`` value): no further substitution step after
    it (the answer so far is kept)."""
    c = sparse.csr_matrix(cost, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    f = _fixed(fixed, c.shape[1])
    _, has_rest, unlisted_fixed, is_fixed, rest = _prepare(c, f, rest_cost)
    chosen = set(f.tolist()) | (set(int(j) for j in start) if start is not None else set())
    for _ in range(int(k) + len(f) - len(chosen) if start is not None else int(k)):
        scores = _swap_scores(c, w, chosen, is_fixed, has_rest, unlisted_fixed, rest)
        scores[list(chosen)] = np.inf
        if not np.isfinite(scores).any():
            scores = np.where(np.isin(np.arange(c.shape[1]), list(chosen)), np.inf, 0.0)
        chosen.add(int(np.argmin(scores)))
    # vertex substitution (Teitz–Bart): swap a chosen site for the best other candidate while that helps
    per_row, _ = _model_costs(c, chosen, is_fixed, has_rest, unlisted_fixed, rest)
    current = float(np.sum(np.where(w > 0, w * per_row, 0.0)))
    for _ in range(max_passes):
        improved = False
        for s_ in sorted(chosen - set(f.tolist())):
            if deadline is not None and time.perf_counter() > deadline:
                return tuple(sorted(chosen))
            rest_set = chosen - {s_}
            scores = _swap_scores(c, w, rest_set, is_fixed, has_rest, unlisted_fixed, rest)
            scores[list(chosen)] = np.inf
            j = int(np.argmin(scores))
            if scores[j] < current - 1e-9 * max(1.0, abs(current)):
                chosen, current, improved = rest_set | {j}, float(scores[j]), True
        if not improved:
            break
    return tuple(sorted(chosen))
