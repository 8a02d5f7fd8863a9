"""The capped p-median as a MIP for HiGHS in the radius (covering) form: last resort when the Lagrangian bound
does not close the gap (pure core on the savings arrays).

Radius formulation (Elloumi 2010; García, Labbé & Marín 2011), written with chained rows: for a row i, sort its
pairs by saving, s_(1) ≥ s_(2) ≥ … ≥ s_(m), s_(m+1) = 0. With u_h = "one of the h best columns is open",

    savings_i = Σ_h (s_(h) − s_(h+1)) · u_h,   u_1 ≤ y_(1),   u_h ≤ u_{h−1} + y_(h),   0 ≤ u_h ≤ 1.

Three nonzeros per pair (the classic assignment model needs the same number of variables but its LP equals this
one only with its x_ij ≤ y_j rows, one per pair as well); the LP relaxation is the one the Lagrangian
approximates. It runs only on the columns that survived the reduced-cost tests, so it is small.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from sozialraum.siting._highs import solve_mip
from sozialraum.siting.pmedian_savings import Savings


def solve_chain_mip(sv: Savings, k: int, start_pos, *, time_limit: float) -> tuple[list[int], float, float, str]:
    """Open ``k`` of the columns of ``sv`` maximising savings; ``start_pos``: a feasible start (positions).
    Returns (positions, savings, proven upper bound of the savings, status 'optimal' | 'time_limit')."""
    q = sv.n_cols
    col = sv.col_of_pair()
    order = np.lexsort((col, -sv.s, sv.rows))  # by row, saving descending, then column
    r, s, c = sv.rows[order], sv.s[order], col[order]
    e = len(r)
    first = np.ones(e, dtype=bool)
    first[1:] = r[1:] != r[:-1]
    nxt = np.zeros(e)
    nxt[:-1] = np.where(first[1:], 0.0, s[1:])
    delta = s - nxt  # coefficient of u_h
    # columns: y (q) | u (e);  rows: chain (e) | cardinality (1)
    idx = np.arange(e)
    prev = np.flatnonzero(~first)
    a = sparse.csr_matrix(
        (np.concatenate([np.ones(e), -np.ones(e), -np.ones(len(prev)), np.ones(q)]),
         (np.concatenate([idx, idx, prev, np.full(q, e)]),
          np.concatenate([q + idx, c, q + prev - 1, np.arange(q)]))),
        shape=(e + 1, q + e))
    cost = np.concatenate([np.zeros(q), delta])
    row_lo = np.concatenate([np.full(e, -np.inf), [k]])
    row_up = np.concatenate([np.zeros(e), [k]])
    x0 = None
    if start_pos is not None and len(start_pos) == k:
        y = np.zeros(q)
        y[np.asarray(start_pos, dtype=np.int64)] = 1.0
        # u_h = min(1, number of open among the h best) along each row
        run = y[c]
        starts = np.flatnonzero(first)
        csum = np.cumsum(run)
        base = np.repeat(csum[starts] - run[starts], np.diff(np.append(starts, e)))
        u = np.minimum(1.0, csum - base)
        x0 = np.concatenate([y, u])
    ans = solve_mip(a.tocsc(), cost, np.zeros(q + e), np.ones(q + e), row_lo, row_up, np.arange(q), maximize=True,
                    time_limit=time_limit, mip_rel_gap=1e-9, start=x0, what="p-Median")
    pos = np.flatnonzero(ans.x[:q] > 0.5).tolist()
    return pos, float(ans.objective), float(ans.bound), ans.status
