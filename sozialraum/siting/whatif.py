"""What-if: a planner changes the chosen sites by hand; how many are within reach, and how far is that from the
optimum for the same number of new sites (the plan's k-curve)?

``evaluate_sites`` is the pure core (0/1 reach pattern, weights, a site set, the curve's optimum per k);
``whatif_for_store`` rebuilds demand and reach exactly as ``plan_sites`` did for the plan (same parameters,
safe weights) and evaluates a list of site ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.siting.core import covered_mask


@dataclass(frozen=True)
class WhatIf:
    selected: tuple[int, ...]
    n_new: int
    covered_weight: float
    total_weight: float
    optimum_weight: float | None  # best coverage with n_new new sites (k-curve), None when beyond the curve
    gap_weight: float | None  # optimum − this set (≥ 0)

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else float("nan")

    @property
    def gap_share(self) -> float | None:
        if self.gap_weight is None or self.total_weight <= 0:
            return None
        return self.gap_weight / self.total_weight


def evaluate_sites(cover_pattern, weights, selected, fixed, optimum_by_k: dict) -> WhatIf:
    """Coverage of ``selected`` (fixed sites always counted) and the gap to the optimum for the same k."""
    w = np.asarray(weights, dtype="float64")
    sel = tuple(sorted({int(j) for j in selected} | {int(j) for j in fixed}))
    n_new = len(set(sel) - {int(j) for j in fixed})
    covered = float(w[covered_mask(cover_pattern, sel)].sum()) if sel else 0.0
    best = optimum_by_k.get(n_new)
    gap = None if best is None else max(0.0, float(best) - covered)
    return WhatIf(sel, n_new, covered, float(w.sum()), None if best is None else float(best), gap)


def whatif_for_store(con, plan, site_ids) -> tuple[WhatIf, pd.DataFrame]:
    """(evaluation, the sites as a frame: id, name, type_label, fixed) for ``site_ids`` (new sites; the plan's
    fixed sites stay in). The optimum per k is recomputed on the same merged model as the plan's k-curve."""
    from sozialraum.access.store_adapter import load_demand
    from sozialraum.access.travel import model_from_settings
    from sozialraum.errors import InputError
    from sozialraum.settings import resolve
    from sozialraum.siting.mclp import mclp_curve
    from sozialraum.siting.models import pattern
    from sozialraum.siting.plan import _candidates

    par = plan.parameters
    settings = par.get("settings") or {}
    s = resolve(settings)
    _, demand = load_demand(con, par["level"], par["period"], par["target_indicator"], spacing_m=s["demand_grid_m"],
                            threshold=s["suppression_threshold"])
    cands = _candidates(con, par.get("venue_types"), par.get("barrier_free_only", False),
                        par.get("fix_jobcenters", True))
    ids = cands["id"].astype(str).tolist()
    unknown = [i for i in site_ids if str(i) not in ids]
    if unknown:
        raise InputError(f"Unbekannte Standorte: {', '.join(map(str, unknown))}")
    from sozialraum.network import store_network_dir

    travel = model_from_settings(settings, network_dir=store_network_dir(con))  # as plan_sites measured reach
    reach = travel.minutes(demand[["x", "y"]].to_numpy(dtype="float64"), cands[["x", "y"]].to_numpy(dtype="float64"),
                           float(par["budget_min"]))
    p = pattern(reach)
    w = demand["weight"].to_numpy(dtype="float64")
    fixed = np.flatnonzero(cands["fixed"].to_numpy())
    chosen = [ids.index(str(i)) for i in site_ids]
    n_new = len(set(chosen) - set(fixed.tolist()))
    n_free = len(ids) - len(fixed)
    optimum = {}
    if n_new <= n_free:
        points = mclp_curve(p, w, [n_new], fixed, float(s["solver_time_limit_s"]), chain=False)
        optimum = {n_new: points[n_new].covered_weight}
    res = evaluate_sites(p, w, chosen, fixed, optimum)
    sites = cands.iloc[list(res.selected)][["id", "name", "type_label", "fixed"]].reset_index(drop=True)
    return res, sites
