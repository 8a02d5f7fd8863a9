"""The k-curve: covered share for k = 0..K new sites, so a council sees where the next office stops paying off.

Each k is an exact maximal-covering answer (``sozialraum.siting.mclp.mclp_curve``), whatever model chose the
sites shown on the map — the curve answers "how many people are within reach with k offices". The k are solved
in increasing order on one merged model; each k starts from the answer for k−1 plus the best single addition
(and the greedy set), so the curve is monotone even when a time limit stops a solve early, and a k whose known
solution meets the submodular upper bound needs no MIP at all (column ``how``: 'bound' or 'mip').
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.siting.core import _fixed, _limit
from sozialraum.siting.mclp import mclp_curve
from sozialraum.siting.models import pattern

COLUMNS = ["k", "covered_weight", "covered_share", "added_weight", "selected", "status", "gap", "upper", "how",
           "seconds"]


def curve_frame(points: dict, total: float) -> pd.DataFrame:
    """One row per k from ``mclp_curve``'s points (k ascending)."""
    rows, prev = [], None
    for k in sorted(points):
        pt = points[k]
        rows.append({"k": k, "covered_weight": pt.covered_weight,
                     "added_weight": pt.covered_weight - (prev if prev is not None else 0.0),
                     "selected": pt.selected, "status": pt.status, "gap": pt.gap, "upper": pt.upper,
                     "how": pt.how, "seconds": pt.seconds})
        prev = pt.covered_weight
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "covered_share"])
    out["covered_share"] = out["covered_weight"] / total if total > 0 else np.nan
    return out[COLUMNS]


def k_curve(cover, weights, max_k: int, fixed=(), time_limit: float | None = None) -> pd.DataFrame:
    """Frame with one row per k = 0..max_k: k, covered_weight, covered_share, added_weight, selected, status, gap,
    upper (proven upper bound), how ('bound' | 'mip'), seconds.

    ``k`` counts new sites on top of ``fixed``; the row k = 0 is the fixed sites alone. ``time_limit`` is per MIP.
    """
    p = pattern(cover)
    w = np.asarray(weights, dtype="float64")
    f = _fixed(fixed, p.shape[1])
    max_k = int(min(max_k, p.shape[1] - len(f)))
    points = mclp_curve(p, w, range(max_k + 1), f, _limit(time_limit))
    return curve_frame(points, float(w.sum()))
