"""Rural reach: per area, the share of the target group within X minutes by car and within Y minutes by bus/train
and walking (at the time of a consultation), and the people with no car-free access at all.

``rural_reach(area_index, weights, car, transit, *, n_areas) -> RuralReach``
    The pure core on demand points: ``area_index`` (the area of each point), ``weights`` (people per point),
    ``car`` and ``transit`` sparse (points × sites) matrices whose stored entries mean "within the budget" (as
    returned by the travel models of ``sozialraum.access.travel``). Returns per-area totals and reached weights.
``rural_reach_for_store(con, level, period=None, target_indicator="rlb", *, car=None, transit=None,
car_min=None, transit_min=None, sites="jobcenter", service_types=None, settings=None) -> pd.DataFrame``
    The adapter: demand points of ``level`` weighted with ``safe_counts`` (published numbers only; a suppressed
    cell gets the stand-in), targets = the Jobcenter sites (``sites="jobcenter"``), the providers
    (``"providers"``, optionally of ``service_types``) or both (``"all"``). Travel models default to the labelled
    straight-line fallback: car = straight line × ``rota_rural_detour`` at ``rota_car_speed_kmh``; bus/walk =
    straight line × ``rota_rural_detour`` at ``rota_bus_speed_kmh`` (the rota's bus fallback; it assumes a bus
    runs at the consultation time). A store with its own network (``sozialraum network`` / the Musterkreis demo)
    uses it instead: car on the streets, ÖPNV + walking from the GTFS timetable at ``transit_weekday`` /
    ``transit_depart`` (``network_models``), or on foot all the way (walk network, else straight line at walking
    speed; the timetable's isochrones only walk to and from the stops). Explicit ``car`` / ``transit`` models win
    over both.

    Frame: ``area_key, name, people, car_share, transit_share, no_car_free, estimated`` — ``people`` and
    ``no_car_free`` rounded to tens (``round_people``), shares rounded to whole percent points (0..1), so that
    no suppressed count can be computed back; ``estimated`` marks areas whose count is suppressed (their figures
    rest on the stand-in and say nothing about the real count). ``.attrs``: ``car_label``, ``transit_label``,
    ``kreis`` (the same figures for all areas together).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RuralReach:
    total: np.ndarray  # weight per area
    by_car: np.ndarray  # weight within the car budget of at least one site
    by_transit: np.ndarray  # weight within the bus/walk budget of at least one site
    no_car_free: np.ndarray  # weight with no site within the bus/walk budget (= total - by_transit)


def _reached(matrix, n_points: int) -> np.ndarray:
    from scipy import sparse

    if matrix is None:
        return np.zeros(n_points, dtype=bool)
    m = sparse.csr_matrix(matrix)
    if m.shape[0] != n_points:
        raise ValueError(f"Reisezeiten: {m.shape[0]} Startpunkte, erwartet {n_points}")
    return np.diff(m.indptr) > 0  # any stored entry = reachable (zeros are stored as ZERO_MINUTES)


def rural_reach(area_index, weights, car, transit, *, n_areas: int) -> RuralReach:
    """Sum the weights of the points that reach a site by car / by transit, per area (see the module doc)."""
    idx = np.asarray(area_index, dtype=np.int64)
    w = np.asarray(weights, dtype="float64")
    if idx.shape != w.shape:
        raise ValueError("Gebietsnummern und Gewichte sind verschieden lang")
    if len(idx) and (idx.min() < 0 or idx.max() >= n_areas):
        raise ValueError("Gebietsnummer außerhalb des Bereichs")
    if len(w) and (not np.isfinite(w).all() or (w < 0).any()):
        raise ValueError("Gewichte müssen endlich und nicht negativ sein")
    by_car = _reached(car, len(w))
    by_transit = _reached(transit, len(w))
    total = np.bincount(idx, weights=w, minlength=n_areas)
    car_w = np.bincount(idx, weights=w * by_car, minlength=n_areas)
    transit_w = np.bincount(idx, weights=w * by_transit, minlength=n_areas)
    return RuralReach(total=total, by_car=car_w, by_transit=transit_w, no_car_free=total - transit_w)


def _share(part: np.ndarray, total: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.round(part / total, 2), np.nan)


def _targets(con, sites: str, service_types) -> np.ndarray:
    from sozialraum.errors import InputError
    from sozialraum.store import read

    parts = []
    if sites in ("jobcenter", "all"):
        parts.append(read.jobcenter_sites(con)[["x", "y"]])
    if sites in ("providers", "all"):
        prov = read.providers(con)
        if service_types is not None:
            prov = prov[prov["service_type"].isin(list(service_types))]
        parts.append(prov[["x", "y"]])
    if not parts:
        raise InputError(f"Ziele {sites!r} unbekannt; möglich: jobcenter, providers, all")
    xy = pd.concat(parts, ignore_index=True).to_numpy(dtype="float64")
    if not len(xy):
        raise InputError("Es gibt keine Beratungsorte (Jobcenter-Standorte oder Angebote), deren Erreichbarkeit "
                         "sich messen ließe.")
    return xy


def fallback_models(settings: dict | None = None):
    """(car, bus/walk) straight-line models of the rota's rural fallback settings."""
    from sozialraum.access.travel import WalkingModel
    from sozialraum.settings import resolve

    s = resolve(settings)
    detour = float(s["rota_rural_detour"])
    return (WalkingModel(detour=detour, speed_kmh=float(s["rota_car_speed_kmh"])),
            WalkingModel(detour=detour, speed_kmh=float(s["rota_bus_speed_kmh"])))


def network_models(con, settings: dict | None = None):
    """(car, bus/walk) on the store's own network where it has those modes, else None for each: car on the
    street network (OSRM), ÖPNV + walking from the GTFS timetable (Valhalla) departing on the settings' weekday
    and time (``transit_weekday``, ``transit_depart``: the time of the consultation)."""
    from sozialraum.access.travel import NetworkModel, TransitModel, model_from_settings
    from sozialraum.network import store_network_dir

    net = store_network_dir(con)
    if net is None:
        return None, None
    car = model_from_settings({**(settings or {}), "travel_mode": "car"}, network_dir=net)
    transit = model_from_settings({**(settings or {}), "travel_mode": "transit"}, network_dir=net)
    return (car if isinstance(car, NetworkModel) else None,
            transit if isinstance(transit, TransitModel) else None)


FROM_SITES = " (vom Beratungsort aus gerechnet)"


def _is_network(model) -> bool:
    from sozialraum.access.travel import NetworkModel

    return isinstance(model, NetworkModel)


def _from_sites(model, xy, targets, budget):
    """(points × sites) minutes; on a street network computed from the few sites out to the many points (the
    engine searches once per start: ten times faster on a Kreis's 27,000 demand points than the other way
    round; on rural roads the way back differs only at one-way streets and motorway ramps — the same direction
    as ``TransitModel``, whose isochrones also start at the site)."""
    if _is_network(model):
        return model.minutes(targets, xy, budget).T.tocsr()
    return model.minutes(xy, targets, budget)


def _walk_model(con, s: dict):
    """Walking on the store's walk network when it has one, else straight line × detour at walking speed."""
    from sozialraum.access.travel import NetworkModel, WalkingModel
    from sozialraum.network import read_info, store_network_dir

    net = store_network_dir(con)
    info = read_info(net) if net is not None else None
    if info is not None and "walk" in info.modes:
        return NetworkModel(net, "walk", speed_kmh=float(s["walking_speed_kmh"]),
                            access_kmh=float(s["walking_speed_kmh"]))
    return WalkingModel(detour=float(s["detour_factor"]), speed_kmh=float(s["walking_speed_kmh"]))


def rural_reach_for_store(con, level: str, period: str | None = None, target_indicator: str = "rlb", *, car=None,
                          transit=None, car_min: float | None = None, transit_min: float | None = None,
                          sites: str = "jobcenter", service_types=None, settings: dict | None = None,
                          use_network: bool = True) -> pd.DataFrame:
    """Per-area rural reach on a store (see the module docstring); ``use_network``: take car and ÖPNV times from
    the store's own network (``network_models``) where it has them, else the labelled straight-line fallback."""
    from sozialraum.access.present import round_people
    from sozialraum.access.store_adapter import load_demand
    from sozialraum.access.travel import travel_label
    from sozialraum.settings import resolve

    s = resolve(settings)
    car_min = float(car_min if car_min is not None else s["rural_car_min"])
    transit_min = float(transit_min if transit_min is not None else s["rural_transit_min"])
    fb_car, fb_bus = fallback_models(settings)
    net_car, net_transit = network_models(con, settings) if use_network and (car is None or transit is None) \
        else (None, None)
    walk = None
    if transit is None and net_transit is not None:  # the timetable's isochrones walk at most to the next stop
        walk = _walk_model(con, s)
    car = car if car is not None else (net_car or fb_car)
    transit = transit if transit is not None else (net_transit or fb_bus)
    areas, demand = load_demand(con, level, period, target_indicator, spacing_m=float(s["demand_grid_m"]),
                                threshold=s["suppression_threshold"])
    targets = _targets(con, sites, service_types)
    keys = areas["area_key"].astype(str).tolist()
    pos = {k: i for i, k in enumerate(keys)}
    xy = demand[["x", "y"]].to_numpy(dtype="float64")
    by_transit = transit.minutes(xy, targets, transit_min)
    if walk is not None:  # on foot all the way counts as car-free access too
        by_transit = (by_transit.astype(bool) + _from_sites(walk, xy, targets, transit_min).astype(bool)).tocsr()
    core = rural_reach(demand["area_key"].astype(str).map(pos).to_numpy(), demand["weight"].to_numpy(),
                       _from_sites(car, xy, targets, car_min), by_transit, n_areas=len(keys))
    estimated = set(demand.attrs.get("geschaetzt", []))
    out = pd.DataFrame({"area_key": keys, "name": areas["name"].astype(str).tolist(),
                        "people": round_people(core.total), "car_share": _share(core.by_car, core.total),
                        "transit_share": _share(core.by_transit, core.total),
                        "no_car_free": round_people(core.no_car_free),
                        "estimated": [k in estimated for k in keys]})
    total = core.total.sum()
    out.attrs.update(
        car_label=f"Auto: {travel_label(car)}{FROM_SITES if _is_network(car) else ''}, höchstens {car_min:g} min",
        transit_label=f"Bus/zu Fuß: {travel_label(transit)}"
                      + (f" oder ganz zu Fuß ({travel_label(walk)})" if walk is not None else "")
                      + f", höchstens {transit_min:g} min",
        kreis={"people": float(round_people(total)),
               "car_share": float(_share(np.array([core.by_car.sum()]), np.array([total]))[0]),
               "transit_share": float(_share(np.array([core.by_transit.sum()]), np.array([total]))[0]),
               "no_car_free": float(round_people(core.no_car_free.sum()))})
    return out
