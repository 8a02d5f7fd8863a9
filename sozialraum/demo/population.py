"""Residents by age group per Planungsraum and reference date, consistent integers.

The age structure follows the type of quarter: more children in the housing estates, more young adults and
fewer old people in the centre, more old people in the villa quarters. Special zones (industry, forest,
allotments) keep only a handful of residents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.demo.layout import Layout
from sozialraum.demo.plan import AFFLUENT, ESTATE, HOT_INNER, CityPlan

PERIODS = ("2020-12-31", "2022-12-31", "2024-12-31")
POPULATION = ("ew_gesamt", "ew_u15", "ew_u25", "ew_15_64", "ew_65plus")
SPECIAL_RESIDENTS = {"industrial": (15, 140), "forest": (25, 160), "allotments": (120, 290)}


def quarter_profile(plan: CityPlan, layout: Layout) -> pd.DataFrame:
    """Per Planungsraum: key, Stadtteil, resident-weighted zone influences and centrality (0..1)."""
    b = layout.blocks
    x, y = b.xy[:, 0], b.xy[:, 1]
    pop = layout.block_pop
    n = len(layout.plr)
    total = np.bincount(layout.plr_of_block, weights=pop, minlength=n) + 1e-9
    area = np.bincount(layout.plr_of_block, weights=b.area_km2, minlength=n)

    def mean(values):  # resident-weighted mean per Planungsraum (area-weighted where nobody lives)
        w = np.bincount(layout.plr_of_block, weights=pop * values, minlength=n) / total
        wa = np.bincount(layout.plr_of_block, weights=b.area_km2 * values, minlength=n) / area
        return np.where(total > 1, w, wa)

    cx, cy = plan.centre
    prof = pd.DataFrame({
        "key": layout.plr.key.to_numpy(),
        "stadtteil": layout.plr.parent_key.to_numpy(),
        "estate": mean(plan.influence(ESTATE, x, y)),
        "hot_inner": mean(plan.influence(HOT_INNER, x, y)),
        "affluent": mean(plan.influence(AFFLUENT, x, y)),
        "centrality": mean(np.exp(-((np.hypot(x - cx, y - cy) / 2000.0) ** 2))),
        "special": layout.plr.special.to_numpy(),
        "pop_blocks": layout.plr.pop_blocks.to_numpy(),
    })
    return prof


def residents(prof: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Wide frame: key, period, ew_gesamt, ew_u15, ew_u25, ew_15_64, ew_65plus, ew_15_24."""
    n = len(prof)
    base = prof.pop_blocks.to_numpy().copy()
    special = prof.special.to_numpy()
    for i, kind in enumerate(special):
        if isinstance(kind, str):
            lo, hi = SPECIAL_RESIDENTS[kind]
            base[i] = rng.integers(lo, hi)
    est, hot, aff, cen = (prof[c].to_numpy() for c in ("estate", "hot_inner", "affluent", "centrality"))
    s_u15 = 0.135 + 0.05 * est + 0.02 * hot - 0.03 * cen - 0.01 * aff + rng.normal(0, 0.01, n)
    s_1524 = 0.092 + 0.06 * cen + 0.015 * est + rng.normal(0, 0.008, n)
    s_65 = 0.225 - 0.075 * cen + 0.06 * aff - 0.03 * hot - 0.02 * est + rng.normal(0, 0.018, n)
    # Growth: slightly growing city, refugees in 2022 mostly in the centre and the estates.
    growth = {0: np.exp(rng.normal(-0.026, 0.012, n) - 0.012 * (est + cen)),
              1: np.exp(rng.normal(-0.008, 0.008, n) - 0.004 * (est + cen)),
              2: np.ones(n)}
    rows = []
    for t, period in enumerate(PERIODS):
        pop = np.round(base * growth[t]).astype(np.int64)
        ageing = 0.004 * (t - 2)
        u15 = np.round(pop * np.clip(s_u15 - 0.002 * (t - 2), 0.03, 0.3)).astype(np.int64)
        o65 = np.round(pop * np.clip(s_65 + ageing, 0.05, 0.45)).astype(np.int64)
        mid = pop - u15 - o65
        y1524 = np.minimum(np.round(pop * np.clip(s_1524, 0.04, 0.25)).astype(np.int64), mid)
        rows.append(pd.DataFrame({
            "key": prof.key.to_numpy(), "period": period, "ew_gesamt": pop, "ew_u15": u15,
            "ew_u25": u15 + y1524, "ew_15_64": mid, "ew_65plus": o65, "ew_15_24": y1524,
        }))
    return pd.concat(rows, ignore_index=True)
