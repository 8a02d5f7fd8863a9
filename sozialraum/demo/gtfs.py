"""A generated GTFS feed for Musterstadt: two tram lines and five bus lines on the generated streets.

Lines follow the shortest drivable path through their waypoints; stops sit on street nodes every ~500 m (tram)
or ~400 m (bus) and are shared where lines meet (the Zentrum, the Hauptbahnhof). Headways are realistic: tram
every 10 minutes in the daytime on weekdays, bus every 20, fewer in the evening and on weekends, a night tram
every 30 minutes; the Gewerbegebiet bus runs on working days at shift times only (no service in the evening and
at weekends). The ring bus links the estates without the centre; the two trams meet only in the Zentrum, so a
trip from one tram estate to another needs a transfer.

The timetable helpers (``Line``, ``Band``, ``stops_along``, ``feed_tables``, ``calendar_tables``) are generic and
used by the Musterkreis too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum.io.gtfs_write import gtfs_time, write_gtfs

TRAM, BUS = 0, 3  # GTFS route_type
YEARS = (2026, 2027)
SERVICES = ("mo-fr", "sa", "so")


@dataclass(frozen=True)
class Band:
    start: str  # "HH:MM"
    end: str  # last departure no later than this
    headway_min: int


@dataclass(frozen=True)
class Line:
    route_id: str
    short_name: str
    long_name: str
    route_type: int
    stops: tuple[str, ...]  # stop ids in the outbound direction
    seconds: tuple[int, ...]  # running time from the first stop, aligned with ``stops``
    bands: dict = field(default_factory=dict)  # service_id -> tuple[Band, ...] (or explicit "HH:MM" times)
    color: str = "1F77B4"
    offset_min: int = 0
    both_directions: bool = True
    shape: tuple[tuple[float, float], ...] = ()  # (lon, lat) along the streets, outbound


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def departures(bands, offset_min: int = 0) -> list[int]:
    """Departure minutes after midnight from bands (a headway between start and end) or explicit times."""
    out: list[int] = []
    for b in bands:
        if isinstance(b, str):
            out.append(_minutes(b))
            continue
        t = _minutes(b.start) + offset_min
        if out and t <= out[-1]:
            t = out[-1] + b.headway_min
        while t <= _minutes(b.end):
            out.append(t)
            t += b.headway_min
    return sorted(set(out))


def running_seconds(dist_m: np.ndarray, speed_kmh: float, dwell_s: int) -> tuple[int, ...]:
    """Cumulative running time at each stop, in whole minutes (strictly increasing), as seconds."""
    raw = np.concatenate([[0.0], np.cumsum(np.asarray(dist_m) / (speed_kmh / 3.6) + dwell_s)])
    mins = np.round(raw / 60).astype(int)
    for k in range(1, len(mins)):
        mins[k] = max(mins[k], mins[k - 1] + 1)
    return tuple(int(m) * 60 for m in mins)


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def holidays(year: int) -> list[dt.date]:
    """Public holidays observed in every German Land."""
    e = easter(year)
    fixed = [dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 10, 3), dt.date(year, 12, 25),
             dt.date(year, 12, 26)]
    moving = [e - dt.timedelta(days=2), e + dt.timedelta(days=1), e + dt.timedelta(days=39),
              e + dt.timedelta(days=50)]
    return sorted(fixed + moving)


def calendar_tables(years=YEARS, school_holidays: tuple[tuple[str, str], ...] = ()) -> dict[str, pd.DataFrame]:
    """calendar.txt (mo-fr, sa, so; school-day service 'schule' if school holidays are given) and
    calendar_dates.txt: on a public holiday the Sunday service runs instead."""
    start, end = f"{years[0]}0101", f"{years[-1]}1231"
    rows = [("mo-fr", 1, 1, 1, 1, 1, 0, 0), ("sa", 0, 0, 0, 0, 0, 1, 0), ("so", 0, 0, 0, 0, 0, 0, 1)]
    if school_holidays:
        rows.append(("schule", 1, 1, 1, 1, 1, 0, 0))
    cal = pd.DataFrame(rows, columns=["service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                                      "saturday", "sunday"]).assign(start_date=start, end_date=end)
    ex = []
    for year in years:
        for day in holidays(year):
            wd = day.weekday()
            if wd == 6:
                continue
            ex.append((("mo-fr" if wd < 5 else "sa"), day, 2))
            ex.append(("so", day, 1))
            if school_holidays and wd < 5:
                ex.append(("schule", day, 2))
    for first, last in school_holidays:
        d0, d1 = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        for k in range((d1 - d0).days + 1):
            day = d0 + dt.timedelta(days=k)
            if day.weekday() < 5 and not any(e[0] == "schule" and e[1] == day for e in ex):
                ex.append(("schule", day, 2))
    dates = pd.DataFrame([(s, d.strftime("%Y%m%d"), t) for s, d, t in ex],
                         columns=["service_id", "date", "exception_type"]).sort_values(["date", "service_id"])
    return {"calendar.txt": cal, "calendar_dates.txt": dates.reset_index(drop=True)}


def feed_tables(agency: dict, stops: pd.DataFrame, lines: list[Line], calendar: dict[str, pd.DataFrame],
                feed_info: dict | None = None) -> dict[str, pd.DataFrame]:
    """All GTFS tables for the lines (both directions, every service's departures)."""
    routes = pd.DataFrame([{"route_id": ln.route_id, "agency_id": agency["agency_id"],
                            "route_short_name": ln.short_name, "route_long_name": ln.long_name,
                            "route_type": ln.route_type, "route_color": ln.color,
                            "route_text_color": "FFFFFF"} for ln in lines])
    names = dict(zip(stops.stop_id, stops.stop_name))
    trips, times, shapes = [], [], []
    for ln in lines:
        for direction in (0, 1) if ln.both_directions else (0,):
            pts = ln.shape if direction == 0 else ln.shape[::-1]
            shapes += [(f"{ln.route_id}-{direction}", round(lat, 6), round(lon, 6), k + 1)
                       for k, (lon, lat) in enumerate(pts)]
        directions = [(0, ln.stops, ln.seconds)]
        if ln.both_directions:
            total = ln.seconds[-1]
            directions.append((1, ln.stops[::-1], tuple(total - s for s in ln.seconds[::-1])))
        for service, bands in ln.bands.items():
            for direction, seq, secs in directions:
                for dep in departures(bands, ln.offset_min + 3 * direction):
                    trip_id = f"{ln.route_id}-{direction}-{service}-{dep // 60:02d}{dep % 60:02d}"
                    trips.append({"route_id": ln.route_id, "service_id": service, "trip_id": trip_id,
                                  "trip_headsign": names[seq[-1]], "direction_id": direction}
                                 | ({"shape_id": f"{ln.route_id}-{direction}"} if ln.shape else {}))
                    for k, (stop, s) in enumerate(zip(seq, secs)):
                        t = gtfs_time(dep * 60 + s)
                        times.append((trip_id, t, t, stop, k + 1))
    tables = {
        "agency.txt": pd.DataFrame([agency]),
        "stops.txt": stops[["stop_id", "stop_name", "stop_lat", "stop_lon"]].assign(
            stop_lat=stops.stop_lat.round(6), stop_lon=stops.stop_lon.round(6)),
        "routes.txt": routes,
        "trips.txt": pd.DataFrame(trips),
        "stop_times.txt": pd.DataFrame(times, columns=["trip_id", "arrival_time", "departure_time", "stop_id",
                                                       "stop_sequence"]),
        **calendar,
    }
    if shapes:
        tables["shapes.txt"] = pd.DataFrame(shapes, columns=["shape_id", "shape_pt_lat", "shape_pt_lon",
                                                             "shape_pt_sequence"])
    if feed_info:
        tables["feed_info.txt"] = pd.DataFrame([feed_info])
    return tables


def path_shape(xy: np.ndarray, path: list[int]) -> tuple[tuple[float, float], ...]:
    from sozialraum.demo.osm_lines import to_lonlat

    lon, lat = to_lonlat(xy[path])
    return tuple(zip(lon.tolist(), lat.tolist()))


def stops_along(path: list[int], xy: np.ndarray, spacing_m: float, must: set[int], registry: dict,
                snap_m: float = 90.0) -> tuple[list[int], np.ndarray]:
    """Stop nodes along a node path (every ``spacing_m``, the ends and the ``must`` nodes), reusing a stop
    already in ``registry`` (node -> stop) within ``snap_m``; and the path distance between consecutive stops."""
    seg = np.hypot(*np.diff(xy[path], axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    chosen, last = [0], 0.0
    for k in range(1, len(path)):
        end = k == len(path) - 1
        if end or path[k] in must or (cum[k] - last >= spacing_m and cum[-1] - cum[k] >= 0.5 * spacing_m):
            chosen.append(k)
            last = cum[k]
    nodes = []
    for k in chosen:
        node = path[k]
        if node not in registry and registry:
            known = np.array(list(registry))
            d = np.hypot(*(xy[known] - xy[node]).T)
            if d.min() < snap_m:
                node = int(known[np.argmin(d)])
        if node not in registry:
            registry[node] = None
        if not nodes or nodes[-1] != node:
            nodes.append(node)
    dist = np.array([max(np.hypot(*(xy[a] - xy[b])), 1.0) for a, b in zip(nodes[:-1], nodes[1:])])
    ratio = cum[-1] / max(dist.sum(), 1.0)  # path length between stops ≈ straight distance × overall detour
    return nodes, dist * ratio


# ---------------------------------------------------------------- Musterstadt's lines

TRAM_DAY = {
    "mo-fr": (Band("04:40", "05:59", 20), Band("06:00", "19:00", 10), Band("19:15", "23:00", 15),
              Band("23:30", "24:30", 30)),
    "sa": (Band("05:30", "08:59", 20), Band("09:00", "19:00", 10), Band("19:20", "24:30", 20)),
    "so": (Band("07:00", "09:59", 30), Band("10:00", "20:00", 20), Band("20:30", "24:00", 30)),
}
BUS_DAY = {
    "mo-fr": (Band("05:10", "05:59", 30), Band("06:00", "19:00", 20), Band("19:30", "22:00", 30),
              Band("23:00", "23:00", 60)),
    "sa": (Band("06:30", "08:59", 30), Band("09:00", "18:00", 20), Band("18:30", "21:30", 30)),
    "so": (Band("09:00", "20:00", 60),),
}
SHIFT_BUS = {"mo-fr": (Band("05:00", "08:30", 20), Band("13:00", "14:30", 30), Band("15:30", "18:00", 30))}


def build_feed(net, plan, seed: int):
    """The tables of the Musterstadt feed and facts about it."""
    from scipy.sparse.csgraph import dijkstra

    from sozialraum.demo import names
    from sozialraum.demo.network import CAR_HIGHWAYS
    from sozialraum.demo.osm_lines import to_lonlat
    from sozialraum.demo.plan import AFFLUENT, ESTATE, HOT_INNER

    rng = np.random.default_rng([seed, 11])
    xy = net.xy
    car = net.graph(CAR_HIGHWAYS)
    reach = np.isfinite(dijkstra(car, indices=net.centre_node))
    ok = np.flatnonzero(reach)

    def node(x, y):
        return int(ok[np.argmin(np.hypot(xy[ok, 0] - x, xy[ok, 1] - y))])

    zone = {z.name: node(z.x, z.y) for z in plan.zones}
    estates = [z.name for z in plan.zones_of(ESTATE)]
    hbf = zone[plan.zones_of(HOT_INNER)[0].name]
    centre = net.centre_node
    cx, cy = plan.centre
    rr = float(np.mean(plan.radius_at(np.linspace(0, 2 * np.pi, 36))))

    def edge_of_town(theta):
        return node(cx + 0.85 * rr * np.cos(theta), cy + 0.85 * rr * np.sin(theta))

    def angle(name):
        z = next(z for z in plan.zones if z.name == name)
        return np.arctan2(z.y - cy, z.x - cx)

    aff = [z.name for z in plan.zones_of(AFFLUENT)]
    specs = [  # id, short, type, waypoints, spacing, speed, bands, colour
        ("T1", "1", TRAM, [zone[estates[0]], centre, zone[estates[1]]], 500, 21, TRAM_DAY, "C0392B"),
        ("T2", "2", TRAM, [zone[estates[2]], hbf, centre, zone["Gewerbegebiet"]], 500, 21, TRAM_DAY, "8E44AD"),
        ("B31", "31", BUS, [hbf, zone[aff[0]], edge_of_town(angle(aff[0]))], 400, 19, BUS_DAY, "2471A3"),
        ("B32", "32", BUS, [edge_of_town(angle(aff[1])), zone[aff[1]], centre, zone["Kleingärten"]], 400, 19,
         BUS_DAY, "17A589"),
        ("B33", "33", BUS, [zone[estates[0]], zone[aff[0]], zone["Gewerbegebiet"], zone[estates[1]]], 400, 19,
         BUS_DAY, "D68910"),
        ("B34", "34", BUS, [edge_of_town(angle(estates[2]) + 1.2), hbf, centre, edge_of_town(angle(estates[1]) - 0.9)],
         400, 19, BUS_DAY, "566573"),
        ("B38", "38", BUS, [hbf, zone["Industriegebiet Am Kanal"]], 450, 22, SHIFT_BUS, "7F8C8D"),
    ]
    registry: dict[int, None] = {}
    for n in (centre, hbf):
        registry[n] = None
    paths = []
    for spec in specs:
        way = spec[3]
        path = [way[0]]
        for a, b in zip(way[:-1], way[1:]):
            _, pred = dijkstra(car, indices=a, return_predecessors=True)
            seg = [b]
            while seg[-1] != a:
                seg.append(int(pred[seg[-1]]))
            path += seg[::-1][1:]
        paths.append(path)
    lines_nodes = []
    for spec, path in zip(specs, paths):
        nodes, dist = stops_along(path, xy, spec[4], set(spec[3]), registry)
        lines_nodes.append((nodes, dist))

    stop_nodes = sorted(registry)
    street = iter(names.street_names(rng, len(stop_nodes)))
    label = {centre: "Zentrum", hbf: "Hauptbahnhof"}
    for z in plan.zones:
        if zone[z.name] in registry and zone[z.name] not in label:
            label[zone[z.name]] = z.name
    stop_id = {n: f"S{i + 1:03d}" for i, n in enumerate(stop_nodes)}
    lon, lat = to_lonlat(xy[stop_nodes])
    stops = pd.DataFrame({"stop_id": [stop_id[n] for n in stop_nodes],
                          "stop_name": [label.get(n) or next(street) for n in stop_nodes],
                          "stop_lat": lat, "stop_lon": lon})
    lines = []
    for (rid, short, rtype, way, spacing, speed, bands, colour), (nodes, dist), path in zip(specs, lines_nodes,
                                                                                          paths):
        kind = "Straßenbahn" if rtype == TRAM else "Bus"
        first = stops.stop_name[stops.stop_id == stop_id[nodes[0]]].iloc[0]
        last = stops.stop_name[stops.stop_id == stop_id[nodes[-1]]].iloc[0]
        lines.append(Line(rid, short, f"{kind} {first} – {last}", rtype, tuple(stop_id[n] for n in nodes),
                          running_seconds(dist, speed, 20), bands, colour, int(rng.integers(0, 8)),
                          shape=path_shape(xy, path)))
    agency = {"agency_id": "MVG", "agency_name": "Musterstädter Verkehrsgesellschaft (fiktiv)",
              "agency_url": "https://musterstadt.example/", "agency_timezone": "Europe/Berlin",
              "agency_lang": "de"}
    info = {"feed_publisher_name": "Sozialraum-Projekt (generiert, fiktiv)",
            "feed_publisher_url": "https://musterstadt.example/", "feed_lang": "de",
            "feed_start_date": f"{YEARS[0]}0101", "feed_end_date": f"{YEARS[-1]}1231", "feed_version": f"seed {seed}"}
    tables = feed_tables(agency, stops, lines, calendar_tables(), info)
    facts = {"lines": len(lines), "stops": len(stops), "trips": len(tables["trips.txt"]),
             "by_line": {ln.short_name: len(ln.stops) for ln in lines}}
    return Feed(tables, facts)


@dataclass(frozen=True)
class Feed:
    tables: dict
    facts: dict


def write_feed(path, feed: Feed):
    return write_gtfs(path, feed.tables)
