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

FRAMES = ("sites", "area_service", "explanation", "site_areas", "k_curve")


@dataclass(frozen=True)
class SitingPlan:
    parameters: dict
    summary: dict
    sites: pd.DataFrame  # id, name, type, lon, lat, x, y, fixed, order, marginal_gain, covered
    area_service: pd.DataFrame  # area_key, name, target, share_before, share_after, covered_after, gain
    explanation: pd.DataFrame  # per site: id, name, order, fixed, covered, marginal_gain, areas, partners
    site_areas: pd.DataFrame  # id, area_key, name, people, share_of_area
    k_curve: pd.DataFrame  # k, covered_share, covered, added, new_sites
    extra: dict = field(default_factory=dict)

    def to_json(self) -> str:
        frames = {name: _frame_to_dict(getattr(self, name)) for name in FRAMES}
        return json.dumps(_clean({"parameters": self.parameters, "summary": self.summary, "frames": frames}),
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "SitingPlan":
        data = json.loads(text)
        frames = {name: _frame_from_dict(data["frames"][name]) for name in FRAMES}
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
               k_curve_max: int | None = None) -> SitingPlan:
    """Choose ``k`` new outreach sites among the candidate venues (Jobcenter sites fixed in when
    ``fix_jobcenters``), for the target group ``target_indicator`` on ``level``/``period``.

    ``model``: 'mclp' (most people within ``budget_min``), 'pmedian' (shortest weighted walk) or 'lscp' (fewest
    sites so that everyone is within the budget; ``k`` is then ignored). ``settings``: overrides of
    ``sozialraum.settings`` (detour_factor, walking_speed_kmh, demand_grid_m, solver_time_limit_s,
    pmedian_nearest, max_new_sites). ``travel``: a travel model replacing the walking model.
    """
    from sozialraum.access.store_adapter import load_demand
    from sozialraum.access.travel import model_from_settings
    from sozialraum.settings import resolve
    from sozialraum.siting.explain import explain_sites
    from sozialraum.siting.kcurve import k_curve
    from sozialraum.siting.models import MODELS, solve_lscp, solve_mclp, solve_pmedian_refined
    from sozialraum.store import read

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
    reach = travel.minutes(dxy, cxy, budget_min)
    if model == "mclp":
        res = solve_mclp(reach, w, k, fixed=fixed, time_limit=limit)
    elif model == "pmedian":
        res = solve_pmedian_refined(travel, dxy, cxy, w, k, fixed=fixed, nearest=int(s["pmedian_nearest"]),
                                    time_limit=limit, budget=budget_min)
    else:
        ids = [f"{names.get(a, a)} (Punkt {p})" for a, p in zip(demand["area_key"], demand["point_id"])]
        res = solve_lscp(reach, fixed=fixed, time_limit=limit, weights=w, demand_ids=ids)
    prov = read.providers(con)
    partner_reach = (travel.minutes(cxy, prov[["x", "y"]].to_numpy(dtype="float64"), budget_min)
                     if len(prov) else None)
    ex = explain_sites(reach, w, res.selected, fixed, area_keys=demand["area_key"].to_numpy(),
                       partner_reach=partner_reach,
                       provider_types=prov["service_type"].to_numpy() if len(prov) else None)
    n_new = len(res.new_sites)
    curve_max = int(k_curve_max if k_curve_max is not None else max(s["max_new_sites"], n_new))
    curve = k_curve(reach, w, curve_max, fixed=fixed, time_limit=limit)
    pub = published_counts(con, level, period, target_indicator, threshold=threshold)
    frames = _present(cands, areas, demand, w, reach, res, ex, curve, prov, pub, fixed)
    summary = {
        "model": model, "model_label": MODELS[model], "status": res.status, "gap": res.gap,
        "solve_seconds": res.solve_seconds, "n_new": n_new, "n_fixed": len(fixed),
        "covered_share": res.covered_share, "covered": round_people(res.covered_weight),
        "total": round_people(res.total_weight),
        "covered_share_fixed_only": float(curve["covered_share"].iloc[0]) if len(curve) else None,
        "objective": res.objective if model != "mclp" else None,
        "n_demand_points": int(len(demand)), "n_candidates": int(len(cands)),
        "areas_without_count": list(demand.attrs.get("ohne_gewicht", [])),
        "areas_estimated": list(demand.attrs.get("geschaetzt", [])),
    }
    params = {"level": level, "period": period, "target_indicator": target_indicator, "budget_min": budget_min,
              "k": k, "model": model, "venue_types": list(venue_types) if venue_types is not None else None,
              "barrier_free_only": barrier_free_only, "fix_jobcenters": fix_jobcenters,
              "settings": dict(settings or {}), "travel": type(travel).__name__}
    return SitingPlan(parameters=params, summary=summary, **frames)


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
    for _, site in sites.iterrows():
        j = int(cands.index[cands["id"] == site["id"]][0])
        mine = site_areas[(site_areas["id"] == site["id"]) & (site_areas["people"] > 0)]
        area_text = "; ".join(f"{r.name} (≈ {int(r.people)})" for r in mine.head(8).itertuples())
        part = ex.partners[ex.partners["candidate"] == j] if len(ex.partners) else ex.partners
        by_type = part.groupby("service_type").size() if len(part) else pd.Series(dtype=int)
        partner_text = "; ".join(f"{SERVICE_TYPES.get(t, t)}: {n}" for t, n in by_type.items())
        partner_names = "; ".join(prov["name"].iloc[part["provider"].head(10)].astype(str)) if len(part) else ""
        rows.append({"id": site["id"], "name": site["name"], "order": site["order"], "fixed": site["fixed"],
                     "covered": site["covered"], "marginal_gain": site["marginal_gain"],
                     "n_areas": int(len(mine)), "areas": area_text, "n_partners": int(len(part)),
                     "partners": partner_text, "partner_names": partner_names})
    explanation = pd.DataFrame(rows, columns=["id", "name", "order", "fixed", "covered", "marginal_gain", "n_areas",
                                              "areas", "n_partners", "partners", "partner_names"])
    k_curve = pd.DataFrame({"k": curve["k"], "covered_share": curve["covered_share"],
                            "covered": round_people(curve["covered_weight"]),
                            "added": round_people(curve["added_weight"]),
                            "new_sites": [_ids(cands, s_, fixed) for s_ in curve["selected"]]})
    return {"sites": sites, "area_service": area_service, "explanation": explanation, "site_areas": site_areas,
            "k_curve": k_curve}
