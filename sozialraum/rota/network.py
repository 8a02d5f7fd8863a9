"""Travel for the rota on the store's own network: car minutes on the street network (OSRM, ``NetworkModel``)
and bus/train + walking at the time of each session from the GTFS timetable (Valhalla, ``TransitModel``).

``network_travel(con, villages_xy, venues_xy, home_xy, slot_start, slot_end, *, n_days, budget_min, settings)``
returns ``RotaTravel`` (the car matrices and the (n, m, D, T) reach of ``RotaProblem``) or None when the store has
no network with a car mode. Without a timetable the bus part falls back to the labelled straight line
(``sozialraum.rota.travel``); the label says which part rests on what.

Reach by bus at a session (venue v, weekday d, slot t), from the village's representative point:

* there: an isochrone from the village, leaving ``budget`` minutes before the session starts (waiting at the
  stop counts as travel time), contains the venue — the trip towards the session in its own direction;
* back: an isochrone from the venue, leaving when the session ends, contains the village;
* on foot (walk network, else straight line × detour factor at walking speed) within the budget counts at any
  time. Valhalla's multimodal isochrones are approximate (polygons at a quarter of the budget, a walk to the
  stop of at most ``transit_max_walk_m``), see ``TransitModel``.

Weekdays: the timetable of one typical week (of the first ten weeks of the feed, the one with the most services
running on the planned weekdays: a school week without holidays); weekdays that run the same services share one
computation. Unreachable car pairs get ``UNREACHABLE_MIN`` (finite, longer than any working day).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

UNREACHABLE_MIN = 10_000.0
GTFS_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SEARCH_WEEKS = 10


@dataclass(frozen=True)
class RotaTravel:
    car_out: np.ndarray  # (m,)
    car_back: np.ndarray  # (m,)
    car_between: np.ndarray  # (m, m)
    reach: np.ndarray  # bool (n, m, D, T)
    label: str
    dates: tuple[str, ...] = ()  # the timetable date used for each weekday (ISO), empty without a timetable


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def service_days(feed_dir: Path):
    """``active(date) -> frozenset`` of the service_ids running on ``date`` (calendar + calendar_dates)."""
    cal = _read_csv(Path(feed_dir) / "calendar.txt")
    ex = _read_csv(Path(feed_dir) / "calendar_dates.txt")
    added: dict[str, set] = {}
    removed: dict[str, set] = {}
    for r in ex:
        (added if str(r.get("exception_type")).strip() == "1" else removed).setdefault(r["date"], set()).add(
            r["service_id"])

    def active(day: dt.date) -> frozenset:
        key = day.strftime("%Y%m%d")
        on = {r["service_id"] for r in cal if str(r.get(GTFS_DAYS[day.weekday()], "0")).strip() == "1"
              and r.get("start_date", "0") <= key <= r.get("end_date", "99999999")}
        return frozenset((on | added.get(key, set())) - removed.get(key, set()))

    return active


def typical_week(feed_dir: Path, first_date: str | None, n_days: int) -> list[dt.date]:
    """The dates of weekdays 0 … n_days-1 (Monday …) of the week with the most services on those days among the
    first ``SEARCH_WEEKS`` weeks of the feed (ties: the earliest)."""
    start = dt.date(int(first_date[:4]), int(first_date[4:6]), int(first_date[6:8])) if first_date else \
        dt.date(2026, 3, 2)
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    active = service_days(feed_dir)
    best, best_n = None, -1
    for w in range(SEARCH_WEEKS):
        days = [monday + dt.timedelta(days=7 * w + d) for d in range(n_days)]
        n = sum(len(active(d)) for d in days)
        if n > best_n:
            best, best_n = days, n
    return best


def _clock(minutes: float) -> str:
    m = round(min(max(float(minutes), 0.0), 23 * 60 + 59.0))
    return f"{m // 60:02d}:{m % 60:02d}"


def _car(net: Path, home_xy, venues_xy, day_minutes: float, walk_kmh: float):
    from sozialraum.access.travel import NetworkModel

    car = NetworkModel(net, "car", access_kmh=walk_kmh)
    pts = np.vstack([np.asarray(home_xy, dtype="float64").reshape(1, 2), np.asarray(venues_xy, dtype="float64")])
    m = car.minutes(pts, pts, float(day_minutes)).toarray()
    full = np.where(m > 0, m, UNREACHABLE_MIN)  # missing = beyond a working day (stored zeros are 1e-9)
    np.fill_diagonal(full, 0.0)
    return full[0, 1:], full[1:, 0], full[1:, 1:], car.label


def _walk(net: Path, info, villages_xy, venues_xy, budget: float, s: dict):
    from sozialraum.access.travel import NetworkModel, WalkingModel

    if "walk" in info.modes:
        model = NetworkModel(net, "walk", speed_kmh=float(s["walking_speed_kmh"]),
                             access_kmh=float(s["walking_speed_kmh"]))
    else:
        model = WalkingModel(detour=float(s["detour_factor"]), speed_kmh=float(s["walking_speed_kmh"]))
    return model.minutes(villages_xy, venues_xy, budget).toarray() > 0, model.label


def network_travel(con, villages_xy, venues_xy, home_xy, slot_start, slot_end, *, n_days: int, budget_min: float,
                   settings: dict | None = None) -> RotaTravel | None:
    """Car and bus/walk travel of the rota on the store's network (see the module docstring); None without a car
    network."""
    from sozialraum.access.travel import TransitModel
    from sozialraum.network import read_info, store_network_dir
    from sozialraum.network.valhalla_engine import TRANSIT
    from sozialraum.rota.travel import slot_reach, straight_minutes, windows
    from sozialraum.settings import resolve

    s = resolve(settings)
    net = store_network_dir(con)
    info = read_info(net) if net is not None else None
    if info is None or "car" not in info.modes:
        return None
    vxy = np.asarray(villages_xy, dtype="float64").reshape(-1, 2)
    cxy = np.asarray(venues_xy, dtype="float64").reshape(-1, 2)
    start, end = np.asarray(slot_start, dtype="float64"), np.asarray(slot_end, dtype="float64")
    budget = float(budget_min)
    car_out, car_back, between, car_label = _car(net, home_xy, cxy, float(s["rota_day_minutes"]),
                                                 float(s["walking_speed_kmh"]))
    walk, walk_label = _walk(net, info, vxy, cxy, budget, s)
    n, m = len(vxy), len(cxy)
    reach = np.zeros((n, m, n_days, len(start)), dtype=bool)
    if "transit" not in info.modes:
        bus = straight_minutes(vxy, cxy, detour=float(s["rota_rural_detour"]), speed_kmh=float(s["rota_bus_speed_kmh"]))
        walk_min = np.where(walk, 0.0, np.inf)
        reach3 = slot_reach(bus, walk_min, start, end, budget_min=budget, service=windows(s["rota_bus_hours"]))
        reach[:] = reach3[:, :, None, :]
        label = (f"Auto: {car_label}; Bus: Luftlinie × {s['rota_rural_detour']:g} bei {s['rota_bus_speed_kmh']:g} "
                 f"km/h, Busverkehr {s['rota_bus_hours']} angenommen (kein Fahrplan); zu Fuß: {walk_label}")
        return RotaTravel(car_out, car_back, between, reach, label.replace(".", ","))
    feed = net / TRANSIT / "gtfs" / "feed"
    days = typical_week(feed, info.transit_dates[0], n_days)
    active = service_days(feed)
    done: dict[frozenset, np.ndarray] = {}
    max_walk = float(s["transit_max_walk_m"])
    for d, day in enumerate(days):
        services = active(day)
        if services not in done:
            block = np.zeros((n, m, len(start)), dtype=bool)
            for t in range(len(start)):
                there = TransitModel(net, depart=f"{day.isoformat()}T{_clock(start[t] - budget)}",
                                     max_walk_m=max_walk).minutes(cxy, vxy, budget)
                back = TransitModel(net, depart=f"{day.isoformat()}T{_clock(end[t])}",
                                    max_walk_m=max_walk).minutes(vxy, cxy, budget)
                block[:, :, t] = (there.T.toarray() > 0) & (back.toarray() > 0)
            done[services] = block
        reach[:, :, d, :] = done[services] | walk[:, :, None]
    week = f"{days[0].strftime('%d.%m.%Y')}–{days[-1].strftime('%d.%m.%Y')}"
    label = (f"Auto: {car_label}; Bus/Bahn: Fahrplan (GTFS) der Woche {week} zur Zeit jeder Sprechstunde, hin und "
             f"zurück, höchstens {max_walk:.0f} m zur Haltestelle; zu Fuß: {walk_label}")
    return RotaTravel(car_out, car_back, between, reach, label, tuple(d.isoformat() for d in days))
