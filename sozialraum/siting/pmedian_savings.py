"""The capped p-median as savings on plain arrays, and its local search (pure core, no solver).

A capped p-median instance: demand rows i with weight w_i and a **cap** c̄_i, listed pairs (i, j) with cost
c_ij, and ``fixed`` candidates that are always open. The value of a site set S is

    value(S) = Σ_i w_i · min(c̄_i, min_{j ∈ S, (i, j) listed} c_ij).

With c̄_i = the cost to i's nearest fixed site (and every candidate nearer than that listed) this is the exact
p-median with fixed sites: nothing farther than the nearest fixed site can ever serve i. Written as savings
against the caps, only pairs *nearer than the cap* matter:

    value(S) = base − Σ_i max_{j ∈ S} s_ij,   s_ij = w_i (c̄_i − c_ij) > 0,   base = Σ_i w_i c̄_i.

``Savings`` stores those pairs column by column (one segment per free candidate that saves anything), so the
gain of every candidate is one pass over the pairs (``np.add.reduceat``). ``greedy`` builds a start and
``interchange`` improves it by the best single swap at a time, evaluated for all (in, out) pairs at once
(the "fast interchange" of Whitaker, as refined by Resende & Werneck 2007: gain of the new site, loss of the
removed one, and a correction for the points that lose their nearest site to the swap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class Savings:
    n_rows: int  # demand rows of the instance
    n_cand: int
    cols: np.ndarray  # candidate index of each column segment (ascending; free candidates that save something)
    ptr: np.ndarray  # segment p holds the pairs ptr[p]:ptr[p + 1]
    rows: np.ndarray  # demand row of each pair
    s: np.ndarray  # saving of each pair (> 0)
    base: float  # Σ w_i c̄_i: the value of the fixed sites alone

    @property
    def n_cols(self) -> int:
        return len(self.cols)

    def col_of_pair(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_cols), np.diff(self.ptr))

    def keep_columns(self, keep: np.ndarray) -> Savings:
        """The same instance without the column segments where ``keep`` (per segment) is False."""
        lens = np.diff(self.ptr)
        pair = np.repeat(keep, lens)
        ptr = np.concatenate([[0], np.cumsum(lens[keep])])
        return Savings(self.n_rows, self.n_cand, self.cols[keep], ptr, self.rows[pair], self.s[pair], self.base)


def build_savings(cost, cap, weights, fixed=()) -> Savings:
    """Savings of the listed pairs (CSR ``cost``) nearer than the row caps; rows without weight or with an
    infinite cap contribute nothing (the caller decides what such rows mean)."""
    c = sparse.csr_matrix(cost, dtype="float64")
    n_rows, n_cand = c.shape
    w = np.asarray(weights, dtype="float64")
    cap = np.asarray(cap, dtype="float64")
    is_fixed = np.zeros(n_cand, dtype=bool)
    is_fixed[np.asarray(list(fixed), dtype=np.int64)] = True
    coo = c.tocoo()
    r, j, v = coo.row.astype(np.int64), coo.col.astype(np.int64), np.where(coo.data <= 1e-9, 0.0, coo.data)
    ok_row = (w > 0) & np.isfinite(cap)
    keep = ok_row[r] & ~is_fixed[j] & (v < cap[r])
    r, j, v = r[keep], j[keep], v[keep]
    s = w[r] * (cap[r] - v)
    pos = s > 0
    r, j, s = r[pos], j[pos], s[pos]
    order = np.lexsort((r, j))
    r, j, s = r[order], j[order], s[order]
    cols, counts = np.unique(j, return_counts=True)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    base = float(np.sum(np.where(ok_row, w * np.where(ok_row, cap, 0.0), 0.0)))
    return Savings(n_rows, n_cand, cols.astype(np.int64), ptr, r.astype(np.int32), s, base)


def column_sums(sv: Savings, values: np.ndarray) -> np.ndarray:
    """Per column segment: the sum of ``values`` (one per pair); empty segments do not occur."""
    if not sv.n_cols:
        return np.zeros(0)
    return np.add.reduceat(values, sv.ptr[:-1])


def top_two(sv: Savings, open_pos) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For an open set (column positions): per row the best saving ``d1``, its column ``a1`` (−1: none) and the
    second best ``d2`` (0 when fewer than two open columns save anything there). Ties → lower position."""
    open_pos = np.asarray(open_pos, dtype=np.int64)
    d1, d2 = np.zeros(sv.n_rows), np.zeros(sv.n_rows)
    a1 = np.full(sv.n_rows, -1, dtype=np.int64)
    if not len(open_pos):
        return d1, a1, d2
    starts, ends = sv.ptr[open_pos], sv.ptr[open_pos + 1]
    lens = ends - starts
    idx = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(lens.sum())
    r, v, owner = sv.rows[idx], sv.s[idx], np.repeat(open_pos, lens)
    order = np.lexsort((owner, -v, r))
    r, v, owner = r[order], v[order], owner[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = r[1:] != r[:-1]
    d1[r[first]], a1[r[first]] = v[first], owner[first]
    second = np.zeros(len(r), dtype=bool)
    second[1:] = first[:-1] & ~first[1:]
    d2[r[second]] = v[second]
    return d1, a1, d2


def saved(sv: Savings, open_pos) -> float:
    """Σ_i max_{j ∈ open} s_ij."""
    return float(top_two(sv, open_pos)[0].sum())


def gains(sv: Savings, d1: np.ndarray) -> np.ndarray:
    """Per column: what opening it would add to the savings ``d1`` already made."""
    return column_sums(sv, np.maximum(sv.s - d1[sv.rows], 0.0))


def greedy(sv: Savings, k: int, start=()) -> list[int]:
    """Open ``k`` columns (positions) one at a time, each the one adding most (ties → lower position); ``start``:
    positions open already (counted in ``k``)."""
    chosen = [int(p) for p in start]
    d1 = top_two(sv, chosen)[0]
    while len(chosen) < min(k, sv.n_cols):
        g = gains(sv, d1)
        g[chosen] = -np.inf
        p = int(np.argmax(g))
        chosen.append(p)
        d1 = np.maximum(d1, _column_values(sv, p))
    return chosen


def _column_values(sv: Savings, p: int) -> np.ndarray:
    out = np.zeros(sv.n_rows)
    out[sv.rows[sv.ptr[p]:sv.ptr[p + 1]]] = sv.s[sv.ptr[p]:sv.ptr[p + 1]]
    return out


def interchange(sv: Savings, open_pos, *, col_of_pair=None, max_swaps: int = 200, deadline: float | None = None
                ) -> tuple[list[int], float]:
    """Vertex substitution to a local optimum: repeatedly the single swap (one column in, one out) that adds
    most savings, until none adds anything. Returns the open positions and their savings."""
    import time

    cur = sorted(int(p) for p in open_pos)
    k = len(cur)
    if not k or k >= sv.n_cols:
        return cur, saved(sv, cur)
    col = sv.col_of_pair() if col_of_pair is None else col_of_pair
    for _ in range(max_swaps):
        d1, a1, d2 = top_two(sv, cur)
        total = float(d1.sum())
        if deadline is not None and time.perf_counter() > deadline:
            return cur, total
        slot = np.full(sv.n_cols, -1, dtype=np.int64)
        slot[cur] = np.arange(k)
        gain = gains(sv, d1)
        has = a1 >= 0
        loss = np.bincount(slot[a1[has]], weights=(d1 - d2)[has], minlength=k)
        ar = a1[sv.rows]
        m = (ar >= 0) & (sv.s > d2[sv.rows])
        extra = np.bincount(col[m] * k + slot[ar[m]],
                            weights=np.minimum(sv.s[m], d1[sv.rows[m]]) - d2[sv.rows[m]],
                            minlength=sv.n_cols * k).reshape(sv.n_cols, k)
        profit = gain[:, None] - loss[None, :] + extra
        profit[cur, :] = -np.inf
        j, r = np.unravel_index(int(np.argmax(profit)), profit.shape)
        if not profit[j, r] > 1e-12 * max(1.0, total):
            return cur, total
        cur = sorted([p for p in cur if p != cur[r]] + [int(j)])
    return cur, saved(sv, cur)
