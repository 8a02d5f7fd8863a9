"""Two-step floating catchment (2SFCA): supply-to-need ratio per area; a plain count where capacity is unknown.

Step 1, per provider j: ``R_j = S_j / Σ_{i: t_ij ≤ budget} w_i`` — its capacity (Kita places, counselling
hours) divided by the target group within the budget around it (providers nobody reaches get no ratio).
Step 2, per demand point i: ``A_i = Σ_{j: t_ij ≤ budget} R_j`` — the supply per person reachable from there.
Per area: the people-weighted mean of ``A_i`` over the area's demand points (places per person of the target
group). Multiply by ``scale`` (e.g. 100 → per 100 people).

Where capacity is not known for every provider of a type, the 2SFCA ratio would mix places with unknown
sizes; the method is then ``'anzahl'``: the people-weighted mean number of providers within the budget.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse


def two_step_ratio(reach: sparse.spmatrix, weights, capacity) -> np.ndarray:
    """Per demand point ``A_i`` from a reach matrix (stored entry = within budget), weights and capacities."""
    p = sparse.csr_matrix(reach)
    p = sparse.csr_matrix((np.ones(p.nnz), p.indices, p.indptr), shape=p.shape)
    w = np.asarray(weights, dtype="float64")
    s = np.asarray(capacity, dtype="float64")
    demand_at = p.T @ w  # Σ w_i around each provider
    r = np.divide(s, demand_at, out=np.zeros_like(s), where=demand_at > 0)
    return p @ r


def reachable_count(reach: sparse.spmatrix) -> np.ndarray:
    return np.diff(sparse.csr_matrix(reach).indptr).astype("float64")


def _weighted_mean_by_area(keys: np.ndarray, w: np.ndarray, values: np.ndarray, order) -> pd.Series:
    frame = pd.DataFrame({"area_key": keys, "wv": w * values, "w": w})
    agg = frame.groupby("area_key", sort=False)[["wv", "w"]].sum().reindex(order)
    return agg["wv"] / agg["w"].where(agg["w"] > 0)


def two_step_fca(demand: pd.DataFrame, providers: pd.DataFrame, travel, budget_min: float, *,
                 capacity_col: str = "capacity", service_types=None, scale: float = 1.0) -> pd.DataFrame:
    """Frame per area and service type: area_key, service_type, method ('2sfca' | 'anzahl'), value,
    capacity_unit. A row with area_key ``None`` holds the city-wide value (weighted over all points)."""
    types = list(service_types) if service_types is not None else sorted(providers["service_type"].unique())
    dxy = demand[["x", "y"]].to_numpy(dtype="float64")
    w = demand["weight"].to_numpy(dtype="float64")
    keys = demand["area_key"].astype(str).to_numpy()
    order = list(pd.unique(keys))
    out = []
    from sozialraum.access.coverage import reach_by_type

    by_type = reach_by_type(travel, dxy, providers, types, budget_min)
    for stype in types:
        sub = providers[providers["service_type"] == stype]
        cap = (pd.to_numeric(sub[capacity_col], errors="coerce").to_numpy(dtype="float64")
               if capacity_col in sub.columns else np.full(len(sub), np.nan))
        if len(sub):
            reach = by_type[stype]
        else:
            reach = sparse.csr_matrix((len(dxy), 0))
        if len(sub) and np.isfinite(cap).all():
            method, values = "2sfca", two_step_ratio(reach, w, cap) * scale
        else:
            method, values = "anzahl", reachable_count(reach)
        unit = None
        if method == "2sfca" and "capacity_unit" in sub.columns and sub["capacity_unit"].notna().any():
            unit = str(sub["capacity_unit"].dropna().iloc[0])
        per_area = _weighted_mean_by_area(keys, w, values, order)
        city = float((w * values).sum() / w.sum()) if w.sum() > 0 else np.nan
        frame = pd.DataFrame({"area_key": order + [None], "service_type": stype, "method": method,
                              "value": list(per_area.to_numpy()) + [city], "capacity_unit": unit})
        out.append(frame)
    cols = ["area_key", "service_type", "method", "value", "capacity_unit"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)
