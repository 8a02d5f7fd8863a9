"""Robustness and fairness of a site plan (pure cores on arrays, plus a store adapter for the stability runs).

**Stability** (``stability_marks``): a plan is solved again with the travel budget 5 minutes shorter and longer,
with another travel mode (``mode_variants``) and with the target-group counts of earlier periods; each chosen
site gets the number of these variants in which it is chosen again, and a mark: "stabil" (in every variant),
"meist" (in at least half), "unsicher" (in fewer). Fixed sites are always chosen and marked "fest".

The travel modes a plan is tried with are its neighbours — the ways the same people could come as well: walking
↔ cycling ↔ public transport, public transport ↔ car (a car's 15 minutes reach a whole city and say nothing about
a walking plan); on a street network also the straight line ("Luftlinie statt Straßennetz": would the network
have changed the choice?). A variant that measures exactly as the plan does (e.g. ÖPNV without a timetable falls
back to walking in a straight line) is left out.

**Fairness of reach** (``fairness``): the share of the target group within reach per MSS status class (does
the plan reach the "sehr niedrig" areas?), and a concentration index of reach over the need ranking
(``concentration_index``): people are ranked by their area's status index from least to most need
(weighted fractional rank R, ties share the mean rank), r is each person's reach (1 within reach, 0 not; for a
capacitated plan the served fraction), and CI = 2·cov_w(r, R) / mean_w(r). CI lies in [−1, 1]: positive when
reach is concentrated among the people in the neediest areas, negative when among the least needy, 0 when
reach does not follow need.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STATUS_ORDER = ("hoch", "mittel", "niedrig", "sehr niedrig")
MODE_NEIGHBOURS = {"luftlinie": ("bike", "transit"), "walk": ("bike", "transit"), "bike": ("walk", "transit"),
                   "transit": ("walk", "car"), "car": ("transit",)}


def mode_variants(settings: dict | None, network_dir=None, modes=None) -> dict:
    """Name → travel model of each other travel mode the plan is tried with (see the module docstring).

    ``modes``: the modes to try instead of the plan mode's neighbours. Models are built with
    ``model_from_settings``, so a mode without a network is measured in a straight line at its speed.
    """
    from sozialraum.access.travel import (
        MODE_LABELS,
        WalkingModel,
        model_from_settings,
        travel_label,
    )
    from sozialraum.settings import resolve

    base = dict(settings or {})
    mode = str(resolve(base)["travel_mode"])
    own = travel_label(model_from_settings(base, network_dir=network_dir))
    seen, out = {own}, {}
    if network_dir is not None and modes is None:
        plain = model_from_settings(base, network_dir=None)  # the same mode and speed in a straight line
        if travel_label(plain) not in seen:
            seen.add(travel_label(plain))
            out["Luftlinie statt Straßennetz"] = plain
    tries = MODE_NEIGHBOURS.get(mode, ()) if modes is None else modes
    for m in tries:
        if m == mode:
            continue
        model = model_from_settings(base | {"travel_mode": m}, network_dir=network_dir)
        label = travel_label(model)
        if label in seen:
            continue
        seen.add(label)
        straight = " (Luftlinie)" if isinstance(model, WalkingModel) else ""
        out[f"Verkehrsmittel {MODE_LABELS.get(m, m)}{straight}"] = model
    return out


def stability_marks(selected, variants: dict, fixed=()) -> pd.DataFrame:
    """Per chosen site: n_kept of n_variants variants choose it again, the share and the mark.

    ``variants``: name → selection (candidate indices) of each variant run.
    """
    fixed_set = {int(j) for j in fixed}
    n = len(variants)
    rows = []
    for j in sorted(int(s) for s in selected):
        kept = sum(j in {int(x) for x in sel} for sel in variants.values())
        share = kept / n if n else np.nan
        if j in fixed_set:
            mark = "fest"
        elif not n:
            mark = "–"
        else:
            mark = "stabil" if kept == n else ("meist" if kept >= n / 2 else "unsicher")
        rows.append({"candidate": j, "n_kept": kept, "n_variants": n, "share": share, "mark": mark})
    return pd.DataFrame(rows, columns=["candidate", "n_kept", "n_variants", "share", "mark"])


def _fractional_rank(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted fractional rank in (0, 1), ascending; equal values share their group's mean rank."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    total = w.sum()
    cum = np.cumsum(w)
    mid = (cum - w / 2) / total
    # equal values: the mean rank of their group (weighted midpoint of the group's span)
    starts = np.r_[0, np.flatnonzero(v[1:] != v[:-1]) + 1]
    ends = np.r_[starts[1:], len(v)]
    for a, b in zip(starts, ends):
        if b - a > 1:
            lo = (cum[a] - w[a]) / total
            mid[a:b] = lo + (cum[b - 1] - (cum[a] - w[a])) / total / 2
    out = np.empty(len(values))
    out[order] = mid
    return out


def concentration_index(reach, need, weights) -> float:
    """CI of ``reach`` (0..1 per person group) over the ranking by ``need`` (higher = more need), weighted."""
    r = np.asarray(reach, dtype="float64")
    x = np.asarray(need, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    ok = np.isfinite(x) & np.isfinite(r) & (w > 0)
    r, x, w = r[ok], x[ok], w[ok]
    if w.sum() <= 0 or len(np.unique(x)) < 2:
        return float("nan")
    mean = float(np.average(r, weights=w))
    if mean <= 0:
        return float("nan")
    rank = _fractional_rank(x, w)
    cov = float(np.average((r - mean) * (rank - np.average(rank, weights=w)), weights=w))
    return 2.0 * cov / mean


def fairness(point_area, weights, reach, area_class: dict, area_need: dict) -> tuple[pd.DataFrame, float]:
    """(per status class: status_class, target, within_reach, share; concentration index over the need).

    ``point_area``: area key of each demand point; ``reach``: per point 1/0 (or the served fraction);
    ``area_class``: area key → MSS status class name; ``area_need``: area key → status index.
    """
    keys = np.asarray(point_area).astype(str)
    w = np.asarray(weights, dtype="float64")
    r = np.asarray(reach, dtype="float64")
    cls = pd.Series(keys).map(area_class).to_numpy(dtype=object)
    frame = pd.DataFrame({"status_class": cls, "target": w, "within_reach": w * r})
    frame = frame[pd.notna(frame["status_class"])]
    per = frame.groupby("status_class")[["target", "within_reach"]].sum()
    order = [c for c in STATUS_ORDER if c in per.index] + [c for c in per.index if c not in STATUS_ORDER]
    per = per.reindex(order).reset_index()
    per["share"] = per["within_reach"] / per["target"].where(per["target"] > 0)
    need = pd.Series(keys).map(area_need).to_numpy(dtype="float64")
    return per, concentration_index(r, need, w)


def stability_for_store(con, plan, *, budget_step: float = 5.0, n_periods: int = 2,
                        modes=None) -> tuple[pd.DataFrame, dict]:
    """Run the plan's model again with the budget ± ``budget_step`` minutes, with the other travel modes of
    ``mode_variants`` (``modes``: which; ``()`` for none) and with the target-group counts of up to
    ``n_periods`` earlier periods; (per site of the plan: id, n_kept, n_variants, share, mark; the variants
    run: name → ids chosen).

    The p-median ignores the budget when it chooses (it only minimises travel time), so for it the periods and
    the travel modes vary. Variants that cannot be computed (no counts in a period, no solution) are left out.
    """
    from sozialraum.errors import InputError, SolverError
    from sozialraum.network import store_network_dir
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import read

    par = plan.parameters
    base = {key: par[key] for key in ("level", "period", "target_indicator", "budget_min", "k", "model",
                                       "venue_types", "barrier_free_only", "fix_jobcenters")}
    base["settings"] = par.get("settings") or {}
    runs: dict[str, dict] = {}
    if par["model"] != "pmedian":
        for step in (-budget_step, budget_step):
            b = float(par["budget_min"]) + step
            if b > 0:
                runs[f"Zeitbudget {b:g} min"] = base | {"budget_min": b}
    for name, travel in mode_variants(base["settings"], store_network_dir(con), modes).items():
        runs[name] = base | {"travel": travel}
    periods = [p for p in read.periods(con, indicator=par["target_indicator"], level=par["level"])
               if str(p) < str(par["period"])]
    for p in periods[-n_periods:][::-1]:
        runs[f"Stichtag {p}"] = base | {"period": p}
    ids = plan.sites["id"].astype(str).tolist()
    variants, chosen = {}, {}
    for name, args in runs.items():
        try:
            other = plan_sites(con, **args, k_curve_max=0)
        except (InputError, SolverError):
            continue
        chosen[name] = other.sites["id"].astype(str).tolist()
        variants[name] = [ids.index(i) for i in chosen[name] if i in ids]
    fixed = [j for j, f in enumerate(plan.sites["fixed"].astype(bool)) if f]
    marks = stability_marks(range(len(ids)), variants, fixed=fixed)
    marks.insert(0, "id", [ids[j] for j in marks["candidate"]])
    return marks.drop(columns="candidate"), chosen
