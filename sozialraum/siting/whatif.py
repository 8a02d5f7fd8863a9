"""What-if: a planner changes the chosen sites by hand; how many are within reach, and how far is that from the
optimum for the same number of new sites (the plan's k-curve)?

``evaluate_sites`` is the pure core (0/1 reach pattern, weights, a site set, the curve's optimum per k);
``whatif_context`` rebuilds demand and reach exactly as ``plan_sites`` did for the plan (same parameters, safe
weights) once, and ``evaluate_view`` evaluates a list of site ids on it: coverage, the gap to the optimum for
the same number of new sites, the load of each site (people whose nearest chosen site it is, staff hours,
capacity) and which site serves each area — what the map and the figures of the what-if show.
``apply_click`` is the map's click logic (add, remove, move) as a pure function of ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    view = evaluate_view(whatif_context(con, plan), site_ids)
    return view.result, view.sites[["id", "name", "type_label", "fixed"]].reset_index(drop=True)


# ------------------------------------------------------------------------------------ what-if on the map
CLICK_MODES = ("umschalten", "verschieben")
CLIP_MARGIN_M = 1000.0  # catchments on the map reach this far beyond the level's areas  # click: add/remove, or move (pick a site, then a candidate)


@dataclass(frozen=True)
class ClickOutcome:
    selection: tuple[str, ...]  # new sites (ids) in the planner's order: their numbers on the map
    moving: str | None  # the site picked for a move, waiting for its new place
    message: str  # what happened, in German ("" when nothing needs saying)
    changed: bool


def apply_click(selection, fixed_ids, candidate_ids, clicked: str | None, mode: str = "umschalten",
                moving: str | None = None, names: dict | None = None) -> ClickOutcome:
    """What one click on the what-if map does (pure: ids in, new selection out).

    The role of the clicked id is read from the current state, not from the map (a map drawn a moment ago may
    be stale): a fixed site cannot be changed; mode "umschalten": a candidate is added at the end, a chosen new
    site removed; mode "verschieben": a click on a chosen site picks it (a second click on it puts it back),
    then a click on a candidate puts the picked site there — same number, new place.
    """
    sel = [str(s) for s in selection]
    fixed = {str(f) for f in fixed_ids}
    known = {str(c) for c in candidate_ids}
    name = (lambda i: (names or {}).get(i, i))
    moving = str(moving) if moving is not None and str(moving) in sel else None
    if clicked is None:
        return ClickOutcome(tuple(sel), moving, "", False)
    c = str(clicked)
    if c in fixed:
        return ClickOutcome(tuple(sel), moving, f"„{name(c)}“ ist ein fester Standort und bleibt.", False)
    if c not in known and c not in sel:
        return ClickOutcome(tuple(sel), moving, "", False)
    if mode == "verschieben":
        if c in sel:
            if moving == c:
                return ClickOutcome(tuple(sel), None, f"„{name(c)}“ bleibt, wo er ist.", False)
            return ClickOutcome(tuple(sel), c, f"„{name(c)}“ verschieben: jetzt den neuen Ort anklicken.", False)
        if moving is None:
            return ClickOutcome(tuple(sel), None, "Zum Verschieben zuerst einen gewählten Standort anklicken.", False)
        sel[sel.index(moving)] = c
        return ClickOutcome(tuple(sel), None, f"„{name(moving)}“ → „{name(c)}“ verschoben.", True)
    if c in sel:
        sel.remove(c)
        return ClickOutcome(tuple(sel), None, f"„{name(c)}“ entfernt.", True)
    sel.append(c)
    return ClickOutcome(tuple(sel), None, f"„{name(c)}“ hinzugefügt.", True)


@dataclass
class WhatIfContext:
    """Everything a what-if needs, built once per plan (demand and reach exactly as ``plan_sites`` made them);
    ``evaluate`` is then a few array operations. The optimum per number of new sites and the catchments of
    sites are remembered as they are asked for."""

    plan_parameters: dict
    settings: dict
    cands: pd.DataFrame  # id, name, type, type_label, lon, lat, x, y, fixed
    demand: pd.DataFrame  # area_key, x, y, weight
    travel: object
    reach: object  # csr demand × candidates, minutes within the budget
    pattern: object
    weights: np.ndarray
    fixed: np.ndarray
    time_limit: float
    epsg: int
    bounds: tuple  # (xmin, ymin, xmax, ymax) of the level's areas: catchments are drawn within it (+ 1 km)
    _optimum: dict = field(default_factory=dict)
    _catchments: dict = field(default_factory=dict)
    _by_site: object = None  # the reach pattern by column (CSC), made on first use

    @property
    def by_site(self):
        if self._by_site is None:
            self._by_site = self.pattern.tocsc()
        return self._by_site

    @property
    def ids(self) -> list[str]:
        return self.cands["id"].astype(str).tolist()

    @property
    def fixed_ids(self) -> list[str]:
        return [self.ids[j] for j in self.fixed]

    @property
    def budget_min(self) -> float:
        return float(self.plan_parameters["budget_min"])

    def optimum(self, n_new: int) -> float | None:
        """Best covered weight with ``n_new`` new sites on top of the fixed ones (exact MCLP), None beyond the
        number of free candidates."""
        from sozialraum.siting.mclp import mclp_curve

        if n_new > len(self.ids) - len(self.fixed):
            return None
        if n_new not in self._optimum:
            points = mclp_curve(self.pattern, self.weights, [n_new], self.fixed, self.time_limit, chain=False)
            self._optimum[n_new] = points[n_new].covered_weight
        return self._optimum[n_new]

    def index_of(self, site_ids) -> list[int]:
        from sozialraum.errors import InputError

        pos = {i: j for j, i in reversed(list(enumerate(self.ids)))}
        unknown = [str(i) for i in site_ids if str(i) not in pos]
        if unknown:
            raise InputError(f"Unbekannte Standorte: {', '.join(unknown)}")
        return [pos[str(i)] for i in site_ids]

    def catchments(self, site_ids, spacing_m: float):
        """Reach polygons (metric CRS) of the sites on the travel model: one per id, None where nothing is
        reached (``sozialraum.access.isochrone``); only asked of a model without straight-line circles."""
        from sozialraum.access.isochrone import isochrones

        todo = [i for i in dict.fromkeys(map(str, site_ids)) if (i, spacing_m) not in self._catchments]
        if todo:
            xy = self.cands[["x", "y"]].to_numpy(dtype="float64")[self.index_of(todo)]
            x0, y0, x1, y1 = self.bounds
            box = (x0 - CLIP_MARGIN_M, y0 - CLIP_MARGIN_M, x1 + CLIP_MARGIN_M, y1 + CLIP_MARGIN_M)
            for i, g in zip(todo, isochrones(self.travel, xy, self.budget_min, spacing_m=spacing_m, clip_box=box)):
                self._catchments[(i, spacing_m)] = g
        return [self._catchments[(str(i), spacing_m)] for i in site_ids]


def whatif_context(con, plan) -> WhatIfContext:
    """Demand, candidates and reach of ``plan`` rebuilt from the store (same parameters, safe weights)."""
    from sozialraum.access.store_adapter import load_demand
    from sozialraum.access.travel import model_from_settings
    from sozialraum.network import store_network_dir
    from sozialraum.settings import resolve
    from sozialraum.siting.models import pattern
    from sozialraum.siting.plan import _candidates
    from sozialraum.store.connection import metric_epsg

    par = plan.parameters
    settings = par.get("settings") or {}
    s = resolve(settings)
    areas, demand = load_demand(con, par["level"], par["period"], par["target_indicator"],
                                spacing_m=s["demand_grid_m"], threshold=s["suppression_threshold"])
    cands = _candidates(con, par.get("venue_types"), par.get("barrier_free_only", False),
                        par.get("fix_jobcenters", True)).reset_index(drop=True)
    travel = model_from_settings(settings, network_dir=store_network_dir(con))  # as plan_sites measured reach
    reach = travel.minutes(demand[["x", "y"]].to_numpy(dtype="float64"), cands[["x", "y"]].to_numpy(dtype="float64"),
                           float(par["budget_min"]))
    return WhatIfContext(par, dict(settings), cands, demand[["area_key", "x", "y", "weight"]].reset_index(drop=True),
                         travel, reach, pattern(reach), demand["weight"].to_numpy(dtype="float64"),
                         np.flatnonzero(cands["fixed"].to_numpy()), float(s["solver_time_limit_s"]),
                         int(metric_epsg(con)), tuple(float(v) for v in areas.total_bounds))


@dataclass(frozen=True)
class WhatIfView:
    result: WhatIf
    sites: pd.DataFrame  # fixed first, then the new sites in the given order: id, name, type, type_label, lon,
    # lat, x, y, fixed, order (0 fixed, 1.. new), covered (≈ within its reach), served (≈ nearest chosen site),
    # cases (served × the site's uptake), staff_hours_week, capacity, utilisation — people rounded to tens
    area_service: pd.DataFrame  # area_key, site (order of the site serving most of the area, NaN none), share


def evaluate_view(ctx: WhatIfContext, site_ids) -> WhatIfView:
    """Coverage, loads per site and area service of the new sites ``site_ids`` (in this order) plus the fixed
    ones, and the gap to the optimum for as many new sites."""
    from sozialraum.access.present import round_people
    from sozialraum.siting.capacity import site_capacity, site_uptake, staff_hours_per_week
    from sozialraum.siting.models import nearest_assignment

    fixed = [int(j) for j in ctx.fixed]
    new = [j for j in dict.fromkeys(ctx.index_of(site_ids)) if j not in set(fixed)]
    n_new = len(new)
    best = ctx.optimum(n_new)
    res = evaluate_sites(ctx.pattern, ctx.weights, new, fixed, {} if best is None else {n_new: best})
    chosen = fixed + new
    w = ctx.weights
    assign, _ = nearest_assignment(ctx.reach, chosen)
    ok = assign >= 0
    served = np.bincount(assign[ok], weights=w[ok], minlength=len(ctx.ids))
    pc = ctx.by_site
    within = np.array([float(w[pc.indices[pc.indptr[j]:pc.indptr[j + 1]]].sum()) for j in chosen])
    sites = ctx.cands.iloc[chosen].reset_index(drop=True).copy()
    sites["order"] = [0] * len(fixed) + list(range(1, n_new + 1))
    sites["covered"] = round_people(within)
    sites["served"] = round_people(served[chosen])
    cases = served[chosen] * site_uptake(sites["type"].to_numpy(), ctx.settings)
    sites["cases"] = round_people(cases)
    sites["staff_hours_week"] = np.round(staff_hours_per_week(cases, ctx.settings), 1)
    sites["capacity"] = np.round(site_capacity(sites["type"].to_numpy(), ctx.settings))
    sites["utilisation"] = np.divide(cases, sites["capacity"], out=np.full(len(sites), np.nan),
                                     where=sites["capacity"].to_numpy() > 0)
    number = {j: o for j, o in zip(chosen, sites["order"])}
    keys = ctx.demand["area_key"].astype(str).to_numpy()
    f = pd.DataFrame({"area_key": keys, "w": w, "site": [number.get(int(a), -1) for a in assign],
                      "in": w * ok})
    total = f.groupby("area_key")[["w", "in"]].sum()
    by_site = f[f["site"] >= 0].groupby(["area_key", "site"])["w"].sum().reset_index()
    top = by_site.sort_values(["area_key", "w", "site"], ascending=[True, False, True]).drop_duplicates("area_key")
    service = pd.DataFrame({"area_key": total.index.astype(str),
                            "share": (total["in"] / total["w"].where(total["w"] > 0)).to_numpy()})
    service["site"] = service["area_key"].map(dict(zip(top["area_key"], top["site"]))).astype("float64")
    return WhatIfView(res, sites, service[["area_key", "site", "share"]])


def plan_for_selection(con, plan, site_ids):
    """The plan as changed by hand — the new sites ``site_ids`` plus the plan's fixed ones — as a full
    ``SitingPlan`` (sites, explanation, area service, caseload, fairness; the k-curve stays the plan's), so it
    can be saved, compared and reported like a computed one. ``parameters['by_hand']`` is True and
    ``summary['gap_to_optimum']`` holds the share it falls short of the best choice of as many new sites."""
    from sozialraum.access.present import published_counts, round_people
    from sozialraum.access.store_adapter import load_demand
    from sozialraum.settings import resolve
    from sozialraum.siting.capacity import caseload, nearest_flows, site_capacity, site_uptake
    from sozialraum.siting.core import SitingResult, covered_mask, nearest_assignment
    from sozialraum.siting.explain import explain_sites
    from sozialraum.siting.plan import (
        CASELOAD_COLUMNS,
        SitingPlan,
        _fairness,
        _group_weights,
        _present,
        _present_caseload,
    )
    from sozialraum.store import read

    ctx = whatif_context(con, plan)
    par = dict(plan.parameters)
    s = resolve(ctx.settings)
    areas, _ = load_demand(con, par["level"], par["period"], par["target_indicator"], spacing_m=s["demand_grid_m"],
                           threshold=s["suppression_threshold"])
    view = evaluate_view(ctx, site_ids)
    res, w, fixed = view.result, ctx.weights, [int(j) for j in ctx.fixed]
    selected = tuple(sorted(res.selected))
    assignment, _ = nearest_assignment(ctx.reach, selected)
    result = SitingResult(par.get("model", "mclp"), selected, res.covered_weight, res.covered_weight,
                          res.total_weight, assignment, 0.0, "optimal", 0.0, tuple(fixed))
    prov = read.providers(con)
    cxy = ctx.cands[["x", "y"]].to_numpy(dtype="float64")
    partner_reach = (ctx.travel.minutes(cxy, prov[["x", "y"]].to_numpy(dtype="float64"), ctx.budget_min)
                     if len(prov) else None)
    ex = explain_sites(ctx.reach, w, selected, fixed, area_keys=ctx.demand["area_key"].to_numpy(),
                       partner_reach=partner_reach,
                       provider_types=prov["service_type"].to_numpy() if len(prov) else None)
    pub = published_counts(con, par["level"], par["period"], par["target_indicator"],
                           threshold=s["suppression_threshold"])
    no_curve = pd.DataFrame({"k": [], "covered_share": [], "covered_weight": [], "added_weight": [], "selected": []})
    demand = ctx.demand.assign(point_id=range(len(ctx.demand)))
    frames = _present(ctx.cands, areas, demand, w, ctx.reach, result, ex, no_curve, prov, pub, fixed)
    frames["k_curve"] = plan.k_curve.copy()
    groups = [g for g in dict.fromkeys(plan.caseload["group"]) if g != par["target_indicator"]] \
        if len(plan.caseload) else []
    weights = {par["target_indicator"]: w} | _group_weights(con, par["level"], par["period"], groups, demand,
                                                             s["suppression_threshold"], skip=par["target_indicator"])
    loads = caseload(nearest_flows(assignment, w, len(ctx.ids)), weights, selected,
                     capacity=site_capacity(ctx.cands["type"].to_numpy(), ctx.settings), settings=ctx.settings,
                     uptake=site_uptake(ctx.cands["type"].to_numpy(), ctx.settings))
    frames["caseload"] = _present_caseload(loads, ctx.cands, ctx.settings, frames["sites"])[CASELOAD_COLUMNS]
    fair, ci, need_period = _fairness(con, par["level"], par["period"], demand, w,
                                      covered_mask(ctx.pattern, selected).astype(float))
    frames["fairness"] = fair
    summary = dict(plan.summary)
    summary.update({
        "model_label": f"{plan.summary.get('model_label', par.get('model'))} – von Hand geändert",
        "status": "optimal", "gap": 0.0, "solve_seconds": 0.0, "n_new": res.n_new,
        "covered_share": res.covered_share, "covered": round_people(res.covered_weight),
        "total": round_people(res.total_weight), "objective": None, "concentration_index": ci,
        "need_period": need_period, "gap_to_optimum": res.gap_share})
    par.update({"k": res.n_new, "by_hand": True,
                "sites_by_hand": [str(i) for i in site_ids if str(i) not in set(ctx.fixed_ids)]})
    return SitingPlan(parameters=par, summary=summary, **frames)
