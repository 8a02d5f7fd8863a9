"""The road network of the Musterkreis, written as OSM through the same writer as Musterstadt's streets.

Regional roads join the places: a Bundesstraße along the main valley, Landesstraßen up the side valleys,
Kreisstraßen and small roads between neighbouring villages (a spanning tree of the Delaunay graph, so every place
is reachable, plus some shortcuts), field and forest tracks on the uplands. Each village has a few residential
streets, each town part a street grid. All lines are noded (a node wherever two of them cross), so every
junction is a junction. An Autobahn passes both towns, with an interchange and a feeder road for each, and
crosses the rest on bridges; rivers run along the valleys and every road over them is a bridge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum.demo.osm_lines import carriageways, ramps, resample, split_ways, to_lonlat
from sozialraum.demo_kreis.plan import KreisPlan
from sozialraum.io.osm_write import OsmNodes, OsmWay

CAR_HIGHWAYS = ("primary", "secondary", "tertiary", "unclassified", "residential")
RANK = {"primary": 5, "secondary": 4, "tertiary": 3, "unclassified": 2, "residential": 1, "track": 0}
RURAL_SPEED = {"primary": "100", "secondary": "100", "tertiary": "100", "unclassified": "70"}
MOTORWAY_REF = "A 79"
RIVER_NAMES = ("Werra", "Schmalwasser", "Hasel", "Lauter")


@dataclass(frozen=True)
class Roads:
    xy: np.ndarray  # nodes, metres
    edges: pd.DataFrame  # u, v, highway, ref, length_m, bridge
    place_node: dict  # Ortsteil key -> node index
    rivers: tuple[np.ndarray, ...]
    motorway: np.ndarray
    junctions: tuple[int, ...]  # feeder ends at the Autobahn (node indices)
    facts: dict = field(default_factory=dict)

    def graph(self, highways=CAR_HIGHWAYS):
        from scipy.sparse import coo_matrix

        e = self.edges[self.edges.highway.isin(highways)]
        n = len(self.xy)
        w = e.length_m.to_numpy()
        return coo_matrix((np.concatenate([w, w]), (np.concatenate([e.u, e.v]), np.concatenate([e.v, e.u]))),
                          shape=(n, n)).tocsr()


def _wobbly(a, b, rng, step=300.0) -> np.ndarray:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    length = float(np.hypot(*(b - a)))
    n = max(1, int(round(length / step)))
    t = np.linspace(0, 1, n + 1)
    d = (b - a) / max(length, 1e-9)
    normal = np.array([-d[1], d[0]])
    amp = min(0.05 * length, 250.0) * rng.uniform(-1, 1)
    return a + np.outer(t, b - a) + np.outer(amp * np.sin(np.pi * t), normal)


def _regional(plan: KreisPlan, st: pd.DataFrame, rng) -> list[tuple[np.ndarray, str, str]]:
    """Polylines between places with (highway, ref)."""
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial import Delaunay

    xy = st[["x", "y"]].to_numpy()
    n = len(xy)
    tri = Delaunay(xy)
    pairs = set()
    for s in tri.simplices:
        for a, b in ((s[0], s[1]), (s[1], s[2]), (s[0], s[2])):
            pairs.add((int(min(a, b)), int(max(a, b))))
    pairs = sorted(pairs)
    length = np.array([np.hypot(*(xy[a] - xy[b])) for a, b in pairs])
    mst = minimum_spanning_tree(coo_matrix((length, ([a for a, _ in pairs], [b for _, b in pairs])), shape=(n, n)))
    in_mst = set(zip(*[x.tolist() for x in mst.nonzero()]))
    in_mst = {(min(a, b), max(a, b)) for a, b in in_mst}
    valley_pairs: dict[tuple[int, int], int] = {}
    for v, line in enumerate(plan.valleys):
        g = shapely.LineString(line)
        members = st.index[(st.valley == v) & ((st.town < 0) | st.name.str.endswith("-Mitte"))].to_numpy()
        if v > 0:  # a side valley starts at the nearest place of the main valley
            start = np.asarray(line[0])
            on_main = st.index[(st.valley == 0) & ((st.town < 0) | st.name.str.endswith("-Mitte"))].to_numpy()
            members = np.append(members, on_main[np.argmin(np.hypot(*(xy[on_main] - start).T))])
        pos = shapely.line_locate_point(g, shapely.points(xy[members]))
        seq = members[np.argsort(pos)]
        for a, b in zip(seq[:-1], seq[1:]):
            valley_pairs[(int(min(a, b)), int(max(a, b)))] = v
    outline = plan.outline()
    out = []
    k_ref = 100
    chosen = set(valley_pairs) | in_mst
    for (a, b), d in zip(pairs, length):
        if (a, b) not in chosen and d < 5200 and rng.uniform() < 0.4:
            mid = 0.5 * (xy[a] + xy[b])
            if outline.contains(shapely.Point(mid)):
                chosen.add((a, b))
    for a, b in sorted(chosen):
        towns = st.town[a] >= 0 or st.town[b] >= 0
        if (a, b) in valley_pairs:
            v = valley_pairs[(a, b)]
            hw, ref = ("primary", "B 199") if v == 0 else ("secondary", f"L {1020 + v}")
        elif st.town[a] >= 0 and st.town[a] == st.town[b]:
            hw, ref = "secondary", ""
        elif (a, b) not in in_mst and st.kind[a] == "upland" and st.kind[b] == "upland" and rng.uniform() < 0.35:
            hw, ref = "track", ""
        elif towns or min(st.residents[a], st.residents[b]) >= 400:
            k_ref += int(rng.integers(1, 9))
            hw, ref = "tertiary", f"K {k_ref}"
        else:
            hw, ref = "unclassified", ""
        out.append((_wobbly(xy[a], xy[b], rng), hw, ref))
    return out


def _streets(st: pd.DataFrame, rng) -> list[tuple[np.ndarray, str, str]]:
    """Residential streets: a grid in every town part, a few streets (some joined at their ends) in villages."""
    out = []
    for r in st.itertuples():
        c = np.array([r.x, r.y])
        if r.town >= 0:
            half, step = (3, 170.0) if r.name.endswith("-Mitte") else (2, 200.0)
            ticks = np.arange(-half, half + 1) * step
            for t in ticks:
                out.append((np.column_stack([c[0] + ticks, np.full(len(ticks), c[1] + t)]), "residential", ""))
                out.append((np.column_stack([np.full(len(ticks), c[0] + t), c[1] + ticks]), "residential", ""))
            continue
        k = int(np.clip(1 + r.residents // 300, 2, 8))
        angles = rng.uniform(0, 2 * np.pi) + np.arange(k) * 2 * np.pi / k + rng.uniform(-0.25, 0.25, k)
        lengths = rng.uniform(160, 380, k) * (1 + r.residents / 4000)
        tips = c + np.column_stack([np.cos(angles), np.sin(angles)]) * lengths[:, None]
        for tip in tips:
            out.append((np.array([c, 0.5 * (c + tip), tip]), "residential", ""))
        if k >= 4:
            for a, b in zip(tips, np.roll(tips, -1, axis=0)):
                if rng.uniform() < 0.6:
                    out.append((np.array([a, b]), "residential", ""))
    return out


def _motorway(plan: KreisPlan, st: pd.DataFrame, rng) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """The Autobahn line (200 m steps) past both towns, and for each town the index of its interchange."""
    cores = [st.loc[(st.town == t) & st.name.str.endswith("-Mitte"), ["x", "y"]].to_numpy()[0] for t in (0, 1)]
    d = cores[1] - cores[0]
    d = d / np.hypot(*d)
    normal = np.array([-d[1], d[0]]) * (1 if rng.uniform() < 0.5 else -1)
    a, b = cores[0] + 2600 * normal, cores[1] + 2600 * normal
    reach = 2.6 * float(np.max(plan.radius_at(np.linspace(0, 2 * np.pi, 90))))
    t = np.arange(-reach, reach + 50, 50.0)
    base = a + np.outer(t, d)
    bend = 700 * np.sin(2 * np.pi * t / 30_000 + rng.uniform(0, 2 * np.pi))
    bend -= np.interp(0.0, t, bend) + (np.interp(float(np.hypot(*(b - a))), t, bend) - np.interp(0.0, t, bend)) * \
        t / max(float(np.hypot(*(b - a))), 1.0)  # still passes a and b
    line = base + np.outer(bend, normal)
    inside = plan.inside(line[:, 0], line[:, 1])
    keep = np.flatnonzero(inside)
    lo, hi = max(keep.min() - 80, 0), min(keep.max() + 80, len(line) - 1)  # 4 km beyond the border
    line = resample(line[lo:hi + 1], 200.0)
    junctions = []
    for c in cores:
        m = int(np.argmin(np.hypot(*(line - c).T)))
        towards = (c - line[m]) / np.hypot(*(c - line[m]))
        junctions.append((m, line[m] + 60.0 * towards))
    return line, junctions


def build_roads(plan: KreisPlan, st: pd.DataFrame, seed: int) -> Roads:
    """Noded road network of the Kreis (pure: no files)."""
    import shapely

    rng = np.random.default_rng([seed, 17])
    lines = _regional(plan, st, rng) + _streets(st, rng)
    motorway, junctions = _motorway(plan, st, rng)
    for t, (m, j) in enumerate(junctions):
        core = st.loc[(st.town == t) & st.name.str.endswith("-Mitte"), ["x", "y"]].to_numpy()[0]
        lines.append((_wobbly(core, j, rng), "primary", "B 199a" if t == 0 else "B 199b"))
    geoms = np.array([shapely.LineString(p) for p, _, _ in lines], dtype=object)
    rank = np.array([RANK[h] for _, h, _ in lines])
    noded = shapely.get_parts(shapely.union_all(geoms, grid_size=0.01))
    segs = []
    for piece in noded:
        c = shapely.get_coordinates(piece)
        segs += [c[k:k + 2] for k in range(len(c) - 1)]
    segs = np.array(segs)
    seg_geoms = shapely.linestrings(segs)
    mids = shapely.points(segs.mean(axis=1))
    tree = shapely.STRtree(geoms)
    inp, hit = tree.query(mids, predicate="dwithin", distance=0.05)
    best = pd.DataFrame({"seg": inp, "line": hit, "rank": rank[hit]}).sort_values(["seg", "rank", "line"],
                                                                                  ascending=[True, False, True])
    best = best.drop_duplicates("seg").set_index("seg").line.reindex(np.arange(len(segs)))
    if best.isna().any():  # a piece no input line explains: cannot happen with exact noding
        raise RuntimeError("Musterkreis: Straßenstück ohne Straße")
    src = best.to_numpy(dtype=int)
    keys, inv = np.unique(np.round(segs.reshape(-1, 2) / 0.01).astype(np.int64), axis=0, return_inverse=True)
    inv = inv.ravel().reshape(-1, 2)
    xy = keys * 0.01
    ok = inv[:, 0] != inv[:, 1]
    rivers = tuple(resample(v, 100.0) for v in plan.valleys if len(v) > 1)
    river_geom = shapely.union_all([shapely.LineString(r) for r in rivers])
    motor_geom = shapely.LineString(motorway).buffer(20.0)
    edges = pd.DataFrame({
        "u": inv[ok, 0], "v": inv[ok, 1], "highway": [lines[i][1] for i in src[ok]],
        "ref": [lines[i][2] for i in src[ok]], "length_m": shapely.length(seg_geoms[ok]),
        "bridge": shapely.intersects(river_geom, seg_geoms[ok]) | shapely.intersects(motor_geom, seg_geoms[ok]),
    })
    edges = edges.drop_duplicates(["u", "v"]).reset_index(drop=True)
    place = {}
    for r in st.itertuples():
        place[r.key] = int(np.argmin(np.hypot(xy[:, 0] - r.x, xy[:, 1] - r.y)))
    junction_nodes = tuple(int(np.argmin(np.hypot(*(xy - j).T))) for _, j in junctions)
    roads = Roads(xy, edges, place, rivers, motorway, junction_nodes,
                  {"junction_index": [m for m, _ in junctions]})
    return Roads(xy, edges, place, rivers, motorway, junction_nodes, {**roads.facts, **_facts(roads, st)})


def _facts(roads: Roads, st: pd.DataFrame) -> dict:
    from scipy.sparse.csgraph import connected_components

    _, comp = connected_components(roads.graph(), directed=False)
    places = np.array(list(roads.place_node.values()))
    return {"nodes": len(roads.xy), "edges": len(roads.edges),
            "km": round(float(roads.edges.length_m.sum()) / 1000, 1),
            "highways": roads.edges.highway.value_counts().sort_index().to_dict(),
            "bridges": int(roads.edges.bridge.sum()),
            "places_connected_by_car": bool(len(set(comp[places])) == 1)}


def to_osm(roads: Roads, st: pd.DataFrame) -> tuple[OsmNodes, list[OsmWay], dict]:
    """Roads, rivers and the Autobahn (with interchanges) as OSM nodes and ways in WGS84."""
    import shapely

    settled = np.zeros(len(roads.xy), dtype=bool)
    for r in st.itertuples():
        settled |= np.hypot(roads.xy[:, 0] - r.x, roads.xy[:, 1] - r.y) < (1100 if r.town >= 0 else 500)
    ways = []
    for i, r in enumerate(roads.edges.itertuples()):
        tags = {"highway": r.highway}
        if r.ref:
            tags["ref"] = r.ref
        if r.highway in RURAL_SPEED:
            tags["maxspeed"] = "50" if settled[r.u] and settled[r.v] else RURAL_SPEED[r.highway]
        elif r.highway == "residential":
            tags["maxspeed"] = "30" if settled[r.u] else "50"
        else:
            tags["tracktype"] = "grade3"
        if r.bridge:
            tags.update({"bridge": "yes", "layer": "1"})
        ways.append(OsmWay(i + 1, (int(r.u) + 1, int(r.v) + 1), tags))
    xy_all = [roads.xy]
    next_node, next_way = len(roads.xy) + 1, 1_000_001
    below = []
    for k, line in enumerate(roads.rivers):
        ids = list(range(next_node, next_node + len(line)))
        next_node += len(line)
        xy_all.append(line)
        new = split_ways(ids, line, [], {"waterway": "river", "name": RIVER_NAMES[k % len(RIVER_NAMES)]}, next_way)
        ways += new
        next_way += len(new)
        below.append(shapely.LineString(line))
    base = {"highway": "motorway", "ref": MOTORWAY_REF, "oneway": "yes", "maxspeed": "none", "lanes": "2"}
    xy_new, ids_f, ids_b, new = carriageways(roads.motorway, next_node, next_way, below, base)
    xy_all.append(xy_new)
    ways += new
    next_way += len(new)
    for m, node in zip(roads.facts["junction_index"], roads.junctions):
        new = ramps(roads.motorway, ids_f, ids_b, m, node + 1, roads.xy[node], next_way, reach=2, both=True)
        ways += new
        next_way += len(new)
    xy = np.vstack(xy_all)
    lon, lat = to_lonlat(xy)
    return OsmNodes(np.arange(1, len(xy) + 1, dtype=np.int64), lon, lat), ways, {}
