"""Maximal covering at city size: merged demand points, one HiGHS model for every k, bounds that skip solves.

Pure core on a 0/1 reachability matrix (rows demand points, columns candidates) and weights.

* **Merge** (``reduce_cover``): only demand points with weight, not yet reached by a fixed site and reached by
  some candidate can change the objective. Among those, points that reach exactly the same candidates are
  interchangeable — the model sees them only through the sum of their weights — so they become one row with the
  summed weight. The optimum (value and every optimal set) is the same; at Berlin's density (200 m grid, 15 min)
  9,158 such rows become about 2,200.
* **Bounds** (``mclp_curve``): coverage is submodular, so for any site set A and every set S of k new sites
  f(S) ≤ f(A) + (sum of the k largest gains of single candidates over A). With A = the fixed sites alone, the
  greedy sets and the previous k's optimum, this upper bound often meets a known solution (always for k = 1):
  then that solution is optimal without a MIP. Otherwise HiGHS solves the merged model, started from the best
  known solution; the same model object is reused for every k, only the cardinality row changes.
* HiGHS runs with presolve switched off for this model: its presolve (probing) spent seconds on the merged
  Berlin model for k = 1 and gained nothing for the others (measured in ``bench/bench_siting.py``).
* Ties: each chosen new site is swapped, lowest index first, for the lowest-index candidate giving the same
  coverage with the other sites unchanged (the rule stated in ``sozialraum.siting.models``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sozialraum.siting._highs import MipModel
from sozialraum.siting.core import _canonical


@dataclass(frozen=True)
class CoverReduction:
    matrix: sparse.csr_matrix  # merged rows × candidates, 0/1: the demand still to be won
    weights: np.ndarray  # per merged row: the summed weight of its demand points
    members: np.ndarray  # per original demand point: its merged row, -1 = not in the model (constant)
    base_weight: float  # weight within reach of the fixed sites alone
    total_weight: float
    fixed: np.ndarray
    n_rows_before: int  # demand points that entered the merge (weight > 0, not reached by fixed, reachable)

    @property
    def n_cand(self) -> int:
        return self.matrix.shape[1]


@dataclass(frozen=True)
class CurvePoint:
    k: int
    selected: tuple[int, ...]  # fixed sites included, ascending
    covered_weight: float
    status: str  # 'optimal' | 'time_limit'
    gap: float
    upper: float  # proven upper bound of the coverage for this k
    how: str  # 'bound' (proven by the bounds alone) | 'mip'
    seconds: float


def reduce_cover(p: sparse.csr_matrix, w: np.ndarray, fixed: np.ndarray) -> CoverReduction:
    """Merge the demand points that reach the same candidates (``p``: 0/1 CSR with sorted indices)."""
    p = sparse.csr_matrix(p)
    p.sort_indices()
    n_dem, n_cand = p.shape
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[fixed] = True
    rows_of = np.repeat(np.arange(n_dem), np.diff(p.indptr))
    base = np.zeros(n_dem, dtype=bool)
    base[rows_of[is_fixed[p.indices]]] = True
    rows = np.flatnonzero((w > 0) & ~base & (np.diff(p.indptr) > 0))
    members = np.full(n_dem, -1, dtype=np.int64)
    keys: dict[bytes, int] = {}
    idx, ptr = p.indices, p.indptr
    for i in rows:
        members[i] = keys.setdefault(idx[ptr[i]:ptr[i + 1]].tobytes(), len(keys))
    m = len(keys)
    first = np.full(m, -1, dtype=np.int64)
    first[members[rows][::-1]] = rows[::-1]  # the first demand point of each merged row
    matrix = p[first] if m else sparse.csr_matrix((0, n_cand))
    weights = np.bincount(members[rows], weights=w[rows], minlength=m).astype("float64")
    return CoverReduction(sparse.csr_matrix(matrix), weights, members, float(w[base].sum()), float(w.sum()),
                          np.asarray(fixed, dtype=np.int64), len(rows))


class _Cover:
    """Coverage arithmetic on the merged rows (values include the fixed sites' ``base_weight``)."""

    def __init__(self, red: CoverReduction):
        self.red = red
        self.m = red.matrix
        self.mt = red.matrix.T.tocsr()
        self.w = red.weights
        self.is_fixed = np.zeros(red.n_cand, dtype=bool)
        self.is_fixed[red.fixed] = True

    def covered_rows(self, sites) -> np.ndarray:
        x = np.zeros(self.red.n_cand)
        x[list(sites)] = 1.0
        return (self.m @ x) > 0

    def value(self, sites) -> float:
        return self.red.base_weight + float(self.w[self.covered_rows(sites)].sum())

    def gains(self, sites) -> np.ndarray:
        """Coverage added by each single candidate to ``sites`` (0 for the sites themselves and fixed ones)."""
        g = self.mt @ (self.w * ~self.covered_rows(sites))
        g[list(sites)] = 0.0
        g[self.is_fixed] = 0.0
        return g

    def upper(self, sites, k: int) -> float:
        """f(S) ≤ f(A) + Σ top-k gains over A, for every S of k new sites (submodularity)."""
        g = self.gains(sites)
        top = np.partition(g, len(g) - k)[len(g) - k:] if 0 < k <= len(g) else g
        return self.value(sites) + float(top.sum())

    def score(self, rest) -> np.ndarray:
        """Coverage of ``rest ∪ {j}`` for every candidate j (for the tie rule)."""
        unc = ~self.covered_rows(rest)
        return self.red.base_weight + float(self.w[~unc].sum()) + self.mt @ (self.w * unc)

    def greedy(self, max_k: int) -> list[tuple[int, ...]]:
        """Greedy sets for k = 0..max_k (fixed included); ties → lowest index."""
        cur = tuple(int(j) for j in self.red.fixed)
        out = [tuple(sorted(cur))]
        for _ in range(max_k):
            g = self.gains(cur)
            g[list(cur)] = -1.0
            g[self.is_fixed] = -1.0
            cur = tuple(sorted(cur + (int(np.argmax(g)),)))
            out.append(cur)
        return out


class _CoverMip:
    """The merged MCLP as one HiGHS model; ``solve(k, start)`` changes only the cardinality row."""

    def __init__(self, red: CoverReduction):
        m, n = red.matrix.shape
        free = np.ones(n)
        free[red.fixed] = 0.0
        a = sparse.bmat([[-red.matrix, sparse.identity(m, format="csr")],
                         [sparse.csr_matrix(free[None, :]), None]], format="csc")
        lower = np.zeros(n + m)
        lower[red.fixed] = 1.0
        self.n, self.m, self.red = n, m, red
        self.model = MipModel(a, np.concatenate([np.zeros(n), red.weights]), lower, np.ones(n + m),
                              np.concatenate([np.full(m, -np.inf), [0.0]]), np.concatenate([np.zeros(m), [0.0]]),
                              np.arange(n), maximize=True, presolve=False, what="Maximale Abdeckung")

    def solve(self, k: int, start, time_limit: float, mip_rel_gap: float):
        self.model.set_row_bounds(self.m, float(k), float(k))
        xs = np.zeros(self.n)
        xs[list(start)] = 1.0
        x0 = np.concatenate([xs, (self.red.matrix @ xs > 0).astype(float)])
        ans = self.model.solve(time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=x0)
        return set(np.flatnonzero(ans.x[:self.n] > 0.5).tolist()), ans


def mclp_curve(p: sparse.csr_matrix, w: np.ndarray, ks, fixed, time_limit: float, *, mip_rel_gap: float = 1e-9,
               start=None, red: CoverReduction | None = None, chain: bool = True) -> dict[int, CurvePoint]:
    """Exact MCLP for every k in ``ks`` (new sites on top of ``fixed``), solved in increasing k.

    ``chain``: every k between 1 and max(ks) is computed and each k's answer starts the next (a k-curve); the
    dict holds the asked ks. Without ``chain`` only the asked ks are solved (started from the greedy sets).
    ``start``: an extra known selection (for the largest k) to start from. ``time_limit`` is per MIP solve.
    """
    if not time_limit or time_limit <= 0:
        raise ValueError("Ein Zeitlimit (Sekunden > 0) ist Pflicht.")
    red = red if red is not None else reduce_cover(p, w, fixed)
    cov = _Cover(red)
    ks = sorted({int(k) for k in ks})
    top = ks[-1] if ks else 0
    greedy = cov.greedy(top)
    fixed_set = {int(j) for j in red.fixed}
    tol = 1e-9 * max(1.0, red.total_weight)
    mip = None
    out: dict[int, CurvePoint] = {}
    prev = greedy[0]
    prev_value = cov.value(prev)
    if 0 in ks:
        out[0] = CurvePoint(0, prev, prev_value, "optimal", 0.0, prev_value, "bound", 0.0)
    for k in (range(1, top + 1) if chain else [k_ for k_ in ks if k_ > 0]):
        t0 = time.perf_counter()
        if not chain:
            prev = greedy[k - 1]
        g = cov.gains(prev)
        g[list(prev)] = -1.0
        g[cov.is_fixed] = -1.0
        options = [tuple(sorted(prev + (int(np.argmax(g)),))), greedy[k]]
        if start is not None and k == top:
            options.append(tuple(sorted({int(j) for j in start} | fixed_set)))
        values = [cov.value(s) for s in options]
        best = int(np.argmax(values))
        inc, inc_value = options[best], values[best]
        upper = min(cov.upper(a, k) for a in (*greedy[:k], prev))
        how, status, gap = "bound", "optimal", 0.0
        if inc_value < upper - tol:
            mip = mip if mip is not None else _CoverMip(red)
            chosen, ans = mip.solve(k, inc, time_limit, mip_rel_gap)
            value = cov.value(chosen)
            how, status, gap = "mip", ans.status, ans.gap
            if value > inc_value:
                inc, inc_value = tuple(sorted(chosen | fixed_set)), value
            upper = min(upper, ans.bound) if np.isfinite(ans.bound) else upper
            if status == "optimal":
                upper = inc_value
        sel = _canonical(set(inc), fixed_set, red.n_cand, cov.score, True, tol)
        sel_t = tuple(sorted(sel))
        value = cov.value(sel_t)
        if status != "optimal":
            gap = max(0.0, (upper - value) / upper) if upper > 0 else 0.0
        point = CurvePoint(k, sel_t, value, status, gap, upper, how, time.perf_counter() - t0)
        if k in ks:
            out[k] = point
        prev, prev_value = sel_t, value
    return out
