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
* p-median assignment options come from each demand point's nearest candidates (``pmedian_nearest``); the
  builders always add the fixed sites to every row, so with at least one fixed site the model is feasible by
  construction. A demand point whose listed candidates are all closed is assigned to a *rest option* costing
  ``REST_FACTOR`` × the largest cost in the whole matrix (a penalty, so the solver avoids it); it is reported
  as unassigned (``assignment = -1``, ``n_unassigned``) and its penalty is part of the objective. With a fixed
  site or ``pmedian_nearest`` ≥ the number of candidates, no rest option exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sozialraum.access.travel import ZERO_MINUTES
from sozialraum.errors import SolverError
from sozialraum.siting._highs import solve_mip

REST_FACTOR = 2.0
MODELS = {
    "mclp": "Maximale Abdeckung (k Standorte, möglichst viele Menschen in Reichweite)",
    "pmedian": "p-Median (k Standorte, möglichst kurze Wege im Mittel)",
    "lscp": "Mengenüberdeckung (möglichst wenige Standorte, alle in Reichweite)",
}


@dataclass(frozen=True)
class SitingResult:
    model: str  # 'mclp' | 'pmedian' | 'lscp'
    selected: tuple[int, ...]  # candidate indices (fixed ones included), ascending
    objective: float  # mclp: covered weight; pmedian: weighted travel (incl. rest penalties); lscp: number of sites
    covered_weight: float  # weight of demand points with a selected site within reach
    total_weight: float
    assignment: np.ndarray  # per demand point: index of the nearest selected candidate (within reach), -1 = none
    solve_seconds: float
    status: str  # 'optimal' | 'time_limit'
    gap: float
    fixed: tuple[int, ...] = ()
    n_unassigned: int = 0  # p-median: demand points (weight > 0) whose listed candidates were all closed

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else float("nan")

    @property
    def new_sites(self) -> tuple[int, ...]:
        return tuple(j for j in self.selected if j not in set(self.fixed))


# ----------------------------------------------------------------------------------------------- inputs
def pattern(matrix) -> sparse.csr_matrix:
    """0/1 CSR of the stored entries (reachability), with explicit False/0 of a *boolean* matrix removed."""
    m = sparse.csr_matrix(matrix)
    if m.dtype == bool:
        m = m.copy()
        m.eliminate_zeros()
    out = sparse.csr_matrix((np.ones(m.nnz), m.indices.copy(), m.indptr.copy()), shape=m.shape)
    out.sum_duplicates()
    return out


def _weights(weights, n: int) -> np.ndarray:
    w = np.ones(n) if weights is None else np.asarray(weights, dtype="float64")
    if w.shape != (n,):
        raise ValueError(f"Gewichte: erwartet {n} Werte (einen je Nachfragepunkt), erhalten {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("Gewichte müssen endliche Zahlen ≥ 0 sein")
    return w


def _fixed(fixed, n_cand: int) -> np.ndarray:
    f = np.unique(np.asarray(list(fixed), dtype=np.int64))
    if len(f) and (f.min() < 0 or f.max() >= n_cand):
        raise ValueError(f"Feste Standorte: Index außerhalb 0..{n_cand - 1}")
    return f


def _check_k(k: int, n_free: int) -> int:
    k = int(k)
    if k < 0:
        raise ValueError("k (Zahl neuer Standorte) darf nicht negativ sein")
    if k > n_free:
        raise SolverError(f"Es sollen {k} neue Standorte gewählt werden, es gibt aber nur {n_free} freie Kandidaten.")
    return k


def _limit(time_limit):
    if time_limit is None:
        from sozialraum.settings import default

        time_limit = default("solver_time_limit_s")
    return float(time_limit)


# ------------------------------------------------------------------------------------------ evaluation
def covered_mask(cover_pattern: sparse.csr_matrix, selected) -> np.ndarray:
    sel = np.zeros(cover_pattern.shape[1])
    sel[list(selected)] = 1.0
    return (cover_pattern @ sel) > 0


def nearest_assignment(cost: sparse.csr_matrix, selected) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the selected column with the smallest stored cost (ties → lowest index) and that cost.

    Rows without a stored entry in a selected column get ``-1`` and ``inf``.
    """
    cost = sparse.csr_matrix(cost)
    n = cost.shape[0]
    best, best_cost = np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
    is_sel = np.zeros(cost.shape[1], dtype=bool)
    is_sel[list(selected)] = True
    rows = np.repeat(np.arange(n), np.diff(cost.indptr))
    keep = is_sel[cost.indices]
    r, c, v = rows[keep], cost.indices[keep], cost.data[keep]
    if len(r):
        order = np.lexsort((c, v, r))  # by row, then cost, then column index
        r, c, v = r[order], c[order], v[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        best[r[first]], best_cost[r[first]] = c[first], v[first]
    return best, best_cost


def _row_penalty(cost: sparse.csr_matrix) -> np.ndarray:
    """Cost of the rest option per row: ``REST_FACTOR`` × the largest cost stored anywhere in the matrix."""
    top = float(cost.data.max()) if cost.nnz else 1.0
    return np.full(cost.shape[0], REST_FACTOR * max(top, 1.0e-6))


def pmedian_objective(cost: sparse.csr_matrix, weights, selected) -> tuple[float, np.ndarray, np.ndarray]:
    """Weighted travel of a site set (rest penalty for unassigned points), plus assignment and cost per row."""
    w = _weights(weights, cost.shape[0])
    best, best_cost = nearest_assignment(cost, selected)
    best_cost = np.where(best_cost <= ZERO_MINUTES, 0.0, best_cost)  # the stored stand-in for 0 is 0
    per_row = np.where(best >= 0, best_cost, _row_penalty(cost))
    return float(np.sum(w * per_row)), best, best_cost


# ---------------------------------------------------------------------------------- tie canonicalisation
def _canonical(selected: set[int], fixed: set[int], n_cand: int, score, maximize: bool, tol: float) -> set[int]:
    """Swap each new site for the lowest-index candidate that scores as well; ``score(rest)`` gives, for the
    set ``rest``, the objective of ``rest ∪ {j}`` for every candidate j (an array of length n_cand)."""
    sel = set(selected)
    changed = True
    rounds = 0
    while changed and rounds < 5:
        changed, rounds = False, rounds + 1
        for s in sorted(sel - fixed):
            rest = sel - {s}
            values = score(rest)
            current = values[s]
            ok = values >= current - tol if maximize else values <= current + tol
            ok[list(sel)] = False
            ok[list(fixed)] = False
            lower = np.flatnonzero(ok[:s])
            if len(lower):
                sel = rest | {int(lower[0])}
                changed = True
    return sel


# ---------------------------------------------------------------------------------------------- MCLP
def solve_mclp(cover, weights, k: int, fixed=(), time_limit: float | None = None, *,
               mip_rel_gap: float = 1e-9, start=None) -> SitingResult:
    """Maximal covering: open ``k`` new sites (plus ``fixed``) to maximise the weight within reach.

    ``start``: optional iterable of candidate indices (a feasible selection) used as MIP start.
    """
    p = pattern(cover)
    n_dem, n_cand = p.shape
    w = _weights(weights, n_dem)
    f = _fixed(fixed, n_cand)
    k = _check_k(k, n_cand - len(f))
    base = covered_mask(p, f) if len(f) else np.zeros(n_dem, dtype=bool)
    rows = np.flatnonzero((w > 0) & ~base & (np.diff(p.indptr) > 0))
    sub = p[rows]  # demand rows still to be won
    m = len(rows)
    # columns: x_0..x_{n_cand-1}, y_0..y_{m-1};  rows: y_i - sum_j a_ij x_j <= 0 (m rows), sum_{free} x_j = k
    free = np.ones(n_cand)
    free[f] = 0.0
    a = sparse.bmat([[-sub, sparse.identity(m, format="csr")],
                     [sparse.csr_matrix(free[None, :]), None]], format="csc")
    lower = np.zeros(n_cand + m)
    lower[f] = 1.0
    upper = np.ones(n_cand + m)
    cost = np.concatenate([np.zeros(n_cand), w[rows]])
    x0 = None
    if start is not None:
        s_idx = np.asarray(sorted(set(int(j) for j in start) | set(f.tolist())), dtype=np.int64)
        xs = np.zeros(n_cand)
        xs[s_idx] = 1.0
        x0 = np.concatenate([xs, (sub @ xs > 0).astype(float)])
    ans = solve_mip(a, cost, lower, upper, np.concatenate([np.full(m, -np.inf), [k]]),
                    np.concatenate([np.zeros(m), [k]]), np.arange(n_cand), maximize=True,
                    time_limit=_limit(time_limit), mip_rel_gap=mip_rel_gap, start=x0, what="Maximale Abdeckung")
    chosen = set(np.flatnonzero(ans.x[:n_cand] > 0.5).tolist())
    pt = p.T.tocsr()

    def score(rest):
        unc = ~covered_mask(p, rest)
        won = pt @ (w * unc)
        return float(w[~unc].sum()) + won

    total = float(w.sum())
    chosen = _canonical(chosen, set(f.tolist()), n_cand, score, True, 1e-9 * max(1.0, total))
    selected = tuple(sorted(chosen))
    covered = float(w[covered_mask(p, selected)].sum())
    assignment, _ = nearest_assignment(_cost_or_pattern(cover), selected)
    return SitingResult("mclp", selected, covered, covered, total, assignment, ans.seconds, ans.status, ans.gap,
                        tuple(f.tolist()))


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


# -------------------------------------------------------------------------------------------- p-median
def _prune_behind_fixed(sub: sparse.coo_matrix, is_fixed: np.ndarray) -> sparse.coo_matrix:
    """Drop assignment options that can never be strictly better: a fixed site is always open, so in a row
    with a fixed site every candidate at least as far as the nearest fixed one is useless (that fixed entry
    itself is kept). The optimum is unchanged; the model shrinks a lot when existing sites are fixed."""
    if not is_fixed.any() or not sub.nnz:
        return sub
    fixed_cost = np.full(sub.shape[0], np.inf)
    fx = is_fixed[sub.col]
    np.minimum.at(fixed_cost, sub.row[fx], sub.data[fx])
    nearest_fixed = np.full(sub.shape[0], -1, dtype=np.int64)
    order = np.lexsort((sub.col[fx], sub.data[fx], sub.row[fx]))
    r_f, c_f = sub.row[fx][order], sub.col[fx][order]
    first = np.ones(len(r_f), dtype=bool)
    first[1:] = r_f[1:] != r_f[:-1]
    nearest_fixed[r_f[first]] = c_f[first]
    keep = (sub.data < fixed_cost[sub.row]) | (sub.col == nearest_fixed[sub.row])
    return sparse.coo_matrix((sub.data[keep], (sub.row[keep], sub.col[keep])), shape=sub.shape)


def solve_pmedian(cost, weights, k: int, fixed=(), time_limit: float | None = None, *, budget: float | None = None,
                  mip_rel_gap: float = 1e-9) -> SitingResult:
    """p-median: open ``k`` new sites (plus ``fixed``) minimising weighted travel to the nearest open site.

    ``cost``: CSR of minutes from each demand point to its nearest candidates (the allowed assignments; build
    it with ``travel_model.nearest(..., pmedian_nearest, always=fixed)``). ``budget`` (minutes, optional) only
    decides ``covered_weight`` (weight whose assigned site is within the budget).
    """
    c = sparse.csr_matrix(cost, dtype="float64")
    c.sort_indices()
    n_dem, n_cand = c.shape
    w = _weights(weights, n_dem)
    f = _fixed(fixed, n_cand)
    k = _check_k(k, n_cand - len(f))
    rows = np.flatnonzero(w > 0)
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[f] = True
    sub = _prune_behind_fixed(c[rows].tocoo(), is_fixed)
    m, e = len(rows), sub.nnz
    penalty = _row_penalty(c)[rows]
    has_fixed = np.zeros(m, dtype=bool)
    has_fixed[np.unique(sub.row[is_fixed[sub.col]])] = True
    rest_rows = np.flatnonzero(~has_fixed)  # only these need a rest option
    r_cnt = len(rest_rows)
    # columns: x (n_cand) | z_e (e) | u (r_cnt)
    # rows: assignment  sum_e z_e + u_i = 1 (m) | linking z_e - x_j <= 0 (e) | cardinality sum_free x = k (1)
    eye_e = sparse.identity(e, format="csr")
    assign_z = sparse.csr_matrix((np.ones(e), (sub.row, np.arange(e))), shape=(m, e))
    assign_u = sparse.csr_matrix((np.ones(r_cnt), (rest_rows, np.arange(r_cnt))), shape=(m, r_cnt))
    link_x = sparse.csr_matrix((-np.ones(e), (np.arange(e), sub.col)), shape=(e, n_cand))
    free = (~is_fixed).astype(float)[None, :]
    a = sparse.bmat([[None, assign_z, assign_u],
                     [link_x, eye_e, None],
                     [sparse.csr_matrix(free), None, None]], format="csc")
    if a.shape[1] != n_cand + e + r_cnt:  # bmat drops empty blocks' widths only when all None; guard anyway
        raise RuntimeError("p-Median: Modellaufbau fehlgeschlagen")
    col_cost = np.concatenate([np.zeros(n_cand), w[rows][sub.row] * sub.data, w[rows][rest_rows] * penalty[rest_rows]])
    lower = np.zeros(n_cand + e + r_cnt)
    lower[f] = 1.0
    row_lo = np.concatenate([np.ones(m), np.full(e, -np.inf), [k]])
    row_up = np.concatenate([np.ones(m), np.zeros(e), [k]])
    ans = solve_mip(a, col_cost, lower, np.ones(n_cand + e + r_cnt), row_lo, row_up, np.arange(n_cand),
                    maximize=False, time_limit=_limit(time_limit), mip_rel_gap=mip_rel_gap, what="p-Median")
    chosen = set(np.flatnonzero(ans.x[:n_cand] > 0.5).tolist())
    pen_all = _row_penalty(c)
    csc = c.tocsc()

    def score(rest):
        _, best, best_cost = pmedian_objective(c, w, rest)
        per_row = np.where(best >= 0, best_cost, pen_all)
        gain = csc.copy()
        gain.data = np.maximum(0.0, per_row[csc.indices] - csc.data) * w[csc.indices]
        return float(np.sum(w * per_row)) - np.asarray(gain.sum(axis=0)).ravel()

    total_cost = float(np.sum(w * pen_all))
    chosen = _canonical(chosen, set(f.tolist()), n_cand, score, False, 1e-9 * max(1.0, total_cost))
    selected = tuple(sorted(chosen))
    objective, best, best_cost = pmedian_objective(c, w, selected)
    reach = best >= 0 if budget is None else best_cost <= budget * (1 + 1e-9)
    return SitingResult("pmedian", selected, objective, float(w[reach].sum()), float(w.sum()), best, ans.seconds,
                        ans.status, ans.gap, tuple(f.tolist()), n_unassigned=int(((best < 0) & (w > 0)).sum()))
