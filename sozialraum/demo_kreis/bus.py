"""The sparse bus network of the Musterkreis as a GTFS feed (Musterstadt's timetable helpers and writer).

A main line along the main valley through both towns (hourly on working days, every two hours on Saturdays, three
trips on Sundays), a line up each side valley and feeder lines to the uplands that run mostly for the schools
(school days only: early morning and early afternoon, a few more trips on all working days, nothing at weekends),
and a town bus in each town. Villages off these lines have no bus at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.demo.gtfs import (BUS, Band, Feed, Line, calendar_tables, feed_tables, path_shape, running_seconds,
                                  stops_along)
from sozialraum.demo.osm_lines import to_lonlat
from sozialraum.demo_kreis.names import KREIS

# School holidays of a fictional Land (assumed, not any Land's real dates).
SCHOOL_HOLIDAYS = (("2026-02-16", "2026-02-20"), ("2026-03-30", "2026-04-11"), ("2026-07-04", "2026-08-14"),
                   ("2026-10-12", "2026-10-24"), ("2026-12-23", "2027-01-02"), ("2027-02-01", "2027-02-06"),
                   ("2027-03-22", "2027-04-03"), ("2027-07-10", "2027-08-20"), ("2027-10-11", "2027-10-23"),
                   ("2027-12-23", "2027-12-31"))
MAIN = {"mo-fr": (Band("05:30", "19:30", 60), "21:30"), "sa": (Band("07:30", "17:30", 120),),
        "so": ("09:30", "13:30", "17:30")}
VALLEY = {"schule": ("06:05", "06:50", "13:05", "14:00", "15:35"), "mo-fr": ("08:40", "11:40", "16:40", "18:40"),
          "sa": ("08:40", "12:40")}
FEEDER = {"schule": ("06:15", "13:10", "14:05"), "mo-fr": ("09:10", "16:10")}
TOWN_A = {"mo-fr": (Band("06:00", "19:00", 30),), "sa": (Band("08:00", "13:00", 60),)}
TOWN_B = {"mo-fr": (Band("06:15", "18:15", 60),)}
MAX_FEEDERS = 8


def _path(graph, a: int, b: int) -> list[int]:
    from scipy.sparse.csgraph import dijkstra

    _, pred = dijkstra(graph, indices=a, return_predecessors=True)
    path = [b]
    while path[-1] != a:
        if pred[path[-1]] < 0:
            raise RuntimeError("Musterkreis: Buslinie ohne Straßenverbindung")
        path.append(int(pred[path[-1]]))
    return path[::-1]


def build_feed(roads, st: pd.DataFrame, town_names, seed: int) -> Feed:
    import shapely
    from scipy.sparse.csgraph import dijkstra

    rng = np.random.default_rng([seed, 19])
    car = roads.graph()
    node = roads.place_node
    core = [st.key[(st.town == t) & st.name.str.endswith("-Mitte")].iloc[0] for t in (0, 1)]
    place_of_node = {n: k for k, n in node.items()}
    specs = []  # route id, short name, waypoint nodes, bands, speed, colour

    main = st[(st.valley == 0) & (st.town < 0)]
    pos = shapely.line_locate_point(shapely.LineString(roads.rivers[0]), shapely.points(main[["x", "y"]].to_numpy()))
    ends = main.key.to_numpy()[np.argsort(pos)][[0, -1]]
    specs.append(("100", "100", [node[ends[0]], node[core[0]], node[core[1]], node[ends[1]]], MAIN, 48, "B03A2E"))
    towns_dist = dijkstra(car, indices=[node[c] for c in core])
    for v in range(1, len(roads.rivers)):
        members = st[(st.valley == v) & (st.town < 0)]
        if members.empty:
            continue
        far = members.key.to_numpy()[np.argmax(towns_dist.min(0)[[node[k] for k in members.key]])]
        t = int(np.argmin(towns_dist[:, node[far]]))
        specs.append((f"10{v}", f"10{v}", [node[core[t]], node[far]], VALLEY, 45, "1F618D"))
    parts_a = st.key[st.town == 0].tolist()
    parts_b = st.key[st.town == 1].tolist()
    specs.append(("A1", "A1", [node[k] for k in parts_a[1:3]], TOWN_A, 20, "229954"))
    specs.append(("A2", "A2", [node[k] for k in parts_a[3:5]] if len(parts_a) >= 5 else
                  [node[parts_a[3]], node[parts_a[0]]], TOWN_A, 20, "229954"))
    specs.append(("B1", "B1", [node[k] for k in parts_b[1:4]], TOWN_B, 20, "117A65"))

    paths, served = [], set()
    for spec in specs:
        path = []
        for a, b in zip(spec[2][:-1], spec[2][1:]):
            seg = _path(car, a, b)
            path += seg if not path else seg[1:]
        paths.append(path)
        served |= {place_of_node[n] for n in path if n in place_of_node}
    k = 0
    while k < MAX_FEEDERS:
        todo = [key for key in st.key if key not in served and np.isfinite(towns_dist[:, node[key]].min())]
        if not todo:
            break
        far = max(todo, key=lambda key: (towns_dist[:, node[key]].min(), key))
        t = int(np.argmin(towns_dist[:, node[far]]))
        k += 1
        spec = (f"2{k:02d}", f"2{k:02d}", [node[core[t]], node[far]], FEEDER, 42, "7D3C98")
        path = _path(car, node[core[t]], node[far])
        specs.append(spec)
        paths.append(path)
        served |= {place_of_node[n] for n in path if n in place_of_node}

    registry: dict[int, None] = {}
    lines_nodes = []
    for spec, path in zip(specs, paths):
        must = {n for n in path if n in place_of_node}
        nodes, dist = stops_along(path, roads.xy, 1e9, must, registry, snap_m=1.0)
        lines_nodes.append((nodes, dist))
    stop_nodes = sorted(registry)
    names = {}
    for n in stop_nodes:
        key = place_of_node[n]
        name = st.name[st.key == key].iloc[0]
        names[n] = f"{name.split('-')[0]}, Busbahnhof" if key in core else name
    stop_id = {n: f"MK{i + 1:03d}" for i, n in enumerate(stop_nodes)}
    lon, lat = to_lonlat(roads.xy[stop_nodes])
    stops = pd.DataFrame({"stop_id": [stop_id[n] for n in stop_nodes], "stop_name": [names[n] for n in stop_nodes],
                          "stop_lat": lat, "stop_lon": lon})
    lines = []
    for (rid, short, _, bands, speed, colour), (nodes, dist), path in zip(specs, lines_nodes, paths):
        lines.append(Line(rid, short, f"Bus {names[nodes[0]]} – {names[nodes[-1]]}", BUS,
                          tuple(stop_id[n] for n in nodes), running_seconds(dist, speed, 20), bands, colour,
                          int(rng.integers(0, 10)), shape=path_shape(roads.xy, path)))
    agency = {"agency_id": "VMK", "agency_name": f"Verkehrsgesellschaft {KREIS} (fiktiv)",
              "agency_url": "https://musterkreis.example/", "agency_timezone": "Europe/Berlin", "agency_lang": "de"}
    info = {"feed_publisher_name": "Sozialraum-Projekt (generiert, fiktiv)",
            "feed_publisher_url": "https://musterkreis.example/", "feed_lang": "de", "feed_start_date": "20260101",
            "feed_end_date": "20271231", "feed_version": f"seed {seed}"}
    tables = feed_tables(agency, stops, lines, calendar_tables(school_holidays=SCHOOL_HOLIDAYS), info)
    unserved = sorted(set(st.key) - {place_of_node[n] for n in stop_nodes})
    facts = {"lines": len(lines), "stops": len(stops), "trips": len(tables["trips.txt"]),
             "places_without_bus": len(unserved)}
    return Feed(tables, facts)
