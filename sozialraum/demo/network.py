"""The street network of Musterstadt, written as a real OpenStreetMap file for the routing engine.

Streets run along the edges of the city's Voronoi blocks (so Planungsraum boundaries are streets, as in real
cities). Three barriers each cut one Großwohnsiedlung off from the centre: a river with a few bridges (one of
them a footbridge), a railway with a few over- and underpasses, and a motorway (two one-way carriageways, no
pedestrians) with up to two interchanges and an underpass. Every other street that would cross a barrier is left
out (a piece cut off completely gets one crossing back), so network and straight-line reach differ where it
matters; one-way streets in the old town keep every street reachable by car. Hierarchy: primary radials from the centre to
the city limits, a secondary ring and secondary roads into the estates, residential streets elsewhere, tracks in
the forest, footways in the allotments and through the courtyards of the estates.

``build_network(plan, layout, seed) -> Network`` is pure (no files); ``write_demo_network(directory, seed)``
writes ``musterstadt.osm.pbf`` and the GTFS feed (``sozialraum.demo.gtfs``) into ``directory``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.demo.geometry import GRID
from sozialraum.demo.osm_lines import carriageways, ramps, resample, split_ways, to_lonlat
from sozialraum.demo.plan import ESTATE, CityPlan
from sozialraum.io.osm_write import OsmNodes, OsmWay, write_osm

OSM_FILE = "musterstadt.osm.pbf"
GTFS_FILE = "musterstadt-gtfs.zip"
NETWORK_SUFFIX = ".network"
CAR_HIGHWAYS = ("primary", "secondary", "tertiary", "residential", "unclassified")
CORRIDOR_M = {"river": 6.0, "railway": 8.0, "motorway": 22.0}  # no street within (carriageways at ±12 m)
BARRIER_EDGE = 0.45  # the barrier passes the estate this share of its radius from its centre, on the centre's side
ONEWAY_RADIUS_M = 1100.0  # one-way streets in the old town
ONEWAY_TRIES = 60
MIN_COMPONENT = 25  # street pieces with fewer nodes that no crossing reaches are dropped

# Crossings per barrier: (position along the barrier in metres from the point nearest the estate, kind).
# Positions are jittered by the seed; none is close to the estate, so its residents take a detour.
RIVER_CROSSINGS = ((-2700, "bridge"), (-1400, "bridge"), (1500, "bridge"), (2900, "footbridge"))
RAIL_CROSSINGS = ((-2100, "tunnel"), (1200, "bridge"), (2900, "tunnel"))
MOTORWAY_CROSSINGS = ((-1900, "interchange"), (1600, "tunnel"), (3100, "interchange"))


@dataclass(frozen=True)
class Barrier:
    kind: str  # river | railway | motorway
    name: str
    xy: np.ndarray  # (m, 2) centre line, metres
    estate: str  # the estate it cuts off


@dataclass(frozen=True)
class Network:
    xy: np.ndarray  # (n, 2) street nodes, metres (EPSG:25832); OSM node id = index + 1
    edges: pd.DataFrame  # u, v, length_m, highway, name, crossing (barrier kind or ''), kind (bridge, tunnel, …),
    #                      maxspeed, oneway, tags (the OSM tags)
    barriers: tuple[Barrier, ...]
    centre_node: int
    facts: dict = field(default_factory=dict)

    def graph(self, highways: tuple[str, ...] | None = None):
        """Undirected sparse graph of the streets (optionally only some highway values), weights in metres."""
        from scipy.sparse import coo_matrix

        e = self.edges if highways is None else self.edges[self.edges.highway.isin(highways)]
        n = len(self.xy)
        w = e.length_m.to_numpy()
        return coo_matrix((np.concatenate([w, w]), (np.concatenate([e.u, e.v]), np.concatenate([e.v, e.u]))),
                          shape=(n, n)).tocsr()


def network_dir(db_path: str | Path) -> Path:
    """Folder beside the store file where the demo's network files live: ``<stem>.network``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + NETWORK_SUFFIX)


# ---------------------------------------------------------------- streets from the blocks

def block_streets(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes (xy) and edges (u, v) along the block boundaries that two blocks share."""
    import shapely

    coords, owner = shapely.get_coordinates(shapely.get_exterior_ring(geoms), return_index=True)
    keys, vertex = np.unique(np.round(coords / GRID).astype(np.int64), axis=0, return_inverse=True)
    vertex = vertex.ravel()
    same = owner[:-1] == owner[1:]
    a, b = vertex[:-1][same], vertex[1:][same]
    keep = a != b
    pairs = np.sort(np.column_stack([a[keep], b[keep]]), axis=1)
    uniq, counts = np.unique(pairs, axis=0, return_counts=True)
    inner = uniq[counts >= 2]  # the city limit (one block only) is no street
    used, idx = np.unique(inner.ravel(), return_inverse=True)
    xy = keys[used] * GRID
    edges = idx.reshape(-1, 2)
    return xy, edges[:, 0], edges[:, 1]


def _chord(plan: CityPlan, towards: tuple[float, float], offset: float, amp: float, wavelength: float,
           phase: float, step: float) -> np.ndarray:
    """A line across the city, perpendicular to the direction of ``towards``, ``offset`` metres from the
    centre, meandering with amplitude ``amp``. Parameter 0 is the point nearest to ``towards``."""
    c = np.asarray(plan.centre)
    u = np.asarray(towards) - c
    u = u / np.hypot(*u)
    v = np.array([-u[1], u[0]])
    reach = 1.8 * float(plan.radius_at(np.linspace(0, 2 * np.pi, 90)).max())
    t = np.arange(-reach, reach + step, step)
    off = offset + amp * np.sin(2 * np.pi * t / wavelength + phase)
    return c + np.outer(off, u) + np.outer(t, v)


def _barriers(plan: CityPlan, rng: np.random.Generator) -> tuple[Barrier, ...]:
    estates = plan.zones_of(ESTATE)
    out = []
    specs = (("river", "Auel", 180.0, 3200.0, 40.0), ("railway", "Bahnstrecke Nord–Süd", 60.0, 9000.0, 100.0),
             ("motorway", "A 97", 120.0, 11000.0, 100.0))
    for (kind, name, amp, wl, step), z in zip(specs, estates):
        d = float(np.hypot(z.x - plan.centre[0], z.y - plan.centre[1]))
        offset = d - BARRIER_EDGE * z.radius - amp  # along the estate's inner edge, meandering away from it
        xy = _chord(plan, (z.x, z.y), offset, amp, wl, float(rng.uniform(0, 2 * np.pi)), 10.0)
        out.append(Barrier(kind, name, resample(xy, step), z.name))  # exactly the line written to the file
    return tuple(out)


def _arc_position(line, pts) -> np.ndarray:
    """Signed distance along ``line`` from the chord's middle (its parameter 0)."""
    import shapely

    return shapely.line_locate_point(line, pts) - line.length / 2


CROSSING_TAGS = {
    "bridge": {"bridge": "yes", "layer": "1"},
    "footbridge": {"bridge": "yes", "layer": "1"},
    "tunnel": {"tunnel": "yes", "layer": "-1"},
    "interchange": {"bridge": "yes", "layer": "1"},
}


def _cut(xy, u, v, barriers, rng) -> tuple[np.ndarray, list[str], list[str]]:
    """Remove the edges that cross a barrier except at the chosen crossings; keep the streets connected."""
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    lines = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))
    hits = np.zeros((len(barriers), len(u)), dtype=bool)
    across = np.zeros((len(barriers), len(u)), dtype=bool)  # crosses the line, both ends clear of it
    geoms = [shapely.LineString(b.xy) for b in barriers]
    for k, (b, g) in enumerate(zip(barriers, geoms)):
        corridor = g.buffer(CORRIDOR_M[b.kind])
        shapely.prepare(corridor)
        hits[k] = shapely.intersects(corridor, lines)
        cand = np.flatnonzero(hits[k])
        cand = cand[shapely.intersects(g, lines[cand])]
        clear = np.minimum(shapely.distance(shapely.points(xy[u[cand]]), g),
                           shapely.distance(shapely.points(xy[v[cand]]), g))
        across[k, cand[clear > CORRIDOR_M[b.kind] + 3.0]] = True
    crossing = np.full(len(u), "", dtype=object)
    kind = np.full(len(u), "", dtype=object)
    wanted = {"river": RIVER_CROSSINGS, "railway": RAIL_CROSSINGS, "motorway": MOTORWAY_CROSSINGS}
    single = hits.sum(0) == 1
    for k, (b, g) in enumerate(zip(barriers, geoms)):
        cand = np.flatnonzero(across[k] & single)
        if not len(cand):
            continue
        pos = _arc_position(g, shapely.intersection(lines[cand], g))
        for t, what in wanted[b.kind]:
            t = t + rng.uniform(-200, 200)
            free = np.array([crossing[c] == "" for c in cand])
            if not free.any():
                break
            j = np.argmin(np.where(free, np.abs(pos - t), np.inf))
            if abs(pos[j] - t) < 450:
                crossing[cand[j]], kind[cand[j]] = b.kind, what
    cut = hits.any(0) & (crossing == "")
    keep = ~cut
    # Re-open a crossing for every sizeable piece the barriers cut off completely.
    n = len(xy)
    while True:
        m = coo_matrix((np.ones(keep.sum()), (u[keep], v[keep])), shape=(n, n))
        ncomp, comp = connected_components(m, directed=False)
        sizes = np.bincount(comp, minlength=ncomp)
        main = int(np.argmax(sizes))
        cut_off = [c for c in np.argsort(-sizes) if c != main and sizes[c] >= MIN_COMPONENT]
        if not cut_off:
            break
        c = cut_off[0]
        links = np.flatnonzero(~keep & single & across.any(0) & ((comp[u] == c) ^ (comp[v] == c)))
        if not len(links):
            keep &= ~((comp[u] == c) | (comp[v] == c))  # nothing reaches it: drop it
            continue
        j = links[0]
        keep[j] = True
        b = int(np.argmax(hits[:, j]))
        crossing[j] = barriers[b].kind
        kind[j] = "bridge" if barriers[b].kind == "river" else "tunnel"
    m = coo_matrix((np.ones(keep.sum()), (u[keep], v[keep])), shape=(n, n))
    _, comp = connected_components(m, directed=False)
    main = int(np.argmax(np.bincount(comp[np.unique(np.concatenate([u[keep], v[keep]]))])))
    keep &= comp[u] == main
    return keep, [str(c) for c in crossing[keep]], [str(k) for k in kind[keep]]


def _compact(xy, u, v):
    used, idx = np.unique(np.concatenate([u, v]), return_inverse=True)
    return xy[used], idx[: len(u)], idx[len(u):]


def _paths(graph, source: int, targets: list[int]) -> list[list[int]]:
    from scipy.sparse.csgraph import dijkstra

    dist, pred = dijkstra(graph, indices=source, return_predecessors=True)
    out = []
    for t in targets:
        if not np.isfinite(dist[t]):
            continue
        path = [t]
        while path[-1] != source:
            path.append(int(pred[path[-1]]))
        out.append(path[::-1])
    return out


def build_network(plan: CityPlan, layout, seed: int) -> Network:
    """The street network of one Musterstadt (pure: no files)."""
    from scipy.sparse.csgraph import dijkstra

    rng = np.random.default_rng([seed, 7])  # its own stream: the city's data stay as they were
    blocks = layout.blocks
    xy, u, v = block_streets(blocks.geoms)
    barriers = _barriers(plan, rng)
    keep, crossing, kind = _cut(xy, u, v, barriers, rng)
    xy, u, v = _compact(xy, u[keep], v[keep])
    mid = 0.5 * (xy[u] + xy[v])
    edges = pd.DataFrame({"u": u, "v": v, "length_m": np.hypot(*(xy[u] - xy[v]).T), "crossing": crossing,
                          "kind": kind})
    forest = plan.influence("forest", mid[:, 0], mid[:, 1]) > 0.3
    garden = plan.influence("allotments", mid[:, 0], mid[:, 1]) > 0.45
    industry = plan.influence("industrial", mid[:, 0], mid[:, 1]) > 0.5
    hw = np.where(forest, "track", np.where(garden, "footway", np.where(industry, "unclassified", "residential")))
    hw = np.where(edges.kind == "footbridge", "footway", hw)
    hw = np.where((edges.crossing != "") & (hw == "track"), "residential", hw)
    edges["highway"] = hw.astype(object)

    # Hierarchy on the drivable streets: radials, a ring, roads into the estates.
    centre = int(np.argmin(np.hypot(*(xy - np.asarray(plan.centre)).T)))
    net0 = Network(xy, edges, barriers, centre)
    car = net0.graph(CAR_HIGHWAYS)
    reach = np.isfinite(dijkstra(car, indices=centre))
    cand = np.flatnonzero(reach)
    cx, cy = plan.centre

    def nearest(px, py):
        return int(cand[np.argmin(np.hypot(xy[cand, 0] - px, xy[cand, 1] - py))])

    theta0 = rng.uniform(0, 2 * np.pi)
    angles = theta0 + np.arange(6) * np.pi / 3
    ends = [nearest(cx + 0.97 * r * np.cos(a), cy + 0.97 * r * np.sin(a))
            for a, r in zip(angles, plan.radius_at(angles))]
    estates = [nearest(z.x, z.y) for z in plan.zones_of(ESTATE)]
    ring_angles = theta0 + np.pi / 6 + np.arange(8) * np.pi / 4
    ring = [nearest(cx + 0.42 * r * np.cos(a), cy + 0.42 * r * np.sin(a))
            for a, r in zip(ring_angles, plan.radius_at(ring_angles))]
    lookup = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(edges.u, edges.v))}
    lookup.update({(b, a): i for (a, b), i in list(lookup.items())})
    level = np.zeros(len(edges), dtype=int)  # 2 primary, 1 secondary
    road_name = np.full(len(edges), "", dtype=object)
    names = _road_names(rng)

    def mark(path, lv, name):
        for a, b in zip(path[:-1], path[1:]):
            i = lookup[(a, b)]
            if lv > level[i]:
                level[i], road_name[i] = lv, name
            elif lv == level[i] and not road_name[i]:
                road_name[i] = name

    for k, p in enumerate(_paths(car, centre, ends)):
        mark(p, 2, names[k])
    for k, p in enumerate(_paths(car, centre, estates)):
        mark(p, 1, names[6 + k])
    for a, b in zip(ring, ring[1:] + ring[:1]):
        for p in _paths(car, a, [b]):
            mark(p, 1, "Ring")
    hw = edges.highway.to_numpy().copy()
    hw[level == 2] = "primary"
    hw[level == 1] = "secondary"
    hw[(edges.kind == "interchange").to_numpy() & (hw == "residential")] = "tertiary"
    edges["highway"] = hw
    edges["name"] = road_name
    edges = pd.concat([edges, _courtyard_paths(plan, blocks, xy, barriers, rng)], ignore_index=True)

    d_centre = np.hypot(*(0.5 * (xy[edges.u] + xy[edges.v]) - np.asarray(plan.centre)).T)
    edges["maxspeed"] = _maxspeed(edges.highway.to_numpy(), d_centre, plan)
    edges["oneway"] = _oneway_streets(xy, edges, d_centre, rng)
    edges["tags"] = [_tags(r) for r in edges.itertuples()]
    net = Network(xy, edges, barriers, centre)
    return Network(xy, edges, barriers, centre, _facts(net, plan))


def _road_names(rng) -> list[str]:
    stems = ["Frankfurter", "Kasseler", "Eisenacher", "Fuldaer", "Göttinger", "Marburger", "Gießener",
             "Erfurter", "Bahnhof"]
    rng.shuffle(stems)
    return [f"{s} Straße" if not s.startswith("Bahnhof") else "Bahnhofstraße" for s in stems[:6]] + \
        ["Heideweg", "Sonnenallee", "Hochstraße"]


def _courtyard_paths(plan, blocks, xy, barriers, rng) -> pd.DataFrame:
    """Footways across the courtyards of the estates' blocks (pedestrians only)."""
    import shapely

    keys = np.round(xy / GRID).astype(np.int64)
    index = {tuple(k): i for i, k in enumerate(keys)}
    est = plan.influence(ESTATE, blocks.xy[:, 0], blocks.xy[:, 1])
    lines = [shapely.LineString(b.xy) for b in barriers]
    rows = []
    for b in np.flatnonzero(est > 0.35):
        if rng.uniform() > 0.6:
            continue
        ring = shapely.get_coordinates(blocks.geoms[b].exterior)[:-1]
        ids = [index.get(tuple(np.round(p / GRID).astype(np.int64))) for p in ring]
        ids = [i for i in ids if i is not None]
        if len(ids) < 4:
            continue
        pts = xy[ids]
        d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
        i, j = np.unravel_index(np.argmax(d), d.shape)
        seg = shapely.LineString([pts[i], pts[j]])
        if not seg.within(blocks.geoms[b].buffer(0.05)) or any(seg.intersects(g) for g in lines):
            continue
        rows.append({"u": ids[i], "v": ids[j], "length_m": float(d[i, j]), "crossing": "", "kind": "",
                     "highway": "footway", "name": ""})
    return pd.DataFrame(rows, columns=["u", "v", "length_m", "crossing", "kind", "highway", "name"])


def _maxspeed(hw: np.ndarray, d_centre: np.ndarray, plan: CityPlan) -> np.ndarray:
    out = np.full(len(hw), "", dtype=object)
    out[hw == "residential"] = np.where(d_centre[hw == "residential"] < 2500, "30", "50")
    out[hw == "unclassified"] = "50"
    out[hw == "secondary"] = "50"
    outer = d_centre > 0.75 * float(np.mean(plan.radius_at(np.linspace(0, 2 * np.pi, 36))))
    out[hw == "primary"] = np.where(outer[hw == "primary"], "70", "50")
    return out


def _tags(r) -> dict:
    tags = {"highway": r.highway}
    if r.name:
        tags["name"] = r.name
    if r.maxspeed:
        tags["maxspeed"] = r.maxspeed
    if r.highway == "track":
        tags["tracktype"] = "grade2"
    if r.oneway:
        tags["oneway"] = "yes"
    if r.kind:
        tags.update(CROSSING_TAGS[r.kind])
    return tags


def _strong_parts(n: int, edges: pd.DataFrame, oneway: np.ndarray) -> int:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    car = edges.highway.isin(CAR_HIGHWAYS).to_numpy()
    two = car & ~oneway
    src = np.concatenate([edges.u[car], edges.v[two]])
    dst = np.concatenate([edges.v[car], edges.u[two]])
    return connected_components(coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)), directed=True,
                                connection="strong")[0]


def _oneway_streets(xy, edges: pd.DataFrame, d_centre: np.ndarray, rng) -> np.ndarray:
    """One-way residential streets in the old town, each kept only if every street stays reachable by car
    (the number of strongly connected parts of the car network does not grow)."""
    oneway = np.zeros(len(edges), dtype=bool)
    cand = np.flatnonzero((edges.highway == "residential").to_numpy() & (d_centre < ONEWAY_RADIUS_M)
                          & (edges.kind == "").to_numpy())
    base = _strong_parts(len(xy), edges, oneway)
    for i in rng.permutation(cand)[:ONEWAY_TRIES]:
        oneway[i] = True
        if _strong_parts(len(xy), edges, oneway) > base:
            oneway[i] = False
    return oneway


def _facts(net: Network, plan: CityPlan) -> dict:
    from scipy.sparse.csgraph import dijkstra

    e = net.edges
    foot = net.graph(tuple(e.highway.unique()))
    detour = {}
    for b in net.barriers:
        z = next(z for z in plan.zones_of(ESTATE) if z.name == b.estate)
        i = _nearest(net.xy, z.x, z.y)
        u = np.array([z.x, z.y]) - np.asarray(plan.centre)
        across = b.xy[len(b.xy) // 2] - 300.0 * u / np.hypot(*u)  # 300 m beyond the barrier, towards the centre
        j = _nearest(net.xy, *across)
        walk = float(dijkstra(foot, indices=i)[j])
        detour[z.name] = round(walk / float(np.hypot(*(net.xy[i] - net.xy[j]))), 2)
    return {
        "nodes": len(net.xy),
        "edges": len(e),
        "km": round(float(e.length_m.sum()) / 1000, 1),
        "highways": e.highway.value_counts().sort_index().to_dict(),
        "oneway_streets": int(e.oneway.sum()),
        "crossings": {b.kind: int((e.crossing == b.kind).sum()) for b in net.barriers},
        "barriers": {b.kind: b.estate for b in net.barriers},
        "detour_across_barrier": detour,  # network ÷ straight line, estate centre → just across its barrier
    }


def _nearest(xy: np.ndarray, x: float, y: float) -> int:
    return int(np.argmin(np.hypot(xy[:, 0] - x, xy[:, 1] - y)))


# ---------------------------------------------------------------- OSM objects

def to_osm(net: Network) -> tuple[OsmNodes, list[OsmWay], dict]:
    """All nodes and ways of the network (streets, river, railway, motorway with ramps) in WGS84."""
    import shapely

    xy_all = [net.xy]
    ways: list[OsmWay] = []
    for i, r in enumerate(net.edges.itertuples()):
        ways.append(OsmWay(i + 1, (int(r.u) + 1, int(r.v) + 1), r.tags))
    next_node = len(net.xy) + 1
    next_way = 1_000_001
    node_tags: dict = {}
    below: list = []
    for b in net.barriers:  # river first, then railway over it, then the motorway over both
        line = b.xy
        if b.kind == "motorway":
            base = {"highway": "motorway", "ref": b.name, "oneway": "yes", "maxspeed": "120", "lanes": "2"}
            xy_new, ids_f, ids_b, new = carriageways(line, next_node, next_way, below, base)
            next_node += len(xy_new)
            xy_all.append(xy_new)
            ways += new
            next_way += len(new)
            new = _interchanges(net, line, ids_f, ids_b, next_way)
            ways += new
            next_way += len(new)
        else:
            ids = list(range(next_node, next_node + len(line)))
            next_node += len(line)
            xy_all.append(line)
            base = ({"waterway": "river", "name": b.name} if b.kind == "river"
                    else {"railway": "rail", "usage": "main", "name": b.name, "maxspeed": "120"})
            new = split_ways(ids, line, below, base, next_way)
            ways += new
            next_way += len(new)
            if b.kind == "railway":
                k = int(np.argmin(np.hypot(*(line - np.asarray(net.xy[net.centre_node])).T)))
                node_tags[ids[k]] = {"railway": "station", "name": "Musterstadt Hbf"}
        below.append(shapely.LineString(b.xy))
    xy = np.vstack(xy_all)
    lon, lat = to_lonlat(xy)
    return OsmNodes(np.arange(1, len(xy) + 1, dtype=np.int64), lon, lat), ways, node_tags


def _interchanges(net: Network, line, ids_f, ids_b, first_way: int) -> list[OsmWay]:
    """Ramps from the bridge ends of each interchange to both carriageways."""
    ways = []
    for r in net.edges[net.edges.kind == "interchange"].itertuples():
        midpoint = 0.5 * (net.xy[r.u] + net.xy[r.v])
        m = int(np.argmin(np.hypot(*(line - midpoint).T)))
        for node in (int(r.u), int(r.v)):
            ways += ramps(line, ids_f, ids_b, m, node + 1, net.xy[node], first_way + len(ways))
    return ways


# ---------------------------------------------------------------- files

def city(seed: int):
    """Plan and layout of the Musterstadt of ``seed`` (the same draws as ``sozialraum.demo.generate``)."""
    from sozialraum.demo.layout import make_layout
    from sozialraum.demo.plan import make_plan

    rng = np.random.default_rng(seed)
    plan = make_plan(rng)
    return plan, make_layout(plan, rng)


def write_demo_network(directory: str | Path, seed: int) -> dict:
    """Write ``musterstadt.osm.pbf`` and ``musterstadt-gtfs.zip`` into ``directory``; facts about them."""
    from sozialraum.demo import gtfs

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    plan, layout = city(seed)
    net = build_network(plan, layout, seed)
    nodes, ways, node_tags = to_osm(net)
    write_osm(directory / OSM_FILE, nodes, ways, node_tags=node_tags, generator="sozialraum demo (fiktiv)")
    feed = gtfs.build_feed(net, plan, seed)
    gtfs.write_feed(directory / GTFS_FILE, feed)
    return {"folder": str(directory), "osm": str(directory / OSM_FILE), "gtfs": str(directory / GTFS_FILE),
            **net.facts, "lines": feed.facts}
