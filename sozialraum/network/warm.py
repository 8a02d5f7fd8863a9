"""Compute the default travel-time matrices of a store in advance, so that a page that changes the mode or the
budget reads them from the cache instead of asking the engine (on the demo 4–15 s per mode cold, well under a
second cached).

For every street mode of the store's network: the demand points of the finest level (the pages' default level,
default grid spacing and threshold) to all providers, candidate venues and Jobcenter sites together, and the
sites to the providers (the site planning's explanation), at the largest budget a page offers (a matrix answers
every smaller budget and every subset of its targets, see ``sozialraum.network.cache``). Public transport (when
built): the same pairs at the default budget only (its isochrone steps depend on the budget), computed last.
``sozialraum network warm --db FILE`` runs it; the app starts it in the background for a store folder whose
network has no such matrices yet.
"""

from __future__ import annotations

import time

import numpy as np


def default_points(con, settings: dict | None = None):
    """(demand xy, target xy) of the pages' default view: finest level, latest period of the target group,
    all providers + candidate venues + Jobcenter sites."""
    from sozialraum.access.store_adapter import load_demand
    from sozialraum.analysis.data_gaps import finest_level
    from sozialraum.settings import resolve
    from sozialraum.store import read

    s = resolve(settings)
    level = finest_level(con)
    if level is None:
        return None
    target = "rlb" if read.periods(con, indicator="rlb", level=level) else "ew_gesamt"
    periods = read.periods(con, indicator=target, level=level)
    _, demand = load_demand(con, level, periods[-1] if periods else None, target, spacing_m=s["demand_grid_m"],
                            threshold=s["suppression_threshold"])
    parts = [read.providers(con), read.candidate_venues(con), read.jobcenter_sites(con)]
    targets = np.concatenate([p[["x", "y"]].to_numpy(dtype="float64") for p in parts if len(p)] or
                             [np.zeros((0, 2))])
    return demand[["x", "y"]].to_numpy(dtype="float64"), targets


def site_points(con):
    """(sites xy, providers xy): the site planning's candidates in its order (Jobcenter sites first, then the
    venues, as ``siting.plan`` lists them) to the providers — the partners of its per-site explanation."""
    from sozialraum.store import read

    sites = [read.jobcenter_sites(con), read.candidate_venues(con)]
    xy = np.concatenate([p[["x", "y"]].to_numpy(dtype="float64") for p in sites if len(p)] or [np.zeros((0, 2))])
    return xy, read.providers(con)[["x", "y"]].to_numpy(dtype="float64")


def warm_store(con, *, modes=None, budget_min: float | None = None, settings: dict | None = None,
               progress=None) -> dict[str, float]:
    """Seconds per mode for the default matrices of the store ``con`` (empty without a network). Modes already
    cached cost only the look-up."""
    from sozialraum.access.travel import NetworkModel, TransitModel, model_from_settings
    from sozialraum.network import read_info, store_network_dir
    from sozialraum.settings import SETTINGS

    folder = store_network_dir(con)
    info = read_info(folder) if folder is not None else None
    if info is None:
        return {}
    points = default_points(con, settings)
    if points is None or not len(points[0]) or not len(points[1]):
        return {}
    dxy, txy = points
    budget = float(budget_min if budget_min is not None else SETTINGS["travel_budget_min"].maximum)
    out = {}
    for mode in [m for m in (modes or info.modes) if m in info.modes]:
        if progress is not None:
            progress(mode)
        model = model_from_settings({**(settings or {}), "travel_mode": mode}, network_dir=folder)
        if not isinstance(model, (NetworkModel, TransitModel)):
            continue
        # ÖPNV reach is read off isochrones in quarter steps of the budget: a matrix answers only its own budget,
        # so the default budget is computed (about 0.2 s per target on the demo), last
        mode_budget = budget if mode != "transit" else float(SETTINGS["travel_budget_min"].default)
        t = time.perf_counter()
        model.minutes(dxy, txy, mode_budget)
        sxy, pxy = site_points(con)
        if len(sxy) and len(pxy):
            model.minutes(sxy, pxy, mode_budget)
        out[mode] = round(time.perf_counter() - t, 3)
    from sozialraum.network.cache import prune
    from sozialraum.settings import resolve

    prune(folder / "matrices", float(resolve(settings)["matrix_cache_max_mb"]))
    return out
