"""The k-curve: covered share for k = 0..K new sites, so a council sees where the next office stops paying off.

Each k is an exact maximal-covering solve (``solve_mclp``), whatever model chose the sites shown on the map —
the curve answers "how many people are within reach with k offices". The exact optimum can only grow with k;
to keep the curve monotone even when a time limit stops a solve early, every solve for k starts from the answer
for k−1 plus the best single addition (a MIP start), so HiGHS never returns less than the previous point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.siting.models import covered_mask, pattern, solve_mclp


def k_curve(cover, weights, max_k: int, fixed=(), time_limit: float | None = None) -> pd.DataFrame:
    """Frame with one row per k = 0..max_k: k, covered_weight, covered_share, added_weight, selected, status, gap.

    ``k`` counts new sites on top of ``fixed``; the row k = 0 is the fixed sites alone.
    """
    p = pattern(cover)
    w = np.asarray(weights, dtype="float64")
    n_free = p.shape[1] - len(set(int(j) for j in fixed))
    max_k = int(min(max_k, n_free))
    total = float(w.sum())
    base = tuple(sorted(set(int(j) for j in fixed)))
    prev_w = float(w[covered_mask(p, base)].sum()) if base else 0.0
    rows = [dict(k=0, covered_weight=prev_w, added_weight=prev_w, selected=base, status="optimal", gap=0.0)]
    prev = base
    pt = p.T.tocsr()
    for k in range(1, max_k + 1):
        unc = ~covered_mask(p, prev) if prev else np.ones(p.shape[0], dtype=bool)
        gain = pt @ (w * unc)
        gain[list(prev)] = -1.0
        start = tuple(prev) + (int(np.argmax(gain)),)  # argmax: lowest index among equal gains
        res = solve_mclp(p, w, k, fixed=base, time_limit=time_limit, start=start)
        if res.covered_weight < prev_w:  # cannot happen with an exact solve; guard for time-limited ones
            sel = start
            cov = float(w[covered_mask(p, sel)].sum())
        else:
            sel, cov = res.selected, res.covered_weight
        rows.append(dict(k=k, covered_weight=cov, added_weight=cov - prev_w, selected=tuple(sorted(sel)),
                         status=res.status, gap=res.gap))
        prev, prev_w = tuple(sorted(sel)), cov
    out = pd.DataFrame(rows)
    out["covered_share"] = out["covered_weight"] / total if total > 0 else np.nan
    return out[["k", "covered_weight", "covered_share", "added_weight", "selected", "status", "gap"]]
