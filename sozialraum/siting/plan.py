"""Outreach siting on a store: demand from the counts, candidate venues, fixed Jobcenter sites → a ``SitingPlan``.

The optimisation never reads the raw counts: the demand points are weighted with the safe counts of
``sozialraum.access.present.safe_counts`` (published counts; a suppressed cell — primary or secondary — gets a
stand-in computed from published numbers only). So two stores that publish the same values give the same plan,
k-curve, explanation and scenario JSON, and no suppressed count can be recovered by differencing runs. Every
number of people in the plan's frames is either a published count (``sozialraum.analysis.confidentiality``) or
a model estimate rounded to tens, so no 1 or 2 appears in what is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum.access.present import published_counts, round_people
from sozialraum.errors import InputError

FRAMES = ("sites", "area_service", "explanation", "site_areas", "k_curve", "caseload", "fairness")
FAIRNESS_COLUMNS = ["status_class", "target", "within_reach", "share"]
CASELOAD_COLUMNS = ["id", "name", "group", "in_reach", "people", "staff_hours_week", "capacity", "utilisation"]


@dataclass(frozen=True)
class SitingPlan:
    parameters: dict
    summary: dict
    sites: pd.DataFrame  # id, name, type, lon, lat, x, y, fixed, order, marginal_gain, covered
    area_service: pd.DataFrame  # area_key, name, target, share_before, share_after, covered_after, gain
    explanation: pd.DataFrame  # per site: id, name, order, fixed, covered, marginal_gain, areas, partners
    site_areas: pd.DataFrame  # id, area_key, name, people, share_of_area
    k_curve: pd.DataFrame  # k, covered_share, covered, added, new_sites
    caseload: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CASELOAD_COLUMNS))
    # caseload: per site and target group: in_reach (people assigned to the site) and people (the expected cases:
    # in_reach × the site's uptake), both ≈, rounded to tens; staff_hours_week, capacity (cases per year),
    # utilisation (the planning group's cases / capacity). Plans saved before the uptake have no in_reach.
    fairness: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FAIRNESS_COLUMNS))
    # fairness: per MSS status class: target, within_reach (≈, rounded to tens), share
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        frames = {name: _frame_to_dict(getattr(self, name)) for name in FRAMES}
        return json.dumps(_clean({"parameters": self.parameters, "summary": self.summary, "frames": frames}),
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "SitingPlan":
        data = json.loads(text)
        frames = {name: _frame_from_dict(data["frames"][name]) for name in FRAMES if name in data["frames"]}
        return cls(parameters=data["parameters"], summary=data["summary"], **frames)


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return None if not np.isfinite(obj) else float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if obj is pd.NA or obj is pd.NaT:
        return None
    return obj


def _frame_to_dict(frame: pd.DataFrame) -> dict:
    return {"columns": list(frame.columns), "dtypes": [str(t) for t in frame.dtypes],
            "data": frame.astype(object).where(frame.notna(), None).to_numpy().tolist()}


def _frame_from_dict(d: dict) -> pd.DataFrame:
    frame = pd.DataFrame(d["data"], columns=d["columns"], dtype=object)
    for col, dtype in zip(d["columns"], d["dtypes"]):
        if dtype.startswith(("float", "int", "bool", "Int")):
            frame[col] = frame[col].astype("float64" if dtype.startswith("float") else dtype) \
                if not (dtype.startswith("int") and frame[col].isna().any()) else frame[col].astype("float64")
    return frame


def _candidates(con, venue_types, barrier_free_only, fix_jobcenters) -> pd.DataFrame:
    from sozialraum.services import JOBCENTER_SITE_TYPES, VENUE_TYPES
    from sozialraum.store import read

    venues = read.candidate_venues(con)
    if venue_types is not None:
        venues = venues[venues["venue_type"].isin(list(venue_types))]
    if barrier_free_only:
        venues = venues[venues["barrier_free"].fillna(False).astype(bool)]
    parts = []
    if fix_jobcenters:
        jc = read.jobcenter_sites(con)
        parts.append(pd.DataFrame({"id": jc["site_id"], "name": jc["name"], "type": jc["site_type"],
                                   "type_label": jc["site_type"].map(JOBCENTER_SITE_TYPES).fillna(jc["site_type"]),
                                   "lon": jc["lon"], "lat": jc["lat"], "x": jc["x"], "y": jc["y"], "fixed": True}))
    parts.append(pd.DataFrame({"id": venues["venue_id"], "name": venues["name"], "type": venues["venue_type"],
                               "type_label": venues["venue_type"].map(VENUE_TYPES).fillna(venues["venue_type"]),
                               "lon": venues["lon"], "lat": venues["lat"], "x": venues["x"], "y": venues["y"],
                               "fixed": False}))
    out = pd.concat(parts, ignore_index=True)
    out["fixed"] = out["fixed"].astype(bool)
    return out


def plan_sites(con, *, level: str, period: str | None, target_indicator: str = "rlb", budget_min: float = 15,
               k: int = 3, model: str = "mclp", venue_types=None, barrier_free_only: bool = False,
               fix_jobcenters: bool = True, settings: dict | None = None, travel=None,
               k_curve_max: int | None = None, caseload_groups=()) -> SitingPlan:
    """Choose ``k`` new outreach sites among the candidate venues (Jobcenter sites fixed in when
    ``fix_jobcenters``), for the target group ``target_indicator`` on ``level``/``period``.

    ``model``: 'mclp' (most people within ``budget_min``), 'pmedian' (shortest weighted walk) or 'lscp' (fewest
    sites so that everyone is within the budget; ``k`` is then ignored). ``settings``: overrides of
    ``sozialraum.settings`` (detour_factor, walking_speed_kmh, demand_grid_m, solver_time_limit_s,
    pmedian_nearest, max_new_sites, and the capacity settings). ``travel``: a travel model replacing the walking
    model. 'mclp_cap' is the MCLP within the sites' capacities (``sozialraum.siting.capacity``).
    ``caseload_groups``: further target groups (count indicators) whose expected caseload per site is shown
    beside the planning group's.
    """
    import time

    from sozialraum.access.store_adapter import load_demand
    from sozialraum.access.travel import model_from_settings
    from sozialraum.settings import resolve
    from sozialraum.siting.capacity import caseload, nearest_flows, site_capacity, site_uptake, solve_capacitated
    from sozialraum.siting.core import _fixed
    from sozialraum.siting.explain import explain_sites
    from sozialraum.siting.kcurve import curve_frame
    from sozialraum.siting.mclp import mclp_curve, reduce_cover
    from sozialraum.siting.models import MODELS, covered_mask, mclp_result, pattern, solve_lscp, solve_pmedian_refined
    from sozialraum.store import read

    clock, timings = time.perf_counter(), {}

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    if model not in MODELS:
        raise InputError(f"Unbekanntes Modell {model!r}; möglich: {', '.join(MODELS)}")
    s = resolve(settings)
    if travel is None:
        from sozialraum.network import store_network_dir

        travel = model_from_settings(settings, network_dir=store_network_dir(con))
    limit = float(s["solver_time_limit_s"])
    threshold = s["suppression_threshold"]
    areas, demand = load_demand(con, level, period, target_indicator, spacing_m=s["demand_grid_m"],
                                threshold=threshold)
    cands = _candidates(con, venue_types, barrier_free_only, fix_jobcenters)
    if (~cands["fixed"]).sum() == 0:
        raise InputError("Es gibt keine möglichen Standorte (Kandidaten) für diese Auswahl von Ortstypen.")
    fixed = np.flatnonzero(cands["fixed"].to_numpy()).tolist()
    dxy, cxy = demand[["x", "y"]].to_numpy(dtype="float64"), cands[["x", "y"]].to_numpy(dtype="float64")
    w = demand["weight"].to_numpy(dtype="float64")
    names = dict(zip(areas["area_key"], areas["name"]))
    lap("load_s")
    reach = travel.minutes(dxy, cxy, budget_min)
    lap("reach_s")
    # the k-curve (exact MCLP for k = 0..K on one merged model); for the MCLP it also gives the plan itself
    p = pattern(reach)
    red = reduce_cover(p, w, _fixed(fixed, p.shape[1]))
    n_free = p.shape[1] - len(fixed)
    wanted = min(int(k), n_free) if model == "mclp" else 0
    curve_max = int(k_curve_max if k_curve_max is not None else max(s["max_new_sites"], wanted))
    curve_max = min(curve_max, n_free)
    points = mclp_curve(p, w, range(max(curve_max, wanted) + 1), red.fixed, limit, red=red)
    lap("k_curve_s")
    capres = None
    if model == "mclp":
        if k > n_free:
            from sozialraum.errors import SolverError

            raise SolverError(f"Es sollen {k} neue Standorte gewählt werden, es gibt aber nur {n_free} freie "
                              "Kandidaten.")
        res = mclp_result(reach, w, points[int(k)], fixed)
    elif model == "pmedian":
        res = solve_pmedian_refined(travel, dxy, cxy, w, k, fixed=fixed, nearest=int(s["pmedian_nearest"]),
                                    time_limit=limit, budget=budget_min)
    elif model == "mclp_cap":
        # room for people within reach: cases per year ÷ the share of them that use the site
        cap = site_capacity(cands["type"].to_numpy(), settings) / site_uptake(cands["type"].to_numpy(), settings)
        capres = solve_capacitated(reach, w, k, cap, fixed=fixed, time_limit=limit)
        res = _as_siting_result(capres, reach, w)
    else:
        ids = [f"{names.get(a, a)} (Punkt {p_})" for a, p_ in zip(demand["area_key"], demand["point_id"])]
        res = solve_lscp(reach, fixed=fixed, time_limit=limit, weights=w, demand_ids=ids)
    lap("solve_s")
    flows = capres.flows if model == "mclp_cap" else nearest_flows(res.assignment, w, len(cands))
    groups = {target_indicator: w} | _group_weights(con, level, period, caseload_groups, demand, threshold,
                                                     skip=target_indicator)
    loads = caseload(flows, groups, res.selected, capacity=site_capacity(cands["type"].to_numpy(), settings),
                     settings=settings, uptake=site_uptake(cands["type"].to_numpy(), settings))
    curve = curve_frame({k_: pt for k_, pt in points.items() if k_ <= curve_max}, float(w.sum()))
    prov = read.providers(con)
    partner_reach = (travel.minutes(cxy, prov[["x", "y"]].to_numpy(dtype="float64"), budget_min)
                     if len(prov) else None)
    ex = explain_sites(reach, w, res.selected, fixed, area_keys=demand["area_key"].to_numpy(),
                       partner_reach=partner_reach,
                       provider_types=prov["service_type"].to_numpy() if len(prov) else None)
    n_new = len(res.new_sites)
    pub = published_counts(con, level, period, target_indicator, threshold=threshold)
    frames = _present(cands, areas, demand, w, reach, res, ex, curve, prov, pub, fixed)
    frames["caseload"] = _present_caseload(loads, cands, settings, frames["sites"])
    reached = (np.asarray(flows.sum(axis=1)).ravel() / np.where(w > 0, w, 1.0)) if model == "mclp_cap" else \
        covered_mask(p, res.selected).astype(float)
    fair, ci, need_period = _fairness(con, level, period, demand, w, reached)
    frames["fairness"] = fair
    lap("explain_s")
    timings["total_s"] = sum(timings.values())
    summary = {
        "model": model, "model_label": MODELS[model], "status": res.status, "gap": res.gap,
        "solve_seconds": res.solve_seconds, "n_new": n_new, "n_fixed": len(fixed),
        "covered_share": res.covered_share, "covered": round_people(res.covered_weight),
        "total": round_people(res.total_weight),
        "covered_share_fixed_only": float(curve["covered_share"].iloc[0]) if len(curve) else None,
        "objective": res.objective if model not in ("mclp", "mclp_cap") else None,
        "concentration_index": ci, "need_period": need_period,
        "reachable_share": (capres.reachable_weight / capres.total_weight
                            if capres is not None and capres.total_weight > 0 else None),
        "n_demand_points": int(len(demand)), "n_candidates": int(len(cands)),
        "n_model_rows": int(red.matrix.shape[0]), "n_rows_before_merge": int(red.n_rows_before),
        "k_curve_status": "optimal" if (curve["status"] == "optimal").all() else "time_limit",
        "k_curve_max_gap": float(curve["gap"].max()) if len(curve) else 0.0,
        "k_curve_mip_solves": int((curve["how"] == "mip").sum()),
        "areas_without_count": list(demand.attrs.get("ohne_gewicht", [])),
        "areas_estimated": list(demand.attrs.get("geschaetzt", [])),
    }
    params = {"level": level, "period": period, "target_indicator": target_indicator, "budget_min": budget_min,
              "k": k, "model": model, "venue_types": list(venue_types) if venue_types is not None else None,
              "barrier_free_only": barrier_free_only, "fix_jobcenters": fix_jobcenters,
              "settings": dict(settings or {}), "travel": type(travel).__name__}
    # timings (seconds per step) vary from run to run: kept beside the plan, not in its summary or saved JSON
    return SitingPlan(parameters=params, summary=summary, **frames, extra={"timings": timings})


def _as_siting_result(cap, reach, w):
    """A capacitated answer in the ``SitingResult`` shape the frames use: covered = people served in capacity."""
    from sozialraum.siting.models import SitingResult, nearest_assignment

    assignment, _ = nearest_assignment(reach, cap.selected)
    return SitingResult("mclp_cap", cap.selected, cap.served_weight, cap.served_weight, cap.total_weight,
                        assignment, cap.solve_seconds, cap.status, cap.gap, cap.fixed)


def _group_weights(con, level, period, groups, demand, threshold, skip=None) -> dict:
    """Per demand point the safe weight of further target groups (equal shares within each area, as the
    demand points of the planning group)."""
    from sozialraum.access.present import safe_counts

    keys = demand["area_key"].astype(str)
    n_in_area = keys.map(keys.value_counts()).to_numpy(dtype="float64")
    out = {}
    for g in groups:
        if g == skip or g in out:
            continue
        try:
            counts = safe_counts(con, level, period, g, threshold=threshold)
        except InputError:  # no published values for this group in this period: no caseload row for it
            continue
        counts.index = counts.index.astype(str)
        per_area = keys.map(counts).to_numpy(dtype="float64")
        out[g] = np.where(np.isfinite(per_area), per_area / n_in_area, 0.0)
    return out


def _fairness(con, level, period, demand, w, reached):
    """Reach per MSS status class and the concentration index over the need index of the level (the latest
    period up to ``period`` that has a scored need index; nothing when there is none)."""
    from sozialraum.analysis.need_index import STORE_MSS, STORE_RATES, need_index_for_store
    from sozialraum.siting.robust import fairness
    from sozialraum.store import read

    empty = pd.DataFrame(columns=FAIRNESS_COLUMNS)
    periods = sorted({p_ for ind in (*STORE_MSS[0], *STORE_RATES) for p_ in read.periods(con, indicator=ind,
                                                                                       level=level)}, reverse=True)
    if period is not None:
        periods = [p_ for p_ in periods if str(p_) <= str(period)] or periods
    for p_ in periods[:4]:
        try:
            need = need_index_for_store(con, level, p_)
        except (InputError, ValueError, KeyError):
            continue
        need = need[need["scored"].astype(bool)]
        if len(need) < 2:
            continue
        keys = need["area_key"].astype(str)
        per, ci = fairness(demand["area_key"].to_numpy(), w, reached, dict(zip(keys, need["status_class"])),
                           dict(zip(keys, need["status_index"])))
        per["target"] = round_people(per["target"])
        per["within_reach"] = round_people(per["within_reach"])
        return per[FAIRNESS_COLUMNS], (None if not np.isfinite(ci) else round(float(ci), 3)), p_
    return empty, None, None


def _present_caseload(loads, cands, settings, sites) -> pd.DataFrame:
    """Caseload per site and group as it may be shown: people in reach and expected cases rounded to tens, hours
    and use from those."""
    from sozialraum.siting.capacity import staff_hours_per_week

    out = pd.DataFrame({"id": cands["id"].to_numpy()[loads["candidate"].to_numpy(dtype=np.int64)],
                        "name": cands["name"].to_numpy()[loads["candidate"].to_numpy(dtype=np.int64)],
                        "group": loads["group"].to_numpy()})
    out["in_reach"] = round_people(loads["people"].to_numpy(dtype="float64"))
    out["people"] = round_people(loads["cases"].to_numpy(dtype="float64"))  # expected cases
    out["staff_hours_week"] = np.round(staff_hours_per_week(out["people"], settings), 1)
    out["capacity"] = np.round(loads["capacity"].to_numpy(dtype="float64"))
    # utilisation by the planning group's cases (rounded); the other groups' rows carry the site's
    first = out[out["group"] == out["group"].iloc[0]].set_index("id")["people"] if len(out) else pd.Series()
    out["utilisation"] = np.divide(out["id"].map(first).to_numpy(dtype="float64"), out["capacity"],
                                   out=np.full(len(out), np.nan), where=out["capacity"].to_numpy() > 0)
    # sites in the plan's order (fixed first, then by marginal gain), the groups in the order asked
    order = dict(zip(sites["id"], sites["order"]))
    group_rank = {g: i for i, g in enumerate(dict.fromkeys(out["group"]))}
    out = out.assign(_o=out["id"].map(order), _g=out["group"].map(group_rank)).sort_values(["_o", "_g"])
    return out[CASELOAD_COLUMNS].reset_index(drop=True)


def _ids(cands, selected, fixed) -> str:
    return "; ".join(sorted(str(cands["id"].iloc[j]) for j in selected if j not in set(fixed)))


def _present(cands, areas, demand, w, reach, res, ex, curve, prov, pub, fixed) -> dict:
    from sozialraum.services import SERVICE_TYPES
    from sozialraum.siting.models import covered_mask, pattern

    names = dict(zip(areas["area_key"], areas["name"]))
    order = ex.order.set_index("candidate")
    sel = list(res.selected)
    sites = cands.iloc[sel].copy()
    sites["order"] = [int(order.loc[j, "order"]) for j in sel]
    sites["marginal_gain"] = round_people([order.loc[j, "marginal_gain"] for j in sel])
    sites["covered"] = round_people([order.loc[j, "served"] for j in sel])
    sites = sites.sort_values("order").reset_index(drop=True)
    sites = sites[["id", "name", "type", "type_label", "lon", "lat", "x", "y", "fixed", "order", "marginal_gain",
                   "covered"]]
    # per area: share of the target group within reach before (fixed sites only) and after
    p = pattern(reach)
    keys = demand["area_key"].astype(str).to_numpy()
    before = covered_mask(p, fixed) if fixed else np.zeros(len(w), dtype=bool)
    after = covered_mask(p, sel)
    f = pd.DataFrame({"area_key": keys, "w": w, "b": w * before, "a": w * after})
    agg = f.groupby("area_key", sort=True)[["w", "b", "a"]].sum()
    area_service = pd.DataFrame({"area_key": agg.index, "name": [names.get(k_) for k_ in agg.index]})
    area_service["target"] = area_service["area_key"].map(pub).to_numpy(dtype="float64")
    wsum = agg["w"].where(agg["w"] > 0).to_numpy()
    area_service["share_before"] = agg["b"].to_numpy() / wsum
    area_service["share_after"] = agg["a"].to_numpy() / wsum
    area_service["covered_after"] = round_people(area_service["target"] * area_service["share_after"])
    area_service["gain"] = round_people(area_service["target"] * (area_service["share_after"]
                                                                  - area_service["share_before"]))
    # who each site serves (areas) and which partners are near
    site_areas = ex.areas.copy()
    site_areas["id"] = site_areas["candidate"].map(lambda j: cands["id"].iloc[j])
    site_areas["name"] = site_areas["area_key"].map(names)
    site_areas["people"] = round_people(site_areas["area_key"].map(pub).to_numpy(dtype="float64")
                                        * site_areas["share_of_area"].to_numpy(dtype="float64"))
    site_areas = site_areas[["id", "area_key", "name", "people", "share_of_area"]].reset_index(drop=True)
    rows = []
    ids = cands["id"].tolist()
    first_pos = {sid: j for j, sid in reversed(list(enumerate(ids)))}
    served = site_areas[site_areas["people"] > 0]
    by_site = {sid: (g["name"].tolist(), g["people"].tolist()) for sid, g in served.groupby("id", sort=False)}
    parts = {j: g for j, g in ex.partners.groupby("candidate", sort=False)} if len(ex.partners) else {}
    prov_names = prov["name"].astype(str).to_numpy() if len(prov) else np.array([], dtype=object)
    for site in sites[["id", "name", "order", "fixed", "covered", "marginal_gain"]].to_dict("records"):
        j = first_pos[site["id"]]
        area_names, people = by_site.get(site["id"], ([], []))
        area_text = "; ".join(f"{n} (≈ {int(v)})" for n, v in zip(area_names[:8], people[:8]))
        part = parts.get(j)
        if part is not None:
            types, counts = np.unique(part["service_type"].astype(str).to_numpy(), return_counts=True)
            partner_text = "; ".join(f"{SERVICE_TYPES.get(t, t)}: {n}" for t, n in zip(types, counts))
            partner_names = "; ".join(prov_names[part["provider"].to_numpy()[:10]])
        else:
            partner_text, partner_names = "", ""
        rows.append({**site, "n_areas": len(area_names), "areas": area_text,
                     "n_partners": 0 if part is None else int(len(part)), "partners": partner_text,
                     "partner_names": partner_names})
    explanation = pd.DataFrame(rows, columns=["id", "name", "order", "fixed", "covered", "marginal_gain", "n_areas",
                                              "areas", "n_partners", "partners", "partner_names"])
    k_curve = pd.DataFrame({"k": curve["k"], "covered_share": curve["covered_share"],
                            "covered": round_people(curve["covered_weight"]),
                            "added": round_people(curve["added_weight"]),
                            "new_sites": [_ids(cands, s_, fixed) for s_ in curve["selected"]]})
    return {"sites": sites, "area_service": area_service, "explanation": explanation, "site_areas": site_areas,
            "k_curve": k_curve}
