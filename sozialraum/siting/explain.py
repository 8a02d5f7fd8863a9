"""Why these sites: order by marginal gain, who each site serves, which partner services lie within reach.

Pure core on arrays (raw weights). The store adapter (``plan.py``) turns the weights into numbers that may be
shown (rounded, through the confidentiality gate).

* **Order**: fixed sites first, then the new sites; within each group greedily — the next site is the one that
  adds the most target-group weight within reach over all sites before it (ties → lower candidate index).
  ``marginal_gain`` is that addition; the gains add up to the covered weight of the whole set.
* **Served**: every demand point is assigned to its nearest chosen site within the budget (ties → lower
  index); ``served`` is the weight assigned to a site, and per area the part of the area's weight it serves.
* **Partners**: providers (any service type) within the budget of the site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from sozialraum.siting.models import covered_mask, nearest_assignment, pattern


@dataclass(frozen=True)
class Explanation:
    order: pd.DataFrame  # candidate, order (1-based), fixed, marginal_gain, cumulative, served
    areas: pd.DataFrame  # candidate, area_key, served, area_weight, share_of_area
    partners: pd.DataFrame  # candidate, provider (row index into providers), service_type, minutes


def marginal_order(cover, weights, selected, fixed=()) -> pd.DataFrame:
    """Greedy order of ``selected`` (fixed first) with each site's gain over the sites before it."""
    p = pattern(cover)
    w = np.asarray(weights, dtype="float64")
    fixed_set = set(int(j) for j in fixed)
    groups = [sorted(j for j in selected if j in fixed_set), sorted(j for j in selected if j not in fixed_set)]
    done: list[int] = []
    covered = np.zeros(p.shape[0], dtype=bool)
    pc = p.tocsc()
    rows = []
    for group in groups:
        left = list(group)
        while left:
            gains = [float(w[pc[:, j].indices[~covered[pc[:, j].indices]]].sum()) for j in left]
            best = int(np.argmax(gains))  # first maximum = lowest index (left is sorted)
            j = left.pop(best)
            done.append(j)
            covered |= covered_mask(p, [j])
            rows.append({"candidate": j, "order": len(done), "fixed": j in fixed_set, "marginal_gain": gains[best],
                         "cumulative": float(w[covered].sum())})
    return pd.DataFrame(rows, columns=["candidate", "order", "fixed", "marginal_gain", "cumulative"])


def explain_sites(reach, weights, selected, fixed=(), *, area_keys, partner_reach=None,
                  provider_types=None) -> Explanation:
    """``reach``: demand × candidate minutes within the budget (CSR). ``area_keys``: area of each demand point.
    ``partner_reach``: candidate × provider minutes within the budget (CSR, optional), ``provider_types``:
    service type of each provider."""
    w = np.asarray(weights, dtype="float64")
    keys = np.asarray(area_keys).astype(str)
    order = marginal_order(reach, w, selected, fixed)
    assign, _ = nearest_assignment(sparse.csr_matrix(reach), selected)
    ok = assign >= 0
    served = pd.Series(np.bincount(assign[ok], weights=w[ok], minlength=sparse.csr_matrix(reach).shape[1]))
    order["served"] = order["candidate"].map(served).fillna(0.0)
    area_total = pd.Series(w).groupby(keys).sum()
    frame = pd.DataFrame({"candidate": assign[ok], "area_key": keys[ok], "served": w[ok]})
    areas = frame.groupby(["candidate", "area_key"], sort=True)["served"].sum().reset_index()
    areas = areas[areas["served"] > 0]
    areas["area_weight"] = areas["area_key"].map(area_total)
    areas["share_of_area"] = areas["served"] / areas["area_weight"].where(areas["area_weight"] > 0)
    areas = areas.sort_values(["candidate", "served", "area_key"], ascending=[True, False, True])
    partner_rows = []
    if partner_reach is not None:
        pr = sparse.csr_matrix(partner_reach)
        types = np.asarray(provider_types) if provider_types is not None else np.full(pr.shape[1], None)
        for j in selected:
            lo, hi = pr.indptr[j], pr.indptr[j + 1]
            for prov, minutes in zip(pr.indices[lo:hi], pr.data[lo:hi]):
                partner_rows.append({"candidate": j, "provider": int(prov), "service_type": types[prov],
                                     "minutes": float(minutes)})
    partners = pd.DataFrame(partner_rows, columns=["candidate", "provider", "service_type", "minutes"])
    if len(partners):
        partners = partners.sort_values(["candidate", "minutes", "provider"]).reset_index(drop=True)
    return Explanation(order=order, areas=areas.reset_index(drop=True), partners=partners)
