"""Coverage: how many of the target group live within the travel budget of at least one provider of a type.

Per service type and area: ``target`` (the area's weight, i.e. the sum of its demand points), ``covered`` (the
weight of its demand points with ≥ 1 provider of the type within the budget) and ``share`` = covered / target.
City-wide the same sums over all points. Numbers here are raw model quantities; anything shown to people goes
through ``sozialraum.analysis.confidentiality`` in the store adapter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse


@dataclass(frozen=True)
class Coverage:
    per_area: pd.DataFrame  # area_key, service_type, target, covered, share, n_providers
    city: pd.DataFrame  # service_type, target, covered, share, n_providers


def reached(reach: sparse.spmatrix) -> np.ndarray:
    """Boolean per row: at least one stored entry (a target within the budget)."""
    return np.diff(sparse.csr_matrix(reach).indptr) > 0


def reach_by_type(travel, dxy: np.ndarray, providers: pd.DataFrame, types, budget_min: float) -> dict:
    """Service type -> sparse minutes (demand × that type's providers, in the providers' order).

    One travel-model call for all providers of the requested types, sliced per type: a network model then
    searches from every demand point once (and caches one matrix) instead of once per type.
    """
    sel = providers[providers["service_type"].isin(list(types))]
    out = {}
    if len(sel) and len(dxy):
        full = sparse.csr_matrix(travel.minutes(dxy, sel[["x", "y"]].to_numpy(dtype="float64"), budget_min))
        st = sel["service_type"].to_numpy()
        for stype in types:
            out[stype] = full[:, np.flatnonzero(st == stype)].tocsr()
    return out


def coverage_by_type(demand: pd.DataFrame, providers: pd.DataFrame, travel, budget_min: float,
                     service_types=None) -> Coverage:
    """``demand``: frame with area_key, x, y, weight (see ``demand_points``); ``providers``: service_type, x, y.

    ``travel``: a travel model (``WalkingModel`` …) with ``.minutes(origins, targets, budget)``. Service types
    default to all types present among the providers; a requested type without providers has coverage 0.
    """
    types = list(service_types) if service_types is not None else sorted(providers["service_type"].unique())
    dxy = demand[["x", "y"]].to_numpy(dtype="float64")
    w = demand["weight"].to_numpy(dtype="float64")
    keys = demand["area_key"].astype(str).to_numpy()
    area_order = pd.unique(keys)
    rows_area, rows_city = [], []
    reach = reach_by_type(travel, dxy, providers, types, budget_min)
    for stype in types:
        sub = providers[providers["service_type"] == stype]
        if len(sub):
            mask = reached(reach[stype])
        else:
            mask = np.zeros(len(dxy), dtype=bool)
        frame = pd.DataFrame({"area_key": keys, "target": w, "covered": np.where(mask, w, 0.0)})
        agg = frame.groupby("area_key", sort=False)[["target", "covered"]].sum().reindex(area_order)
        agg["service_type"] = stype
        agg["n_providers"] = len(sub)
        rows_area.append(agg.reset_index())
        rows_city.append({"service_type": stype, "target": float(w.sum()), "covered": float(w[mask].sum()),
                          "n_providers": len(sub)})
    per_area = pd.concat(rows_area, ignore_index=True) if rows_area else pd.DataFrame(
        columns=["area_key", "target", "covered", "service_type", "n_providers"])
    city = pd.DataFrame(rows_city, columns=["service_type", "target", "covered", "n_providers"])
    for f in (per_area, city):
        f["share"] = np.where(f["target"] > 0, f["covered"] / f["target"].where(f["target"] > 0, 1), np.nan)
    per_area = per_area[["area_key", "service_type", "target", "covered", "share", "n_providers"]]
    city = city[["service_type", "target", "covered", "share", "n_providers"]]
    return Coverage(per_area=per_area, city=city)


# docs/ARCHITECTURE.md lists these beside coverage_by_type; they live in their own modules.
from sozialraum.access.fca import two_step_fca  # noqa: E402
from sozialraum.access.gaps import need_gap_ranking  # noqa: E402

__all__ = ["Coverage", "coverage_by_type", "reached", "two_step_fca", "need_gap_ranking"]
