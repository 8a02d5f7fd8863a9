"""The rota on a store: villages (areas of a level) weighted with safe counts, candidate venues, a main site
(Jobcenter site) → ``RotaPlan`` (sessions, k-curve over staff days, day routes), ready to show or export.

Travel: the store's own network where it has one (``sozialraum.rota.network``: car on the streets, bus/walk from
the timetable at each session's time), else the labelled straight-line fallback of ``sozialraum.rota.travel``.
People figures are sums of safe weights (published counts; a suppressed cell enters with a stand-in from
published numbers, ``sozialraum.access.present.safe_counts``), rounded to tens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.errors import InputError
from sozialraum.rota.model import (
    WEEKDAYS,
    RotaProblem,
    RotaResult,
    rota_k_curve,
    solve_rota,
)

RHYTHMS = {"weekly": "wöchentlich", "fortnightly": "14-täglich"}


@dataclass(frozen=True)
class RotaPlan:
    parameters: dict
    summary: dict
    sessions: pd.DataFrame  # day, weekday, start, end, venue_id, venue, venue_type, x, y, people, n_villages, villages
    days: pd.DataFrame  # day, weekday, depart, back, work_min, drive_min, n_sessions
    k_curve: pd.DataFrame  # staff_days, covered_share, covered, added


def slots_from_text(text: str, session_min: float) -> tuple[np.ndarray, np.ndarray]:
    from sozialraum.rota.travel import clock

    start = np.array([clock(s) for s in str(text).split(",") if s.strip()], dtype="float64")
    if not len(start) or np.any(np.diff(start) <= 0):
        raise InputError(f"Zeitfenster {text!r}: bitte aufsteigende Anfangszeiten, z. B. 09:00, 11:30, 14:00.")
    end = start + float(session_min)
    if end[-1] > 24 * 60:
        raise InputError("Die letzte Sprechstunde endet nach Mitternacht.")
    return start, end


def frames(problem: RotaProblem, result: RotaResult, curve: list[dict], *, venues: pd.DataFrame,
           village_names: list[str]) -> dict:
    """Frames to show from a solved rota. ``venues``: venue_id, name, venue_type, x, y in model order."""
    from sozialraum.access.present import round_people
    from sozialraum.rota.travel import clock_text

    w = np.asarray(problem.weights, dtype="float64")
    reach = np.asarray(problem.reach, dtype=bool)
    rows = []
    for v, d, t in result.sessions:
        served = reach[:, v, d, t] if reach.ndim == 4 else reach[:, v, t]
        served = served & (w > 0)
        names = [village_names[i] for i in np.flatnonzero(served)]
        rows.append({"day": d, "weekday": WEEKDAYS[d], "start": clock_text(problem.slot_start[t]),
                     "end": clock_text(problem.slot_end[t]), "venue_id": venues["venue_id"].iloc[v],
                     "venue": venues["name"].iloc[v], "venue_type": venues["venue_type"].iloc[v],
                     "x": float(venues["x"].iloc[v]), "y": float(venues["y"].iloc[v]),
                     "people": round_people(w[served].sum()), "n_villages": len(names),
                     "villages": "; ".join(names)})
    sessions = pd.DataFrame(rows, columns=["day", "weekday", "start", "end", "venue_id", "venue", "venue_type", "x",
                                           "y", "people", "n_villages", "villages"])
    day_rows = []
    for d in result.days_used:
        mine = [s for s in result.sessions if s[1] == d]
        first, last = mine[0], mine[-1]
        depart = problem.slot_start[first[2]] - problem.car_out[first[0]]
        day_rows.append({"day": d, "weekday": WEEKDAYS[d], "depart": clock_text(depart),
                         "back": clock_text(problem.slot_end[last[2]] + problem.car_back[last[0]]),
                         "work_min": round(result.work_minutes[d]), "drive_min": round(result.drive_minutes[d]),
                         "n_sessions": len(mine)})
    days = pd.DataFrame(day_rows, columns=["day", "weekday", "depart", "back", "work_min", "drive_min",
                                           "n_sessions"])
    k_curve = pd.DataFrame({"staff_days": [r["staff_days"] for r in curve],
                            "covered_share": [r["covered_share"] for r in curve],
                            "covered": round_people([r["covered_weight"] for r in curve]),
                            "added": round_people([r["added_weight"] for r in curve])})
    return {"sessions": sessions, "days": days, "k_curve": k_curve}


def _level(con, level: str | None, target: str) -> str:
    from sozialraum.store import read

    levels = read.levels(con)
    if level is not None:
        if level not in set(levels["level"]):
            raise InputError(f"Gebietsebene {level!r} gibt es in der Datenbank nicht.")
        return level
    have = set(read.indicators_available(con)["indicator"]) if len(levels) else set()
    for lv in levels.sort_values("rank")["level"]:
        if target in have and read.periods(con, indicator=target, level=lv):
            return str(lv)
    raise InputError(f"Keine Gebietsebene mit Werten für {target!r}.")


def default_target(con, level: str | None = None) -> str:
    """The rota's default target group on ``level`` (None: any level): SGB II recipients (``rlb``) where the store
    has them, else another SGB II count, else the residents (``ew_gesamt``) — as the page offers them."""
    from sozialraum.store import read

    have = read.indicators_available(con, level)
    if "rlb" in set(have["indicator"]):
        return "rlb"
    counts = have[(have["kind"] == "count")]
    sgb2 = counts[counts["suppressible"].astype(bool)]
    if len(sgb2):
        return str(sgb2["indicator"].iloc[0])
    if "ew_gesamt" in set(counts["indicator"]):
        return "ew_gesamt"
    if len(counts):
        return str(counts["indicator"].iloc[0])
    raise InputError("Für die Rota fehlt eine Zielgruppe: keine Zählwerte in der Datenbank.")


@dataclass(frozen=True)
class RotaInputs:
    """The rota's model inputs read from a store (see ``rota_inputs``)."""

    problem: RotaProblem
    level: str
    areas: pd.DataFrame
    counts: pd.Series
    venues: pd.DataFrame
    home: pd.Series
    travel: str = ""  # how car and bus/walk minutes were found (network, timetable or "Luftlinie")
    at_sites: np.ndarray | None = None  # bool per area: reaches a Jobcenter site already (served_by_sites)
    site_people: float = 0.0  # their people (safe weights), not counted by the rota


def rota_inputs(con, *, level: str | None = None, period: str | None = None, target_indicator: str = "rlb",
                staff_days: int = 2, bus_minutes: float = 45, base: str | None = None,
                settings: dict | None = None, venue_types=None, use_network: bool = True,
                served_by_sites: bool = False) -> RotaInputs:
    """The ``RotaProblem`` for the villages of ``level``, without solving it. Travel: the store's own network
    (car on the streets, bus/walk from the timetable at each session's time, ``sozialraum.rota.network``) when
    it has one and ``use_network``, else the labelled straight-line fallback. ``venue_types``: only candidate
    venues of these types may host sessions (None: all). ``served_by_sites``: areas whose people reach a
    Jobcenter site by bus/walk within the budget at a session time count as served already (weight 0; the rota
    looks for the others)."""
    from sozialraum.access.present import safe_counts
    from sozialraum.rota.travel import FALLBACK_NOTE, slot_reach, straight_minutes, windows
    from sozialraum.settings import resolve
    from sozialraum.store import read

    s = resolve(settings)
    level = _level(con, level, target_indicator)
    areas = read.areas(con, level)
    counts = safe_counts(con, level, period, target_indicator, threshold=s["suppression_threshold"])
    weights = areas["area_key"].astype(str).map(counts).fillna(0.0).to_numpy(dtype="float64")
    pts = areas.geometry.representative_point()
    vxy = np.column_stack([pts.x, pts.y])
    venues = read.candidate_venues(con).sort_values("venue_id").reset_index(drop=True)
    if venues.empty:
        raise InputError("Es gibt keine möglichen Orte für Sprechstunden (Kandidatenorte).")
    if venue_types is not None:
        venues = venues[venues["venue_type"].astype(str).isin([str(t) for t in venue_types])].reset_index(drop=True)
        if venues.empty:
            raise InputError("Von den gewählten Arten gibt es keinen möglichen Ort für Sprechstunden.")
    sites = read.jobcenter_sites(con)
    if sites.empty:
        raise InputError("Es gibt keinen Hauptstandort (Jobcenter-Standort), von dem das Team losfährt.")
    if base is not None:
        sites = sites[sites["site_id"].astype(str) == str(base)]
        if sites.empty:
            raise InputError(f"Hauptstandort {base!r} gibt es nicht (Jobcenter-Standorte: siehe 'sozialraum list').")
    home = sites.iloc[0]
    m = len(venues)
    cxy = venues[["x", "y"]].to_numpy(dtype="float64")
    if served_by_sites:  # the main sites as extra columns of the travel computation (split off below)
        cxy = np.vstack([cxy, read.jobcenter_sites(con)[["x", "y"]].to_numpy(dtype="float64")])
    hxy = np.array([[float(home["x"]), float(home["y"])]])
    start, end = slots_from_text(s["rota_slots"], float(s["rota_session_min"]))
    n_days = int(s["rota_weekdays"])
    travel = None
    if use_network:
        from sozialraum.rota.network import network_travel

        travel = network_travel(con, vxy, cxy, hxy, start, end, n_days=n_days, budget_min=float(bus_minutes),
                                settings=settings)
    if travel is not None:
        reach, car_out, car_back, between, label = (travel.reach, travel.car_out, travel.car_back,
                                                    travel.car_between, travel.label)
    else:
        car = {"detour": float(s["rota_rural_detour"]), "speed_kmh": float(s["rota_car_speed_kmh"])}
        bus = straight_minutes(vxy, cxy, detour=float(s["rota_rural_detour"]),
                               speed_kmh=float(s["rota_bus_speed_kmh"]))
        walk = straight_minutes(vxy, cxy, detour=float(s["detour_factor"]), speed_kmh=float(s["walking_speed_kmh"]))
        reach3 = slot_reach(bus, walk, start, end, budget_min=float(bus_minutes), service=windows(s["rota_bus_hours"]))
        reach = np.repeat(reach3[:, :, None, :], n_days, axis=2)
        car_out, car_back = straight_minutes(hxy, cxy, **car)[0], straight_minutes(cxy, hxy, **car)[:, 0]
        between, label = straight_minutes(cxy, cxy, **car), FALLBACK_NOTE
    at_sites = np.zeros(len(weights), dtype=bool)
    if served_by_sites:
        at_sites = reach[:, m:].any(axis=(1, 2, 3))
        reach, car_out, car_back, between = reach[:, :m], car_out[:m], car_back[:m], between[:m, :m]
    site_people = float(weights[at_sites].sum())
    weights = np.where(at_sites, 0.0, weights)
    problem = RotaProblem(weights=weights, reach=reach, slot_start=start, slot_end=end, car_out=car_out,
                          car_back=car_back, car_between=between, day_minutes=float(s["rota_day_minutes"]),
                          staff_days=int(staff_days))
    return RotaInputs(problem, level, areas, counts, venues, home, label, at_sites, site_people)


def plan_rota(con, *, level: str | None = None, period: str | None = None, target_indicator: str = "rlb",
              staff_days: int = 2, bus_minutes: float = 45, base: str | None = None, rhythm: str = "weekly",
              settings: dict | None = None, time_limit: float | None = None,
              k_curve_max: int | None = None, venue_types=None, use_network: bool = True,
              served_by_sites: bool = False) -> RotaPlan:
    """The rota for the villages of ``level`` (default: the finest level with values of the target group);
    ``venue_types``: which kinds of candidate venues may host sessions (None: all); ``use_network``: car and
    bus/walk on the store's network where it has one (else, and with False, the labelled straight line)."""
    from sozialraum.access.present import round_people
    from sozialraum.settings import resolve

    if rhythm not in RHYTHMS:
        raise InputError(f"Rhythmus {rhythm!r} unbekannt; möglich: {', '.join(RHYTHMS)}")
    s = resolve(settings)
    limit = float(time_limit if time_limit is not None else s["solver_time_limit_s"])
    inputs = rota_inputs(con, level=level, period=period, target_indicator=target_indicator, staff_days=staff_days,
                         bus_minutes=bus_minutes, base=base, settings=settings, venue_types=venue_types,
                         use_network=use_network, served_by_sites=served_by_sites)
    problem, level, areas, counts, venues, home = (inputs.problem, inputs.level, inputs.areas, inputs.counts,
                                                   inputs.venues, inputs.home)
    results = {int(staff_days): solve_rota(problem, time_limit=limit)}
    result = results[int(staff_days)]
    curve = rota_k_curve(problem, max(int(k_curve_max if k_curve_max is not None else staff_days), 0),
                         time_limit=limit, results=results)
    out = frames(problem, result, curve, venues=venues, village_names=areas["name"].astype(str).tolist())
    summary = {"status": result.status, "gap": result.gap, "status_text": result.status_text,
               "solve_seconds": result.solve_seconds,
               "covered_share": result.covered_share, "covered": round_people(result.covered_weight),
               "total": round_people(result.total_weight), "n_sessions": len(result.sessions),
               "days_used": len(result.days_used), "base_id": str(home["site_id"]), "base": str(home["name"]),
               "travel": inputs.travel, "rhythm_label": RHYTHMS[rhythm],
               "n_venues": len(venues), "served_by_sites": bool(served_by_sites),
               "site_people": round_people(inputs.site_people),
               "site_areas": int(inputs.at_sites.sum()) if inputs.at_sites is not None else 0, "venue_types": sorted(set(venues["venue_type"].astype(str))),
               "areas_estimated": list(counts.attrs.get("estimated", []))}
    params = {"level": level, "period": period, "target_indicator": target_indicator, "staff_days": int(staff_days),
              "bus_minutes": float(bus_minutes), "base": base, "rhythm": rhythm, "settings": dict(settings or {}),
              "venue_types": None if venue_types is None else sorted(str(t) for t in venue_types),
              "served_by_sites": bool(served_by_sites)}
    return RotaPlan(parameters=params, summary=summary, **out)
