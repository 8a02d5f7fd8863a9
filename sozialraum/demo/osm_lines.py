"""Generated lines as OpenStreetMap ways: coordinates in WGS84, lines resampled, bridges where a line crosses
others, a motorway as two one-way carriageways with ramps. Shared by Musterstadt and the Musterkreis."""

from __future__ import annotations

import numpy as np

from sozialraum.demo.plan import EPSG
from sozialraum.io.osm_write import OsmWay


def to_lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    tr = Transformer.from_crs(f"EPSG:{EPSG}", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(xy[:, 0], xy[:, 1])
    return np.asarray(lon), np.asarray(lat)


def resample(line: np.ndarray, step: float) -> np.ndarray:
    seg = np.hypot(*np.diff(line, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    at = np.arange(0.0, s[-1], step)
    return np.column_stack([np.interp(at, s, line[:, 0]), np.interp(at, s, line[:, 1])])


def normals(line: np.ndarray) -> np.ndarray:
    d = np.gradient(line, axis=0)
    d = d / np.hypot(*d.T)[:, None]
    return np.column_stack([-d[:, 1], d[:, 0]])  # left of the direction of travel


def split_ways(nodes: list[int], line: np.ndarray, others: list, base: dict, start_id: int) -> list[OsmWay]:
    """Ways along ``nodes``; the segments that cross one of ``others`` become bridges of their own."""
    import shapely

    segs = shapely.linestrings(np.stack([line[:-1], line[1:]], axis=1))
    over = np.zeros(len(segs), dtype=bool)
    for g in others:
        over |= shapely.intersects(g, segs)
    ways, wid, k = [], start_id, 0
    while k < len(segs):
        j = k
        while j + 1 < len(segs) and over[j + 1] == over[k]:
            j += 1
        tags = dict(base) | ({"bridge": "yes", "layer": "1"} if over[k] else {})
        ways.append(OsmWay(wid, tuple(nodes[k:j + 2]), tags))
        wid, k = wid + 1, j + 1
    return ways


def ramps(line: np.ndarray, ids_f: list[int], ids_b: list[int], m: int, node_id: int, node_xy,
          first_way: int, reach: int = 3, both: bool = False) -> list[OsmWay]:
    """An off-ramp and an on-ramp (one-way motorway_link) between a street node and the carriageway on its side
    of the motorway at index ``m`` (the forward carriageway, towards increasing index, runs on the right);
    with ``both`` also to the far carriageway (the ramps pass the near one on a bridge)."""
    d = np.gradient(line, axis=0)[m]
    rel = np.asarray(node_xy) - line[m]
    lo, hi = max(m - reach, 0), min(m + reach, len(line) - 1)
    tags = {"highway": "motorway_link", "oneway": "yes", "maxspeed": "80"}
    forward = ((ids_f[lo], node_id), (node_id, ids_f[hi]))
    backward = ((ids_b[hi], node_id), (node_id, ids_b[lo]))
    right = d[0] * rel[1] - d[1] * rel[0] < 0
    pairs = (forward if right else backward) + ((backward if right else forward) if both else ())
    return [OsmWay(first_way + k, refs, dict(tags) | ({"bridge": "yes", "layer": "1"} if k >= 2 else {}))
            for k, refs in enumerate(pairs)]


def carriageways(line: np.ndarray, first_node: int, first_way: int, below: list, base: dict,
                 offset_m: float = 12.0):
    """Two one-way carriageways along ``line`` (driving on the right), each split into bridges where it
    crosses one of ``below``; and the turning links at both ends (the map ends, no dead end).
    Returns (xy of the new nodes, forward ids, backward ids, ways)."""
    normal = normals(line)
    fwd, bwd = line - offset_m * normal, line + offset_m * normal
    ids_f = list(range(first_node, first_node + len(line)))
    ids_b = list(range(first_node + len(line), first_node + 2 * len(line)))
    ways: list[OsmWay] = []
    for ids, cw in ((ids_f, fwd), (ids_b[::-1], bwd[::-1])):
        ways += split_ways(ids, cw, below, base, first_way + len(ways))
    turn = {"highway": "motorway_link", "oneway": "yes"}
    ways += [OsmWay(first_way + len(ways), (ids_f[-1], ids_b[-1]), turn),
             OsmWay(first_way + len(ways) + 1, (ids_b[0], ids_f[0]), dict(turn))]
    return np.vstack([fwd, bwd]), ids_f, ids_b, ways
